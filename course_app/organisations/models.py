"""The directory: organisations (municipalities), their areas and leader groups, memberships and roles."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow

MAIL_SENDER_NAME_LENGTH = 120


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The name the round's kick-off invitation is sent in, e.g. "Direktionen i Albertslund Kommune";
    # empty: the platform's own sender name.
    mail_sender_name: Mapped[str] = mapped_column(
        String(MAIL_SENDER_NAME_LENGTH), default="", server_default=""
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Area(Base):
    """A professional area (fagområde) within one organisation, e.g. "Børn og unge"."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship()


class LeaderGroup(Base):
    __tablename__ = "leader_groups"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class GroupMembership(Base):
    """A person's membership of a leader group for a period; people change group mid-programme."""

    __tablename__ = "group_memberships"
    __table_args__ = (
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("leader_groups.id", ondelete="RESTRICT"), index=True
    )
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    valid_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    group: Mapped[LeaderGroup] = relationship()

    @classmethod
    def current_at(cls, at: dt.datetime) -> ColumnElement[bool]:
        """SQL condition: the membership is in force at ``at`` (the one rule every query uses)."""
        return and_(cls.valid_from <= at, or_(cls.valid_until.is_(None), cls.valid_until > at))


class Role(enum.StrEnum):
    PLATFORM_ADMIN = "platform_admin"
    COORDINATOR = "coordinator"
    COURSE_EDITOR = "course_editor"
    CHAIR = "chair"
    FACILITATOR = "facilitator"
    # The one-to-one service check's IT supporter: for one organisation's leaders, or (no scope) for
    # every organisation's.
    SUPPORTER = "supporter"


# The scopes each role may have: the scope column that is set (None: none is, the platform). The
# check constraint below enforces the same table.
ROLE_SCOPES: dict[Role, tuple[str | None, ...]] = {
    Role.PLATFORM_ADMIN: (None,),
    Role.COORDINATOR: ("organisation_id",),
    Role.COURSE_EDITOR: ("course_id",),
    Role.CHAIR: ("group_id",),
    Role.FACILITATOR: ("group_id",),
    Role.SUPPORTER: ("organisation_id", None),
}

# The staff roles: every role but the chair's, which belongs to a round's leader group. Staff are
# not leaders: a selection of people to enrol leaves them out, and the retention purge keeps their
# accounts when their round ends.
STAFF_ROLES = (
    Role.PLATFORM_ADMIN,
    Role.COORDINATOR,
    Role.COURSE_EDITOR,
    Role.FACILITATOR,
    Role.SUPPORTER,
)

# The check constraint ``scope_matches_role`` (also written out in migration 0014).
SCOPE_MATCHES_ROLE = (
    "(role = 'platform_admin' AND organisation_id IS NULL AND course_id IS NULL"
    " AND group_id IS NULL)"
    " OR (role = 'coordinator' AND organisation_id IS NOT NULL AND course_id IS NULL"
    " AND group_id IS NULL)"
    " OR (role = 'course_editor' AND course_id IS NOT NULL AND organisation_id IS NULL"
    " AND group_id IS NULL)"
    " OR (role IN ('chair', 'facilitator') AND group_id IS NOT NULL"
    " AND organisation_id IS NULL AND course_id IS NULL)"
    " OR (role = 'supporter' AND course_id IS NULL AND group_id IS NULL)"
)


class RoleAssignment(Base):
    """A role held by a person within a scope. Being a leader needs no row: it is everyone's default."""

    __tablename__ = "role_assignments"
    __table_args__ = (
        UniqueConstraint("user_id", "role", "organisation_id", "course_id", "group_id"),
        CheckConstraint(SCOPE_MATCHES_ROLE, name="scope_matches_role"),
        # Who holds a role for an organisation (its supporters, its coordinators): without it
        # PostgreSQL reads every role row and hashes a round's every slot (docs/performance.md).
        Index("ix_role_assignments_role_organisation_id", "role", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    role: Mapped[Role] = mapped_column(string_enum(Role))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_groups.id", ondelete="RESTRICT")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
