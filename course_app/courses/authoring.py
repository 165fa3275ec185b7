"""Authoring course content in the browser: create, edit, reorder, publish, retire and delete.

Services are plain functions ``verb_noun(obj, data, *, actor)``; they flush and never commit, and each
change writes an audit entry in the same transaction. Field rules are the course-file rules of
``courses/files.py`` (``COURSE_FIELDS``, ``MODULE_FIELDS``, ``BLOCK_FIELDS`` …), so whatever an author
saves here can be exported and imported again. Rejected data raises ``InvalidData`` with a Danish
message per field.

Keys (the file ids) are generated from the title when an item is created and never change after.
Content that learners' work points at is retired, never deleted; deleting is only allowed for items
that no row outside the content tables refers to (answers, progress, meeting notes …).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course_app.audit import services as audit
from course_app.core.db import Base, db, utcnow
from course_app.core.errors import ServiceError
from course_app.core.html import classify_video_url
from course_app.courses.files import (
    BLOCK_FIELDS,
    CHAPTER_FIELDS,
    COURSE_FIELDS,
    ID_PATTERN,
    LANGUAGES,
    MAX_TITLE_LENGTH,
    MODES,
    parse_timestamp,
)
from course_app.courses.models import (
    Block,
    BlockType,
    Course,
    LearningGoal,
    Lesson,
    Module,
    ModuleMode,
    PublicationStatus,
)
from course_app.courses.services import ModuleOutline, outline_of

# The content tables themselves (and the goal tags) are not "learner work pointing at an item".
_CONTENT_TABLES = frozenset(
    {"courses", "modules", "lessons", "blocks", "module_goals", "lesson_goals", "block_goals"}
)
_KEY_BASE_LENGTH = 56

OutlineContent = Module | Lesson | Block


class InvalidData(ServiceError):
    """The data breaks the course-file rules; ``errors`` maps field names to messages."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(_l("Rettelsen blev ikke gemt. Se fejlene ved felterne."))
        self.errors = dict(errors)


class NeedsConfirmation(ServiceError):
    """The change would touch learners' work; the author must confirm it explicitly."""


# --- Messages per field: the rules come from files.py, the words for the author are ours ------------

_MESSAGES = {
    "slug": _l("Brug små bogstaver, tal og bindestreger (højst 63 tegn), fx digital-ledelse."),
    "title": _l("Skriv en titel på højst %(max)s tegn.", max=MAX_TITLE_LENGTH),
    "language": _l("Vælg dansk eller engelsk."),
    "summary": _l("Skriv en kort beskrivelse af kurset."),
    "mode": _l("Vælg, hvor modulet foregår."),
    "body": _l("Skriv en tekst."),
    "prompt": _l("Skriv spørgsmålet."),
    "url": _l("Skriv en fuld adresse, der begynder med https://."),
    "duration_minutes": _l("Skriv et helt antal minutter over 0."),
    "kind": _l("Vælg en type fra listen."),
    "goals": _l("Vælg kun læringsmål fra listen."),
}
_FALLBACK = _l("Feltet er ikke udfyldt rigtigt.")
_RESOURCE_URL = _l("Skriv en fuld adresse, der begynder med https:// eller mailto:.")
_LINK_ONLY = _l(
    "Adressen er ikke fra YouTube, Vimeo eller en .mp4/.webm-fil over https, så filmen kan ikke "
    "vises på siden. Sæt hak i »Vis som almindeligt link«, hvis deltagerne skal åbne den på en "
    "anden side."
)


def _message(name: str, block_type: BlockType | None = None) -> Any:
    if name == "url" and block_type == BlockType.RESOURCE:
        return _RESOURCE_URL
    return _MESSAGES.get(name, _FALLBACK)


def _check_fields(values: Mapping[str, Any], fields: Mapping[str, Any], *, block_type=None):
    """Errors per field by the course-file rules; empty optional fields must be left out first."""
    errors: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in values:
            if spec.required:
                errors[name] = _message(name, block_type)
        elif spec.check(values[name]) is not None:
            errors[name] = _message(name, block_type)
    return errors


def _clean_text(value: Any) -> str:
    """Form text as stored: surrounding blank space trimmed, Windows line endings made plain."""
    return str(value or "").replace("\r\n", "\n").strip()


# --- Keys ---------------------------------------------------------------------------------------

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str, fallback: str) -> str:
    """A file id from a title: lowercase ASCII, digits and hyphens (æ → ae, ø → oe, å → aa)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_DANISH))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:_KEY_BASE_LENGTH].strip("-")
    return slug or fallback


def _unique_key(model: type[Module | Lesson | Block], course_id: int, text: str, fallback: str):
    """The slug of ``text``, with -2, -3 … when another item of its kind in the course (retired
    ones too: their key is taken for good) already has it."""
    base = slugify(text, fallback)
    taken = set(
        db.session.scalars(
            select(model.key).where(model.course_id == course_id, model.key.startswith(base))
        )
    )
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


# --- Audit --------------------------------------------------------------------------------------


def _object_type(item: Course | OutlineContent) -> str:
    return {Course: "course", Module: "module", Lesson: "lesson", Block: "block"}[type(item)]


def _object_key(item: Course | OutlineContent) -> str:
    return item.slug if isinstance(item, Course) else item.key


def _course_id(item: Course | OutlineContent) -> int:
    return item.id if isinstance(item, Course) else item.course_id


def _log(item, action: str, actor, *, summary: str = "", details: dict | None = None) -> None:
    audit.record(
        actor_id=actor.id if actor is not None else None,  # a User (None: the system)
        action=action,
        object_type=_object_type(item),
        object_key=_object_key(item),
        course_id=_course_id(item),
        summary=summary,
        details=details,
    )


def _apply(item, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set attributes; returns {field: [old, new]} for the ones that changed."""
    changed = {}
    for name, new in values.items():
        old = getattr(item, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
            setattr(item, name, new)
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], LearningGoal):
        return [goal.key for goal in value]
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _log_changes(item, actor, changed: dict[str, list[Any]]) -> None:
    if changed:
        _log(item, "changed", actor, summary=", ".join(changed), details={"changed": changed})


# --- Goals --------------------------------------------------------------------------------------


def course_goals(course: Course) -> list[LearningGoal]:
    return list(
        db.session.scalars(
            select(LearningGoal)
            .where(LearningGoal.course_id == course.id, LearningGoal.retired_at.is_(None))
            .order_by(LearningGoal.position, LearningGoal.id)
        )
    )


def _goals(course_id: int, keys: Iterable[str] | None, errors: dict[str, Any]):
    keys = list(dict.fromkeys(keys or []))
    if not keys:
        return []
    found = {
        goal.key: goal
        for goal in db.session.scalars(
            select(LearningGoal).where(
                LearningGoal.course_id == course_id,
                LearningGoal.key.in_(keys),
                LearningGoal.retired_at.is_(None),
            )
        )
    }
    if len(found) != len(keys):
        errors["goals"] = _MESSAGES["goals"]
    return sorted(found.values(), key=lambda goal: (goal.position, goal.id))


# --- Courses ------------------------------------------------------------------------------------


def _course_values(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": _clean_text(data.get("title")),
        "language": _clean_text(data.get("language")) or "da",
        "summary": _clean_text(data.get("summary")),
    }


def _course_errors(values: dict[str, Any]) -> dict[str, Any]:
    fields = {name: COURSE_FIELDS[name] for name in ("title", "language")}
    checked = {name: value for name, value in values.items() if value != ""}
    errors = _check_fields(checked, fields)
    if values["language"] not in LANGUAGES:
        errors["language"] = _MESSAGES["language"]
    return errors


def create_course(data: Mapping[str, Any], *, actor) -> Course:
    """A new draft course. ``data``: slug (its id, fixed from now on), title, language, summary."""
    slug = _clean_text(data.get("slug")).lower()
    values = _course_values(data)
    errors = _course_errors(values)
    if not ID_PATTERN.match(slug):
        errors["slug"] = _MESSAGES["slug"]
    elif db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        errors["slug"] = _l("Der findes allerede et kursus med id'et %(slug)s.", slug=slug)
    if errors:
        raise InvalidData(errors)
    course = Course(slug=slug, status=PublicationStatus.DRAFT, **values)
    db.session.add(course)
    db.session.flush()
    _log(course, "created", actor, summary=course.title)
    return course


def update_course(course: Course, data: Mapping[str, Any], *, actor) -> Course:
    """Title, language and summary; the slug is the course's id and never changes."""
    if "slug" in data and _clean_text(data["slug"]) not in ("", course.slug):
        raise InvalidData({"slug": _l("Kursets id kan ikke ændres.")})
    values = _course_values(data)
    if errors := _course_errors(values):
        raise InvalidData(errors)
    _log_changes(course, actor, _apply(course, values))
    db.session.flush()
    return course


# --- Modules and lessons ------------------------------------------------------------------------


def _next_position(model, **parent) -> int:
    column = next(iter(parent))
    current = db.session.scalar(
        select(func.max(model.position)).where(getattr(model, column) == parent[column])
    )
    return 0 if current is None else current + 1


def _title_error(values: dict[str, Any], errors: dict[str, Any]) -> None:
    if COURSE_FIELDS["title"].check(values["title"]) is not None:
        errors["title"] = _MESSAGES["title"]


def _outline_values(
    course_id: int, data: Mapping[str, Any], *, with_mode: bool = False
) -> dict[str, Any]:
    """A module's or lesson's title, intro and goals (and a module's mode), checked."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "title": _clean_text(data.get("title")),
        "intro": _clean_text(data.get("intro")),
    }
    _title_error(values, errors)
    if with_mode:
        mode = _clean_text(data.get("mode")) or ModuleMode.INDIVIDUAL.value
        if mode not in MODES:
            errors["mode"] = _MESSAGES["mode"]
        else:
            values["mode"] = ModuleMode(mode)
    values["goals"] = _goals(course_id, data.get("goals"), errors)
    if errors:
        raise InvalidData(errors)
    return values


def _save_edit(item: Module | Lesson, values: dict[str, Any], actor) -> None:
    _log_changes(item, actor, _apply(item, values))
    db.session.flush()


def create_module(course: Course, data: Mapping[str, Any], *, actor) -> Module:
    """A new draft module at the end of the course: title, mode, intro (Markdown), goals (keys)."""
    values = _outline_values(course.id, data, with_mode=True)
    module = Module(
        course_id=course.id,
        key=_unique_key(Module, course.id, values["title"], "modul"),
        position=_next_position(Module, course_id=course.id),
        status=PublicationStatus.DRAFT,
        **values,
    )
    db.session.add(module)
    db.session.flush()
    _log(module, "created", actor, summary=module.title)
    return module


def update_module(module: Module, data: Mapping[str, Any], *, actor) -> Module:
    _save_edit(module, _outline_values(module.course_id, data, with_mode=True), actor)
    return module


def create_lesson(module: Module, data: Mapping[str, Any], *, actor) -> Lesson:
    """A new draft lesson at the end of the module: title, intro (Markdown), goals (keys)."""
    values = _outline_values(module.course_id, data)
    lesson = Lesson(
        course_id=module.course_id,
        module_id=module.id,
        key=_unique_key(Lesson, module.course_id, values["title"], "lektion"),
        position=_next_position(Lesson, module_id=module.id),
        status=PublicationStatus.DRAFT,
        **values,
    )
    db.session.add(lesson)
    db.session.flush()
    _log(lesson, "created", actor, summary=lesson.title)
    return lesson


def update_lesson(lesson: Lesson, data: Mapping[str, Any], *, actor) -> Lesson:
    """Edits go live when saved; progress and answers point at the lesson's row and stay."""
    _save_edit(lesson, _outline_values(lesson.course_id, data), actor)
    return lesson


# --- Blocks -------------------------------------------------------------------------------------

_CHAPTER_LINE = re.compile(r"^\s*(\S+)\s+(.+?)\s*$")


def parse_chapter_lines(text: str) -> tuple[list[dict[str, str]], list[Any]]:
    """Chapters from lines "MM:SS Titel" (or "H:MM:SS Titel"); blank lines are skipped.
    Returns (chapters, problems): each problem names its line, in time order too."""
    chapters: list[dict[str, str]] = []
    problems: list[Any] = []
    previous: int | None = None
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _CHAPTER_LINE.match(line)
        seconds = parse_timestamp(match.group(1)) if match else None
        chapter = {"at": match.group(1), "title": match.group(2)} if match else {}
        if seconds is None or any(
            spec.check(chapter.get(name)) for name, spec in CHAPTER_FIELDS.items()
        ):
            problems.append(
                _l(
                    'Linje %(line)s: skriv tiden som "MM:SS" og derefter titlen, fx "04:30 Hvad er digital ledelse?".',
                    line=number,
                )
            )
            continue
        if previous is not None and seconds <= previous:
            problems.append(
                _l("Linje %(line)s: kapitlerne skal stå i tidsrækkefølge.", line=number)
            )
        previous = seconds
        chapters.append(chapter)
    return chapters, problems


def chapter_lines(chapters: Sequence[Mapping[str, str]] | None) -> str:
    return "\n".join(f"{chapter['at']} {chapter['title']}" for chapter in chapters or [])


def _block_data(
    block_type: BlockType, data: Mapping[str, Any], *, allow_link: bool
) -> dict[str, Any]:
    """The block's ``data`` by the course-file rules: known keys only, empty optional ones left out."""
    fields = BLOCK_FIELDS[block_type]
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name in fields:
        value = data.get(name)
        if name in ("required", "placeholder"):
            if name == "required" or value:
                values[name] = bool(value)
        elif name == "duration_minutes":
            if value not in (None, ""):
                values[name] = value
        elif name == "chapters":
            if isinstance(value, str):
                chapters, problems = parse_chapter_lines(value)
                if problems:
                    errors["chapters"] = problems
                if chapters:
                    values[name] = chapters
            elif value:
                values[name] = list(value)
        elif text := _clean_text(value):
            values[name] = text
    errors = {**_check_fields(values, fields, block_type=block_type), **errors}
    if (
        block_type == BlockType.VIDEO
        and "url" not in errors
        and not values.get("placeholder")
        and classify_video_url(values["url"]).kind == "link"
        and not allow_link
    ):
        errors["url"] = _LINK_ONLY
    if errors:
        raise InvalidData(errors)
    return values


def block_summary(block_type: BlockType, data: Mapping[str, Any]) -> str:
    return str(data.get("title") or data.get("prompt") or data.get("body") or block_type.value)


def create_block(
    lesson: Lesson,
    block_type: BlockType | str,
    data: Mapping[str, Any],
    *,
    actor,
    allow_link: bool = False,
) -> Block:
    """A new block at the end of the lesson. ``data`` holds the type's fields (see BLOCK_FIELDS)
    and ``goals`` (keys); chapters may be given as "MM:SS Titel" lines. A video URL that cannot
    be shown on the page is accepted only with ``allow_link`` (it is shown as a plain link)."""
    block_type = BlockType(block_type)
    errors: dict[str, Any] = {}
    goals = _goals(lesson.course_id, data.get("goals"), errors)
    try:
        values = _block_data(block_type, data, allow_link=allow_link)
    except InvalidData as invalid:
        raise InvalidData({**invalid.errors, **errors}) from None
    if errors:
        raise InvalidData(errors)
    summary = block_summary(block_type, values)
    block = Block(
        course_id=lesson.course_id,
        lesson_id=lesson.id,
        key=_unique_key(Block, lesson.course_id, summary[:80], block_type.value.replace("_", "-")),
        type=block_type,
        position=_next_position(Block, lesson_id=lesson.id),
        data=values,
        goals=goals,
    )
    db.session.add(block)
    db.session.flush()
    _log(block, "created", actor, summary=summary)
    return block


def update_block(
    block: Block, data: Mapping[str, Any], *, actor, allow_link: bool = False
) -> Block:
    """New field values for a block; its type and key stay (answers point at the block)."""
    errors: dict[str, Any] = {}
    goals = _goals(block.course_id, data.get("goals"), errors)
    try:
        values = _block_data(block.type, data, allow_link=allow_link)
    except InvalidData as invalid:
        raise InvalidData({**invalid.errors, **errors}) from None
    if errors:
        raise InvalidData(errors)
    old = dict(block.data or {})
    changed = {
        name: [old.get(name), values.get(name)]
        for name in sorted(set(old) | set(values))
        if old.get(name) != values.get(name)
    }
    if changed:
        block.data = values  # a new dict, so the JSON column is written
    changed.update(_apply(block, {"goals": goals}))
    _log_changes(block, actor, changed)
    db.session.flush()
    return block


# --- Order --------------------------------------------------------------------------------------


def siblings(item: OutlineContent) -> list[OutlineContent]:
    """The item's live (not retired) siblings in order, the item included."""
    model = type(item)
    parent = {Module: "course_id", Lesson: "module_id", Block: "lesson_id"}[model]
    return list(
        db.session.scalars(
            select(model)
            .where(
                getattr(model, parent) == getattr(item, parent),
                model.retired_at.is_(None),
            )
            .order_by(model.position, model.id)
        )
    )


def move_item(item: OutlineContent, direction: str, *, actor) -> bool:
    """Move a module, lesson or block one place "up" or "down" among its live siblings.
    Returns False (and changes nothing) at either end. Positions are renumbered 0, 1, 2 …"""
    if direction not in ("up", "down"):
        raise ServiceError(_l("Ukendt retning."))
    items = siblings(item)
    if item not in items:
        raise ServiceError(_l("Et udfaset element kan ikke flyttes."))
    index = items.index(item)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, sibling in enumerate(items):
        sibling.position = position
    db.session.flush()
    _log(item, "moved", actor, summary=direction, details={"position": target})
    return True


# --- Publishing ---------------------------------------------------------------------------------


def set_published(item: Course | Module | Lesson, published: bool, *, actor) -> bool:
    """Publish or withdraw a course, module or lesson. A leader sees an item only when it and
    everything above it is published (``courses.services``). Returns whether anything changed."""
    status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
    if item.retired_at is not None:
        raise ServiceError(_l("Et udfaset element kan ikke offentliggøres."))
    if item.status == status:
        return False
    item.status = status
    db.session.flush()
    _log(item, "published" if published else "unpublished", actor, summary=item.title)
    return True


# --- Retiring, restoring and deleting -----------------------------------------------------------


def _subtree(item: OutlineContent) -> dict[str, list[int]]:
    """Ids of the item and everything under it, per content table."""
    ids: dict[str, list[int]] = {"modules": [], "lessons": [], "blocks": []}
    if isinstance(item, Module):
        ids["modules"] = [item.id]
        ids["lessons"] = list(
            db.session.scalars(select(Lesson.id).where(Lesson.module_id == item.id))
        )
    elif isinstance(item, Lesson):
        ids["lessons"] = [item.id]
    if ids["lessons"]:
        ids["blocks"] = list(
            db.session.scalars(select(Block.id).where(Block.lesson_id.in_(ids["lessons"])))
        )
    if isinstance(item, Block):
        ids["blocks"] = [item.id]
    return ids


def references(item: OutlineContent) -> dict[str, int]:
    """Rows outside the content that point at the item or anything under it, per table (answers,
    progress, meeting notes …). Found from the foreign keys, so new kinds of learner data count
    without this module knowing them."""
    ids = _subtree(item)
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in _CONTENT_TABLES:
            continue
        for foreign_key in table.foreign_keys:
            target = foreign_key.column.table.name
            if target in ids and ids[target] and foreign_key.column.name == "id":
                count = db.session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(foreign_key.parent.in_(ids[target]))
                )
                if count:
                    counts[table.name] = counts.get(table.name, 0) + count
    return counts


def answer_count(item: OutlineContent) -> int:
    return references(item).get("reflection_answers", 0)


def retire_item(item: OutlineContent, *, actor, confirm_answers: bool = False) -> None:
    """Hide a module, lesson or block from leaders for good, keeping every answer and all progress
    stored. Retiring something with answers needs ``confirm_answers``."""
    if item.retired_at is not None:
        return
    answers = answer_count(item)
    if answers and not confirm_answers:
        raise NeedsConfirmation(
            _l("Der er %(num)s svar. Bekræft, at du vil udfase alligevel.", num=answers)
        )
    item.retired_at = utcnow()
    db.session.flush()
    summary = getattr(item, "title", None) or block_summary(item.type, item.data)
    _log(item, "retired", actor, summary=summary, details={"answers": answers})


def restore_item(item: OutlineContent, *, actor) -> None:
    """Bring a retired item back, at the end of its siblings."""
    if item.retired_at is None:
        return
    item.retired_at = None
    item.position = (
        max((sibling.position for sibling in siblings(item) if sibling is not item), default=-1) + 1
    )
    db.session.flush()
    _log(
        item, "changed", actor, summary="restored", details={"changed": {"retired": [True, False]}}
    )


@dataclass(frozen=True)
class Deletable:
    allowed: bool
    references: dict[str, int] = field(default_factory=dict)


def deletable(item: OutlineContent) -> Deletable:
    found = references(item)
    return Deletable(not found, found)


def delete_item(item: OutlineContent, *, actor) -> None:
    """Delete a module, lesson or block with everything under it, only when nothing points at any
    of it (no answers, no progress, no meeting notes …). Otherwise retire it."""
    if references(item):
        raise ServiceError(
            _l(
                "Der er deltagerdata knyttet til indholdet, så det kan ikke slettes. Udfas det i stedet."
            )
        )
    ids = _subtree(item)
    summary = getattr(item, "title", None) or block_summary(item.type, item.data)
    _log(item, "deleted", actor, summary=summary)
    for model, table in ((Block, "blocks"), (Lesson, "lessons"), (Module, "modules")):
        for row in db.session.scalars(select(model).where(model.id.in_(ids[table]))):
            row.goals = []
            db.session.flush()
            db.session.delete(row)
        db.session.flush()


# --- Reading for the authoring screens ----------------------------------------------------------


@dataclass
class AuthorLesson:
    lesson: Lesson
    blocks: list[Block]
    retired_blocks: list[Block]


@dataclass
class AuthorModule:
    module: Module
    lessons: list[AuthorLesson]
    retired_lessons: list[Lesson]


@dataclass
class AuthorOutline:
    modules: list[AuthorModule]
    retired_modules: list[Module]


def author_outline(course: Course) -> AuthorOutline:
    """Everything in a course, drafts and retired items included, in three queries."""
    modules = db.session.scalars(
        select(Module).where(Module.course_id == course.id).order_by(Module.position, Module.id)
    ).all()
    lessons = db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id)
    ).all()
    blocks = db.session.scalars(
        select(Block).where(Block.course_id == course.id).order_by(Block.position, Block.id)
    ).all()
    author_lessons: dict[int, list[AuthorLesson]] = {module.id: [] for module in modules}
    retired_lessons: dict[int, list[Lesson]] = {module.id: [] for module in modules}
    by_lesson: dict[int, AuthorLesson] = {}
    for lesson in lessons:
        if lesson.retired_at is None:
            by_lesson[lesson.id] = AuthorLesson(lesson, [], [])
            author_lessons[lesson.module_id].append(by_lesson[lesson.id])
        else:
            retired_lessons[lesson.module_id].append(lesson)
    for block in blocks:
        if block.lesson_id in by_lesson:
            target = by_lesson[block.lesson_id]
            (target.blocks if block.retired_at is None else target.retired_blocks).append(block)
    return AuthorOutline(
        modules=[
            AuthorModule(module, author_lessons[module.id], retired_lessons[module.id])
            for module in modules
            if module.retired_at is None
        ],
        retired_modules=[module for module in modules if module.retired_at is not None],
    )


def live_lessons(module: Module) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.module_id == module.id, Lesson.retired_at.is_(None))
            .order_by(Lesson.position, Lesson.id)
        )
    )


def preview_outline(module: Module, *, include_drafts: bool = False) -> ModuleOutline:
    """The module as a leader will see it once it (and the course) is published: its published,
    live lessons with their live blocks; with ``include_drafts`` draft lessons too."""
    statuses = [PublicationStatus.PUBLISHED]
    if include_drafts:
        statuses.append(PublicationStatus.DRAFT)
    return outline_of([module], statuses)[0]
