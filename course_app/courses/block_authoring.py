"""Authoring blocks (text, video, questions, resources): their fields by the course-file rules,
video chapters typed as "MM:SS Titel" lines, create and edit."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

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
from course_app.courses.film_moments import Item, MomentProblem, broken_moments, moment_problem
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


_MOMENT_PROBLEMS = {
    MomentProblem.VIDEO_WITHOUT_AT: (
        "at",
        _l("Skriv tiden i filmen, når du vælger en film – eller vælg ingen film."),
    ),
    MomentProblem.NO_FILM_ABOVE: (
        "at",
        _l("Der er ingen film over spørgsmålet i lektionen. Vælg filmen, spørgsmålet hører til."),
    ),
    MomentProblem.NOT_A_FILM: ("video", _l("Vælg en af lektionens film fra listen.")),
    MomentProblem.AFTER_THE_END: (
        "at",
        _l("Tiden ligger efter filmens slutning. Ret tiden, eller ret filmens varighed."),
    ),
}


def lesson_films(lesson: Lesson) -> list[Block]:
    """The lesson's live films, in order: what a question's ``video`` may name."""
    return [block for block in live_blocks(lesson) if block.type == BlockType.VIDEO]


def live_blocks(lesson: Lesson) -> list[Block]:
    """The lesson's live blocks, in order."""
    return list(
        db.session.scalars(
            select(Block)
            .where(Block.lesson_id == lesson.id, Block.retired_at.is_(None))
            .order_by(Block.position, Block.id)
        )
    )


def _check_moment(
    lesson: Lesson, block: Block | None, values: Mapping[str, Any], errors: dict[str, Any]
) -> None:
    """A timed question (``at``) belongs to a film of its lesson and falls within it: judged
    where the question stands (a new one at the end of the lesson)."""
    if "at" not in values and "video" not in values:
        return
    items = [Item(each.key, each.type, each.data or {}) for each in live_blocks(lesson)]
    mine = next((i for i, item in enumerate(items) if block and item.key == block.key), None)
    new = Item(block.key if block else None, BlockType.REFLECTION, values)
    if mine is None:
        items.append(new)
        mine = len(items) - 1
    else:
        items[mine] = new
    if problem := moment_problem(items, mine):
        field_name, message = _MOMENT_PROBLEMS[problem]
        errors.setdefault(field_name, message)


def _check_film_length(
    lesson: Lesson, film: Block, values: Mapping[str, Any], errors: dict[str, Any]
) -> None:
    """A film's new length must leave its questions' moments inside it."""
    blocks = live_blocks(lesson)
    edited = [
        SimpleNamespace(key=b.key, type=b.type, data=values) if b.key == film.key else b
        for b in blocks
    ]
    if broken_moments(edited) - broken_moments(blocks):
        errors["duration_minutes"] = _l(
            "Et spørgsmål til filmen stilles efter den nye slutning. Ret spørgsmålets tid i filmen "
            "først, eller skriv en længere varighed."
        )


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
    block_type: BlockType,
    data: Mapping[str, Any],
    *,
    allow_link: bool,
    lesson: Lesson,
    block: Block | None = None,
) -> dict[str, Any]:
    """The block's ``data`` by the course-file rules: known keys only, empty optional ones left out.
    ``block``: the block being edited (None for a new one at the end of ``lesson``)."""
    course_id = lesson.course_id
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
    if block_type == BlockType.REFLECTION and not {"at", "video"} & set(errors):
        _check_moment(lesson, block, values, errors)
    if block_type == BlockType.VIDEO and block is not None and not errors:
        _check_film_length(lesson, block, values, errors)
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
        values = _block_data(block_type, data, allow_link=allow_link, lesson=lesson)
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
        values = _block_data(
            block.type, data, allow_link=allow_link, lesson=block.lesson, block=block
        )
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
