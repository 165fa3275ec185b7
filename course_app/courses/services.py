"""Reading course content as leaders see it: published, not retired, in order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from course_app.core.db import db
from course_app.courses.models import Block, Course, Lesson, Module, PublicationStatus


@dataclass
class LessonOutline:
    lesson: Lesson
    blocks: list[Block] = field(default_factory=list)

    @property
    def questions(self) -> list[Block]:
        return [block for block in self.blocks if block.is_question]

    @property
    def required_questions(self) -> list[Block]:
        return [block for block in self.blocks if block.is_required]


@dataclass
class ModuleOutline:
    module: Module
    lessons: list[LessonOutline] = field(default_factory=list)


def visible_modules(course: Course) -> list[Module]:
    """Modules a leader may see: the module and the course published, nothing retired."""
    if course.status != PublicationStatus.PUBLISHED or course.retired_at is not None:
        return []
    return list(
        db.session.scalars(
            select(Module)
            .where(
                Module.course_id == course.id,
                Module.status == PublicationStatus.PUBLISHED,
                Module.retired_at.is_(None),
            )
            .order_by(Module.position, Module.id)
        )
    )


def course_outline(course: Course) -> list[ModuleOutline]:
    """Everything a leader can see in a course, loaded in three queries whatever its size."""
    return outline_of(visible_modules(course), [PublicationStatus.PUBLISHED])


def outline_of(
    modules: list[Module], lesson_statuses: list[PublicationStatus]
) -> list[ModuleOutline]:
    """The modules' live lessons (with one of ``lesson_statuses``) and their live blocks: two queries.
    The leader's course outline and the authors' preview both build on this."""
    if not modules:
        return []
    lessons = db.session.scalars(
        select(Lesson)
        .where(
            Lesson.module_id.in_([module.id for module in modules]),
            Lesson.status.in_(lesson_statuses),
            Lesson.retired_at.is_(None),
        )
        .order_by(Lesson.position, Lesson.id)
    ).all()
    blocks = db.session.scalars(
        select(Block)
        .where(Block.lesson_id.in_([lesson.id for lesson in lessons]), Block.retired_at.is_(None))
        .order_by(Block.position, Block.id)
    ).all()
    blocks_by_lesson: dict[int, list[Block]] = defaultdict(list)
    for block in blocks:
        blocks_by_lesson[block.lesson_id].append(block)
    lessons_by_module: dict[int, list[LessonOutline]] = defaultdict(list)
    for lesson in lessons:
        lessons_by_module[lesson.module_id].append(
            LessonOutline(lesson, blocks_by_lesson[lesson.id])
        )
    return [ModuleOutline(module, lessons_by_module[module.id]) for module in modules]


def find_visible_module(course: Course, module_key: str) -> ModuleOutline | None:
    for outline in course_outline(course):
        if outline.module.key == module_key:
            return outline
    return None


def lesson_ids_of(outline: list[ModuleOutline]) -> list[int]:
    return [lesson.lesson.id for module in outline for lesson in module.lessons]
