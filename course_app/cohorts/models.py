"""Cohorts (a run of a course with dates and participating organisations) and enrolments.

Progress and answers belong to an enrolment, not to a person and a course, so a course can run again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import User
from course_app.core.db import Base, UTCDateTime, utcnow
from course_app.courses.models import Course
from course_app.organisations.models import Organisation

cohort_organisations = Table(
    "cohort_organisations",
    Base.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "organisation_id", ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True
    ),
)


class Cohort(Base):
    __tablename__ = "cohorts"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A closed round is read-only: people still see it, nobody writes to it, nothing more is sent.
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    course: Mapped[Course] = relationship()
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=cohort_organisations, order_by=Organisation.name
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship()
