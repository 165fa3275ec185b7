"""Authoring blocks (text, video, questions, resources): their fields by the course-file rules,
video chapters typed as "MM:SS Titel" lines, create and edit."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l

from course_app.core.db import db
from course_app.core.html import classify_video_url
from course_app.courses import materials
from course_app.courses.authoring import next_position
from course_app.courses.authoring_rules import (
    LINK_ONLY,
    MATERIAL_OR_URL,
    MATERIAL_UNKNOWN,
    InvalidData,
    check_fields,
    clean_text,
    goals_by_keys,
)
from course_app.courses.change_log import apply_values, log_change, log_changes
from course_app.courses.content_keys import unique_key
from course_app.courses.file_schema import BLOCK_FIELDS, CHAPTER_FIELDS, parse_timestamp
from course_app.courses.models import Block, BlockType, Lesson

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


def _material(course_id: int, value: Any, errors: dict[str, Any]) -> int | None:
    """The chosen material's id: one of this course's live materials, else an error at the field."""
    if value in (None, ""):
        return None
    material_id = materials.parse_material_id(value)
    if material_id is None or not materials.store().materials_of(course_id, [material_id]):
        errors["material"] = MATERIAL_UNKNOWN
        return None
    return material_id


def _block_data(
    block_type: BlockType, data: Mapping[str, Any], *, allow_link: bool, course_id: int
) -> dict[str, Any]:
    """The block's ``data`` by the course-file rules: known keys only, empty optional ones left out."""
    fields = dict(BLOCK_FIELDS[block_type])
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if "material" in fields:
        # Stored as the material's id (the files name it by its file: see courses/materials.py).
        del fields["material"]
        material_id = _material(course_id, data.get("material"), errors)
        if material_id is not None:
            values["material"] = material_id
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
        elif text := clean_text(value):
            values[name] = text
    errors = {**check_fields(values, fields, block_type=block_type), **errors}
    if (
        block_type == BlockType.RESOURCE
        and not errors
        and ("url" in values) == ("material" in values)
    ):
        errors["material"] = MATERIAL_OR_URL  # a link or a material: exactly one of them
    if (
        block_type == BlockType.VIDEO
        and "url" not in errors
        and not values.get("placeholder")
        and classify_video_url(values["url"]).kind == "link"
        and not allow_link
    ):
        errors["url"] = LINK_ONLY
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
    goals = goals_by_keys(lesson.course_id, data.get("goals"), errors)
    try:
        values = _block_data(block_type, data, allow_link=allow_link, course_id=lesson.course_id)
    except InvalidData as invalid:
        raise InvalidData({**invalid.errors, **errors}) from None
    if errors:
        raise InvalidData(errors)
    summary = block_summary(block_type, values)
    block = Block(
        course_id=lesson.course_id,
        lesson_id=lesson.id,
        key=unique_key(Block, lesson.course_id, summary[:80], block_type.value.replace("_", "-")),
        type=block_type,
        position=next_position(Block, lesson_id=lesson.id),
        data=values,
        goals=goals,
    )
    db.session.add(block)
    db.session.flush()
    log_change(block, "created", actor, summary=summary)
    return block


def update_block(
    block: Block, data: Mapping[str, Any], *, actor, allow_link: bool = False
) -> Block:
    """New field values for a block; its type and key stay (answers point at the block)."""
    errors: dict[str, Any] = {}
    goals = goals_by_keys(block.course_id, data.get("goals"), errors)
    try:
        values = _block_data(block.type, data, allow_link=allow_link, course_id=block.course_id)
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
    changed.update(apply_values(block, {"goals": goals}))
    log_changes(block, actor, changed)
    db.session.flush()
    return block
