"""The assessment-file format (``docs/assessment-format.md``) as data: names, the checked result
types and a rule for every key.

The machinery is the course files' (``courses/file_schema.py``, ``courses/file_checks.py``): the
same ``Field`` rules, ``Problem`` with file and line, ids of the same shape. Every text is a mapping
of languages, ``{da: …, en: …}``: Danish is required, English optional (shown in Danish when left
out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from course_app.assessments.models import Dimension
from course_app.courses.file_schema import Field, check_id, check_string_list, kind_of, optional

FORMAT_VERSION = 1
ASSESSMENT_FILE = "assessment.yml"
DIMENSIONS = tuple(dimension.value for dimension in Dimension)
MAX_TITLE_LENGTH = 300
MAX_ITEM_TEXT_LENGTH = 1000
MAX_LONG_TEXT_LENGTH = 5000
MAX_AREAS = 24
MAX_ITEMS = 300
MAX_SCALE_POINTS = 11


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


# --- Value checks: each returns what is wrong, or None --------------------------------------------


def text_at_most(limit: int):
    def check(value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            return f"must be a non-empty string (got {kind_of(value)})"
        if len(value) > limit:
            return f"is {len(value)} characters long; shorten it to at most {limit}"
        return None

    return check


def _format_version(value: Any) -> str | None:
    if value == FORMAT_VERSION and not isinstance(value, bool):
        return None
    return f"must be {FORMAT_VERSION}: this version reads only format {FORMAT_VERSION}"


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false (got {kind_of(value)})"


def whole_number(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and -100 <= value <= 100:
        return None
    return f"must be a whole number from -100 to 100 (got {kind_of(value)})"


def _dimension(value: Any) -> str | None:
    if isinstance(value, str) and value in DIMENSIONS:
        return None
    return (
        f"names an unknown dimension (got {kind_of(value)}): use knowledge (viden), "
        "skills (færdigheder) or approach (tilgang)"
    )


def _list(value: Any) -> str | None:
    return None if isinstance(value, list) else f"must be a list (got {kind_of(value)})"


def _any(_value: Any) -> str | None:
    return None  # checked in detail by the reader (a language mapping, the scale)


# --- Schemas --------------------------------------------------------------------------------------


def text_fields(limit: int) -> dict[str, Field]:
    """The languages of one text: Danish required, English optional."""
    return {"da": Field(text_at_most(limit)), "en": optional(text_at_most(limit))}


ASSESSMENT_FIELDS = {
    "format": Field(_format_version),
    "id": Field(check_id),
    "title": Field(_any),
    "demo_model": optional(_bool),
    "label": optional(_any),
    "intro": Field(_any),
    "outro": Field(_any),
    "scale": Field(_any),
    "areas": Field(_list),
    "items": Field(_list),
}
# The language mappings of the assessment and their length limits.
ASSESSMENT_TEXTS = {
    "title": MAX_TITLE_LENGTH,
    "label": MAX_TITLE_LENGTH,
    "intro": MAX_LONG_TEXT_LENGTH,
    "outro": MAX_LONG_TEXT_LENGTH,
}
SCALE_FIELDS = {"min": Field(whole_number), "max": Field(whole_number), "labels": Field(_list)}
SCALE_LABEL_FIELDS = {"value": Field(whole_number), "label": Field(_any)}
AREA_FIELDS = {"id": Field(check_id), "title": Field(_any)}
ITEM_FIELDS = {
    "id": Field(check_id),
    "area": Field(check_id),
    "dimension": Field(_dimension),
    "text": Field(_any),
    "goals": optional(check_string_list),
}
