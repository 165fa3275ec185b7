"""The table plan as its page shows it: the tables with their people and explanations, who still
needs a seat, who sits but no longer comes, the hard rules broken (per table) and the soft scores."""

from __future__ import annotations

from dataclasses import dataclass

from course_app.schedule.event_models import Event
from course_app.workshops import roster, tables
from course_app.workshops.model import Evaluation, Violation
from course_app.workshops.model import Table as ExplainedTable
from course_app.workshops.models import WorkshopSettings
from course_app.workshops.roster import Person


@dataclass(frozen=True)
class Seat:
    person: Person
    moved: bool  # her table differs from the published one (she hears it when published again)


@dataclass(frozen=True)
class TableView:
    number: int
    seats: list[Seat]
    explanation: ExplainedTable | None
    violations: list[Violation]

    @property
    def organisations(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for seat in self.seats:
            counts[seat.person.organisation] = counts.get(seat.person.organisation, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class PlanPage:
    settings: WorkshopSettings
    tables: list[TableView]
    unseated: list[Person]  # said "kommer", have no seat
    not_coming: list[Person]  # have a seat, no longer say "kommer"
    evaluation: Evaluation | None
    coming: int
    changed_since_publication: int

    @property
    def plan_violations(self) -> list[Violation]:
        """Broken rules that belong to no single table."""
        if self.evaluation is None:
            return []
        return [violation for violation in self.evaluation.violations if violation.table is None]

    @property
    def new_table(self) -> int:
        """The number a person moved to a new table gets: one past the plan's highest (tables are
        numbered 1…n, so that is their count plus one)."""
        return len(self.tables) + 1


def build(event: Event) -> PlanPage:
    """The page's data with the planner's input read once (the evaluation and the explanations
    share it) and the people read with the attendees (only those seated but no longer coming are
    read apart)."""
    settings = tables.settings_of(event)
    seats = tables.seats_of(event)
    coming = roster.coming(event)
    people = {person.user_id: person for person in coming}
    coming_ids = set(people)
    seated_ids = {seat.user_id for seat in seats}
    people.update((person.user_id, person) for person in roster.people(seated_ids - coming_ids))
    evaluation, explained = None, {}
    if seats:
        request = tables.plan_request(event, settings, coming)
        evaluation = tables.evaluate(request, seats)
        explained = tables.explained_tables(request, seats)
    violations_at: dict[int | None, list[Violation]] = {}
    for violation in evaluation.violations if evaluation else ():
        violations_at.setdefault(violation.table, []).append(violation)
    by_table: dict[int, list[Seat]] = {}
    for seat in seats:
        moved = settings.published_at is not None and seat.published_table != seat.table_number
        by_table.setdefault(seat.table_number, []).append(Seat(people[seat.user_id], moved))
    views = [
        TableView(
            number,
            sorted(members, key=lambda seat: (seat.person.organisation, seat.person.name)),
            explained.get(number),
            violations_at.get(number, []),
        )
        for number, members in sorted(by_table.items())
    ]
    return PlanPage(
        settings=settings,
        tables=views,
        unseated=[person for person in coming if person.user_id not in seated_ids],
        not_coming=[people[user_id] for user_id in sorted(seated_ids - coming_ids)],
        evaluation=evaluation,
        coming=len(coming),
        changed_since_publication=sum(1 for table in views for seat in table.seats if seat.moved),
    )


def broken_by_move(event: Event, moved: tables.Moved) -> list[str]:
    """The hard rules broken at the tables a move touched (and by the plan as a whole), as the
    message shown right after the move."""
    page = build(event)
    touched = {moved.before, moved.after}
    return [
        str(violation.message)
        for violation in (page.evaluation.violations if page.evaluation else ())
        if violation.table is None or violation.table in touched
    ]
