"""A round's own release rules, the modules that have opened for each leader, and the other things
a person is told of by e-mail (``Notice``).

An unlock is a fact, not a rule: once a module has opened for a leader it stays open, whatever an
admin later does to the dates (``ModuleUnlock`` rows are never deleted by the app).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow


class CohortRelease(Base):
    """The round's rule for one module, instead of the course's default (``Module.release``)."""

    __tablename__ = "cohort_releases"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="RESTRICT"), index=True
    )
    # The rule in the course-file form (``courses.release_rules``); None: always open.
    rule: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ModuleUnlock(Base):
    """The module opened for this leader at ``unlocked_at``; ``notified_at`` is when the e-mail saying
    so was written (or the leader saw it open in the platform and needs none)."""

    __tablename__ = "module_unlocks"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "module_id"),
        Index("ix_module_unlocks_not_notified", "enrolment_id", "notified_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="RESTRICT"))
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="RESTRICT"), index=True
    )
    unlocked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class NoticeReason(enum.StrEnum):
    """Why a person is told something; with the object (an event) it makes the notice unique."""

    KICKOFF_INVITATION = "kickoff_invitation"  # the round's kick-off, in the organisation's name
    QUESTION_SET = "question_set"  # the group's questions, some days before its leader meeting
    CHAIR_NOTE = "chair_note"  # to the chair: write the meeting note before the workshop
    REMINDER = "reminder"  # answers still missing, the meeting is close (can be unsubscribed)
    # The round's competence wheel (the object is the round): its start or end measurement is open,
    # and one reminder each while it is not done (can be unsubscribed).
    ASSESSMENT_START = "assessment_start"
    ASSESSMENT_END = "assessment_end"
    ASSESSMENT_START_REMINDER = "assessment_start_reminder"
    ASSESSMENT_END_REMINDER = "assessment_end_reminder"


class Notice(Base):
    """One thing that fell due for one person (an invitation, a question set, a reminder …), written
    down once: unique per person × reason × object, so no e-mail is written twice for it.
    ``notified_at`` is when the e-mail telling it was queued (with whatever else fell due)."""

    __tablename__ = "notices"
    __table_args__ = (
        UniqueConstraint("user_id", "reason", "object_id"),
        Index("ix_notices_not_notified", "notified_at", "user_id"),
        Index("ix_notices_user_id_reason_created_at", "user_id", "reason", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    reason: Mapped[NoticeReason] = mapped_column(string_enum(NoticeReason))
    # The event it is about (the kick-off, the leader meeting, the workshop); for the competence
    # wheel's reasons, the round.
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
