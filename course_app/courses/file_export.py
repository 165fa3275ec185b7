"""Writing a course from the database as a course folder in canonical form (``docs/course-format.md``).

The output is byte-stable: the same course always gives the same bytes, and a folder written here,
imported and written again is byte-identical. The YAML is emitted by hand rather than by a YAML
library so that every choice is explicit and cannot drift with a library version:

- keys in the documented order; optional keys without a value are left out;
- two-space indentation; lists of mappings and of names as block lists, goal lists in flow style
  (``goals: [a, b]``) in the order of the learning goals in ``course.yml``;
- a string with a line break as a literal block scalar (``|``, ``|-`` or ``|+`` as its trailing line
  breaks require, with an indentation indicator when it starts with a space or a line break);
- other strings plain when that reads back as the same string under YAML 1.1 and 1.2 alike, else in
  double quotes (also anything time- or number-like, such as a chapter's ``"00:00"``);
- line breaks normalised to LF (browsers send CRLF), UTF-8, a final newline.

Only content that is not retired is written: retired rows are history kept for learners' answers,
not part of the course. Drafts are written as well; the format has no publication state.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses import materials
from course_app.courses.file_schema import (
    BLOCK_FIELDS,
    CHAPTER_FIELDS,
    COURSE_FILE,
    FORMAT_VERSION,
    MODULE_FILE,
    is_plain_name,
)
from course_app.courses.materials import ASSETS_DIR
from course_app.courses.models import (
    Block,
    BlockType,
    CompletionRule,
    Course,
    LearningGoal,
    Lesson,
    Module,
    ModuleMode,
    PublicationStatus,
)
from course_app.courses.release_rules import rule_from_data
from course_app.courses.yaml_writer import FlowList, markdown_file, normalise_newlines, yaml_text

# Fixed timestamp for zip entries (the earliest a zip can hold), so the archive bytes are stable.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


class ExportError(ServiceError):
    """The course cannot be written where asked (e.g. the destination already holds files)."""


# --- Names in the folder --------------------------------------------------------------------------


def _derived_name(stem: str, suffix: str, taken: set[str]) -> str:
    """``<stem><suffix>``, or ``<stem>-2<suffix>``, ``-3`` … when taken; the name is then taken."""
    name, number = f"{stem}{suffix}", 2
    while name in taken:
        name, number = f"{stem}-{number}{suffix}", number + 1
    taken.add(name)
    return name


def _choose_names(
    wanted: Sequence[str | None], stems: Sequence[str], suffix: str, taken: set[str]
) -> list[str]:
    """Each item's wanted (source) name unless an earlier item has it, else ``<stem><suffix>``
    made unique. Wanted names are claimed first, so a derived name never takes one of them."""
    kept: list[str | None] = []
    for name in wanted:
        free = name is not None and name not in taken
        kept.append(name if free else None)
        if free:
            taken.add(name)
    return [
        name or _derived_name(stem, suffix, taken) for name, stem in zip(kept, stems, strict=True)
    ]


def _module_folders(modules: Sequence[Module]) -> list[str]:
    """Each module's folder: its source name, or ``NN-<id>`` when it has none (or a clash)."""
    return _choose_names(
        [module.source_name if is_plain_name(module.source_name) else None for module in modules],
        [f"{index:02d}-{module.key}" for index, module in enumerate(modules, start=1)],
        "",
        taken={COURSE_FILE, ASSETS_DIR},
    )


def _lesson_files(lessons: Sequence[Lesson]) -> list[str]:
    """Each lesson's file in its module folder: its source name, or ``<id>.md`` (made unique)."""
    return _choose_names(
        [
            lesson.source_name
            if is_plain_name(lesson.source_name) and lesson.source_name.endswith(".md")
            else None
            for lesson in lessons
        ],
        [lesson.key for lesson in lessons],
        ".md",
        taken={MODULE_FILE},
    )


# --- The course -----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, course: Course) -> None:
        session = db.session
        self.course = course
        self.goals = list(
            session.scalars(
                select(LearningGoal)
                .where(LearningGoal.course_id == course.id, LearningGoal.retired_at.is_(None))
                .order_by(LearningGoal.position, LearningGoal.key)
            )
        )
        self.goal_order = {goal.id: index for index, goal in enumerate(self.goals)}
        self.modules = list(
            session.scalars(
                select(Module)
                .where(Module.course_id == course.id, Module.retired_at.is_(None))
                .options(selectinload(Module.goals))
                .order_by(Module.position, Module.key)
            )
        )
        self.lessons: dict[int, list[Lesson]] = {module.id: [] for module in self.modules}
        for lesson in session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
            .options(selectinload(Lesson.goals))
            .order_by(Lesson.position, Lesson.key)
        ):
            if lesson.module_id in self.lessons:
                self.lessons[lesson.module_id].append(lesson)
        self.blocks: dict[int, list[Block]] = {}
        for block in session.scalars(
            select(Block)
            .where(Block.course_id == course.id, Block.retired_at.is_(None))
            .options(selectinload(Block.goals))
            .order_by(Block.position, Block.key)
        ):
            self.blocks.setdefault(block.lesson_id, []).append(block)
        self.materials = self._materials()

    def _materials(self) -> dict[int, tuple[str, Path]]:
        """The live materials the blocks refer to: id → (file name in ``assets/``, its bytes).
        Names are the materials' own, made unique in id order (``slides-2.pdf``)."""
        ids = {
            material_id
            for blocks in self.blocks.values()
            for block in blocks
            if block.type == BlockType.RESOURCE
            and (material_id := materials.material_id_of(block.data)) is not None
        }
        if not ids:
            return {}
        found = materials.store().materials_of(self.course.id, ids)
        taken: set[str] = set()
        named: dict[int, tuple[str, Path]] = {}
        for material_id in sorted(found):
            info = found[material_id]
            stem, dot, extension = info.file_name.rpartition(".")
            if not dot:
                stem, extension = info.file_name, ""
            name = _derived_name(stem, f".{extension}" if extension else "", taken)
            named[material_id] = (name, info.path)
        return named

    def material_files(self) -> dict[str, Path]:
        """``assets/<name>`` → where the material's bytes are, sorted by path."""
        return dict(
            sorted((f"{ASSETS_DIR}/{name}", path) for name, path in self.materials.values())
        )

    def files(self) -> dict[str, str]:
        folders = _module_folders(self.modules)
        files = {COURSE_FILE: self._course_yml(folders)}
        for module, folder in zip(self.modules, folders, strict=True):
            lessons = self.lessons[module.id]
            names = _lesson_files(lessons)
            files[f"{folder}/{MODULE_FILE}"] = self._module_md(module, names)
            for lesson, name in zip(lessons, names, strict=True):
                files[f"{folder}/{name}"] = self._lesson_md(lesson)
        return dict(sorted(files.items()))

    def _goal_keys(self, goals: Iterable[LearningGoal]) -> FlowList | None:
        """Tags in the order of ``learning_goals`` (the tag table keeps no order); retired goals
        are not in the files, so tags to them are left out too."""
        kept = sorted(
            (goal for goal in goals if goal.id in self.goal_order),
            key=lambda goal: self.goal_order[goal.id],
        )
        return FlowList(tuple(goal.key for goal in kept)) if kept else None

    def _course_yml(self, folders: list[str]) -> str:
        course = self.course
        goals = [
            _without_empty(
                {
                    "id": goal.key,
                    "title": _clean(goal.title),
                    "description": _clean(goal.description),
                }
            )
            for goal in self.goals
        ]
        return yaml_text(
            _without_empty(
                {
                    "format": FORMAT_VERSION,
                    "id": course.slug,
                    "title": _clean(course.title),
                    "status": _draft(course),
                    "language": course.language,
                    "summary": _clean(course.summary),
                    "learning_goals": goals,
                },
                keep=("title", "language", "summary"),
            )
            | {"modules": folders}
        )

    def _module_md(self, module: Module, lesson_files: list[str]) -> str:
        front = _without_empty(
            {
                "id": module.key,
                "title": _clean(module.title),
                "status": _draft(module),
                "mode": ModuleMode(module.mode).value,
                "goals": self._goal_keys(module.goals),
                "release": rule_from_data(module.release).to_data(),
            },
            keep=("title",),
        )
        return markdown_file(front | {"lessons": lesson_files}, module.intro)

    def _lesson_md(self, lesson: Lesson) -> str:
        watched = lesson.completion == CompletionRule.WATCHED
        front = _without_empty(
            {
                "id": lesson.key,
                "title": _clean(lesson.title),
                "status": _draft(lesson),
                "goals": self._goal_keys(lesson.goals),
                "completion": CompletionRule.WATCHED.value if watched else None,
                "watched_percent": lesson.watched_percent if watched else None,
            },
            keep=("title",),
        )
        blocks = [self._block(block) for block in self.blocks.get(lesson.id, [])]
        return markdown_file(front | {"blocks": blocks}, lesson.intro)

    def _block(self, block: Block) -> dict[str, Any]:
        """id, type, the type's fields in the documented order, then goals. Keys the format does
        not know are left out, so the file always passes validation on that account."""
        data = block.data or {}
        fields = BLOCK_FIELDS[BlockType(block.type)]
        values: dict[str, Any] = {"id": block.key, "type": BlockType(block.type).value}
        for name in fields:
            value = data.get(name)
            if name == "chapters" and isinstance(value, list):
                value = [_chapter(chapter) for chapter in value]
            if name == "material":
                # A deleted or unknown material is left out: validation then asks for one.
                material_id = materials.material_id_of(data)
                found = self.materials.get(material_id) if material_id is not None else None
                value = found[0] if found else None
            values[name] = _clean(value)
        values["goals"] = self._goal_keys(block.goals)
        return _without_empty(values, keep=tuple(name for name, f in fields.items() if f.required))


def _draft(item: Course | Module | Lesson) -> str | None:
    """``status: draft`` for a draft, so that importing the files elsewhere does not publish it;
    nothing for a published item (the default)."""
    return PublicationStatus.DRAFT.value if item.status == PublicationStatus.DRAFT else None


def _chapter(chapter: Any) -> Any:
    if not isinstance(chapter, Mapping):
        return chapter
    return _without_empty({name: _clean(chapter.get(name)) for name in CHAPTER_FIELDS})


def _clean(value: Any) -> Any:
    """Text with LF line breaks; other values as they are."""
    return normalise_newlines(value) if isinstance(value, str) else value


def _without_empty(values: dict[str, Any], keep: Sequence[str] = ()) -> dict[str, Any]:
    """Leave out keys without a value (None, "" or an empty list), except required ones in
    ``keep``, which are written even when empty so validation names what is missing."""
    return {
        key: value
        for key, value in values.items()
        if key in keep or value not in (None, "", [], ())
    }


# --- Public API -----------------------------------------------------------------------------------


def course_to_files(course: Course) -> dict[str, str]:
    """The course folder's files, relative path (POSIX, without the slug folder) → text, sorted by
    path. Reads the course's content from ``db.session``."""
    return _Writer(course).files()


def course_material_files(course: Course) -> dict[str, Path]:
    """The material files the course's blocks refer to: ``assets/<name>`` → the stored file."""
    return _Writer(course).material_files()


def export_course(course: Course, dest: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the course into ``dest/<slug>/`` and return the written paths (sorted).

    An existing non-empty folder is refused unless ``overwrite``; even then only the course's own
    files are (re)written and nothing else there is deleted (so files an earlier export wrote for
    content that is gone since stay, and validation reports them as not listed).
    """
    target = Path(dest) / course.slug
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ExportError(f"{target} is not empty: choose another destination or overwrite it")
    written: list[Path] = []
    for relative, content in _all_files(course).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.read_bytes())
        written.append(path)
    return sorted(written)


def _all_files(course: Course) -> dict[str, bytes | Path]:
    """The text files (encoded) and the material files (their stored path), sorted by path."""
    writer = _Writer(course)
    files: dict[str, bytes | Path] = {
        relative: text.encode("utf-8") for relative, text in writer.files().items()
    }
    files.update(writer.material_files())
    return dict(sorted(files.items()))


def export_zip(course: Course) -> bytes:
    """The course folder as a zip with entries ``<slug>/...``: sorted, fixed timestamps and
    permissions, so the same course always gives the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for relative, content in _all_files(course).items():
            info = zipfile.ZipInfo(f"{course.slug}/{relative}", date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system writes it
            info.external_attr = 0o100644 << 16
            archive.writestr(info, content if isinstance(content, bytes) else content.read_bytes())
    return buffer.getvalue()
