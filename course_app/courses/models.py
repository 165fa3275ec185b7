"""Course content: courses, learning goals, modules, lessons and their blocks.

Every content row carries ``key``, the stable id from the course files, unique within its kind in a course.
Content is retired (``retired_at``), never deleted, because learners' progress and answers point at it.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow


def new_content_stamp() -> str:
    return uuid.uuid4().hex


class PublicationStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class ModuleMode(enum.StrEnum):
    """Where the work happens in flipped learning: alone online, in the leader group, at a workshop."""

    INDIVIDUAL = "individual"
    GROUP = "group"
    WORKSHOP = "workshop"


class BlockType(enum.StrEnum):
    TEXT = "text"
    VIDEO = "video"
    REFLECTION = "reflection"
    WORKSHOP_PREP = "workshop_prep"
    RESOURCE = "resource"


QUESTION_TYPES = frozenset({BlockType.REFLECTION, BlockType.WORKSHOP_PREP})


class CompletionRule(enum.StrEnum):
    """When a lesson may be marked done (besides its required answers): when the leader says so,
    or once she has played a share of its films (``progress.film_views``)."""

    SELF = "self"
    WATCHED = "watched"


DEFAULT_WATCHED_PERCENT = 90


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    language: Mapped[str] = mapped_column(String(8), default="da")
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PublicationStatus] = mapped_column(
        string_enum(PublicationStatus), default=PublicationStatus.DRAFT
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # A new random value whenever the course or anything in it changes (``outline_cache``).
    content_stamp: Mapped[str] = mapped_column(String(32), default=new_content_stamp)


module_goals = Table(
    "module_goals",
    Base.metadata,
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("learning_goals.id", ondelete="CASCADE"), primary_key=True),
)
lesson_goals = Table(
    "lesson_goals",
    Base.metadata,
    Column("lesson_id", ForeignKey("lessons.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("learning_goals.id", ondelete="CASCADE"), primary_key=True),
)
block_goals = Table(
    "block_goals",
    Base.metadata,
    Column("block_id", ForeignKey("blocks.id", ondelete="CASCADE"), primary_key=True),
    Column("goal_id", ForeignKey("learning_goals.id", ondelete="CASCADE"), primary_key=True),
)


class LearningGoal(Base):
    __tablename__ = "learning_goals"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class OutlineItem:
    """Columns shared by modules and lessons: the file id, text, order, publication and retirement."""

    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    intro: Mapped[str] = mapped_column(Text, default="")
    # Where the item lives in the course files (folder or file name), so export writes the same layout.
    source_name: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[PublicationStatus] = mapped_column(
        string_enum(PublicationStatus), default=PublicationStatus.DRAFT
    )
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class Module(OutlineItem, Base):
    __tablename__ = "modules"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    mode: Mapped[ModuleMode] = mapped_column(string_enum(ModuleMode), default=ModuleMode.INDIVIDUAL)
    # When the module opens for a leader, as in module.md (``release_rules``); None: always open.
    # A round can override it (``schedule.models.CohortRelease``).
    release: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    course: Mapped[Course] = relationship()
    goals: Mapped[list[LearningGoal]] = relationship(
        secondary=module_goals, order_by=LearningGoal.position
    )


class Lesson(OutlineItem, Base):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="RESTRICT"), index=True
    )

    # ``completion: watched`` in the files: done once ``watched_percent`` (None: the default, 90)
    # of each of its films has been played.
    completion: Mapped[CompletionRule] = mapped_column(
        string_enum(CompletionRule, length=16), default=CompletionRule.SELF
    )
    watched_percent: Mapped[int | None] = mapped_column(Integer)

    module: Mapped[Module] = relationship()
    goals: Mapped[list[LearningGoal]] = relationship(
        secondary=lesson_goals, order_by=LearningGoal.position
    )

    @property
    def watched_share(self) -> float:
        return (self.watched_percent or DEFAULT_WATCHED_PERCENT) / 100


class Block(Base):
    """One piece of a lesson. Type-specific fields (url, prompt, body …) live in ``data``."""

    __tablename__ = "blocks"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="RESTRICT"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[BlockType] = mapped_column(string_enum(BlockType))
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    lesson: Mapped[Lesson] = relationship()
    goals: Mapped[list[LearningGoal]] = relationship(
        secondary=block_goals, order_by=LearningGoal.position
    )

    @property
    def is_question(self) -> bool:
        return self.type in QUESTION_TYPES

    @property
    def is_required(self) -> bool:
        """Required questions must be submitted before their lesson counts as done."""
        if not self.is_question:
            return False
        default = self.type == BlockType.REFLECTION
        return bool(self.data.get("required", default))


# What an outline holds below the course: authoring moves, retires and deletes any of these.
OutlineContent = Module | Lesson | Block
