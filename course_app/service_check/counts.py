"""The counts coordinators and platform admins see of a round's service check: slots offered,
booked and held. Numbers only: no names, no times, never the questions (``access``'s table)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from course_app.accounts.models import User
from course_app.core.db import db
from course_app.organisations.models import Role, RoleAssignment
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot


@dataclass(frozen=True)
class Counts:
    offered: int
    booked: int
    held: int


def round_counts(cohort_id: int, organisation_ids: frozenset[int] | None) -> Counts:
    """The round's counts; with ``organisation_ids`` (a coordinator's part of the round): the slots
    of supporters serving those organisations, and the bookings of their leaders."""
    slots = (
        select(func.count())
        .select_from(ServiceCheckSlot)
        .where(ServiceCheckSlot.cohort_id == cohort_id, ServiceCheckSlot.cancelled_at.is_(None))
    )
    bookings = (
        select(func.count(), func.count(ServiceCheckBooking.held_at))
        .select_from(ServiceCheckBooking)
        .where(ServiceCheckBooking.cohort_id == cohort_id)
    )
    if organisation_ids is not None:
        serving = select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.SUPPORTER,
            or_(
                RoleAssignment.organisation_id.is_(None),
                RoleAssignment.organisation_id.in_(organisation_ids),
            ),
        )
        slots = slots.where(ServiceCheckSlot.supporter_id.in_(serving))
        bookings = bookings.join(User, User.id == ServiceCheckBooking.user_id).where(
            User.organisation_id.in_(organisation_ids)
        )
    booked, held = db.session.execute(bookings).one()
    return Counts(offered=db.session.scalar(slots) or 0, booked=booked, held=held)
