"""Who took part, and what was answered: two tables that nothing in the database links.

``assessment_participations`` says who has started or completed which measurement point of a round
(for reminders and "have I done it?"): a person, a round, an assessment, start or end, a flag. No
answers and no dates.

``assessment_responses`` and ``assessment_answers`` hold what was answered, under a **pseudonym**:
HMAC-SHA256 of the person and the assessment with an operator-held key that is never in the database
(``pseudonyms.py``). They carry no user id, no timestamp (one date, the day of completion), and their
keys are random (a UUID for a response; an answer is keyed by its response and item), so neither an
id nor the order of ids pairs a response with a participation. On SQLite the three tables are
``WITHOUT ROWID``, stored in key order (random for responses, by person for participations), not in
the order they were written. What a response does carry for the averages — the organisation, the area
and the leader group at completion — can narrow a small group down; that is why every average has
the k-floor (``assessments/aggregates.py``). The threat model is docs/privacy.md, "Kompetencehjulet".
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.core.db import Base, string_enum

PSEUDONYM_LENGTH = 64  # hex of HMAC-SHA256


class MeasurementPoint(enum.StrEnum):
    """When a leader answers: at the round's start, at its end, or any time ("løbende")."""

    START = "start"
    END = "end"
    ADHOC = "adhoc"


# Points with one response per person and round, and a participation row for reminders.
FIXED_POINTS = (MeasurementPoint.START, MeasurementPoint.END)


def new_response_id() -> str:
    return uuid.uuid4().hex


class AssessmentParticipation(Base):
    """That a person has started (a row) and completed (``completed``) the start or end measurement
    of a round. Løbende measurements have no row: nobody is reminded of them."""

    __tablename__ = "assessment_participations"
    __table_args__ = (
        CheckConstraint("point IN ('start', 'end')", name="fixed_point"),
        {"sqlite_with_rowid": False},
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT"), primary_key=True
    )
    point: Mapped[MeasurementPoint] = mapped_column(
        string_enum(MeasurementPoint, length=8), primary_key=True
    )
    completed: Mapped[bool] = mapped_column(Boolean, default=False)


class AssessmentResponse(Base):
    """One measurement under a pseudonym: start and end once per round (``sequence`` 0), løbende
    as often as she likes (``sequence`` 1, 2, …). ``completed_on`` is a day (Copenhagen), None
    while she is still answering; organisation, area and group are copied at completion."""

    __tablename__ = "assessment_responses"
    __table_args__ = (
        UniqueConstraint("pseudonym", "assessment_id", "cohort_id", "point", "sequence"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_response_id)
    # Indexed by the unique key, which begins with it.
    pseudonym: Mapped[str] = mapped_column(String(PSEUDONYM_LENGTH))
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohorts.id", ondelete="RESTRICT"), index=True
    )
    point: Mapped[MeasurementPoint] = mapped_column(string_enum(MeasurementPoint, length=8))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("leader_groups.id", ondelete="SET NULL")
    )
    completed_on: Mapped[dt.date | None] = mapped_column(Date)

    answers: Mapped[list[AssessmentAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan", passive_deletes=True
    )


class AssessmentAnswer(Base):
    """One statement's value on the assessment's scale, in one response."""

    __tablename__ = "assessment_answers"
    __table_args__ = ({"sqlite_with_rowid": False},)

    response_id: Mapped[str] = mapped_column(
        ForeignKey("assessment_responses.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_items.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    value: Mapped[int] = mapped_column(Integer)

    response: Mapped[AssessmentResponse] = relationship(back_populates="answers")
