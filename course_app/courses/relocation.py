"""Moving a lesson to another module, or a block to another lesson, of the same course.

The item keeps its row and id, so leaders' progress and answers follow it; it goes to the end of its
new place. A move that would leave a question at a moment of a film without its film is refused, so
the course stays valid as files (``courses/film_moments.py``).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses.authoring import next_position, siblings
from course_app.courses.block_authoring import live_blocks
from course_app.courses.change_log import log_change
from course_app.courses.film_moments import Item, film_of, moment_problem
from course_app.courses.models import Block, BlockType, Lesson, Module


class MoveRefused(ServiceError):
    """The move would break the course; nothing was changed."""


def lessons_elsewhere(block: Block) -> list[Lesson]:
    """Where a block may go: the course's other live lessons, in module and lesson order."""
    return list(
        db.session.scalars(
            select(Lesson)
            .join(Module, Module.id == Lesson.module_id)
            .where(
                Lesson.course_id == block.course_id,
                Lesson.id != block.lesson_id,
                Lesson.retired_at.is_(None),
                Module.retired_at.is_(None),
            )
            .order_by(Module.position, Module.id, Lesson.position, Lesson.id)
            .options(contains_eager(Lesson.module))  # the choices name each lesson's module
        )
    )


def modules_elsewhere(lesson: Lesson) -> list[Module]:
    """Where a lesson may go: the course's other live modules, in order."""
    return list(
        db.session.scalars(
            select(Module)
            .where(
                Module.course_id == lesson.course_id,
                Module.id != lesson.module_id,
                Module.retired_at.is_(None),
            )
            .order_by(Module.position, Module.id)
        )
    )


def move_lesson(lesson: Lesson, module: Module, *, actor) -> None:
    if module.course_id != lesson.course_id or module not in modules_elsewhere(lesson):
        raise MoveRefused(_l("Vælg et andet af kursets moduler."))
    if lesson.retired_at is not None:
        raise MoveRefused(_l("Et udfaset element kan ikke flyttes."))
    _leave(lesson, module_id=module.id)
    log_change(lesson, "moved", actor, summary=module.title, details={"module": module.key})


def move_block(block: Block, lesson: Lesson, *, actor) -> None:
    if lesson.course_id != block.course_id or lesson not in lessons_elsewhere(block):
        raise MoveRefused(_l("Vælg en anden af kursets lektioner."))
    if block.retired_at is not None:
        raise MoveRefused(_l("Et udfaset element kan ikke flyttes."))
    if block.type == BlockType.VIDEO and _has_timed_questions(block):
        raise MoveRefused(
            _l(
                "Der er spørgsmål på bestemte tidspunkter i filmen. Flyt spørgsmålene eller fjern "
                "deres tid i filmen, før du flytter filmen."
            )
        )
    there = [_item(each) for each in live_blocks(lesson)] + [_item(block)]
    if "at" in block.data and moment_problem(there, len(there) - 1) is not None:
        raise MoveRefused(
            _l(
                "Spørgsmålet stilles på et bestemt tidspunkt i en film, som ikke er i den anden "
                "lektion. Fjern tiden i filmen, før du flytter spørgsmålet."
            )
        )
    _leave(block, lesson_id=lesson.id)
    log_change(block, "moved", actor, summary=lesson.title, details={"lesson": lesson.key})


def _has_timed_questions(film: Block) -> bool:
    """Whether a question of the film's lesson is asked at a moment of this film."""
    items = [_item(each) for each in siblings(film)]
    for index, item in enumerate(items):
        if item.type == BlockType.REFLECTION and "at" in item.data:
            owner = film_of(items, index)
            if owner is not None and owner.key == film.key:
                return True
    return False


def _item(block: Block) -> Item:
    return Item(block.key, block.type, block.data or {})


def _leave(item: Lesson | Block, **parent: int) -> None:
    """Put ``item`` at the end of its new parent and close the gap it leaves behind."""
    left = [each for each in siblings(item) if each is not item]
    ((name, parent_id),) = parent.items()
    item.position = next_position(type(item), **parent)
    setattr(item, name, parent_id)
    for position, sibling in enumerate(left):
        sibling.position = position
    db.session.flush()
