"""The one-to-one service check ("En til en servicetjek"): supporters' time slots in a round, and the
leaders' bookings of them.

The database keeps the booking rules, whatever the code above it does: one booking per slot (unique
``slot_id``) and one booking per leader per round (unique ``(cohort_id, user_id)``). A cancelled
booking is deleted (the leader's questions go with it), so both rules hold for active bookings only,
the same way on PostgreSQL and SQLite. Changing a booking moves the row to another slot (the
questions stay); raising ``sequence`` tells a calendar that imported the ``.ics`` to take the new time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core.db import Base, UTCDateTime, utcnow

LENGTH_MIN_MINUTES = 10
LENGTH_MAX_MINUTES = 240
PLACE_MAX_LENGTH = 200
LINK_MAX_LENGTH = 500
QUESTIONS_MAX_LENGTH = 5000
OUTCOME_MAX_LENGTH = 2000


class ServiceCheckSlot(Base):
    """A time a supporter offers in a round: where (a place, an online link, or both) and how long."""

    __tablename__ = "service_check_slots"
    __table_args__ = (
        CheckConstraint(
            f"length_minutes >= {LENGTH_MIN_MINUTES} AND length_minutes <= {LENGTH_MAX_MINUTES}",
            name="length_range",
        ),
        Index("ix_service_check_slots_cohort_id_starts_at", "cohort_id", "starts_at"),
        Index("ix_service_check_slots_supporter_id_starts_at", "supporter_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="RESTRICT"))
    supporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    length_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str] = mapped_column(String(PLACE_MAX_LENGTH), default="")
    online_link: Mapped[str] = mapped_column(String(LINK_MAX_LENGTH), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Cancelled by the supporter: nobody can book it any more (a booking on it was deleted).
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    cohort: Mapped[Cohort] = relationship()
    supporter: Mapped[User] = relationship()

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.length_minutes)


class ServiceCheckBooking(Base):
    """A leader's booking of a slot, with her questions in advance and the supporter's short note.

    Only the leader and the slot's supporter ever read ``questions`` and ``outcome_note``
    (``service_check/access.py``)."""

    __tablename__ = "service_check_bookings"
    __table_args__ = (
        UniqueConstraint("slot_id", name="uq_service_check_bookings_slot_id"),
        UniqueConstraint(
            "cohort_id", "user_id", name="uq_service_check_bookings_cohort_id_user_id"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("service_check_slots.id", ondelete="RESTRICT"))
    # The slot's round, kept here so that the database can hold "one booking per leader per round".
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="RESTRICT"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    questions: Mapped[str] = mapped_column(Text, default="")
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    held_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The day-before reminder was queued (set by a conditional UPDATE: once, whoever runs first).
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    slot: Mapped[ServiceCheckSlot] = relationship()
    user: Mapped[User] = relationship()
