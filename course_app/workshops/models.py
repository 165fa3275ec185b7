"""The joint workshops in the database: which areas of the two organisations correspond, who runs a
workshop, who comes (and who came), and where everyone sits.

The planner beside this module (``planner.py`` and friends) is pure; ``tables.py`` reads these rows
into its plain data and writes its plan back as seats.

| table                  | one row per                     | notes                                     |
|------------------------|---------------------------------|-------------------------------------------|
| area_correspondences   | pair of corresponding areas     | stored with the smaller area id first     |
| workshop_settings      | workshop event                  | table sizes, group policy, seed, version, |
|                        |                                 | publication, materials after the day      |
| workshop_facilitators  | facilitator × workshop          | who runs the day (besides admins and the  |
|                        |                                 | round's coordinators)                     |
| workshop_signups       | leader × workshop               | "kommer / kommer ikke" and, on the day,   |
|                        |                                 | whether she came                          |
| table_seats            | attendee × workshop             | her table now, and at the last publishing |
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    SmallInteger,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow
from course_app.workshops.model import DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE, GroupPolicy

MATERIALS_MAX_LENGTH = 5000
LARGEST_TABLE = 50  # a bound for the size fields, far above any room
MOST_TABLES = 500


class AreaCorrespondence(Base):
    """Two areas of different organisations that correspond ("tilsvarende område"); many-to-many."""

    __tablename__ = "area_correspondences"
    __table_args__ = (
        UniqueConstraint("first_area_id", "second_area_id"),
        CheckConstraint("first_area_id < second_area_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_area_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), index=True
    )
    second_area_id: Mapped[int] = mapped_column(
        ForeignKey("areas.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class WorkshopSettings(Base):
    """A workshop's plan settings and state. Made when first needed; a workshop without a row has the
    defaults and no plan."""

    __tablename__ = "workshop_settings"
    __table_args__ = (
        CheckConstraint(
            f"min_size >= 1 AND min_size <= max_size AND max_size <= {LARGEST_TABLE}",
            name="size_range",
        ),
        CheckConstraint(
            f"max_tables IS NULL OR (max_tables >= 1 AND max_tables <= {MOST_TABLES})",
            name="tables_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    min_size: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_MIN_SIZE)
    max_size: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_MAX_SIZE)
    max_tables: Mapped[int | None] = mapped_column(SmallInteger)
    group_policy: Mapped[GroupPolicy] = mapped_column(
        string_enum(GroupPolicy), default=GroupPolicy.SPREAD
    )
    seed: Mapped[int] = mapped_column(Integer, default=0)
    # Raised on every change to the plan or its settings: a form sent from an older page is refused
    # (two facilitators, or two tabs, moving people at once).
    version: Mapped[int] = mapped_column(Integer, default=0)
    planned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Links and text for the attendees, shown after the workshop has ended.
    materials: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class WorkshopFacilitator(Base):
    __tablename__ = "workshop_facilitators"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkshopSignup(Base):
    """A leader's answer to a workshop ("kommer" / "kommer ikke") and, on the day, whether she came.
    ``coming`` is NULL when a facilitator marked someone who never answered."""

    __tablename__ = "workshop_signups"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    coming: Mapped[bool | None] = mapped_column(Boolean)
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None] = mapped_column(Boolean)
    attendance_marked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attendance_marked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )


class TableSeat(Base):
    """Where an attendee sits. ``published_table`` is her table when the plan was last published (NULL
    before that, or when she was added after it): who moved since is who hears about it."""

    __tablename__ = "table_seats"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        CheckConstraint("table_number >= 1", name="table_number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    table_number: Mapped[int] = mapped_column(SmallInteger)
    published_table: Mapped[int | None] = mapped_column(SmallInteger)
