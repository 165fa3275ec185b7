"""Authoring course content in the browser: create and edit courses, modules and lessons, reorder
content and publish it. Blocks are in ``block_authoring.py``; retiring, restoring and deleting in
``lifecycle.py``; the rules for input in ``authoring_rules.py``.

Services are plain functions ``verb_noun(obj, data, *, actor)``; they flush and never commit, and each
change writes an audit entry in the same transaction (``change_log.py``). Keys (the file ids) are
generated from the title when an item is created and never change after (``content_keys.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses.authoring_rules import (
    MESSAGES,
    InvalidData,
    check_fields,
    clean_text,
    goals_by_keys,
)
from course_app.courses.change_log import apply_values, log_change, log_changes
from course_app.courses.content_keys import unique_key
from course_app.courses.file_schema import (
    COMPLETION_RULES,
    COURSE_FIELDS,
    ID_PATTERN,
    LANGUAGES,
    MODES,
)
from course_app.courses.film_moments import broken_moments
from course_app.courses.models import (
    Block,
    CompletionRule,
    Course,
    Lesson,
    Module,
    ModuleMode,
    OutlineContent,
    PublicationStatus,
)

# --- Courses ------------------------------------------------------------------------------------


def _course_values(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": clean_text(data.get("title")),
        "language": clean_text(data.get("language")) or "da",
        "summary": clean_text(data.get("summary")),
    }


def _course_errors(values: dict[str, Any]) -> dict[str, Any]:
    fields = {name: COURSE_FIELDS[name] for name in ("title", "language")}
    checked = {name: value for name, value in values.items() if value != ""}
    errors = check_fields(checked, fields)
    if values["language"] not in LANGUAGES:
        errors["language"] = MESSAGES["language"]
    return errors


def create_course(data: Mapping[str, Any], *, actor) -> Course:
    """A new draft course. ``data``: slug (its id, fixed from now on), title, language, summary."""
    slug = clean_text(data.get("slug")).lower()
    values = _course_values(data)
    errors = _course_errors(values)
    if not ID_PATTERN.match(slug):
        errors["slug"] = MESSAGES["slug"]
    elif db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        errors["slug"] = _l("Der findes allerede et kursus med id'et %(slug)s.", slug=slug)
    if errors:
        raise InvalidData(errors)
    course = Course(slug=slug, status=PublicationStatus.DRAFT, **values)
    db.session.add(course)
    db.session.flush()
    log_change(course, "created", actor, summary=course.title)
    return course


def update_course(course: Course, data: Mapping[str, Any], *, actor) -> Course:
    """Title, language and summary; the slug is the course's id and never changes."""
    if "slug" in data and clean_text(data["slug"]) not in ("", course.slug):
        raise InvalidData({"slug": _l("Kursets id kan ikke ændres.")})
    values = _course_values(data)
    if errors := _course_errors(values):
        raise InvalidData(errors)
    log_changes(course, actor, apply_values(course, values))
    db.session.flush()
    return course


# --- Modules and lessons ------------------------------------------------------------------------


def next_position(model, **parent) -> int:
    column = next(iter(parent))
    current = db.session.scalar(
        select(func.max(model.position)).where(getattr(model, column) == parent[column])
    )
    return 0 if current is None else current + 1


def _title_error(values: dict[str, Any], errors: dict[str, Any]) -> None:
    if COURSE_FIELDS["title"].check(values["title"]) is not None:
        errors["title"] = MESSAGES["title"]


def _outline_values(
    course_id: int, data: Mapping[str, Any], *, with_mode: bool = False
) -> dict[str, Any]:
    """A module's or lesson's title, intro and goals (and a module's mode), checked."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {
        "title": clean_text(data.get("title")),
        "intro": clean_text(data.get("intro")),
    }
    _title_error(values, errors)
    if with_mode:
        mode = clean_text(data.get("mode")) or ModuleMode.INDIVIDUAL.value
        if mode not in MODES:
            errors["mode"] = MESSAGES["mode"]
        else:
            values["mode"] = ModuleMode(mode)
    values["goals"] = goals_by_keys(course_id, data.get("goals"), errors)
    if errors:
        raise InvalidData(errors)
    return values


def _save_edit(item: Module | Lesson, values: dict[str, Any], actor) -> None:
    log_changes(item, actor, apply_values(item, values))
    db.session.flush()


def create_module(course: Course, data: Mapping[str, Any], *, actor) -> Module:
    """A new draft module at the end of the course: title, mode, intro (Markdown), goals (keys)."""
    values = _outline_values(course.id, data, with_mode=True)
    module = Module(
        course_id=course.id,
        key=unique_key(Module, course.id, values["title"], "modul"),
        position=next_position(Module, course_id=course.id),
        status=PublicationStatus.DRAFT,
        **values,
    )
    db.session.add(module)
    db.session.flush()
    log_change(module, "created", actor, summary=module.title)
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
        key=unique_key(Lesson, module.course_id, values["title"], "lektion"),
        position=next_position(Lesson, module_id=module.id),
        status=PublicationStatus.DRAFT,
        **values,
    )
    db.session.add(lesson)
    db.session.flush()
    log_change(lesson, "created", actor, summary=lesson.title)
    return lesson


def _completion_values(data: Mapping[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    """When the lesson may be marked done: ``completion`` "self" or "watched" and, with "watched",
    ``watched_percent`` (1–100; empty: the default)."""
    rule = clean_text(data.get("completion")) or CompletionRule.SELF.value
    if rule not in COMPLETION_RULES:
        errors["completion"] = MESSAGES["completion"]
        return {}
    percent = data.get("watched_percent")
    if rule != CompletionRule.WATCHED or percent in (None, ""):
        return {"completion": CompletionRule(rule), "watched_percent": None}
    if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= 100:
        errors["watched_percent"] = MESSAGES["watched_percent"]
        return {}
    return {"completion": CompletionRule(rule), "watched_percent": percent}


def update_lesson(lesson: Lesson, data: Mapping[str, Any], *, actor) -> Lesson:
    """Edits go live when saved; progress and answers point at the lesson's row and stay."""
    values = _outline_values(lesson.course_id, data)
    if "completion" in data:
        errors: dict[str, Any] = {}
        values.update(_completion_values(data, errors))
        if errors:
            raise InvalidData(errors)
    _save_edit(lesson, values, actor)
    return lesson


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
    before = broken_moments(items) if isinstance(item, Block) else set()
    items[index], items[target] = items[target], items[index]
    if isinstance(item, Block) and broken_moments(items) - before:
        raise ServiceError(
            _l(
                "Så ville et spørgsmål ikke længere stå under den film, det hører til. Vælg filmen i "
                "spørgsmålet, eller flyt filmen først."
            )
        )
    for position, sibling in enumerate(items):
        sibling.position = position
    db.session.flush()
    log_change(item, "moved", actor, summary=direction, details={"position": target})
    return True


# --- Publishing ---------------------------------------------------------------------------------


def set_published(item: Course | Module | Lesson, published: bool, *, actor) -> bool:
    """Publish or withdraw a course, module or lesson. A leader sees an item only when it and
    everything above it is published (``courses.outlines``). Returns whether anything changed."""
    status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
    if item.retired_at is not None:
        raise ServiceError(_l("Et udfaset element kan ikke offentliggøres."))
    if item.status == status:
        return False
    item.status = status
    db.session.flush()
    log_change(item, "published" if published else "unpublished", actor, summary=item.title)
    return True
