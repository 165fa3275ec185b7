"""What the pages list: a leader's rounds with her booking or the free slots, a supporter's day and
rounds, and the supporter's outcome note.

Every query starts from the person (``access``'s conditions); nothing here decides who may see a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.cohorts.models import Cohort, Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.i18n import COPENHAGEN
from course_app.core.text import ALLOWED_IN_TEXT, has_control_characters, normalised_text
from course_app.organisations.access import Viewer
from course_app.service_check import access
from course_app.service_check.booking import is_changeable
from course_app.service_check.models import (
    OUTCOME_MAX_LENGTH,
    ServiceCheckBooking,
    ServiceCheckSlot,
)


@dataclass
class LeaderRound:
    """One round of the leader's: her booking, or the slots she can choose from."""

    cohort: Cohort
    booking: ServiceCheckBooking | None = None
    free: list[ServiceCheckSlot] = field(default_factory=list)
    changeable: bool = False


def leader_rounds(viewer: Viewer, now: dt.datetime) -> list[LeaderRound]:
    """Her rounds (newest first), each with her booking and the free slots still bookable."""
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
    taken = select(ServiceCheckBooking.slot_id)
    free = db.session.scalars(
        select(ServiceCheckSlot)
        .options(joinedload(ServiceCheckSlot.supporter))
        .where(
            access.leader_slot_condition(viewer),
            ServiceCheckSlot.cancelled_at.is_(None),
            ServiceCheckSlot.starts_at > now,
            ServiceCheckSlot.id.not_in(taken),
        )
        .order_by(ServiceCheckSlot.starts_at, ServiceCheckSlot.id)
    )
    for slot in free:
        line = rounds[slot.cohort_id]
        if is_changeable(slot, now) and not line.cohort.is_closed:
            line.free.append(slot)
    return list(rounds.values())


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
    start = dt.datetime.combine(day, dt.time(), tzinfo=COPENHAGEN).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=COPENHAGEN).astimezone(
        dt.UTC
    )
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
