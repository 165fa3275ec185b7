"""The leader's pages as data: a module with its lessons, progress and the leader's own answers.

This floor may combine courses, progress and reflections; the views only render what it returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from course_app.cohorts.models import Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import utcnow
from course_app.core.errors import NotFound, ServiceError
from course_app.core.spreadsheet import Cell, local_time
from course_app.courses.film_moments import playable_films
from course_app.courses.models import Block, BlockType, CompletionRule
from course_app.learning.timeline import Timeline, record_opens, require_open, timeline
from course_app.organisations.access import Viewer, current_group_id
from course_app.progress import film_views
from course_app.progress import services as progress
from course_app.progress.models import FilmView
from course_app.progress.services import CourseProgress, LessonStatus, ModuleStatus
from course_app.reflections import services as reflections
from course_app.reflections.models import AnswerStatus, ReflectionAnswer
from course_app.reflections.module_answers import ShownAnswer, module_answers


@dataclass(frozen=True)
class ModulePage:
    progress: CourseProgress
    module: ModuleStatus
    answers: dict[int, ShownAnswer]
    previous_module: ModuleStatus | None
    next_module: ModuleStatus | None
    # Sharing: the leader's current group (None: cannot share) and the names of the groups the
    # leader's answers on this page are shared with.
    current_group_id: int | None
    group_names: dict[int, str]
    # Answers to questions an author has since retired from this module's lessons: still the
    # leader's own, shown read-only under "Tidligere spørgsmål".
    retired_answers: list[tuple[Block, ShownAnswer]] = field(default_factory=list)
    # Which modules are open (previous/next links to a locked module show its opening day).
    timeline: Timeline | None = None
    # Where the leader is in each film that can be played on the page (by block id): "Fortsæt fra".
    film_views: dict[int, FilmView] = field(default_factory=dict)

    def unanswered_required(self, lesson: LessonStatus) -> int:
        return reflections.unanswered_required(lesson.outline, self.answers)


def module_page(
    enrolment: Enrolment,
    module_key: str,
    now: dt.datetime | None = None,
    *,
    viewer: Viewer | None = None,
) -> ModulePage:
    """The module as the leader works on it; ``ModuleLocked`` when it has not opened for her.
    ``now`` is the app's clock (default: the real time). ``viewer``: the leader's own, already
    loaded (it knows her current group, so that is not asked again)."""
    now = now or utcnow()
    line = timeline(enrolment, now)
    course_progress = line.progress
    keys = [module.outline.module.key for module in course_progress.modules]
    if module_key not in keys:
        raise NotFound(_l("Modulet findes ikke."))
    index = keys.index(module_key)
    module = course_progress.modules[index]
    require_open(line, module)
    answers = module_answers(
        enrolment,
        [lesson.outline.lesson.id for lesson in module.lessons],
        [block.id for lesson in module.lessons for block in lesson.outline.questions],
    )
    if viewer is not None and viewer.user_id == enrolment.user_id:
        group_id = viewer.current_group_id
    else:
        group_id = current_group_id(enrolment.user_id)
    films = [
        block.id for lesson in module.lessons for block in playable_films(lesson.outline.blocks)
    ]
    return ModulePage(
        progress=course_progress,
        module=module,
        film_views=film_views.views_of(enrolment.id, films),
        answers=answers.by_block,
        previous_module=course_progress.modules[index - 1] if index > 0 else None,
        next_module=course_progress.modules[index + 1] if index + 1 < len(keys) else None,
        current_group_id=group_id,
        group_names=answers.group_names,
        retired_answers=answers.retired,
        timeline=line,
    )


def dashboard_timelines(enrolments: list[Enrolment], now: dt.datetime) -> list[Timeline]:
    """ "Mit forløb": each of the leader's rounds with her progress and what is open when."""
    return [timeline(enrolment, now) for enrolment in enrolments]


def _module_of(course_progress: CourseProgress, lesson: LessonStatus) -> ModuleStatus:
    return next(module for module in course_progress.modules if lesson in module.lessons)


def _find_lesson(course_progress: CourseProgress, lesson_key: str) -> LessonStatus:
    for module in course_progress.modules:
        for lesson in module.lessons:
            if lesson.outline.lesson.key == lesson_key:
                return lesson
    raise NotFound(_l("Lektionen findes ikke."))


def _find_question(course_progress: CourseProgress, block_key: str) -> tuple[LessonStatus, Block]:
    for module in course_progress.modules:
        for lesson in module.lessons:
            for block in lesson.outline.questions:
                if block.key == block_key:
                    return lesson, block
    raise NotFound(_l("Spørgsmålet findes ikke."))


class AnsweredQuestion(NamedTuple):
    module_key: str
    answer: ReflectionAnswer
    visibility_changed: bool


def answer_question(
    enrolment: Enrolment,
    block_key: str,
    text: str,
    *,
    submit: bool,
    share: bool | None = None,
    now: dt.datetime | None = None,
    seen_version: int | None = None,
) -> AnsweredQuestion:
    """Save or submit the leader's answer and, when ``share`` is given, set who can see it: shared
    with the leader's current group (only a submitted answer) or private. ``None`` leaves the
    visibility as it is. ``seen_version`` guards against a stale tab (``reflections.save_answer``).
    Returns the module key to go back to. Refused in a locked module and in a closed round
    (``RoundClosed``)."""
    now = now or utcnow()
    require_open_round(enrolment.cohort)
    line = timeline(enrolment, now)
    lesson, block = _find_question(line.progress, block_key)
    require_open(line, _module_of(line.progress, lesson))
    answer = reflections.save_answer(
        enrolment, block, text, submit=submit, seen_version=seen_version
    )
    changed = False
    if share is not None:
        changed = reflections.set_visibility(enrolment, answer, share=share)
    progress.start_lesson(enrolment, lesson.outline.lesson)
    record_opens(enrolment, line, line, now)
    return AnsweredQuestion(lesson.outline.lesson.module.key, answer, changed)


def lesson_module_key(enrolment: Enrolment, lesson_key: str) -> str:
    lesson = _find_lesson(progress.course_progress(enrolment), lesson_key)
    return lesson.outline.lesson.module.key


class NotWatched(ServiceError):
    """A lesson done by watching (``completion: watched``) whose film has not been played enough."""


def _require_watched(enrolment: Enrolment, lesson: LessonStatus) -> None:
    """Each film the page can play must have been played for the lesson's share of its length."""
    rules = lesson.outline.lesson
    films = playable_films(lesson.outline.blocks)
    views = film_views.views_of(enrolment.id, [film.id for film in films])
    for film in films:
        minutes = film.data.get("duration_minutes")
        seen = film_views.played_share(views.get(film.id), minutes * 60 if minutes else None)
        if seen < rules.watched_share:
            raise NotWatched(
                _l(
                    "Du har set %(seen)s %% af filmen »%(film)s«. Se mindst %(needed)s %%, før du "
                    "markerer lektionen som færdig.",
                    seen=int(seen * 100),
                    film=film.data.get("title", ""),
                    needed=round(rules.watched_share * 100),
                )
            )


def complete_lesson(
    enrolment: Enrolment,
    lesson_key: str,
    *,
    done: bool = True,
    now: dt.datetime | None = None,
    film_script: bool = False,
) -> None:
    """Mark a lesson done (or not done again). Refused in a locked module and in a closed round
    (``RoundClosed``); finishing a module opens the modules that wait for it, for good. A lesson
    done by watching needs its films played (``NotWatched``) when the page ran the film script
    (``film_script``), which alone can tell; without it the leader's word counts, as the page says."""
    now = now or utcnow()
    require_open_round(enrolment.cohort)
    before = timeline(enrolment, now)
    course_progress = before.progress
    lesson = _find_lesson(course_progress, lesson_key)
    require_open(before, _module_of(course_progress, lesson))
    if done and film_script and lesson.outline.lesson.completion == CompletionRule.WATCHED:
        _require_watched(enrolment, lesson)
    if done:
        answers = reflections.answers_by_block(
            enrolment, [block.id for block in lesson.outline.questions]
        )
        progress.mark_lesson_done(
            enrolment,
            lesson.outline.lesson,
            unanswered_required=reflections.unanswered_required(lesson.outline, answers),
        )
    else:
        progress.mark_lesson_not_done(enrolment, lesson.outline.lesson)
    after = timeline(enrolment, now)
    record_opens(enrolment, before, after, now)


def _find_film(course_progress: CourseProgress, block_key: str) -> tuple[LessonStatus, Block]:
    for module in course_progress.modules:
        for lesson in module.lessons:
            for block in lesson.outline.blocks:
                if block.key == block_key and block.type == BlockType.VIDEO:
                    return lesson, block
    raise NotFound(_l("Filmen findes ikke."))


def record_film_view(
    enrolment: Enrolment, block_key: str, data: object, *, now: dt.datetime | None = None
) -> bool:
    """Store the film script's report of where the leader is in a film of her course and what she
    has played (``progress.film_views``). Only a film she can see, in an open module of an open
    round; False when nothing was written (too soon after the last report, or the same report
    twice at once)."""
    now = now or utcnow()
    require_open_round(enrolment.cohort)
    line = timeline(enrolment, now)
    lesson, block = _find_film(line.progress, block_key)
    require_open(line, _module_of(line.progress, lesson))
    report = film_views.read_report(data)
    return film_views.record(enrolment.id, block.id, report, now)


def question_block(enrolment: Enrolment, block_key: str) -> Block:
    return _find_question(progress.course_progress(enrolment), block_key)[1]


def my_answers_table(enrolment: Enrolment) -> list[list[Cell]]:
    """The leader's own answers as a spreadsheet: a copy to keep, e.g. for a development talk."""
    answers = reflections.own_answers(enrolment)
    groups = reflections.group_names([answer.shared_group_id for *_, answer in answers])
    rows: list[list[Cell]] = [
        [
            str(_l("Modul")),
            str(_l("Lektion")),
            str(_l("Spørgsmål")),
            str(_l("Dit svar")),
            str(_l("Status")),
            str(_l("Delt med")),
            str(_l("Version")),
            str(_l("Sidst ændret")),
        ]
    ]
    for module, lesson, block, answer in answers:
        prompt = str(block.data.get("prompt", ""))
        if block.retired_at is not None:
            prompt = str(_l("%(prompt)s (taget ud af kurset)", prompt=prompt))
        rows.append(
            [
                module.title,
                lesson.title,
                prompt,
                answer.text,
                str(_l("Indsendt") if answer.status == AnswerStatus.SUBMITTED else _l("Kladde")),
                groups.get(answer.shared_group_id, "") if answer.shared_group_id else "",
                answer.version,
                local_time(answer.updated_at),
            ]
        )
    return rows
