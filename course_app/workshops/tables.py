"""A workshop's table plan in the database: the planner's input read from who said "kommer", its plan
written as seats, moves by hand, and publishing.

Every change names the plan version the facilitator saw; when someone else changed the plan in the
meantime (another facilitator, another tab) the change is refused and nothing is lost but a click.
Leaders see the plan as it was last *published*: moves after that reach them, with an e-mail, when
the plan is published again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from course_app.audit.services import record
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.organisations.access import Viewer
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops import areas, explain, roster, scoring
from course_app.workshops.evaluation import evaluate_plan
from course_app.workshops.model import (
    Evaluation,
    GroupPolicy,
    PlanRequest,
    PlanResult,
    PlanSettings,
)
from course_app.workshops.model import Table as ExplainedTable
from course_app.workshops.models import TableSeat, WorkshopSettings
from course_app.workshops.planner import plan_tables
from course_app.workshops.roster import Person


class PlanChanged(ServiceError):
    """The plan changed since the page was shown."""


def plan_changed() -> PlanChanged:
    return PlanChanged(
        _l(
            "Bordplanen er blevet ændret, siden du åbnede siden (måske i en anden fane eller af en "
            "anden facilitator). Se den nye plan herunder, og prøv igen."
        )
    )


def audit_change(event: Event, actor: Viewer, action: str, summary: str) -> None:
    """One audit entry per change to a workshop's plan (names of people never go in it)."""
    record(
        actor_id=actor.user_id,
        action=action,
        object_type="event",
        object_key=str(event.id),
        summary=summary,
    )


# --- Settings -----------------------------------------------------------------------------------


def settings_of(event: Event) -> WorkshopSettings:
    """The workshop's settings row, or the defaults (not added to the session) when it has none."""
    settings = db.session.scalar(
        select(WorkshopSettings).where(WorkshopSettings.event_id == event.id)
    )
    if settings is not None:
        return settings
    return WorkshopSettings(
        event_id=event.id,
        min_size=PlanSettings().min_size,
        max_size=PlanSettings().max_size,
        max_tables=None,
        group_policy=GroupPolicy.SPREAD,
        seed=0,
        version=0,
        materials="",
    )


def claim_version(
    event: Event, seen_version: int, actor: Viewer, now: dt.datetime
) -> WorkshopSettings:
    """The settings row, its version raised by one, when ``seen_version`` is still current; else
    ``PlanChanged``. A conditional UPDATE (or the unique event id, for the first change), so two
    changes sent from the same page view cannot both pass, on SQLite and PostgreSQL."""
    require_open_round(event.cohort_id)
    settings = db.session.scalar(
        select(WorkshopSettings).where(WorkshopSettings.event_id == event.id)
    )
    if settings is None:
        if seen_version != 0:
            raise plan_changed()
        settings = settings_of(event)
        settings.version = 1
        settings.updated_at = now
        settings.updated_by_id = actor.user_id
        try:
            with db.session.begin_nested():
                db.session.add(settings)
        except IntegrityError:
            raise plan_changed() from None
        return settings
    changed = db.session.execute(
        update(WorkshopSettings)
        .where(WorkshopSettings.id == settings.id, WorkshopSettings.version == seen_version)
        .values(version=WorkshopSettings.version + 1, updated_at=now, updated_by_id=actor.user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise plan_changed()
    db.session.refresh(settings)
    return settings


def plan_settings(settings: WorkshopSettings) -> PlanSettings:
    return PlanSettings(
        min_size=settings.min_size,
        max_size=settings.max_size,
        group_policy=settings.group_policy,
        max_tables=settings.max_tables,
    )


# --- The planner's input ------------------------------------------------------------------------


def _workshop_one(event: Event) -> Event | None:
    if event.number != 2:
        return None
    return db.session.scalar(
        select(Event).where(
            Event.cohort_id == event.cohort_id, Event.kind == EventKind.WORKSHOP, Event.number == 1
        )
    )


def previous_pairs(event: Event) -> frozenset[tuple[int, int]]:
    """Who sat at one table at workshop 1 of the same round (for workshop 2's plan)."""
    first = _workshop_one(event)
    if first is None:
        return frozenset()
    tables: dict[int, list[int]] = {}
    for user_id, number in db.session.execute(
        select(TableSeat.user_id, TableSeat.table_number).where(TableSeat.event_id == first.id)
    ):
        tables.setdefault(number, []).append(user_id)
    return frozenset(
        (a, b) for members in tables.values() for a in members for b in members if a < b
    )


def plan_request(event: Event, settings: WorkshopSettings, coming: list[Person]) -> PlanRequest:
    return PlanRequest(
        attendees=tuple(person.as_attendee() for person in coming),
        correspondence=areas.correspondence_pairs(),
        settings=plan_settings(settings),
        previous_pairs=previous_pairs(event),
        seed=settings.seed,
    )


# --- Making, changing and publishing a plan -------------------------------------------------------


@dataclass(frozen=True)
class SettingsInput:
    min_size: int
    max_size: int
    max_tables: int | None
    group_policy: GroupPolicy
    seed: int


def make_plan(
    event: Event, data: SettingsInput, *, seen_version: int, actor: Viewer, now: dt.datetime
) -> PlanResult:
    """Propose tables for everyone who said "kommer" and save them as the plan (replacing the one
    before; a published plan stays published, and who moved hears it when it is published again).
    A refusal changes nothing but the settings."""
    settings = claim_version(event, seen_version, actor, now)
    settings.min_size, settings.max_size = data.min_size, data.max_size
    settings.max_tables, settings.group_policy, settings.seed = (
        data.max_tables,
        data.group_policy,
        data.seed,
    )
    result = plan_tables(plan_request(event, settings, roster.coming(event)))
    if result.plan is None:
        db.session.flush()
        return result
    # (A Result has .keys(), so dict() would take it for a mapping: unpack the rows instead.)
    published = {
        user_id: table
        for user_id, table in db.session.execute(
            select(TableSeat.user_id, TableSeat.published_table).where(
                TableSeat.event_id == event.id
            )
        )
    }
    db.session.execute(delete(TableSeat).where(TableSeat.event_id == event.id))
    for table in result.plan.tables:
        for user_id in table.attendee_ids:
            db.session.add(
                TableSeat(
                    event_id=event.id,
                    user_id=user_id,
                    table_number=table.number,
                    published_table=published.get(user_id),
                )
            )
    settings.planned_at = now
    audit_change(
        event, actor, "workshop.plan", f"{len(result.plan.tables)} borde, frø {settings.seed}"
    )
    db.session.flush()
    return result


@dataclass(frozen=True)
class Moved:
    before: int | None  # None: she had no seat
    after: int


def move(
    event: Event,
    user_id: int,
    table_number: int,
    *,
    seen_version: int,
    actor: Viewer,
    now: dt.datetime,
) -> Moved:
    """Seat one attendee at a table (an existing one, or the next new one). Breaking a rule is
    allowed: the plan page says which, and publishing asks for a confirmation. Tables stay
    numbered 1…n, so her new table's number is what ``Moved.after`` says."""
    seats = {seat.user_id: seat for seat in seats_of(event)}
    coming_ids = {person.user_id for person in roster.coming(event)}
    if user_id not in seats and user_id not in coming_ids:
        raise ServiceError(_l("Personen er ikke tilmeldt workshoppen."))
    highest = max((seat.table_number for seat in seats.values()), default=0)
    if not 1 <= table_number <= highest + 1:
        raise ServiceError(_l("Skriv et bordnummer fra 1 til %(highest)d.", highest=highest + 1))
    claim_version(event, seen_version, actor, now)
    seat = seats.get(user_id)
    before = None if seat is None else seat.table_number
    if seat is None:
        seat = TableSeat(event_id=event.id, user_id=user_id, table_number=table_number)
        db.session.add(seat)
    else:
        emptied = seat.table_number
        seat.table_number = table_number
        if all(other.table_number != emptied for other in seats.values()):
            _close_gap(seats.values(), emptied)
    audit_change(event, actor, "workshop.move", f"person {user_id} → bord {table_number}")
    db.session.flush()
    return Moved(before, seat.table_number)


def _close_gap(seats, emptied: int) -> None:
    """Tables stay numbered 1…n: when a move empties a table, the ones after it move down a number
    (their people hear it when the plan is published again)."""
    for seat in seats:
        if seat.table_number > emptied:
            seat.table_number -= 1


def seats_of(event: Event) -> list[TableSeat]:
    return list(
        db.session.scalars(
            select(TableSeat).where(TableSeat.event_id == event.id).order_by(TableSeat.id)
        )
    )


def evaluate(request: PlanRequest, seats: list[TableSeat]) -> Evaluation:
    """The hard rules the plan as it stands breaks, and its soft scores."""
    tables: dict[int, list[int]] = {}
    for seat in seats:
        tables.setdefault(seat.table_number, []).append(seat.user_id)
    ordered = [tables[number] for number in sorted(tables)]
    return evaluate_plan(request, ordered)


def explained_tables(request: PlanRequest, seats: list[TableSeat]) -> dict[int, ExplainedTable]:
    """Each table's explanation ("Børn og unge ↔ Dagtilbud og skole"), for the seats as they are."""
    population = scoring.index(request)
    position = {attendee.id: index for index, attendee in enumerate(population.attendees)}
    tables: dict[int, list[int]] = {}
    for seat in seats:
        if seat.user_id in position:
            tables.setdefault(seat.table_number, []).append(position[seat.user_id])
    return {
        number: explain.explain(population, number, members)
        for number, members in sorted(tables.items())
    }
