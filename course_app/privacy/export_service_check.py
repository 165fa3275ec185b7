"""The one-to-one service check in a person's data export: her bookings with her questions and the
supporter's note to her, and the times she offered as a supporter (whether one was booked, not by
whom)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot

# Tables of the service check that the export carries (section names in brackets; privacy/export.py
# joins them to its own list).
SERVICE_CHECK_TABLES = frozenset(
    {
        "service_check_bookings",  # [service_check]: her bookings, her questions, the note to her
        "service_check_slots",  # [service_check_slots]: times she offered as a supporter
    }
)


def bookings(user: User, row) -> list[dict[str, Any]]:
    """Her bookings with her questions and the supporter's note to her (the supporter by name)."""
    supporter = aliased(User)
    rows = db.session.execute(
        select(ServiceCheckBooking, ServiceCheckSlot, Cohort.name, supporter.name)
        .join(ServiceCheckSlot, ServiceCheckSlot.id == ServiceCheckBooking.slot_id)
        .join(Cohort, Cohort.id == ServiceCheckBooking.cohort_id)
        .join(supporter, supporter.id == ServiceCheckSlot.supporter_id)
        .where(ServiceCheckBooking.user_id == user.id)
        .order_by(ServiceCheckSlot.starts_at, ServiceCheckBooking.id)
    ).all()
    return [
        row(
            round=round_name,
            starts_at=slot.starts_at,
            length_minutes=slot.length_minutes,
            place=slot.place,
            online_link=slot.online_link,
            supporter=supporter_name,
            questions=b.questions,
            outcome_note=b.outcome_note,
            held_at=b.held_at,
            created_at=b.created_at,
        )
        for b, slot, round_name, supporter_name in rows
    ]


def slots(user: User, row) -> list[dict[str, Any]]:
    """The times she offered as a supporter: whether one was booked, not by whom or about what
    (the leader's questions are the leader's)."""
    booked = select(ServiceCheckBooking.slot_id)
    rows = db.session.execute(
        select(ServiceCheckSlot, Cohort.name, ServiceCheckSlot.id.in_(booked))
        .join(Cohort, Cohort.id == ServiceCheckSlot.cohort_id)
        .where(ServiceCheckSlot.supporter_id == user.id)
        .order_by(ServiceCheckSlot.starts_at, ServiceCheckSlot.id)
    ).all()
    return [
        row(
            round=round_name,
            starts_at=s.starts_at,
            length_minutes=s.length_minutes,
            place=s.place,
            online_link=s.online_link,
            booked=bool(is_booked),
            cancelled_at=s.cancelled_at,
        )
        for s, round_name, is_booked in rows
    ]
