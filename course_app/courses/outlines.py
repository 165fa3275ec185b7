"""Reading course content: as leaders see it (published, not retired, in order, cached per process)
and as authors see it (drafts and retired items too, and the preview of a module)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from course_app.core.db import db
from course_app.courses import outline_cache
from course_app.courses.film_moments import FilmLayout, film_layout
from course_app.courses.models import Block, Course, Lesson, Module, PublicationStatus


@dataclass
class LessonOutline:
    lesson: Lesson
    blocks: list[Block] = field(default_factory=list)

    @cached_property
    def layout(self) -> FilmLayout:
        """The blocks as the page shows them: timed questions with their film, in time order."""
        return film_layout(self.blocks)

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


def _visible_modules(session: Session, course: Course) -> list[Module]:
    """Modules a leader may see in a visible course, with their goals: published, not retired."""
    return list(
        session.scalars(
            select(Module)
            .where(
                Module.course_id == course.id,
                Module.status == PublicationStatus.PUBLISHED,
                Module.retired_at.is_(None),
            )
            .order_by(Module.position, Module.id)
            .options(selectinload(Module.goals))
        )
    )


def is_visible(course: Course) -> bool:
    return course.status == PublicationStatus.PUBLISHED and course.retired_at is None


def course_outline(course: Course) -> list[ModuleOutline]:
    """Everything a leader can see in a course: this process's copy while the course's content stamp
    is unchanged (``outline_cache``), else loaded in six queries whatever its size.
    The result is shared between requests: read it, never change it."""
    if not is_visible(course):
        return []
    cached = outline_cache.outlines.get(course)
    if cached is None:
        cached = _load_shareable_outline(course)
        outline_cache.outlines.put(course, cached)
    return list(cached)


def _load_shareable_outline(course: Course) -> tuple[ModuleOutline, ...]:
    """Loaded by a session of its own on the request's connection (same transaction), so the objects
    are new ones, never the caller's, and detached once that session closes."""
    with Session(bind=db.session.connection(), expire_on_commit=False) as session:
        modules = _visible_modules(session, course)
        outline = outline_of(
            modules, [PublicationStatus.PUBLISHED], session=session, with_goals=True
        )
        outline_cache.link_parents(outline)
    return tuple(outline)


def outline_of(
    modules: list[Module],
    lesson_statuses: list[PublicationStatus],
    *,
    session: Session | None = None,
    with_goals: bool = False,
) -> list[ModuleOutline]:
    """The modules' live lessons (with one of ``lesson_statuses``) and their live blocks: two queries
    (and two more for their goals when ``with_goals``). The leader's course outline and the
    authors' preview both build on this."""
    if not modules:
        return []
    session = session or db.session()
    lesson_query = (
        select(Lesson)
        .where(
            Lesson.module_id.in_([module.id for module in modules]),
            Lesson.status.in_(lesson_statuses),
            Lesson.retired_at.is_(None),
        )
        .order_by(Lesson.position, Lesson.id)
    )
    lessons = session.scalars(
        lesson_query.options(selectinload(Lesson.goals)) if with_goals else lesson_query
    ).all()
    block_query = (
        select(Block)
        .where(Block.lesson_id.in_([lesson.id for lesson in lessons]), Block.retired_at.is_(None))
        .order_by(Block.position, Block.id)
    )
    blocks = session.scalars(
        block_query.options(selectinload(Block.goals)) if with_goals else block_query
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


def lesson_ids_of(outline: list[ModuleOutline]) -> list[int]:
    return [lesson.lesson.id for module in outline for lesson in module.lessons]


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
