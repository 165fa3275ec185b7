"""A supporter's time slots: checked input, offering a slot, cancelling one, and her list.

Times are typed as Copenhagen wall time and stored as UTC (``schedule.events.copenhagen_instant``:
a time the clock skips in spring is refused, a time it repeats in autumn means the first one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.text import checked_line
from course_app.organisations.access import Viewer
from course_app.schedule.events import copenhagen_instant
from course_app.service_check.models import (
    LENGTH_MAX_MINUTES,
    LENGTH_MIN_MINUTES,
    LINK_MAX_LENGTH,
    PLACE_MAX_LENGTH,
    ServiceCheckBooking,
    ServiceCheckSlot,
)

# A slot lies at most this far ahead: further is a typing mistake ("2062" for "2026").
FURTHEST_AHEAD = dt.timedelta(days=2 * 365)


class SlotProblems(ServiceError):
    """The slot was refused; ``problems`` maps each field to its message ("" for the whole slot)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class SlotInput:
    day: dt.date | None = None
    start: dt.time | None = None
    length_minutes: int | None = None
    place: str = ""
    online_link: str = ""


# The service check's own words for a line with control characters (a translated message).
_CONTROL_IN_LINE = _l("%(field)s må ikke indeholde linjeskift eller styretegn.")


def _checked_link(text: str, problems: dict[str, str]) -> str:
    link = checked_line(
        text,
        str(_l("Linket")),
        LINK_MAX_LENGTH,
        problems,
        "online_link",
        control_message=_CONTROL_IN_LINE,
    )
    if link and "online_link" not in problems:
        parts = urlsplit(link)
        if parts.scheme != "https" or not parts.hostname or " " in link:
            problems["online_link"] = str(
                _l("Linket skal være en hel https-adresse, fx https://meet.example.dk/servicetjek.")
            )
    return link


def _checked_start(data: SlotInput, now: dt.datetime, problems: dict[str, str]):
    if data.day is None:
        problems["day"] = str(_l("Skriv datoen."))
    if data.start is None:
        problems["start"] = str(_l("Skriv klokkeslættet."))
    if data.day is None or data.start is None:
        return None
    instant = copenhagen_instant(data.day, data.start)
    if instant is None:
        clock = data.start.strftime("%H.%M")
        problems["start"] = str(
            _l(
                "Klokken %(time)s findes ikke den dag (sommertid). Vælg et andet tidspunkt.",
                time=clock,
            )
        )
    elif instant <= now:
        problems["day"] = str(_l("Tiden er allerede forbi. Vælg en tid i fremtiden."))
    elif instant > now + FURTHEST_AHEAD:
        problems["day"] = str(_l("Tiden ligger mere end to år ude i fremtiden. Tjek årstallet."))
    return instant


def checked_slot(data: SlotInput, now: dt.datetime) -> tuple[dt.datetime, int, str, str]:
    """The slot's start (UTC), length, place and link; ``SlotProblems`` naming every field wrong."""
    problems: dict[str, str] = {}
    starts_at = _checked_start(data, now, problems)
    length = data.length_minutes
    if length is None or not LENGTH_MIN_MINUTES <= length <= LENGTH_MAX_MINUTES:
        problems["length_minutes"] = str(
            _l(
                "Varigheden skal være mellem %(least)s og %(most)s minutter.",
                least=LENGTH_MIN_MINUTES,
                most=LENGTH_MAX_MINUTES,
            )
        )
    place = checked_line(
        data.place,
        str(_l("Stedet")),
        PLACE_MAX_LENGTH,
        problems,
        "place",
        control_message=_CONTROL_IN_LINE,
    )
    link = _checked_link(data.online_link, problems)
    if not place and not link and "place" not in problems and "online_link" not in problems:
        problems["place"] = str(_l("Skriv et sted eller et link til et onlinemøde (eller begge)."))
    if problems:
        raise SlotProblems(problems)
    assert starts_at is not None and length is not None
    return starts_at, length, place, link


def _overlapping(supporter_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether the supporter already offers a time that overlaps (in any round)."""
    nearby = db.session.scalars(
        select(ServiceCheckSlot).where(
            ServiceCheckSlot.supporter_id == supporter_id,
            ServiceCheckSlot.cancelled_at.is_(None),
            ServiceCheckSlot.starts_at < ends_at,
            ServiceCheckSlot.starts_at > starts_at - dt.timedelta(minutes=LENGTH_MAX_MINUTES),
        )
    )
    return any(slot.ends_at > starts_at for slot in nearby)


def create_slot(
    viewer: Viewer, cohort: Cohort, data: SlotInput, *, now: dt.datetime
) -> ServiceCheckSlot:
    """Offer a time in the round (``cohort`` comes from ``access.round_for_supporter``)."""
    require_open_round(cohort)
    starts_at, length, place, link = checked_slot(data, now)
    ends_at = starts_at + dt.timedelta(minutes=length)
    if _overlapping(viewer.user_id, starts_at, ends_at):
        raise SlotProblems(
            {"start": str(_l("Du har allerede en tid, der overlapper. Vælg et andet tidspunkt."))}
        )
    slot = ServiceCheckSlot(
        cohort_id=cohort.id,
        supporter_id=viewer.user_id,
        starts_at=starts_at,
        length_minutes=length,
        place=place,
        online_link=link,
        created_at=now,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def cancel_slot(slot: ServiceCheckSlot, *, now: dt.datetime) -> ServiceCheckBooking | None:
    """Cancel one of the supporter's slots (from ``access.own_slot``). A booking on it is deleted
    and returned (detached from the session, its leader still loaded) so the caller can tell her."""
    require_open_round(slot.cohort)
    if slot.cancelled_at is not None:
        raise ServiceError(_l("Tiden er allerede aflyst."))
    if slot.starts_at <= now:
        raise ServiceError(_l("Tiden er forbi og kan ikke aflyses."))
    booking = db.session.scalar(
        select(ServiceCheckBooking)
        .options(joinedload(ServiceCheckBooking.user))
        .where(ServiceCheckBooking.slot_id == slot.id)
    )
    if booking is not None:
        db.session.delete(booking)
    slot.cancelled_at = now
    db.session.flush()
    return booking


@dataclass(frozen=True)
class SlotLine:
    slot: ServiceCheckSlot
    booking: ServiceCheckBooking | None


def supporter_slots(viewer: Viewer, cohort_id: int) -> list[SlotLine]:
    """The supporter's slots in a round, in time order, each with its booking (and leader)."""
    rows = db.session.execute(
        select(ServiceCheckSlot, ServiceCheckBooking)
        .outerjoin(ServiceCheckBooking, ServiceCheckBooking.slot_id == ServiceCheckSlot.id)
        .options(joinedload(ServiceCheckBooking.user))
        .where(
            ServiceCheckSlot.supporter_id == viewer.user_id,
            ServiceCheckSlot.cohort_id == cohort_id,
        )
        .order_by(ServiceCheckSlot.starts_at, ServiceCheckSlot.id)
    ).all()
    return [SlotLine(slot, booking) for slot, booking in rows]
