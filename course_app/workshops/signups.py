"""Who comes to a workshop, and who came: the leaders' "kommer / kommer ikke" and, on the day, the
facilitators' marks.

- ``answer``: a leader enrolled in the round answers for herself, until the workshop starts and
  while the round is open; answering again changes the answer.
- ``mark_attendance``: those who run the day (``WorkshopAccess.runs``) mark who came and who did
  not, for people enrolled in the round only; someone who never answered can be marked as came
  (her row then has ``coming`` NULL). Only the people named change: a form sends what changed
  relative to what it showed, so two phones marking at once do not undo each other's marks.
- ``roster`` and ``attendance_report`` read the round's people with organisation, area and current
  leader group (``roster.people_select``) in one query, whatever their number.

Services flush and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.i18n import danish_sort_key
from course_app.core.sql import insert_ignoring_duplicates
from course_app.organisations.access import Viewer
from course_app.schedule import event_access
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops import roster as people
from course_app.workshops.access import access_for
from course_app.workshops.models import WorkshopSignup


@dataclass(frozen=True)
class RosterRow:
    """One person enrolled in the workshop's round. ``coming``: True, False or None (no answer);
    ``attended``: True when marked as came."""

    user_id: int
    name: str
    organisation_id: int | None
    organisation: str | None
    area_id: int | None
    area: str | None
    group_id: int | None
    group: str | None
    coming: bool | None
    attended: bool
    active: bool


def _require_workshop(event: Event) -> None:
    if event.kind != EventKind.WORKSHOP:
        raise ServiceError(_l("Begivenheden er ikke en workshop."))


def _is_enrolled(event: Event, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(Enrolment.id).where(
                Enrolment.cohort_id == event.cohort_id, Enrolment.user_id == user_id
            )
        )
        is not None
    )


def signup_of(event: Event, user: User) -> WorkshopSignup | None:
    return db.session.scalar(
        select(WorkshopSignup).where(
            WorkshopSignup.event_id == event.id, WorkshopSignup.user_id == user.id
        )
    )


def _row_for_update(event: Event, user_id: int) -> WorkshopSignup:
    """The person's row, made when missing (a row another request made meanwhile is kept), and
    locked for the rest of the transaction on PostgreSQL."""
    db.session.execute(
        insert_ignoring_duplicates(WorkshopSignup).values(event_id=event.id, user_id=user_id)
    )
    row = db.session.scalar(
        select(WorkshopSignup)
        .where(WorkshopSignup.event_id == event.id, WorkshopSignup.user_id == user_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def answer(event: Event, user: User, coming: bool, now: dt.datetime) -> WorkshopSignup:
    """The leader's own answer. Raises ``NotAllowed`` for someone not enrolled in the round,
    ``ServiceError`` once the workshop has started, ``RoundClosed`` for a closed round."""
    _require_workshop(event)
    if not _is_enrolled(event, user.id):
        raise NotAllowed(_l("Kun ledere, der er tilmeldt forløbet, kan svare på workshoppen."))
    require_open_round(event.cohort)
    if now >= event.starts_at:
        raise ServiceError(_l("Workshoppen er begyndt, så du kan ikke længere ændre dit svar."))
    row = _row_for_update(event, user.id)
    if row.coming is not coming:
        row.coming = bool(coming)
        row.answered_at = now
    db.session.flush()
    return row


def mark_attendance(
    event: Event,
    actor: Viewer,
    now: dt.datetime,
    *,
    came: Collection[int] = (),
    did_not_come: Collection[int] = (),
) -> int:
    """Mark the people in ``came`` as came and those in ``did_not_come`` as not came; everyone else
    stays as they are. Every id must be a person enrolled in the round, or nothing changes
    (``ServiceError``). Returns how many rows changed."""
    _require_workshop(event)
    cohort_orgs = event_access.cohort_organisation_ids(event.cohort_id)
    if not access_for(actor, event, cohort_orgs).runs:
        raise NotAllowed(_l("Du kan ikke registrere fremmøde til denne workshop."))
    require_open_round(event.cohort)
    came, did_not_come = set(came), set(did_not_come)
    if came & did_not_come:
        raise ServiceError(_l("En person kan ikke både være mødt og ikke mødt."))
    wanted = came | did_not_come
    if not wanted:
        return 0
    possible = {user_id for user_id in wanted if is_possible_id(user_id)}
    enrolled = (
        set(
            db.session.scalars(
                select(Enrolment.user_id).where(
                    Enrolment.cohort_id == event.cohort_id, Enrolment.user_id.in_(sorted(possible))
                )
            )
        )
        if possible
        else set()
    )
    if wanted - enrolled:
        raise ServiceError(
            _l("Listen nævner personer, der ikke er tilmeldt forløbet. Indlæs siden igen.")
        )
    changed = 0
    for user_id in sorted(wanted):
        row = _row_for_update(event, user_id)
        attended = user_id in came
        if row.attended is not attended:
            row.attended = attended
            row.attendance_marked_at = now
            row.attendance_marked_by_id = actor.user_id
            changed += 1
    db.session.flush()
    return changed


# --- Reading ----------------------------------------------------------------------------------------


def roster(event: Event, now: dt.datetime) -> list[RosterRow]:
    """Everyone enrolled in the round with organisation, area, current group and answer, "kommer"
    first, then no answer, then "kommer ikke", each by name in Danish order. One query."""
    query = (
        people.people_select(now)
        .add_columns(WorkshopSignup.coming, WorkshopSignup.attended, User.deactivated_at)
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(
            WorkshopSignup,
            and_(WorkshopSignup.event_id == event.id, WorkshopSignup.user_id == User.id),
        )
        .where(Enrolment.cohort_id == event.cohort_id)
    )
    rows = []
    for row in people.first_per_person(db.session.execute(query)):
        person = people.person_from(row)
        coming, attended, deactivated = row[8:]
        rows.append(
            RosterRow(
                user_id=person.user_id,
                name=person.name,
                organisation_id=person.organisation_id,
                organisation=person.organisation or None,
                area_id=person.area_id,
                area=person.area,
                group_id=person.group_id,
                group=person.group,
                coming=coming,
                attended=bool(attended),
                active=deactivated is None,
            )
        )
    order = {True: 0, None: 1, False: 2}
    return sorted(rows, key=lambda row: (order[row.coming], danish_sort_key(row.name), row.user_id))
