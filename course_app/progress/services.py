"""Progress through a course: lesson states, module states, the overall bar and the next step.

Completion rule (docs/architecture.md): a lesson is done when the leader marks it done and every required
question in it is submitted; a module is done when all its lessons are done, in progress when any lesson
is started. The caller that knows about answers (the learning pages) tells ``mark_lesson_done`` how many
required questions are still unanswered.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from course_app.cohorts.models import Enrolment
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.courses.models import Lesson
from course_app.courses.outlines import LessonOutline, ModuleOutline, course_outline
from course_app.progress.models import STARTED_STATES, LessonProgress, ProgressState


@dataclass(frozen=True)
class LessonStatus:
    outline: LessonOutline
    state: ProgressState


@dataclass(frozen=True)
class ModuleStatus:
    outline: ModuleOutline
    lessons: list[LessonStatus]
    state: ProgressState

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.state == ProgressState.DONE)


@dataclass(frozen=True)
class CourseProgress:
    modules: list[ModuleStatus]

    @property
    def lessons_total(self) -> int:
        return sum(len(module.lessons) for module in self.modules)

    @property
    def lessons_done(self) -> int:
        return sum(module.lessons_done for module in self.modules)

    @property
    def percent(self) -> int:
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_done / self.lessons_total)

    @property
    def next_step(self) -> tuple[ModuleStatus, LessonStatus] | None:
        """The first lesson that is not done, in course order."""
        for module in self.modules:
            for lesson in module.lessons:
                if lesson.state != ProgressState.DONE:
                    return module, lesson
        return None

    def module(self, key: str) -> ModuleStatus | None:
        return next((m for m in self.modules if m.outline.module.key == key), None)


def module_state(lessons: list[LessonStatus]) -> ProgressState:
    if lessons and all(lesson.state == ProgressState.DONE for lesson in lessons):
        return ProgressState.DONE
    if any(lesson.state != ProgressState.NOT_STARTED for lesson in lessons):
        return ProgressState.IN_PROGRESS
    return ProgressState.NOT_STARTED


# Built once (every leader page asks): SQLAlchemy finds it in its compiled cache as it is.
_LESSON_STATES = select(LessonProgress.lesson_id, LessonProgress.state).where(
    LessonProgress.enrolment_id == bindparam("enrolment_id")
)


def course_progress(enrolment: Enrolment) -> CourseProgress:
    """The whole visible course with each lesson's and module's state, in one query (the course's
    outline is cached)."""
    rows = db.read_columns(_LESSON_STATES, {"enrolment_id": enrolment.id})
    return progress_from_states(enrolment, {lesson_id: state for lesson_id, state in rows})


def progress_from_states(
    enrolment: Enrolment, states: Mapping[int, ProgressState]
) -> CourseProgress:
    """The course's progress from her lesson states (lesson id → state; a lesson without one is not
    started), read by the caller: a leader page reads them with the round's release plan."""
    outline = course_outline(enrolment.cohort.course)
    modules = []
    for module_outline in outline:
        lessons = [
            LessonStatus(lesson, states.get(lesson.lesson.id, ProgressState.NOT_STARTED))
            for lesson in module_outline.lessons
        ]
        modules.append(ModuleStatus(module_outline, lessons, module_state(lessons)))
    return CourseProgress(modules)


def _progress_row(enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    row = db.session.scalar(
        select(LessonProgress).where(
            LessonProgress.enrolment_id == enrolment.id, LessonProgress.lesson_id == lesson.id
        )
    )
    if row is None:
        row = LessonProgress(
            enrolment_id=enrolment.id, lesson_id=lesson.id, state=ProgressState.IN_PROGRESS
        )
        db.session.add(row)
        db.session.flush()
    return row


def start_lesson(enrolment: Enrolment, lesson: Lesson) -> None:
    """Record that the leader has begun the lesson (it becomes "i gang")."""
    _progress_row(enrolment, lesson)


def mark_lesson_done(enrolment: Enrolment, lesson: Lesson, *, unanswered_required: int) -> None:
    if unanswered_required:
        raise ServiceError(
            _l("Indsend dine svar på de påkrævede spørgsmål, før du markerer lektionen som færdig.")
        )
    row = _progress_row(enrolment, lesson)
    if row.state != ProgressState.DONE:
        row.state = ProgressState.DONE
        row.completed_at = utcnow()
    db.session.flush()


def mark_lesson_not_done(enrolment: Enrolment, lesson: Lesson) -> None:
    row = _progress_row(enrolment, lesson)
    row.state = ProgressState.IN_PROGRESS
    row.completed_at = None
    db.session.flush()


@dataclass(frozen=True)
class EnrolmentSummary:
    """One person's progress through a course, per module, for dashboards and reports."""

    enrolment_id: int
    module_states: dict[int, ProgressState]
    lessons_done: int
    last_activity_at: dt.datetime | None


def summaries_for_enrolments(
    outline: list[ModuleOutline], enrolment_ids: list[int]
) -> dict[int, EnrolmentSummary]:
    """Per-module states for many enrolments in one query, whatever their number."""
    lesson_module = {
        lesson.lesson.id: module.module.id for module in outline for lesson in module.lessons
    }
    lessons_per_module = {module.module.id: len(module.lessons) for module in outline}
    started: dict[int, dict[int, int]] = {eid: defaultdict(int) for eid in enrolment_ids}
    done: dict[int, dict[int, int]] = {eid: defaultdict(int) for eid in enrolment_ids}
    last_activity: dict[int, dt.datetime] = {}
    if enrolment_ids and lesson_module:
        rows = db.session.execute(
            select(
                LessonProgress.enrolment_id,
                LessonProgress.lesson_id,
                LessonProgress.state,
                LessonProgress.updated_at,
            ).where(
                LessonProgress.enrolment_id.in_(enrolment_ids),
                LessonProgress.lesson_id.in_(list(lesson_module)),
                LessonProgress.state.in_(STARTED_STATES),
            )
        )
        for enrolment_id, lesson_id, state, updated_at in rows:
            module_id = lesson_module[lesson_id]
            started[enrolment_id][module_id] += 1
            if state == ProgressState.DONE:
                done[enrolment_id][module_id] += 1
            if enrolment_id not in last_activity or updated_at > last_activity[enrolment_id]:
                last_activity[enrolment_id] = updated_at
    summaries = {}
    for enrolment_id in enrolment_ids:
        states = {}
        for module_id, total in lessons_per_module.items():
            if total and done[enrolment_id][module_id] == total:
                states[module_id] = ProgressState.DONE
            elif started[enrolment_id][module_id]:
                states[module_id] = ProgressState.IN_PROGRESS
            else:
                states[module_id] = ProgressState.NOT_STARTED
        summaries[enrolment_id] = EnrolmentSummary(
            enrolment_id=enrolment_id,
            module_states=states,
            lessons_done=sum(done[enrolment_id].values()),
            last_activity_at=last_activity.get(enrolment_id),
        )
    return summaries
