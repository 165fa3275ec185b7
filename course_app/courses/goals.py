"""Learning goals as first-class objects: create, edit, retire and restore them, tag the modules,
lessons and questions that serve each goal, and see which goals no content serves yet.

A goal's ``key`` (its id in the course files) is made from the title when the goal is created and
never changes afterwards, so tags in exported files stay valid when the title is edited. Goals are
retired, never deleted; a retired goal keeps its tags (they come back with it) but is left out of
the coverage view and of exported files. Every change leaves an audit entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Protocol

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from course_app.audit import services as audit
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.courses.file_schema import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH
from course_app.courses.models import (
    QUESTION_TYPES,
    Block,
    Course,
    LearningGoal,
    Lesson,
    Module,
)

MAX_KEY_LENGTH = 63  # the id pattern in docs/course-format.md: 1 + 62 characters
_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss"})
_NOT_ID = re.compile(r"[^a-z0-9]+")


class Actor(Protocol):
    """The person making a change (a ``User``; ``courses`` sits beside ``accounts``, not above)."""

    id: int


@dataclass(frozen=True)
class GoalInput:
    title: str
    description: str = ""


# --- Reading ----------------------------------------------------------------------------------------


def goals_of(course: Course, *, retired: bool = False) -> list[LearningGoal]:
    """The course's goals in their order: the active ones, or (``retired=True``) the retired ones."""
    state = LearningGoal.retired_at.is_not(None) if retired else LearningGoal.retired_at.is_(None)
    return list(
        db.session.scalars(
            select(LearningGoal)
            .where(LearningGoal.course_id == course.id, state)
            .order_by(LearningGoal.position, LearningGoal.id)
        )
    )


def find_goal(course: Course, goal_id: int) -> LearningGoal | None:
    """The goal, when it belongs to the course (retired or not)."""
    goal = db.session.get(LearningGoal, goal_id)
    return goal if goal is not None and goal.course_id == course.id else None


@dataclass
class LessonTags:
    lesson: Lesson
    questions: list[Block] = field(default_factory=list)


@dataclass
class ModuleTags:
    module: Module
    lessons: list[LessonTags] = field(default_factory=list)


def taggable_outline(course: Course) -> list[ModuleTags]:
    """The course's active modules, lessons and questions in course order (three queries, with
    their goal tags loaded): what a goal can be tagged on."""
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id == course.id, Module.retired_at.is_(None))
        .options(selectinload(Module.goals))
        .order_by(Module.position, Module.id)
    ).all()
    lessons = db.session.scalars(
        select(Lesson)
        .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        .options(selectinload(Lesson.goals))
        .order_by(Lesson.position, Lesson.id)
    ).all()
    questions = db.session.scalars(
        select(Block)
        .where(
            Block.course_id == course.id,
            Block.retired_at.is_(None),
            Block.type.in_(list(QUESTION_TYPES)),
        )
        .options(selectinload(Block.goals))
        .order_by(Block.position, Block.id)
    ).all()
    by_lesson: dict[int, LessonTags] = {lesson.id: LessonTags(lesson) for lesson in lessons}
    for question in questions:
        if question.lesson_id in by_lesson:
            by_lesson[question.lesson_id].questions.append(question)
    by_module: dict[int, ModuleTags] = {module.id: ModuleTags(module) for module in modules}
    for lesson in lessons:
        if lesson.module_id in by_module:
            by_module[lesson.module_id].lessons.append(by_lesson[lesson.id])
    return list(by_module.values())


@dataclass
class GoalCoverage:
    goal: LearningGoal
    modules: list[Module] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    questions: list[Block] = field(default_factory=list)

    @property
    def is_covered(self) -> bool:
        return bool(self.modules or self.lessons or self.questions)


def goal_coverage(course: Course) -> list[GoalCoverage]:
    """Each active goal with the active modules, lessons and questions that serve it, in course
    order. A goal without any (``is_covered`` false) is one no content supports yet."""
    coverage = {goal.id: GoalCoverage(goal) for goal in goals_of(course)}
    for module_tags in taggable_outline(course):
        for goal in module_tags.module.goals:
            if goal.id in coverage:
                coverage[goal.id].modules.append(module_tags.module)
        for lesson_tags in module_tags.lessons:
            for goal in lesson_tags.lesson.goals:
                if goal.id in coverage:
                    coverage[goal.id].lessons.append(lesson_tags.lesson)
            for question in lesson_tags.questions:
                for goal in question.goals:
                    if goal.id in coverage:
                        coverage[goal.id].questions.append(question)
    return list(coverage.values())


# --- Changing ---------------------------------------------------------------------------------------


def _clean(data: GoalInput) -> GoalInput:
    title = " ".join(data.title.split())
    description = data.description.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title:
        raise ServiceError(_l("Skriv en titel på målet."))
    if len(title) > MAX_TITLE_LENGTH:
        raise ServiceError(_l("Titlen er for lang: højst %(limit)s tegn.", limit=MAX_TITLE_LENGTH))
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ServiceError(
            _l("Beskrivelsen er for lang: højst %(limit)s tegn.", limit=MAX_DESCRIPTION_LENGTH)
        )
    return GoalInput(title, description)


def key_from_title(title: str, taken: set[str]) -> str:
    """An id in the course-file format made from the title ("Fælles sprog" → "faelles-sprog"),
    with "-2", "-3" … added when the course already has it."""
    text = title.casefold().translate(_DANISH_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    base = _NOT_ID.sub("-", text).strip("-")[:MAX_KEY_LENGTH].strip("-") or "maal"
    key, number = base, 1
    while key in taken:
        number += 1
        suffix = f"-{number}"
        key = base[: MAX_KEY_LENGTH - len(suffix)].strip("-") + suffix
    return key


def _actor_id(actor: Actor | None) -> int | None:
    return actor.id if actor is not None else None


def _record(goal: LearningGoal, action: str, summary: str, actor: Actor | None, **details) -> None:
    audit.record(
        actor_id=_actor_id(actor),
        action=action,
        object_type="goal",
        object_key=goal.key,
        course_id=goal.course_id,
        summary=summary,
        details=details,
    )


def create_goal(course: Course, data: GoalInput, *, actor: Actor | None) -> LearningGoal:
    data = _clean(data)
    taken = set(
        db.session.scalars(select(LearningGoal.key).where(LearningGoal.course_id == course.id))
    )
    last = db.session.scalar(
        select(func.max(LearningGoal.position)).where(LearningGoal.course_id == course.id)
    )
    goal = LearningGoal(
        course_id=course.id,
        key=key_from_title(data.title, taken),
        title=data.title,
        description=data.description,
        position=0 if last is None else last + 1,
    )
    db.session.add(goal)
    db.session.flush()
    _record(goal, "created", f"Mål oprettet: {goal.title}", actor)
    return goal


def update_goal(goal: LearningGoal, data: GoalInput, *, actor: Actor | None) -> bool:
    """Change title and description (never the key). Returns whether anything changed."""
    data = _clean(data)
    changed = {
        name: {"from": getattr(goal, name), "to": value}
        for name, value in (("title", data.title), ("description", data.description))
        if getattr(goal, name) != value
    }
    if not changed:
        return False
    goal.title = data.title
    goal.description = data.description
    db.session.flush()
    names = ", ".join({"title": "titel", "description": "beskrivelse"}[name] for name in changed)
    _record(goal, "changed", f"Mål ændret ({names}): {goal.title}", actor, changed=changed)
    return True


def retire_goal(goal: LearningGoal, *, actor: Actor | None) -> bool:
    if goal.retired_at is not None:
        return False
    goal.retired_at = utcnow()
    db.session.flush()
    _record(goal, "retired", f"Mål udgået: {goal.title}", actor)
    return True


def restore_goal(goal: LearningGoal, *, actor: Actor | None) -> bool:
    if goal.retired_at is None:
        return False
    goal.retired_at = None
    db.session.flush()
    _record(goal, "restored", f"Mål genoprettet: {goal.title}", actor)
    return True


@dataclass(frozen=True)
class GoalTags:
    """The ids of the modules, lessons and questions that should serve a goal."""

    module_ids: frozenset[int] = frozenset()
    lesson_ids: frozenset[int] = frozenset()
    question_ids: frozenset[int] = frozenset()


def set_goal_tags(goal: LearningGoal, tags: GoalTags, *, actor: Actor | None) -> bool:
    """Make exactly the given active modules, lessons and questions of the goal's course serve it.

    Tags on retired content and on blocks that are not questions (the files may tag any block) are
    left as they are. Ids outside the course are refused. Returns whether anything changed.
    """
    if goal.retired_at is not None:
        raise ServiceError(_l("Målet er udgået. Genopret det, før du knytter indhold til det."))
    course = db.session.get(Course, goal.course_id)
    outline = taggable_outline(course)
    rows: dict[str, dict[int, Module | Lesson | Block]] = {
        "module": {m.module.id: m.module for m in outline},
        "lesson": {ls.lesson.id: ls.lesson for m in outline for ls in m.lessons},
        "question": {q.id: q for m in outline for ls in m.lessons for q in ls.questions},
    }
    wanted = {"module": tags.module_ids, "lesson": tags.lesson_ids, "question": tags.question_ids}
    for kind, ids in wanted.items():
        if not ids <= rows[kind].keys():
            raise ServiceError(
                _l(
                    "Noget af det valgte indhold findes ikke længere. Indlæs siden igen, og prøv igen."
                )
            )
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for kind, by_id in rows.items():
        for row_id, row in by_id.items():
            has = goal in row.goals
            if row_id in wanted[kind] and not has:
                row.goals.append(goal)
                added.setdefault(kind, []).append(row.key)
            elif row_id not in wanted[kind] and has:
                row.goals.remove(goal)
                removed.setdefault(kind, []).append(row.key)
    if not added and not removed:
        return False
    db.session.flush()
    count = sum(map(len, added.values())) + sum(map(len, removed.values()))
    _record(
        goal,
        "changed",
        f"Indhold til målet ændret ({count} tilknytninger): {goal.title}",
        actor,
        added=added,
        removed=removed,
    )
    return True
