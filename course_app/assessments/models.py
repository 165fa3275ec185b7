"""Assessment definitions (the competence wheel's framework): assessments, their areas and items.

Like course content, every row carries ``key``, its stable id from the assessment files
(``docs/assessment-format.md``), and is retired (``retired_at``), never deleted, because responses
will point at items. Texts are kept in Danish and English; English may be empty, and then the
Danish text is shown (``in_language``). These tables hold no personal data.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.core.db import Base, UTCDateTime, string_enum, utcnow
from course_app.courses.models import new_content_stamp


class Dimension(enum.StrEnum):
    """The three dimensions of digital competence: "viden, færdigheder og tilgang"."""

    KNOWLEDGE = "knowledge"
    SKILLS = "skills"
    APPROACH = "approach"


# The dimensions' names in the interface (Danish message ids, translated where shown).
DIMENSION_LABELS = {
    Dimension.KNOWLEDGE: _l("Viden"),
    Dimension.SKILLS: _l("Færdigheder"),
    Dimension.APPROACH: _l("Tilgang"),
}


def in_language(danish: str, english: str, language: str) -> str:
    """The text in ``language``: English when asked for and present, else Danish."""
    return english if language == "en" and english else danish


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    # This platform's own demo model (not the Center for Digital Dannelse tool): shown with its label.
    demo_model: Mapped[bool] = mapped_column(Boolean, default=False)
    label_da: Mapped[str] = mapped_column(String(300), default="")
    label_en: Mapped[str] = mapped_column(String(300), default="")
    intro_da: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    outro_da: Mapped[str] = mapped_column(Text, default="")
    outro_en: Mapped[str] = mapped_column(Text, default="")
    # An optional film before the statements and after them (a video URL, shown like a lesson's video).
    intro_video_url: Mapped[str] = mapped_column(String(500), default="")
    outro_video_url: Mapped[str] = mapped_column(String(500), default="")
    # The wheel page's private reflection prompts, in order: [{"key": "vigtige", "da": "…", "en": "…"}].
    reflection_prompts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    scale_min: Mapped[int] = mapped_column(Integer)
    scale_max: Mapped[int] = mapped_column(Integer)
    # One label per point, in order: [{"value": 1, "da": "Passer slet ikke", "en": "…"}, …].
    scale_labels: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # A new random value whenever the assessment or anything in it changes.
    content_stamp: Mapped[str] = mapped_column(String(32), default=new_content_stamp)

    def title(self, language: str) -> str:
        return in_language(self.title_da, self.title_en, language)

    def label(self, language: str) -> str:
        return in_language(self.label_da, self.label_en, language)

    def intro(self, language: str) -> str:
        return in_language(self.intro_da, self.intro_en, language)

    def outro(self, language: str) -> str:
        return in_language(self.outro_da, self.outro_en, language)

    def scale_label(self, value: int, language: str) -> str:
        for point in self.scale_labels:
            if point.get("value") == value:
                return in_language(point.get("da", ""), point.get("en", ""), language)
        return str(value)


class AssessmentArea(Base):
    """A spoke of the wheel."""

    __tablename__ = "assessment_areas"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    title_da: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship()

    def title(self, language: str) -> str:
        return in_language(self.title_da, self.title_en, language)


class AssessmentItem(Base):
    """One statement a leader rates on the assessment's scale, in one area and one dimension."""

    __tablename__ = "assessment_items"
    __table_args__ = (UniqueConstraint("assessment_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="RESTRICT"), index=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_areas.id", ondelete="RESTRICT"), index=True
    )
    key: Mapped[str] = mapped_column(String(64))
    dimension: Mapped[Dimension] = mapped_column(string_enum(Dimension))
    text_da: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Learning-goal ids (as in a course's course.yml) the item speaks to; not checked against a course.
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship()
    area: Mapped[AssessmentArea] = relationship()

    def text(self, language: str) -> str:
        return in_language(self.text_da, self.text_en, language)
