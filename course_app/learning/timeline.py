"""The leader's course in time: which modules are open now, what opens when, and the next step.

Built from her progress and the round's release plan (``course_app.schedule``), read in one
statement. Pages only read it; a leader's POST records the modules that are open by then
(``record_opens``), so they stay open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, literal_column, select, type_coerce, union_all

from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.progress.models import LessonProgress, ProgressState
from course_app.progress.services import (
    CourseProgress,
    LessonStatus,
    ModuleStatus,
    progress_from_states,
)
from course_app.schedule import releases
from course_app.schedule.models import CohortRelease, ModuleUnlock
from course_app.schedule.releases import OPEN, ModuleRelease


class ModuleLocked(ServiceError):
    """The module has not opened for this leader yet: a friendly page, never its content."""

    def __init__(self, module: ModuleStatus, release: ModuleRelease) -> None:
        super().__init__(_l("Modulet er ikke åbnet endnu."))
        self.module = module
        self.release = release


@dataclass(frozen=True)
class Timeline:
    progress: CourseProgress
    releases: dict[int, ModuleRelease]

    def release_of(self, module: ModuleStatus) -> ModuleRelease:
        return self.releases.get(module.outline.module.id, OPEN)

    def is_open(self, module: ModuleStatus) -> bool:
        return self.release_of(module).is_open

    @property
    def modules_with_releases(self) -> list[tuple[ModuleStatus, ModuleRelease]]:
        """Every module in course order with its release: one call for a page's list of them."""
        return [(module, self.release_of(module)) for module in self.progress.modules]

    @property
    def next_step(self) -> tuple[ModuleStatus, LessonStatus] | None:
        """The first lesson not done, in course order, in a module that is open."""
        for module in self.progress.modules:
            if not self.is_open(module):
                continue
            for lesson in module.lessons:
                if lesson.state != ProgressState.DONE:
                    return module, lesson
        return None

    @property
    def next_opening(self) -> tuple[ModuleStatus, dt.date] | None:
        """The next locked module with an opening day, and that day."""
        dated = [
            (release.opens_on, index, module)
            for index, module in enumerate(self.progress.modules)
            if not (release := self.release_of(module)).is_open and release.opens_on is not None
        ]
        if not dated:
            return None
        day, _index, module = min(dated, key=lambda item: (item[0], item[1]))
        return module, day


def done_module_keys(progress: CourseProgress) -> set[str]:
    return {
        module.outline.module.key
        for module in progress.modules
        if module.state == ProgressState.DONE
    }


# Every leader page needs her lesson states, the round's own release rules and the modules opened
# for her: one statement (a UNION ALL, its rows told apart by ``kind``; the first select's column
# types read every row), not three. Built once, the ids bound per call.
_STATE, _RULE, _UNLOCK = 0, 1, 2
_NO_STATE = type_coerce(literal_column("NULL"), LessonProgress.state.type)
_NO_RULE = type_coerce(literal_column("NULL"), CohortRelease.rule.type)
_HER_STATES_AND_RELEASES = union_all(
    select(
        literal_column(str(_STATE)).label("kind"),
        LessonProgress.lesson_id.label("id"),
        LessonProgress.state.label("state"),
        _NO_RULE.label("rule"),
    ).where(LessonProgress.enrolment_id == bindparam("enrolment_id")),
    select(
        literal_column(str(_RULE)), CohortRelease.module_id, _NO_STATE, CohortRelease.rule
    ).where(CohortRelease.cohort_id == bindparam("cohort_id")),
    select(literal_column(str(_UNLOCK)), ModuleUnlock.module_id, _NO_STATE, _NO_RULE).where(
        ModuleUnlock.enrolment_id == bindparam("enrolment_id")
    ),
)


def timeline(enrolment: Enrolment, now: dt.datetime) -> Timeline:
    """Her progress through the course and which modules are open for her at ``now``."""
    states: dict[int, ProgressState] = {}
    round_rules: dict[int, object] = {}
    unlocked: set[int] = set()
    rows = db.read_columns(
        _HER_STATES_AND_RELEASES,
        {"enrolment_id": enrolment.id, "cohort_id": enrolment.cohort_id},
    )
    for kind, row_id, state, rule in rows:
        if kind == _STATE:
            states[row_id] = state
        elif kind == _RULE:
            round_rules[row_id] = rule
        else:
            unlocked.add(row_id)
    progress = progress_from_states(enrolment, states)
    modules = [module.outline.module for module in progress.modules]
    return Timeline(
        progress,
        releases.module_releases(
            enrolment,
            modules,
            done_module_keys(progress),
            now,
            round_rules=round_rules,
            unlocked=unlocked,
        ),
    )


def require_open(line: Timeline, module: ModuleStatus) -> None:
    release = line.release_of(module)
    if not release.is_open:
        raise ModuleLocked(module, release)


def record_opens(
    enrolment: Enrolment, before: Timeline, after: Timeline, now: dt.datetime
) -> list[int]:
    """After the leader's action: keep every open module open for good. Modules her action itself
    opened (she finished the module they wait for) are shown to her at once and need no e-mail."""
    opened_by_action = [
        module_id
        for module_id, release in after.releases.items()
        if release.is_open and not before.releases.get(module_id, OPEN).is_open
    ]
    return releases.record_open_modules(
        enrolment, after.releases, now, seen_in_platform=opened_by_action
    )
