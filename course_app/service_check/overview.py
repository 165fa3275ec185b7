"""What the pages list: a leader's rounds with her booking or the free slots, a supporter's day and
rounds, and the supporter's outcome note.

Every query starts from the person (``access``'s conditions); nothing here decides who may see a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import joinedload

from course_app.cohorts.models import Cohort, Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.i18n import COPENHAGEN
from course_app.core.text import ALLOWED_IN_TEXT, has_control_characters, normalised_text
from course_app.organisations.access import Viewer
from course_app.service_check import access
from course_app.service_check.booking import is_bookable_at, is_changeable
from course_app.service_check.models import (
    OUTCOME_MAX_LENGTH,
    ServiceCheckBooking,
    ServiceCheckSlot,
)


@dataclass(frozen=True)
class FreeDay:
    """A Copenhagen day with free slots, and how many."""

    day: dt.date
    count: int


@dataclass
class LeaderRound:
    """One round of the leader's: her booking, and the slots she can choose from. A round can offer
    hundreds of times (every supporter of a large municipality), so they come a day at a time:
    ``free_days`` lists the days, ``free`` the times of the chosen ``day``."""

    cohort: Cohort
    booking: ServiceCheckBooking | None = None
    free: list[ServiceCheckSlot] = field(default_factory=list)
    changeable: bool = False
    free_days: list[FreeDay] = field(default_factory=list)
    day: dt.date | None = None


def leader_rounds(
    viewer: Viewer, now: dt.datetime, day: dt.date | None = None
) -> list[LeaderRound]:
    """Her rounds (newest first), each with her booking, the days with free slots still bookable and
    the free slots of ``day`` (or, when that round has none that day, of its first day with any)."""
    cohorts = db.session.scalars(
        select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == viewer.user_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    ).all()
    if not cohorts:
        return []
    rounds = {cohort.id: LeaderRound(cohort) for cohort in cohorts}
    for booking in db.session.scalars(
        select(ServiceCheckBooking)
        .options(joinedload(ServiceCheckBooking.slot).joinedload(ServiceCheckSlot.supporter))
        .where(ServiceCheckBooking.user_id == viewer.user_id)
    ):
        line = rounds.get(booking.cohort_id)
        if line is not None:
            line.booking = booking
            line.changeable = is_changeable(booking.slot, now) and not line.cohort.is_closed
    _choose_days(rounds, viewer, now, day)
    windows = [
        and_(ServiceCheckSlot.cohort_id == line.cohort.id, *_day_window(line.day))
        for line in rounds.values()
        if line.day is not None
    ]
    if windows:
        for slot in db.session.scalars(
            select(ServiceCheckSlot)
            .options(joinedload(ServiceCheckSlot.supporter))
            .where(_free_for(viewer, now), or_(*windows))
            .order_by(ServiceCheckSlot.starts_at, ServiceCheckSlot.id)
        ):
            if is_bookable_at(slot.starts_at, now):
                rounds[slot.cohort_id].free.append(slot)
    return list(rounds.values())


def _free_for(viewer: Viewer, now: dt.datetime) -> ColumnElement[bool]:
    """SQL: slots the leader may book that are not cancelled, not booked and not past."""
    return and_(
        access.leader_slot_condition(viewer),
        ServiceCheckSlot.cancelled_at.is_(None),
        ServiceCheckSlot.starts_at > now,
        ServiceCheckSlot.id.not_in(select(ServiceCheckBooking.slot_id)),
    )


def _choose_days(
    rounds: dict[int, LeaderRound], viewer: Viewer, now: dt.datetime, day: dt.date | None
) -> None:
    """Each open round's days with free slots (from their start times only), and its chosen day."""
    counts: dict[int, dict[dt.date, int]] = {}
    for cohort_id, starts_at in db.session.execute(
        select(ServiceCheckSlot.cohort_id, ServiceCheckSlot.starts_at)
        .where(_free_for(viewer, now))
        .order_by(ServiceCheckSlot.starts_at)
    ):
        if rounds[cohort_id].cohort.is_closed or not is_bookable_at(starts_at, now):
            continue
        per_day = counts.setdefault(cohort_id, {})
        local = local_day(starts_at)
        per_day[local] = per_day.get(local, 0) + 1
    for cohort_id, per_day in counts.items():
        line = rounds[cohort_id]
        line.free_days = [FreeDay(free_day, count) for free_day, count in per_day.items()]
        line.day = day if day in per_day else line.free_days[0].day


def _day_window(day: dt.date) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """SQL: a slot starts on this Copenhagen day."""
    start, end = day_bounds(day)
    return ServiceCheckSlot.starts_at >= start, ServiceCheckSlot.starts_at < end


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of a Copenhagen day and of the next, in UTC (23 or 25 hours at DST)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=COPENHAGEN).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=COPENHAGEN).astimezone(
        dt.UTC
    )
    return start, end


# --- Supporters ----------------------------------------------------------------------------------


def supporter_rounds(viewer: Viewer) -> list[Cohort]:
    """The rounds she serves (open ones, and closed ones where she offered times)."""
    own = select(ServiceCheckSlot.cohort_id).where(ServiceCheckSlot.supporter_id == viewer.user_id)
    return list(
        db.session.scalars(
            select(Cohort)
            .where(
                access.served_round_condition(viewer),
                Cohort.closed_at.is_(None) | Cohort.id.in_(own),
            )
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        )
    )


def day_bookings(viewer: Viewer, day: dt.date) -> list[ServiceCheckBooking]:
    """The bookings of her slots on a Copenhagen day, in time order, with the leaders."""
    start, end = day_bounds(day)
    return list(
        db.session.scalars(
            select(ServiceCheckBooking)
            .join(ServiceCheckSlot, ServiceCheckSlot.id == ServiceCheckBooking.slot_id)
            .options(
                joinedload(ServiceCheckBooking.user),
                joinedload(ServiceCheckBooking.slot).joinedload(ServiceCheckSlot.cohort),
            )
            .where(
                ServiceCheckSlot.supporter_id == viewer.user_id,
                ServiceCheckSlot.starts_at >= start,
                ServiceCheckSlot.starts_at < end,
            )
            .order_by(ServiceCheckSlot.starts_at, ServiceCheckSlot.id)
        )
    )


def save_outcome(
    booking: ServiceCheckBooking, note: str, held: bool, *, now: dt.datetime
) -> ServiceCheckBooking:
    """The supporter's short note and whether the talk was held (``access.booking_of_own_slot``)."""
    require_open_round(booking.slot.cohort)
    note = normalised_text(note)
    if has_control_characters(note, ALLOWED_IN_TEXT):
        raise ServiceError(_l("Noten må ikke indeholde styretegn."))
    if len(note) > OUTCOME_MAX_LENGTH:
        raise ServiceError(
            _l(
                "Noten må højst være %(most)s tegn; der står %(length)s.",
                most=OUTCOME_MAX_LENGTH,
                length=len(note),
            )
        )
    if held and booking.slot.starts_at > now:
        raise ServiceError(_l("Tiden er ikke begyndt endnu, så den kan ikke markeres som afholdt."))
    booking.outcome_note = note
    if held and booking.held_at is None:
        booking.held_at = now
    elif not held:
        booking.held_at = None
    booking.updated_at = now
    db.session.flush()
    return booking
