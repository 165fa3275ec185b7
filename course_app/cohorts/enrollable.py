"""The rounds a person may enrol people into from a list (the people import's "Tilmeld forløb"):
the open rounds they run. Platform admins: every open round; coordinators: the open rounds their
organisation takes part in (as on the rounds pages, ``cohorts/round_access.py``). Closed rounds take nobody.

A posted choice is checked against the same list, so a forged id (another organisation's round, a
closed one, one that does not exist, a number no row can have) is refused, and a round outside the
person's list is refused with the same words as one that does not exist.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from course_app.cohorts.models import Cohort, cohort_organisations
from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db, is_possible_id
from course_app.core.errors import ServiceError
from course_app.organisations.access import Viewer


def enrollable_cohorts(viewer: Viewer) -> list[Cohort]:
    """The open rounds the person may enrol into, the latest start first (none for anyone without
    a rounds role)."""
    if not (viewer.is_platform_admin or viewer.coordinator_of):
        return []
    return list(
        db.session.scalars(
            _visible(viewer)
            .where(Cohort.closed_at.is_(None))
            .options(joinedload(Cohort.course), selectinload(Cohort.organisations))
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        )
    )


def enrollable_cohort(viewer: Viewer, value: object) -> Cohort | None:
    """The round chosen in a form (``value`` as posted: an id, or empty for none). ``RoundClosed``
    for a closed round of the person's; ``ServiceError`` for anything else not in their list."""
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    refused = ServiceError(_l("Vælg et forløb fra listen, eller vælg ikke at tilmelde nogen."))
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise refused
    cohort_id = int(text)
    if not is_possible_id(cohort_id) or not (viewer.is_platform_admin or viewer.coordinator_of):
        raise refused
    cohort = db.session.scalar(_visible(viewer).where(Cohort.id == cohort_id))
    if cohort is None:
        raise refused
    if cohort.is_closed:
        raise RoundClosed(cohort)
    return cohort


def _visible(viewer: Viewer):
    statement = select(Cohort)
    if not viewer.is_platform_admin:
        statement = statement.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(viewer.coordinator_of)
                )
            )
        )
    return statement
