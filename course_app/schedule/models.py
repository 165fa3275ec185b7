"""A round's own release rules, and the modules that have opened for each leader.

An unlock is a fact, not a rule: once a module has opened for a leader it stays open, whatever an
admin later does to the dates (``ModuleUnlock`` rows are never deleted by the app).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, utcnow


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
