"""Closing a round, and reopening it.

A closed round is read-only (``cohorts.read_only`` is the guard every writing service asks):
leaders still read everything, but nobody writes answers, shares, comments, marks lessons done or
writes meeting notes; the release table, enrolment, moving participants and the round's events can
no longer be changed; and no more e-mails are sent for it.

Who may: platform admins and coordinators of an organisation taking part close; only platform admins
reopen (``access.may_close_round``/``may_reopen_round``). ``by=None`` is the operator at the command
line. Each change has an audit entry; closing a closed round (a double click) or reopening an open
one is refused with ``AlreadyClosed``/``NotClosed`` and changes nothing. The round's row is locked
first (PostgreSQL), so two requests at once queue and the second finds the first's change.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.audit import services as audit
from course_app.cohorts.models import Cohort
from course_app.cohorts.round_access import may_close_round, may_reopen_round
from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.organisations.access import Viewer


class AlreadyClosed(ServiceError):
    """The round was closed already; nothing changed."""


class NotClosed(ServiceError):
    """The round is open; nothing to reopen."""


def close_round(cohort: Cohort, *, by: Viewer | None, now: dt.datetime) -> None:
    """Close the round from ``now`` on (flush only, with an audit entry)."""
    if by is not None and not may_close_round(by, cohort):
        raise NotAllowed(
            _l(
                "Et forløb lukkes af en platformsadministrator eller af koordinatoren, når kun hendes organisation deltager i det."
            )
        )
    if _stored_closed_at(cohort) is not None:
        raise AlreadyClosed(_l("Forløbet »%(name)s« er allerede lukket.", name=cohort.name))
    cohort.closed_at = now
    db.session.flush()
    audit.record(
        actor_id=by.user_id if by else None,
        action="closed",
        object_type="cohort",
        object_key=str(cohort.id),
        course_id=cohort.course_id,
        summary=f"Forløb lukket: {cohort.name}",
        details={"closed_at": now.isoformat()},
    )


def reopen_round(cohort: Cohort, *, by: Viewer | None, now: dt.datetime) -> None:
    """Open a closed round again (flush only, with an audit entry); platform admins only."""
    if by is not None and not may_reopen_round(by):
        raise NotAllowed(_l("Kun en platformsadministrator kan genåbne et lukket forløb."))
    closed_at = _stored_closed_at(cohort)
    if closed_at is None:
        raise NotClosed(_l("Forløbet »%(name)s« er ikke lukket.", name=cohort.name))
    cohort.closed_at = None
    db.session.flush()
    audit.record(
        actor_id=by.user_id if by else None,
        action="reopened",
        object_type="cohort",
        object_key=str(cohort.id),
        course_id=cohort.course_id,
        summary=f"Forløb genåbnet: {cohort.name}",
        details={"closed_at": closed_at.isoformat(), "reopened_at": now.isoformat()},
    )


def _stored_closed_at(cohort: Cohort) -> dt.datetime | None:
    """The round's ``closed_at`` as stored now, its row locked until the transaction ends (FOR NO
    KEY UPDATE on PostgreSQL; SQLite's writing transactions queue anyway)."""
    stored = db.session.execute(
        select(Cohort.closed_at).where(Cohort.id == cohort.id).with_for_update(key_share=True)
    ).scalar_one()
    return stored
