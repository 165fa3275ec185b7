"""Writing an assessment from the database as its folder, in canonical form
(``docs/assessment-format.md``), with the course files' byte-stable writer (``courses/yaml_writer.py``):
keys in the documented order, two-space indentation, ``|`` blocks for multi-line text, LF, UTF-8, a
final newline. Export → import → export is byte-identical. Retired areas and items are history, not
part of the file, and are left out; so are films and reflection prompts the assessment has none of.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from course_app.assessments.file_schema import ASSESSMENT_FILE, FORMAT_VERSION
from course_app.assessments.models import (
    Assessment,
    AssessmentArea,
    AssessmentItem,
    Dimension,
)
from course_app.core.db import db
from course_app.courses.file_export import ExportError
from course_app.courses.yaml_writer import FlowList, normalise_newlines, yaml_text


def _text(danish: str, english: str) -> dict[str, str]:
    """A language mapping; English only when there is one."""
    text = {"da": normalise_newlines(danish)}
    if english:
        text["en"] = normalise_newlines(english)
    return text


def assessment_to_files(assessment: Assessment) -> dict[str, str]:
    """The assessment folder's files (relative path → text); reads from ``db.session``."""
    session = db.session
    areas = list(
        session.scalars(
            select(AssessmentArea)
            .where(
                AssessmentArea.assessment_id == assessment.id, AssessmentArea.retired_at.is_(None)
            )
            .order_by(AssessmentArea.position, AssessmentArea.key)
        )
    )
    area_keys = {area.id: area.key for area in areas}
    items = session.scalars(
        select(AssessmentItem)
        .where(AssessmentItem.assessment_id == assessment.id, AssessmentItem.retired_at.is_(None))
        .order_by(AssessmentItem.position, AssessmentItem.key)
    )
    document: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "id": assessment.key,
        "title": _text(assessment.title_da, assessment.title_en),
    }
    if assessment.demo_model:
        document["demo_model"] = True
    if assessment.label_da:
        document["label"] = _text(assessment.label_da, assessment.label_en)
    document["intro"] = _text(assessment.intro_da, assessment.intro_en)
    if assessment.intro_video_url:
        document["intro_video"] = assessment.intro_video_url
    document["outro"] = _text(assessment.outro_da, assessment.outro_en)
    if assessment.outro_video_url:
        document["outro_video"] = assessment.outro_video_url
    if assessment.reflection_prompts:
        document["reflections"] = [
            {"id": prompt["key"], "prompt": _text(prompt["da"], prompt.get("en", ""))}
            for prompt in assessment.reflection_prompts
        ]
    document |= {
        "scale": {
            "min": assessment.scale_min,
            "max": assessment.scale_max,
            "labels": [
                {"value": point["value"], "label": _text(point["da"], point.get("en", ""))}
                for point in assessment.scale_labels
            ],
        },
        "areas": [{"id": area.key, "title": _text(area.title_da, area.title_en)} for area in areas],
        "items": [_item(item, area_keys) for item in items if item.area_id in area_keys],
    }
    return {ASSESSMENT_FILE: yaml_text(document)}


def _item(item: AssessmentItem, area_keys: dict[int, str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": item.key,
        "area": area_keys[item.area_id],
        "dimension": Dimension(item.dimension).value,
        "text": _text(item.text_da, item.text_en),
    }
    if item.goals:
        values["goals"] = FlowList(tuple(item.goals))
    return values


def export_assessment(assessment: Assessment, dest: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the assessment into ``dest/<id>/`` and return the written paths. An existing,
    non-empty folder is refused unless ``overwrite``."""
    target = Path(dest) / assessment.key
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ExportError(f"{target} is not empty: choose another destination or overwrite it")
    written = []
    for relative, text in assessment_to_files(assessment).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return sorted(written)
