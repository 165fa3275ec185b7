"""The assessment-file format (``docs/assessment-format.md``) as data: names, the checked result
types and a rule for every key.

The machinery is the course files' (``courses/file_schema.py``, ``courses/file_checks.py``): the
same ``Field`` rules, ``Problem`` with file and line, ids of the same shape. Every text is a mapping
of languages, ``{da: …, en: …}``: Danish is required, English optional (shown in Danish when left
out). A film before or after the statements is checked by the rule of a course's video block.
Messages are Danish message ids, worded as the course files' are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from course_app.assessments.models import Dimension
from course_app.core.text import ALLOWED_IN_TEXT, has_control_characters
from course_app.courses.file_schema import (
    BLOCK_FIELDS,
    Field,
    check_bool,
    check_id,
    check_list,
    check_string_list,
    format_version_check,
    kind_of,
    optional,
    too_long,
)
from course_app.courses.models import BlockType

FORMAT_VERSION = 1
ASSESSMENT_FILE = "assessment.yml"
DIMENSIONS = tuple(dimension.value for dimension in Dimension)
MAX_TITLE_LENGTH = 300
MAX_ITEM_TEXT_LENGTH = 1000
MAX_LONG_TEXT_LENGTH = 5000
MAX_AREAS = 24
MAX_ITEMS = 300
MAX_SCALE_POINTS = 11
MAX_VIDEO_URL_LENGTH = 500  # the columns' length
MAX_REFLECTIONS = 10
MAX_PROMPT_LENGTH = 500


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A text in Danish and (optionally, else "") English."""

    da: str
    en: str = ""


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: Text


@dataclass(frozen=True)
class AreaData:
    key: str
    title: Text
    position: int


@dataclass(frozen=True)
class ItemData:
    key: str
    area: str
    dimension: Dimension
    text: Text
    position: int
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReflectionData:
    """A reflection prompt on the wheel page; ``key`` is what the answers point at."""

    key: str
    prompt: Text


@dataclass(frozen=True)
class AssessmentData:
    key: str
    title: Text
    demo_model: bool
    label: Text | None
    intro: Text
    outro: Text
    scale_min: int
    scale_max: int
    scale: tuple[ScalePoint, ...]
    areas: tuple[AreaData, ...]
    items: tuple[ItemData, ...]
    intro_video_url: str = ""
    outro_video_url: str = ""
    reflections: tuple[ReflectionData, ...] = ()


# --- Value checks: each returns what is wrong, or None --------------------------------------------


# NUL and the like (written as escapes in double quotes) cannot be stored in PostgreSQL text.
def _control_characters() -> str:
    return _("indeholder et kontroltegn (fx NUL); fjern det")


def text_at_most(limit: int):
    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return _("skal være en tekst, der ikke er tom (der står %(got)s)", got=kind_of(value))
        if has_control_characters(value, ALLOWED_IN_TEXT):
            return _(
                "indeholder et kontroltegn (fx NUL); fjern det (linjeskift og tabulatortegn er i orden)"
            )
        if len(value) > limit:
            return too_long(len(value), limit)
        return None

    return check


def whole_number(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and -100 <= value <= 100:
        return None
    return _("skal være et helt tal fra -100 til 100 (der står %(got)s)", got=kind_of(value))


def _dimension(value: Any) -> str | None:
    if isinstance(value, str) and value in DIMENSIONS:
        return None
    return _(
        "er ikke en kendt dimension (der står %(got)s): skriv knowledge (viden), skills "
        "(færdigheder) eller approach (tilgang)",
        got=kind_of(value),
    )


# A course video block's rule for its ``url`` (a full http: or https: link), reused, not copied.
_video_block_url = BLOCK_FIELDS[BlockType.VIDEO]["url"].check


def video_url(value: Any) -> str | None:
    """A film's address: a course video block's ``url``, and no longer than the column."""
    if error := _video_block_url(value):
        return error
    if has_control_characters(value):
        return _control_characters()
    if len(value) > MAX_VIDEO_URL_LENGTH:
        return too_long(len(value), MAX_VIDEO_URL_LENGTH)
    return None


def _any(_value: Any) -> str | None:
    return None  # checked in detail by the reader (a language mapping, the scale)


# --- Schemas --------------------------------------------------------------------------------------


def text_fields(limit: int) -> dict[str, Field]:
    """The languages of one text: Danish required, English optional."""
    return {"da": Field(text_at_most(limit)), "en": optional(text_at_most(limit))}


ASSESSMENT_FIELDS = {
    "format": Field(format_version_check(FORMAT_VERSION)),
    "id": Field(check_id),
    "title": Field(_any),
    "demo_model": optional(check_bool),
    "label": optional(_any),
    "intro": Field(_any),
    "intro_video": optional(video_url),
    "outro": Field(_any),
    "outro_video": optional(video_url),
    "reflections": optional(check_list),
    "scale": Field(_any),
    "areas": Field(check_list),
    "items": Field(check_list),
}
# The language mappings of the assessment and their length limits.
ASSESSMENT_TEXTS = {
    "title": MAX_TITLE_LENGTH,
    "label": MAX_TITLE_LENGTH,
    "intro": MAX_LONG_TEXT_LENGTH,
    "outro": MAX_LONG_TEXT_LENGTH,
}
SCALE_FIELDS = {"min": Field(whole_number), "max": Field(whole_number), "labels": Field(check_list)}
SCALE_LABEL_FIELDS = {"value": Field(whole_number), "label": Field(_any)}
REFLECTION_FIELDS = {"id": Field(check_id), "prompt": Field(_any)}
AREA_FIELDS = {"id": Field(check_id), "title": Field(_any)}
ITEM_FIELDS = {
    "id": Field(check_id),
    "area": Field(check_id),
    "dimension": Field(_dimension),
    "text": Field(_any),
    "goals": optional(check_string_list),
}
