"""Answers to reflection questions and workshop-preparation tasks. Private until the author shares them."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow

ANSWER_MAX_LENGTH = 20_000


class AnswerStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Visibility(enum.StrEnum):
    PRIVATE = "private"
    GROUP = "group"


class ReflectionAnswer(Base):
    __tablename__ = "reflection_answers"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "block_id"),
        # The group page and the review page read the answers shared with one group.
        Index("ix_reflection_answers_shared_group_block", "shared_group_id", "block_id"),
        CheckConstraint(
            "(visibility = 'private' AND shared_group_id IS NULL)"
            " OR (visibility = 'group' AND shared_group_id IS NOT NULL)",
            name="shared_with_a_group",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="RESTRICT"), index=True
    )
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[AnswerStatus] = mapped_column(
        string_enum(AnswerStatus, length=16),
        default=AnswerStatus.DRAFT,
    )
    # Raised on every save of changed text, so later reviews can tell an answer was edited.
    version: Mapped[int] = mapped_column(Integer, default=1)
    visibility: Mapped[Visibility] = mapped_column(
        string_enum(Visibility, length=16),
        default=Visibility.PRIVATE,
    )
    # The group the author belonged to when sharing; the answer does not follow the author.
    shared_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_groups.id", ondelete="RESTRICT")
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Comment(Base):
    """A group member's comment on an answer shared with the group."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("reflection_answers.id", ondelete="RESTRICT"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class MeetingNote(Base):
    """The chair's note for one local leader meeting (a group-mode module of a cohort):
    "det tager vi med til workshoppen"."""

    __tablename__ = "meeting_notes"
    __table_args__ = (UniqueConstraint("group_id", "cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("leader_groups.id", ondelete="RESTRICT"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="RESTRICT"))
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="RESTRICT"))
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
