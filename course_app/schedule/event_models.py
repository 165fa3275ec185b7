"""A round's events in time (kick-off, leader meetings, workshops, the service-check window, the end
of the round) and each person's calendar feed.

Times are stored as UTC instants (``UTCDateTime``) and shown and exported in Europe/Copenhagen. The
kind decides the extra fields; check constraints hold the same rules as ``events.py``:

| kind            | who sets it (``event_access.py``)            | extra fields                     |
|-----------------|----------------------------------------------|----------------------------------|
| kickoff         | platform admins, coordinators of the round   | -                                |
| leader_meeting  | the group's chair, its organisation's        | ``group_id``; ``module_id``: the |
|                 | coordinator, platform admins                 | group-mode module it discusses   |
| workshop        | platform admins, coordinators of the round   | ``number`` 1 or 2                |
| service_check   | platform admins, coordinators of the round   | - (a window: start to end)       |
| round_end       | platform admins, coordinators of the round   | -                                |
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.cohorts.models import Cohort
from course_app.core.db import Base, UTCDateTime, string_enum, utcnow
from course_app.courses.models import Module
from course_app.organisations.models import LeaderGroup

TITLE_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 5000


class EventKind(enum.StrEnum):
    KICKOFF = "kickoff"
    LEADER_MEETING = "leader_meeting"
    WORKSHOP = "workshop"
    SERVICE_CHECK = "service_check"
    ROUND_END = "round_end"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(
            "(kind = 'workshop' AND number IN (1, 2)) OR (kind <> 'workshop' AND number IS NULL)",
            name="workshop_number",
        ),
        CheckConstraint(
            "(kind = 'leader_meeting' AND group_id IS NOT NULL)"
            " OR (kind <> 'leader_meeting' AND group_id IS NULL AND module_id IS NULL)",
            name="meeting_group",
        ),
        # One workshop 1 and one workshop 2 per round; one meeting per group and question set.
        # (Rows of other kinds have NULLs here, which never clash.)
        UniqueConstraint("cohort_id", "kind", "number"),
        UniqueConstraint("cohort_id", "group_id", "module_id"),
        Index("ix_events_cohort_id_starts_at", "cohort_id", "starts_at"),
        # "Mit forløb": a round's own events (no group) and one group's meetings, without visiting
        # the round's other groups' meetings (2,000 of them at L).
        Index("ix_events_cohort_id_group_id_starts_at", "cohort_id", "group_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(string_enum(EventKind))
    number: Mapped[int | None] = mapped_column(SmallInteger)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_groups.id", ondelete="RESTRICT"), index=True
    )
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("modules.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX_LENGTH))
    place: Mapped[str] = mapped_column(String(PLACE_MAX_LENGTH), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # Raised on every change, so a calendar that imported the .ics takes the new version (RFC 5545).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )

    cohort: Mapped[Cohort] = relationship()
    group: Mapped[LeaderGroup | None] = relationship()
    module: Mapped[Module | None] = relationship()

    @property
    def group_name(self) -> str | None:
        """A leader meeting's group, as lists name it (``upcoming.UpcomingEvent`` has the same)."""
        return self.group.name if self.group else None

    @property
    def is_round_event(self) -> bool:
        """Everyone in the round's events, as opposed to one leader group's meeting."""
        return self.kind != EventKind.LEADER_MEETING


class CalendarFeed(Base):
    """A person's secret calendar-feed address. Only a hash of the token is stored; renewing replaces
    it (the old address stops working) and deleting the row revokes it."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
