"""Importing an assessment folder into the database: an idempotent upsert by id, like courses.

Areas and items are matched on ``key`` within the assessment. What left the file is retired, never
deleted (responses will point at items); what comes back is restored. Only attributes that differ
are written, so importing an unchanged file writes nothing; any change gives the assessment a new
``content_stamp``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.assessments.file_reader import read_assessment_dir
from course_app.assessments.file_schema import ASSESSMENT_FILE, AssessmentData
from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem
from course_app.audit import services as audit
from course_app.core.db import db, utcnow
from course_app.courses.file_import import FilesInvalid
from course_app.courses.file_schema import Problem
from course_app.courses.models import new_content_stamp

_Row = TypeVar("_Row", AssessmentArea, AssessmentItem)
_IMPORT_VERBS = {
    "created": "oprettet",
    "updated": "ændret",
    "retired": "udgået",
    "restored": "genoprettet",
}


class AssessmentValidationError(FilesInvalid):
    """The assessment folder has problems; nothing was imported."""

    heading = _l("fejl i filen med kompetencehjulet")


@dataclass
class AssessmentImportReport:
    """What an import changed, one line per item, e.g. "created item opgaver-viden-1"."""

    assessment: Assessment
    lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines) or f"assessment {self.assessment.key}: no changes"


def import_assessment(path: Path, *, actor_id: int | None = None) -> AssessmentImportReport:
    """Validate the folder, then create or update its assessment in ``db.session`` (flushed, not
    committed). Raises AssessmentValidationError, before writing anything, when the file has
    problems. A change leaves one audit entry; an unchanged import writes nothing."""
    data, problems = read_assessment_dir(path)
    if problems or data is None:
        raise AssessmentValidationError(problems)
    report = _Importer(data).run()
    if report.changed:
        report.assessment.content_stamp = new_content_stamp()
        _record_import(report, actor_id)
    db.session.flush()
    return report


def import_missing_assessments(
    courses_dir: Path,
) -> tuple[list[str], list[tuple[str, list[Problem]]]]:
    """Import every assessment folder (one holding ``assessment.yml``) the database does not have
    yet; never overwrite an existing one. Returns the imported ids and the folders skipped for
    problems. Course folders (``course.yml``) beside them are not touched."""
    imported: list[str] = []
    skipped: list[tuple[str, list[Problem]]] = []
    for folder in sorted(p for p in courses_dir.iterdir() if (p / ASSESSMENT_FILE).is_file()):
        data, problems = read_assessment_dir(folder)
        if problems or data is None:
            skipped.append((folder.name, problems))
            continue
        if db.session.scalar(select(Assessment.id).where(Assessment.key == data.key)) is None:
            import_assessment(folder)
            imported.append(data.key)
    return imported, skipped


def _record_import(report: AssessmentImportReport, actor_id: int | None) -> None:
    counts = Counter(line.split(" ", 1)[0] for line in report.lines)
    summary = ", ".join(
        f"{counts[verb]} {danish}" for verb, danish in _IMPORT_VERBS.items() if counts[verb]
    )
    key = report.assessment.key
    audit.record(
        actor_id=actor_id,
        action="created" if report.lines[0] == f"created assessment {key}" else "imported",
        object_type="assessment",
        object_key=key,
        summary=f"Indlæst fra afdækningsfil: {summary}",
        details={"lines": list(report.lines)},
    )


class _Importer:
    def __init__(self, data: AssessmentData) -> None:
        self.session = db.session()
        self.data = data
        self.now = utcnow()
        self.lines: list[str] = []

    def run(self) -> AssessmentImportReport:
        assessment = self._upsert_assessment()
        areas = self._sync(assessment, AssessmentArea, "area", self._area_values())
        self._sync(assessment, AssessmentItem, "item", self._item_values(areas))
        return AssessmentImportReport(assessment, self.lines)

    def _upsert_assessment(self) -> Assessment:
        data = self.data
        label = data.label
        values = {
            "title_da": data.title.da,
            "title_en": data.title.en,
            "demo_model": data.demo_model,
            "label_da": label.da if label else "",
            "label_en": label.en if label else "",
            "intro_da": data.intro.da,
            "intro_en": data.intro.en,
            "outro_da": data.outro.da,
            "outro_en": data.outro.en,
            # A file without films or prompts clears them: the file is the whole assessment.
            "intro_video_url": data.intro_video_url,
            "outro_video_url": data.outro_video_url,
            "reflection_prompts": [
                {"key": reflection.key, "da": reflection.prompt.da, "en": reflection.prompt.en}
                for reflection in data.reflections
            ],
            "scale_min": data.scale_min,
            "scale_max": data.scale_max,
            "scale_labels": [
                {"value": point.value, "da": point.label.da, "en": point.label.en}
                for point in data.scale
            ],
        }
        assessment = self.session.scalar(select(Assessment).where(Assessment.key == data.key))
        if assessment is None:
            assessment = Assessment(key=data.key, **values)
            self.session.add(assessment)
            self.lines.append(f"created assessment {data.key}")
        else:
            self._report_update("assessment", data.key, assessment, _apply(assessment, values))
        self.session.flush()
        return assessment

    def _area_values(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (
                area.key,
                {"title_da": area.title.da, "title_en": area.title.en, "position": area.position},
            )
            for area in self.data.areas
        ]

    def _item_values(self, areas: Mapping[str, AssessmentArea]) -> list[tuple[str, dict[str, Any]]]:
        return [
            (
                item.key,
                {
                    "area_id": areas[item.area].id,
                    "dimension": item.dimension,
                    "text_da": item.text.da,
                    "text_en": item.text.en,
                    "position": item.position,
                    "goals": list(item.goals),
                },
            )
            for item in self.data.items
        ]

    def _sync(
        self,
        assessment: Assessment,
        model: type[_Row],
        kind: str,
        wanted: Iterable[tuple[str, dict[str, Any]]],
    ) -> dict[str, _Row]:
        """Create, update or restore every wanted row and retire the rows the file dropped; the
        kind's rows are loaded in one query."""
        query = select(model).where(model.assessment_id == assessment.id)
        rows: dict[str, _Row] = {row.key: row for row in self.session.scalars(query)}
        kept: dict[str, _Row] = {}
        for key, values in wanted:
            row = rows.get(key)
            if row is None:
                row = model(assessment=assessment, key=key, **values)
                self.session.add(row)
                self.lines.append(f"created {kind} {key}")
            else:
                self._report_update(kind, key, row, _apply(row, values))
            kept[key] = row
        for key, row in rows.items():
            if key not in kept and row.retired_at is None:
                row.retired_at = self.now
                self.lines.append(f"retired {kind} {key}")
        self.session.flush()
        return kept

    def _report_update(self, kind: str, key: str, row: Any, changed: list[str]) -> None:
        """Restore a retired row (reported as restored) or report the fields that changed."""
        if row.retired_at is not None:
            row.retired_at = None
            detail = f" ({', '.join(changed)})" if changed else ""
            self.lines.append(f"restored {kind} {key}{detail}")
        elif changed:
            self.lines.append(f"updated {kind} {key} ({', '.join(changed)})")


def _apply(row: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the attributes that differ; return their names."""
    changed: list[str] = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed
