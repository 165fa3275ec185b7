"""Per-person progress: one row per enrolment and lesson (module state is derived from its lessons).

Completion rule: a lesson is done when the leader marks it done and every required question in it is
submitted (the caller, which sees answers, checks the second part); a module is done when all its lessons
are done.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow


class ProgressState(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"


# A row in one of these states: the lesson has been started (``NOT_STARTED`` rows count as no row).
# Written as a list, not as "not NOT_STARTED", so that a query can look the states up in the index.
STARTED_STATES = (ProgressState.IN_PROGRESS, ProgressState.DONE)


class LessonProgress(Base):
    __tablename__ = "lesson_progress"
    __table_args__ = (
        UniqueConstraint("enrolment_id", "lesson_id"),
        # A person's started and finished lessons, and when, from the index alone: the reports and
        # the group dashboard read them for thousands of people (docs/performance.md).
        Index(
            "ix_lesson_progress_enrolment_state",
            "enrolment_id",
            "state",
            "completed_at",
            "lesson_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="RESTRICT"))
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("lessons.id", ondelete="RESTRICT"), index=True
    )
    # Stored, not derived on every read, so group dashboards and reports need one query.
    # The app writes a row once the lesson is started; "done" is set by
    # progress.services.mark_lesson_done. Rows saying "not_started" (imports, the benchmark's
    # datasets) count as no row everywhere.
    state: Mapped[ProgressState] = mapped_column(
        string_enum(ProgressState, length=16),
        default=ProgressState.IN_PROGRESS,
    )
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ProgressSummary(Base):
    """A round's progress counted ahead, per organisation and module (``reports.summaries``): for the
    report over every organisation of a platform, whose live count (a million progress rows at 50
    organisations) takes longer than anyone should wait. Counts only: no person is in it."""

    __tablename__ = "progress_summaries"

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # {"lesson_ids": [...], "sizes": [[organisation, enrolled]], "progress": [[organisation, module,
    # started, done, lessons done]], "done_per_day": [["YYYY-MM-DD", module, lessons done]]}
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)


class FilmView(Base):
    """How far a leader has come in one film: where she stopped (to offer "Fortsæt fra") and the
    seconds she has actually played, as merged [start, end] intervals (``progress.film_views``),
    which a lesson with ``completion: watched`` counts. Written by the film script while she plays."""

    __tablename__ = "film_views"
    __table_args__ = (UniqueConstraint("enrolment_id", "block_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    block_id: Mapped[int] = mapped_column(ForeignKey("blocks.id", ondelete="CASCADE"), index=True)
    position_seconds: Mapped[int] = mapped_column(default=0)
    # [[start, end], …] in whole seconds, sorted, not overlapping.
    played: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    # The film's length as its player reported it (None until one did).
    duration_seconds: Mapped[int | None] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
