"""The facilitator's run sheet for the day: the tables with names, organisations and areas, and the
meeting notes ("det tager vi med") of the leader groups whose members come. Notes only: never a
leader's own answers, shared or not."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from course_app.core.db import db
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import Module
from course_app.organisations.models import LeaderGroup
from course_app.reflections.models import MeetingNote
from course_app.schedule.event_models import Event
from course_app.workshops import roster, tables
from course_app.workshops.roster import Person


@dataclass(frozen=True)
class GroupNote:
    group: str
    organisation_id: int
    module: str
    text: str


@dataclass(frozen=True)
class RunSheet:
    tables: list[tuple[int, list[Person]]]
    unseated: list[Person]  # said "kommer" but have no seat yet
    notes: list[GroupNote]


def build(event: Event) -> RunSheet:
    seats = tables.seats_of(event)
    coming = roster.coming(event)
    seated = {person.user_id: person for person in roster.people([s.user_id for s in seats])}
    by_table: dict[int, list[Person]] = {}
    for seat in seats:
        by_table.setdefault(seat.table_number, []).append(seated[seat.user_id])
    group_ids = {p.group_id for p in [*seated.values(), *coming] if p.group_id is not None}
    return RunSheet(
        tables=[
            (number, sorted(people, key=lambda p: (p.organisation, danish_sort_key(p.name))))
            for number, people in sorted(by_table.items())
        ],
        unseated=[person for person in coming if person.user_id not in seated],
        notes=_notes(event, group_ids),
    )


def _notes(event: Event, group_ids: set[int]) -> list[GroupNote]:
    if not group_ids:
        return []
    rows = db.session.execute(
        select(LeaderGroup.name, LeaderGroup.organisation_id, Module.title, MeetingNote.text)
        .join(LeaderGroup, LeaderGroup.id == MeetingNote.group_id)
        .join(Module, Module.id == MeetingNote.module_id)
        .where(
            MeetingNote.cohort_id == event.cohort_id,
            MeetingNote.group_id.in_(sorted(group_ids)),
            MeetingNote.text != "",
        )
        .order_by(LeaderGroup.organisation_id, LeaderGroup.name, Module.position)
    )
    return [GroupNote(group, org, module, text) for group, org, module, text in rows]
