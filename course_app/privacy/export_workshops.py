"""The joint workshops in a person's data export: her answers and attendance, her table at each
published plan (the number only: her table mates are other people's data), and the workshops she
was asked to run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.schedule.event_models import Event
from course_app.workshops.models import TableSeat, WorkshopFacilitator, WorkshopSignup

# Tables of the workshops that the export carries (section names in brackets), and those it leaves
# out on purpose, with the reason (privacy/export.py joins them to its own lists).
WORKSHOP_TABLES = frozenset(
    {
        "workshop_signups",  # [workshops]: her answer and whether she came
        "table_seats",  # [workshops]: her table at the published plan
        "workshop_facilitators",  # [workshops_run]: the workshops she was asked to run
    }
)
WORKSHOP_TABLES_NOT_EXPORTED = {
    "workshop_settings": "who last changed a table plan: the audit entries (exported) say the same",
    "area_correspondences": "who paired two areas: the audit entries (exported) say the same",
}


def workshops(user: User, row) -> list[dict[str, Any]]:
    """Per workshop of hers: the round, the workshop, her answer, whether she came, her table."""
    seats = dict(
        (event_id, table)
        for event_id, table in db.session.execute(
            select(TableSeat.event_id, TableSeat.published_table).where(
                TableSeat.user_id == user.id
            )
        )
    )
    answers = {
        signup.event_id: signup
        for signup in db.session.scalars(
            select(WorkshopSignup).where(WorkshopSignup.user_id == user.id)
        )
    }
    event_ids = sorted(set(seats) | set(answers))
    if not event_ids:
        return []
    events = db.session.execute(
        select(Event, Cohort.name)
        .join(Cohort, Cohort.id == Event.cohort_id)
        .where(Event.id.in_(event_ids))
        .order_by(Event.starts_at, Event.id)
    ).all()
    result = []
    for event, round_name in events:
        signup = answers.get(event.id)
        result.append(
            row(
                round=round_name,
                workshop=event.title,
                starts_at=event.starts_at,
                coming=None if signup is None else signup.coming,
                answered_at=None if signup is None else signup.answered_at,
                attended=None if signup is None else signup.attended,
                table=seats.get(event.id),
            )
        )
    return result


def workshops_run(user: User, row) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Event, Cohort.name, WorkshopFacilitator.created_at)
        .join(Event, Event.id == WorkshopFacilitator.event_id)
        .join(Cohort, Cohort.id == Event.cohort_id)
        .where(WorkshopFacilitator.user_id == user.id)
        .order_by(Event.starts_at, Event.id)
    ).all()
    return [
        row(round=round_name, workshop=event.title, starts_at=event.starts_at, since=since)
        for event, round_name, since in rows
    ]
