"""Which self-assessment a round uses, the external tool's dispatches, and the wheel's reflections.

``round_assessments``: a round uses this platform's assessment (``assessment_id``) or links out to an
external tool (``external_url``, e.g. the Center for Digital Dannelse's), one of the two; a round
without a row has no competence wheel.

``assessment_dispatches``: for an external tool, the only thing recorded is that a leader was sent
there at a measurement point (for reminders); nothing of what she answered there reaches us.

``wheel_reflections``: her private answers to the wheel page's reflection prompts (``texts.py``).
They are personal like any private reflection (her export has them, erasure deletes them) and hold
no score: nothing here points at her pseudonymous responses.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.assessments.models import Assessment
from course_app.core.db import Base, UTCDateTime, string_enum, utcnow
from course_app.self_assessment.models import MeasurementPoint

EXTERNAL_URL_LENGTH = 500


class RoundAssessment(Base):
    __tablename__ = "round_assessments"
    __table_args__ = (
        CheckConstraint(
            "(assessment_id IS NULL AND external_url IS NOT NULL)"
            " OR (assessment_id IS NOT NULL AND external_url IS NULL)",
            name="one_tool",
        ),
    )

    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT"), index=True
    )
    external_url: Mapped[str | None] = mapped_column(String(EXTERNAL_URL_LENGTH))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assessment: Mapped[Assessment | None] = relationship()


class AssessmentDispatch(Base):
    """That a leader was sent to the round's external tool at the start or end point (no date)."""

    __tablename__ = "assessment_dispatches"
    __table_args__ = (CheckConstraint("point IN ('start', 'end')", name="fixed_point"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    point: Mapped[MeasurementPoint] = mapped_column(
        string_enum(MeasurementPoint, length=8), primary_key=True
    )


class WheelReflection(Base):
    """Her private answer to one of the wheel page's prompts, per assessment (her wheel spans
    rounds). ``version`` guards against two tabs: a save from an older page is refused."""

    __tablename__ = "wheel_reflections"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT"), primary_key=True
    )
    prompt_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
