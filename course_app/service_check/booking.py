"""A leader books, changes and cancels her service-check time.

The rules, each with a message for her:

- a past, cancelled or already booked slot cannot be booked;
- booking, changing and cancelling close ``SERVICE_CHECK_CHANGE_HOURS`` hours before the time starts
  (changing: before the old *and* the new time); after that she calls her supporter;
- one booking per leader per round.

Double bookings are stopped by the database, not by a look first: the insert (or the move to another
slot) runs in a SAVEPOINT against the unique constraints on ``slot_id`` and ``(cohort_id, user_id)``,
and a clash becomes the message. Fifty requests for one slot at once give one booking and 49
messages, on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.text import ALLOWED_IN_TEXT, has_control_characters, normalised_text
from course_app.organisations.access import Viewer
from course_app.service_check.models import (
    QUESTIONS_MAX_LENGTH,
    ServiceCheckBooking,
    ServiceCheckSlot,
)

SLOT_TAKEN = _l("Tiden er lige blevet booket af en anden. Vælg en anden tid.")


class BookingRefused(ServiceError):
    """The booking (or change) was refused; nothing was written. ``field`` names the form field."""

    def __init__(self, message: object, field: str = "slot", *, conflict: bool = False) -> None:
        super().__init__(str(message))
        self.field = field
        self.conflict = conflict  # another booking is in the way (409), not the input (400)


def change_hours() -> int:
    return int(current_app.config["SERVICE_CHECK_CHANGE_HOURS"])


def is_changeable(slot: ServiceCheckSlot, now: dt.datetime) -> bool:
    """Whether a booking of this slot may still be made, changed or cancelled at ``now``."""
    return is_bookable_at(slot.starts_at, now)


def is_bookable_at(starts_at: dt.datetime, now: dt.datetime) -> bool:
    """``is_changeable`` for a slot starting at ``starts_at``."""
    return starts_at - dt.timedelta(hours=change_hours()) > now


def _too_late() -> BookingRefused:
    return BookingRefused(
        _l(
            "Du kan ikke længere ændre tiden: der er mindre end %(hours)s timer til. "
            "Kontakt din supporter, hvis noget er kommet i vejen.",
            hours=change_hours(),
        )
    )


def checked_questions(text: str) -> str:
    text = normalised_text(text)
    if has_control_characters(text, ALLOWED_IN_TEXT):
        raise BookingRefused(_l("Spørgsmålene må ikke indeholde styretegn."), "questions")
    if len(text) > QUESTIONS_MAX_LENGTH:
        raise BookingRefused(
            _l(
                "Spørgsmålene må højst være %(most)s tegn; der står %(length)s.",
                most=QUESTIONS_MAX_LENGTH,
                length=len(text),
            ),
            "questions",
        )
    return text


def _require_bookable(slot: ServiceCheckSlot, now: dt.datetime) -> None:
    require_open_round(slot.cohort)
    if slot.cancelled_at is not None:
        raise BookingRefused(_l("Tiden er aflyst. Vælg en anden tid."))
    if slot.starts_at <= now:
        raise BookingRefused(_l("Tiden er forbi. Vælg en anden tid."))
    if not is_changeable(slot, now):
        raise BookingRefused(
            _l(
                "Tiden kan ikke længere bookes: den starter om mindre end %(hours)s timer. "
                "Vælg en senere tid.",
                hours=change_hours(),
            )
        )


def _existing(cohort_id: int, user_id: int) -> ServiceCheckBooking | None:
    return db.session.scalar(
        select(ServiceCheckBooking).where(
            ServiceCheckBooking.cohort_id == cohort_id, ServiceCheckBooking.user_id == user_id
        )
    )


def _already_booked() -> BookingRefused:
    return BookingRefused(
        _l("Du har allerede booket en tid i dette forløb. Du kan flytte eller aflyse den."),
        conflict=True,
    )


def book(
    viewer: Viewer, slot: ServiceCheckSlot, questions: str, *, now: dt.datetime
) -> ServiceCheckBooking:
    """Book ``slot`` (from ``access.slot_for_leader``) for the leader, with her questions."""
    _require_bookable(slot, now)
    text = checked_questions(questions)
    db.session.flush()  # the caller's pending changes: their errors are theirs, not a clash
    booking = ServiceCheckBooking(
        slot_id=slot.id,
        cohort_id=slot.cohort_id,
        user_id=viewer.user_id,
        questions=text,
        outcome_note="",
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.session.begin_nested():
            db.session.add(booking)
    except IntegrityError:
        if _existing(slot.cohort_id, viewer.user_id) is not None:
            raise _already_booked() from None
        raise BookingRefused(SLOT_TAKEN, conflict=True) from None
    return booking


def change(
    booking: ServiceCheckBooking, slot: ServiceCheckSlot, *, now: dt.datetime
) -> ServiceCheckBooking:
    """Move the leader's booking (``access.own_booking``) to another slot of the same round."""
    if slot.id == booking.slot_id:
        raise BookingRefused(_l("Det er den tid, du allerede har. Vælg en anden tid."))
    if slot.cohort_id != booking.cohort_id:
        raise BookingRefused(_l("Vælg en tid i samme forløb."))
    if not is_changeable(booking.slot, now):
        raise _too_late()
    _require_bookable(slot, now)
    db.session.flush()
    try:
        with db.session.begin_nested():
            booking.slot_id = slot.id
            booking.sequence += 1
            booking.reminded_at = None  # the new time gets its own reminder
            booking.held_at = None
            booking.updated_at = now
            db.session.flush()
    except IntegrityError:
        db.session.refresh(booking)
        raise BookingRefused(SLOT_TAKEN, conflict=True) from None
    db.session.refresh(booking, ["slot"])
    return booking


def update_questions(
    booking: ServiceCheckBooking, questions: str, *, now: dt.datetime
) -> ServiceCheckBooking:
    """Her questions may be rewritten until the time starts (the deadline is for the time only)."""
    require_open_round(booking.slot.cohort)
    if booking.slot.starts_at <= now:
        raise BookingRefused(
            _l("Tiden er begyndt; spørgsmålene kan ikke længere ændres."), "questions"
        )
    booking.questions = checked_questions(questions)
    booking.updated_at = now
    db.session.flush()
    return booking


def cancel(booking: ServiceCheckBooking, *, now: dt.datetime) -> ServiceCheckSlot:
    """Cancel the leader's booking: the row (with her questions) is deleted; the slot is free again
    and is returned for the e-mails."""
    slot = booking.slot
    require_open_round(slot.cohort)
    if not is_changeable(slot, now):
        raise _too_late()
    db.session.delete(booking)
    db.session.flush()
    return slot
