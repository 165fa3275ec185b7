"""A round's events: checked input, create, change and delete (with who may, ``event_access``), and
the look-ups the pages need.

Times are given as Copenhagen wall time (a day and a clock time, as people type them) and stored as
UTC instants. Two wall times need a decision:

* **Spring forward** (e.g. 28 March 2027, 02.00 → 03.00): 02.00–02.59 does not exist that night;
  such a time is refused with a message saying so.
* **Fall back** (e.g. 25 October 2026, 03.00 → 02.00): 02.00–02.59 happens twice. A typed time
  means the *first* occurrence (summer time, ``fold=0``), which is also how RFC 5545 reads a local
  time with a TZID, so the page, the database and every calendar agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db, is_possible_id, utcnow
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.core.i18n import COPENHAGEN
from course_app.core.text import (
    ALLOWED_IN_TEXT,
    checked_line,
    has_control_characters,
    normalised_text,
)
from course_app.courses.models import Module, ModuleMode, PublicationStatus
from course_app.organisations.access import Viewer
from course_app.organisations.models import LeaderGroup
from course_app.schedule import event_access
from course_app.schedule.event_models import (
    DESCRIPTION_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Event,
    EventKind,
)

# An event lies at most this far before the round starts or after it ends (or starts, without an
# end date): further away is a typing mistake ("2062" for "2026"), not a plan.
ROUND_MARGIN = dt.timedelta(days=365)
# Kinds a round has once.
SINGLE_KINDS = (EventKind.KICKOFF, EventKind.SERVICE_CHECK, EventKind.ROUND_END)


class EventProblems(ServiceError):
    """The input was refused; ``problems`` maps each field (the form's names) to its message, and
    ``""`` to a problem of the whole event."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class EventInput:
    """What a person types. Days and clock times are Copenhagen wall time; ``end_day`` defaults to
    ``day``. ``number`` is for workshops, ``group_id`` and ``module_id`` for leader meetings."""

    title: str = ""
    day: dt.date | None = None
    start: dt.time | None = None
    end_day: dt.date | None = None
    end: dt.time | None = None
    place: str = ""
    description: str = ""
    number: int | None = None
    group_id: int | None = None
    module_id: int | None = None


def copenhagen_instant(day: dt.date, time: dt.time) -> dt.datetime | None:
    """The UTC instant of a Copenhagen wall time: the first one when it happens twice; None when the
    clock skips it."""
    local = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0), tzinfo=COPENHAGEN)
    instant = local.astimezone(dt.UTC)
    if instant.astimezone(COPENHAGEN).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return instant


# --- Checking the input --------------------------------------------------------------------------------


def _checked_description(text: str, problems: dict[str, str]) -> str:
    text = normalised_text(text)
    if has_control_characters(text, ALLOWED_IN_TEXT):
        problems["description"] = str(
            _l("Beskrivelsen må ikke indeholde styretegn som NUL; linjeskift er fine.")
        )
    elif len(text) > DESCRIPTION_MAX_LENGTH:
        problems["description"] = str(
            _l(
                "Beskrivelsen må højst være %(most)s tegn; der står %(length)s.",
                most=DESCRIPTION_MAX_LENGTH,
                length=len(text),
            )
        )
    return text


def _round_window(cohort: Cohort) -> tuple[dt.date, dt.date]:
    return (cohort.starts_on - ROUND_MARGIN, (cohort.ends_on or cohort.starts_on) + ROUND_MARGIN)


def _checked_moment(
    day: dt.date | None, time: dt.time | None, time_key: str, problems: dict[str, str]
) -> dt.datetime | None:
    if day is None or time is None:
        return None
    instant = copenhagen_instant(day, time)
    if instant is None:
        skipped = {"time": f"{time:%H.%M}", "day": f"{day:%d.%m.%Y}"}
        problems[time_key] = str(
            _l(
                "Klokken %(time)s findes ikke %(day)s: uret springer en time frem til sommertid. "
                "Vælg et andet tidspunkt.",
                **skipped,
            )
        )
    return instant


@dataclass(frozen=True)
class _Checked:
    title: str
    place: str
    description: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def check_input(cohort: Cohort, data: EventInput) -> _Checked:
    """Every field checked at once; ``EventProblems`` names each field that is wrong."""
    problems: dict[str, str] = {}
    title = checked_line(data.title, str(_l("Titlen")), TITLE_MAX_LENGTH, problems, "title")
    if not title and "title" not in problems:
        problems["title"] = str(_l("Skriv en titel."))
    place = checked_line(data.place, str(_l("Stedet")), PLACE_MAX_LENGTH, problems, "place")
    description = _checked_description(data.description, problems)
    if data.day is None:
        problems["day"] = str(_l("Vælg begivenhedens dato (feltet Dato)."))
    if data.start is None:
        problems["start"] = str(_l("Skriv hvornår begivenheden starter (feltet Fra kl.)."))
    if data.end is None:
        problems["end"] = str(_l("Skriv hvornår begivenheden slutter (feltet Til kl.)."))
    first, last = _round_window(cohort)
    end_day = data.end_day or data.day
    for key, day in (("day", data.day), ("end_day", data.end_day)):
        if day is not None and not first <= day <= last and key not in problems:
            dates = {"day": day, "first": first, "last": last}
            problems[key] = str(
                _l(
                    "Datoen %(day)s ligger for langt fra forløbet: vælg en dato mellem "
                    "%(first)s og %(last)s.",
                    **{name: f"{value:%d.%m.%Y}" for name, value in dates.items()},
                )
            )
    starts_at = _checked_moment(data.day, data.start, "start", problems)
    ends_at = _checked_moment(end_day, data.end, "end", problems)
    if starts_at and ends_at and ends_at <= starts_at and "end" not in problems:
        problems["end"] = str(_l("Slutningen skal ligge efter starten (feltet Til kl.)."))
    if problems or starts_at is None or ends_at is None:
        raise EventProblems(problems)
    return _Checked(title, place, description, starts_at, ends_at)


# --- Creating, changing and deleting ----------------------------------------------------------------


def meeting_modules(cohort: Cohort) -> list[Module]:
    """The round's leader meetings in its course: the published group-mode modules, in order."""
    return list(
        db.session.scalars(
            select(Module)
            .where(
                Module.course_id == cohort.course_id,
                Module.mode == ModuleMode.GROUP,
                Module.status == PublicationStatus.PUBLISHED,
                Module.retired_at.is_(None),
            )
            .order_by(Module.position, Module.id)
        )
    )


def _clash(cohort: Cohort, kind: EventKind, data: EventInput, event: Event | None) -> str | None:
    """The message when the round already has this event (one kick-off, one workshop 1 …)."""
    query = select(Event.id).where(Event.cohort_id == cohort.id, Event.kind == kind)
    if kind == EventKind.WORKSHOP:
        query = query.where(Event.number == data.number)
        message = _l(
            "Forløbet har allerede workshop %(number)s. Ret den i stedet.", number=data.number
        )
    elif kind == EventKind.LEADER_MEETING and data.module_id is not None:
        query = query.where(Event.group_id == data.group_id, Event.module_id == data.module_id)
        message = _l("Ledergruppen har allerede en dato for dette ledermøde. Ret den i stedet.")
    elif kind in SINGLE_KINDS:
        message = _l("Forløbet har allerede en begivenhed af denne slags. Ret den i stedet.")
    else:
        return None
    if event is not None:
        query = query.where(Event.id != event.id)
    return str(message) if db.session.scalar(query.limit(1)) is not None else None


def _check_kind_fields(
    cohort: Cohort, kind: EventKind, data: EventInput, event: Event | None
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if kind == EventKind.WORKSHOP and data.number not in (1, 2):
        problems["number"] = str(_l("Vælg workshop 1 eller 2."))
    if kind == EventKind.LEADER_MEETING:
        modules = {module.id for module in meeting_modules(cohort)}
        if data.module_id is None and modules:
            problems["module"] = str(_l("Vælg hvilket ledermøde datoen gælder."))
        elif data.module_id is not None and data.module_id not in modules:
            problems["module"] = str(_l("Vælg et af forløbets ledermøder."))
    if not problems:
        clash = _clash(cohort, kind, data, event)
        if clash:
            key = {EventKind.WORKSHOP: "number", EventKind.LEADER_MEETING: "module"}.get(kind, "")
            problems[key] = clash
    return problems


def _check_all(cohort: Cohort, kind: EventKind, data: EventInput, event: Event | None) -> _Checked:
    """The fields and the kind's own rules, every problem at once."""
    problems = _check_kind_fields(cohort, kind, data, event)
    try:
        checked = check_input(cohort, data)
    except EventProblems as refused:
        raise EventProblems({**problems, **refused.problems}) from None
    if problems:
        raise EventProblems(problems)
    return checked


def _meeting_group(group_id: int | None, actor: Viewer, cohort_orgs: frozenset[int]) -> LeaderGroup:
    group = db.session.get(LeaderGroup, group_id) if is_possible_id(group_id) else None
    if group is None or not event_access.may_set_meetings(actor, group, cohort_orgs):
        raise EventProblems({"group": str(_l("Vælg en af de ledergrupper, du kan planlægge for."))})
    return group


def create_event(
    cohort: Cohort,
    kind: EventKind,
    data: EventInput,
    *,
    actor: Viewer,
    now: dt.datetime | None = None,
) -> Event:
    """A new event in the round, if the actor may set it, the round is open (``RoundClosed``) and
    every field holds."""
    now = now or utcnow()
    cohort_orgs = event_access.cohort_organisation_ids(cohort.id)
    group = None
    if kind == EventKind.LEADER_MEETING:
        if not event_access.settable_groups(actor, cohort_orgs):
            raise NotAllowed(_l("Du kan ikke planlægge ledermøder i dette forløb."))
        group = _meeting_group(data.group_id, actor, cohort_orgs)
    elif not event_access.may_set_round_events(actor, cohort_orgs):
        raise NotAllowed(_l("Du kan ikke planlægge forløbets fælles begivenheder."))
    require_open_round(cohort)
    checked = _check_all(cohort, kind, data, None)
    event = Event(
        cohort_id=cohort.id,
        kind=kind,
        number=data.number if kind == EventKind.WORKSHOP else None,
        group_id=group.id if group else None,
        module_id=data.module_id if group else None,
        created_at=now,
        updated_at=now,
        updated_by_id=actor.user_id,
    )
    _apply(event, checked)
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, data: EventInput, *, actor: Viewer, now: dt.datetime) -> Event:
    """Change an event's text, time, place (and a workshop's number or a meeting's question set);
    its round, kind and group stay."""
    cohort_orgs = event_access.cohort_organisation_ids(event.cohort_id)
    if not event_access.may_set(actor, event, cohort_orgs):
        raise NotAllowed(_l("Du kan ikke ændre denne begivenhed."))
    require_open_round(event.cohort)
    data = EventInput(**{**data.__dict__, "group_id": event.group_id})
    checked = _check_all(event.cohort, event.kind, data, event)
    if event.kind == EventKind.WORKSHOP:
        event.number = data.number
    if event.kind == EventKind.LEADER_MEETING:
        event.module_id = data.module_id
    _apply(event, checked)
    event.sequence += 1
    event.updated_at = now
    event.updated_by_id = actor.user_id
    db.session.flush()
    return event


def _apply(event: Event, checked: _Checked) -> None:
    event.title = checked.title
    event.place = checked.place
    event.description = checked.description
    event.starts_at = checked.starts_at
    event.ends_at = checked.ends_at


def delete_event(event: Event, *, actor: Viewer) -> None:
    if not event_access.may_set(
        actor, event, event_access.cohort_organisation_ids(event.cohort_id)
    ):
        raise NotAllowed(_l("Du kan ikke slette denne begivenhed."))
    require_open_round(event.cohort)
    db.session.delete(event)
    db.session.flush()


# --- Look-ups ------------------------------------------------------------------------------------------


def _with_parts():
    return (
        joinedload(Event.cohort).joinedload(Cohort.course),
        joinedload(Event.group),
        joinedload(Event.module),
    )


def event_by_id(event_id: int) -> Event:
    event = (
        db.session.scalar(select(Event).where(Event.id == event_id).options(*_with_parts()))
        if is_possible_id(event_id)
        else None
    )
    if event is None:
        raise NotFound(_l("Begivenheden findes ikke."))
    return event


def events_where(
    condition: ColumnElement[bool], *, limit: int | None = None, offset: int = 0
) -> list[Event]:
    """Events matching an SQL condition (e.g. ``event_access.followed_condition``), in time order."""
    query = (
        select(Event)
        .where(condition)
        .options(*_with_parts())
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
        .offset(offset or None)
    )
    return list(db.session.scalars(query).unique())


def meeting_event(cohort_id: int, group_id: int, module_id: int) -> Event | None:
    """The date and place a group set for one of its leader meetings."""
    return db.session.scalar(
        select(Event).where(
            Event.cohort_id == cohort_id,
            Event.group_id == group_id,
            Event.module_id == module_id,
        )
    )


@dataclass(frozen=True)
class MeetingDate:
    """A leader meeting on the group pages: its date and place (None: not set yet), and whether the
    person looking may set them."""

    event: Event | None
    may_set: bool


def meeting_date(viewer: Viewer, group: LeaderGroup, cohort: Cohort, module: Module) -> MeetingDate:
    """One query for a leader; one more for those whose role may let them set it."""
    may = False
    if viewer.is_platform_admin or viewer.coordinator_of or viewer.chair_of:
        cohort_orgs = event_access.cohort_organisation_ids(cohort.id)
        may = event_access.may_set_meetings(viewer, group, cohort_orgs)
    return MeetingDate(meeting_event(cohort.id, group.id, module.id), may)
