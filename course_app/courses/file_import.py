"""Importing a course folder into the database: an idempotent upsert by id.

Rows are matched on ``key`` (the id in the files) within the course, so a lesson or block that moved
to another module or lesson is updated in place. Content that left the files is retired, never
deleted, because learners' progress and answers point at it; content that comes back is restored.
Only attributes that differ are written, so importing an unchanged folder writes nothing at all.
Parents are set as objects (``lesson.module``); they are already in the session's identity map, so
comparing them costs no query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from course_app.audit import services as audit
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.courses import materials
from course_app.courses.file_reader import read_course_dir
from course_app.courses.file_schema import CourseData, Problem
from course_app.courses.models import (
    Block,
    CompletionRule,
    Course,
    LearningGoal,
    Lesson,
    Module,
    PublicationStatus,
)

_Row = TypeVar("_Row", LearningGoal, Module, Lesson, Block)


class FilesInvalid(ServiceError):
    """Files with problems; nothing was imported. ``problems`` says what to fix, each with its file
    and line. Subclasses name what the files are (``heading``, read after the count)."""

    heading = _l("fejl i filerne")

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [f"{len(self.problems)} {self.heading}:"]
        lines.extend(str(problem) for problem in self.problems)
        super().__init__("\n".join(lines))


class CourseValidationError(FilesInvalid):
    """The course folder has problems; nothing was imported."""

    heading = _l("fejl i kursusfilerne")


@dataclass
class ImportReport:
    """What an import changed, one human-readable line per item, e.g. "created lesson intro"."""

    course: Course
    lines: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines) if self.lines else f"course {self.course.slug}: no changes"


@dataclass(frozen=True)
class _Wanted:
    """One item as the files describe it: column values and goal tags (None: no goal tags)."""

    key: str
    values: Mapping[str, Any]
    goals: tuple[str, ...] | None = None


def import_course(path: Path, *, actor_id: int | None = None) -> ImportReport:
    """Validate the folder, then create or update its course in ``db.session`` (flushed, not
    committed). Raises CourseValidationError, before writing anything, when the files have problems.

    An import that changed something leaves one audit entry (``actor_id`` None: the command line or
    the system) with the report's lines in its details; an unchanged import writes nothing.
    """
    data, problems = read_course_dir(path)
    if problems or data is None:
        raise CourseValidationError(problems)
    report = _Importer(db.session(), data, actor_id=actor_id).run()
    if report.changed:
        _record_import(report, actor_id)
    return report


_IMPORT_VERBS = {
    "created": "oprettet",
    "updated": "ændret",
    "retired": "udgået",
    "restored": "genoprettet",
}


def _record_import(report: ImportReport, actor_id: int | None) -> None:
    counts = Counter(line.split(" ", 1)[0] for line in report.lines)
    summary = ", ".join(
        f"{counts[verb]} {danish}" for verb, danish in _IMPORT_VERBS.items() if counts[verb]
    )
    created = report.lines[0] == f"created course {report.course.slug}"
    audit.record(
        actor_id=actor_id,
        action="created" if created else "imported",
        object_type="course",
        object_key=report.course.slug,
        course_id=report.course.id,
        summary=f"Indlæst fra kursusfiler: {summary}",
        details={"lines": list(report.lines)},
    )


class _Importer:
    def __init__(self, session: Session, data: CourseData, *, actor_id: int | None = None) -> None:
        self.session = session
        self.data = data
        self.actor_id = actor_id
        self.material_ids: dict[str, int] = {}
        self.now = utcnow()
        self.lines: list[str] = []
        self.goals: dict[str, LearningGoal] = {}

    def run(self) -> ImportReport:
        course = self._upsert_course()
        self.goals = self._sync(course, LearningGoal, "goal", self._goal_items())
        modules = self._sync(course, Module, "module", self._module_items())
        lessons = self._sync(course, Lesson, "lesson", self._lesson_items(modules))
        self._attach_materials(course)
        self._sync(course, Block, "block", self._block_items(lessons))
        self.session.flush()
        return ImportReport(course, self.lines)

    # --- What the files want -------------------------------------------------------------------

    def _goal_items(self) -> list[_Wanted]:
        return [
            _Wanted(
                goal.key,
                {"title": goal.title, "description": goal.description, "position": goal.position},
            )
            for goal in self.data.goals
        ]

    def _module_items(self) -> list[_Wanted]:
        return [
            _Wanted(
                module.key,
                {
                    "title": module.title,
                    "mode": module.mode,
                    "release": module.release,
                    "intro": module.intro,
                    "source_name": module.source_name,
                    "position": module.position,
                    "status": PublicationStatus(module.status),
                },
                module.goals,
            )
            for module in self.data.modules
        ]

    def _lesson_items(self, modules: Mapping[str, Module]) -> list[_Wanted]:
        return [
            _Wanted(
                lesson.key,
                {
                    "module": modules[module.key],
                    "title": lesson.title,
                    "intro": lesson.intro,
                    "completion": CompletionRule(lesson.completion),
                    "watched_percent": lesson.watched_percent,
                    "source_name": lesson.source_name,
                    "position": lesson.position,
                    "status": PublicationStatus(lesson.status),
                },
                lesson.goals,
            )
            for module in self.data.modules
            for lesson in module.lessons
        ]

    def _block_items(self, lessons: Mapping[str, Lesson]) -> list[_Wanted]:
        return [
            _Wanted(
                block.key,
                {
                    "lesson": lessons[lesson.key],
                    "type": block.type,
                    "position": block.position,
                    "data": self._block_data(block.data),
                },
                block.goals,
            )
            for module in self.data.modules
            for lesson in module.lessons
            for block in lesson.blocks
        ]

    def _block_data(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The block's data as stored: a material named by its file becomes its id."""
        values = deepcopy(dict(data))
        if "material" in values:
            values["material"] = self.material_ids[values["material"]]
        return values

    def _attach_materials(self, course: Course) -> None:
        """Find or add the course's material for every file the blocks name (by content and
        name, so an unchanged folder adds nothing)."""
        if not self.data.materials:
            return
        store = materials.store()
        known = set(store.materials_of(course.id))
        self.material_ids = store.attach(course.id, self.data.materials, actor_id=self.actor_id)
        for name, material_id in self.material_ids.items():
            if material_id not in known:
                self.lines.append(f"created material {name}")

    # --- Writing -------------------------------------------------------------------------------

    def _upsert_course(self) -> Course:
        data = self.data
        course = self.session.scalar(select(Course).where(Course.slug == data.key))
        values = {
            "title": data.title,
            "language": data.language,
            "summary": data.summary,
            "status": PublicationStatus(data.status),
        }
        if course is None:
            course = Course(slug=data.key, **values)
            self.session.add(course)
            self.lines.append(f"created course {data.key}")
        else:
            self._report_update("course", data.key, course, _apply(course, values))
        self.session.flush()
        return course

    def _sync(
        self, course: Course, model: type[_Row], kind: str, wanted: Iterable[_Wanted]
    ) -> dict[str, _Row]:
        """Create, update or restore every wanted item and retire the rows the files dropped.

        Rows of the kind are loaded in one query (with their goal tags), never one by one.
        """
        query = select(model).where(model.course_id == course.id)
        if model is not LearningGoal:
            query = query.options(selectinload(model.goals))
        rows: dict[str, _Row] = {row.key: row for row in self.session.scalars(query)}
        kept: dict[str, _Row] = {}
        for item in wanted:
            row = rows.get(item.key)
            if row is None:
                row = model(course_id=course.id, key=item.key, **item.values)
                self.session.add(row)
                self.lines.append(f"created {kind} {item.key}")
            changed = _apply(row, item.values)
            if item.goals is not None and self._set_goals(row, item.goals):
                changed.append("goals")
            if item.key in rows:
                self._report_update(kind, item.key, row, changed)
            kept[item.key] = row
        for key, row in rows.items():
            if key not in kept and row.retired_at is None:
                row.retired_at = self.now
                self.lines.append(f"retired {kind} {key}")
        return kept

    def _set_goals(self, row: Module | Lesson | Block, keys: tuple[str, ...]) -> bool:
        """Replace the goal tags when they differ (as a set: the tag table has no order)."""
        if {goal.key for goal in row.goals} == set(keys):
            return False
        row.goals = [self.goals[key] for key in keys]
        return True

    def _report_update(self, kind: str, key: str, row: Any, changed: list[str]) -> None:
        """Restore a retired row (reported as restored) or report the fields that changed."""
        if row.retired_at is not None:
            row.retired_at = None
            detail = f" ({', '.join(changed)})" if changed else ""
            self.lines.append(f"restored {kind} {key}{detail}")
        elif changed:
            self.lines.append(f"updated {kind} {key} ({', '.join(changed)})")


def _apply(row: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the attributes that differ; return their names as people read them."""
    changed: list[str] = []
    for name, value in values.items():
        current = getattr(row, name)
        if current == value:
            continue
        setattr(row, name, value)
        if isinstance(current, dict) and isinstance(value, dict):
            changed.extend(_changed_keys(current, value))
        else:
            changed.append(name)
    return changed


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def import_missing_courses(courses_dir: Path) -> tuple[list[str], list[tuple[str, list[Problem]]]]:
    """Import every course folder the database does not have yet; never overwrite an existing one
    (admins may have edited it). Returns the imported course ids and the folders skipped for problems.
    """
    imported: list[str] = []
    skipped: list[tuple[str, list[Problem]]] = []
    for course_dir in sorted(p for p in courses_dir.iterdir() if (p / "course.yml").is_file()):
        data, problems = read_course_dir(course_dir)
        if problems or data is None:
            skipped.append((course_dir.name, problems))
            continue
        if db.session.scalar(select(Course.id).where(Course.slug == data.key)) is None:
            import_course(course_dir)
            imported.append(data.key)
    return imported, skipped
