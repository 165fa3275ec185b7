"""A closed round is read-only: the one guard every service that writes into a round calls first.

Closing and reopening are ``rounds.closing``'s; this module only answers "may anything be written
into this round now?". It sits on the cohorts floor so that every floor above can ask it: enrolling
(``cohorts.enrolling``), the release table and moving participants (``rounds``), the calendar's
events (``schedule.events``), answers, sharing, comments and meeting notes (``reflections``) and
marking lessons done (``learning``). Views turn ``RoundClosed`` into a friendly page or a flash
message; nothing has been changed when it is raised.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course_app.cohorts.models import Cohort
from course_app.core.db import db, is_possible_id
from course_app.core.errors import ServiceError


class RoundClosed(ServiceError):
    """Nothing may be written into a closed round; the message says so in words for everyone."""

    def __init__(self, cohort: Cohort) -> None:
        super().__init__(
            _l(
                "Forløbet »%(name)s« er lukket, så der kan ikke længere ændres noget i det. "
                "Du kan stadig læse alt.",
                name=cohort.name,
            )
        )
        self.cohort = cohort


def require_open_round(cohort: Cohort | int) -> None:
    """Raise ``RoundClosed`` when the round (or the round with this id) is closed; a round that
    does not exist is the caller's business."""
    if isinstance(cohort, int):
        found = db.session.get(Cohort, cohort) if is_possible_id(cohort) else None
        if found is None:
            return
        cohort = found
    if cohort.is_closed:
        raise RoundClosed(cohort)
