"""The programme report's two GROUP BY queries (people per bucket; progress per bucket and module),
read into typed rows. A bucket is an organisation × area × group: nothing here, nor after it, works
per person, so the number of statements does not grow with the number of people or modules.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import and_, case, func, null, select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db, utcnow
from course_app.core.sql import utc_day
from course_app.courses.models import Lesson
from course_app.organisations.models import GroupMembership, LeaderGroup
from course_app.progress.models import STARTED_STATES, LessonProgress, ProgressState
from course_app.reports.options import ReportFilters, ReportOptions


class Bucket(NamedTuple):
    """Where a person is counted: their organisation, area and leader group (None: no area, no group).
    The queries group by it, so nothing after them works per person."""

    organisation_id: int
    area_id: int | None
    group_id: int | None


class BucketSize(NamedTuple):
    """A row of the population count: how many people one bucket holds."""

    bucket: Bucket
    enrolled: int


class Progress(NamedTuple):
    """Of one bucket's people in one module: how many started it, finished it, and the lessons they
    have done. Adds up, since dropping an out-of-scope area or group label can merge two buckets.
    (A named tuple: a report at L reads thousands of these, and tuples are made fastest.)"""

    started: int = 0
    done: int = 0
    lessons_done: int = 0

    def __add__(self, other: Progress) -> Progress:  # type: ignore[override]
        return Progress(
            self.started + other.started,
            self.done + other.done,
            self.lessons_done + other.lessons_done,
        )


NO_PROGRESS = Progress()  # a bucket and module with no row: nobody has started it


class ModuleProgress(NamedTuple):
    """A row of ``_module_progress``: one bucket's progress in one module."""

    bucket: Bucket
    module_id: int
    progress: Progress


class Aggregates(NamedTuple):
    """What the two queries found, in the database's order (the report's order among equal names)."""

    sizes: list[BucketSize]
    progress: list[ModuleProgress]


def aggregate(options: ReportOptions, filters: ReportFilters, lesson_ids: list[int]) -> Aggregates:
    """The buckets' sizes and their progress per module, as typed rows. A query is skipped when it
    could find nothing (no cohort or organisation; no lessons or people), which the query budgets
    count on."""
    cohort = options.cohort
    organisation_ids = _organisation_ids(options, filters)
    if cohort is None or not organisation_ids:
        return Aggregates([], [])
    return count_buckets(
        cohort, organisation_ids, filters, lesson_ids, by_area_and_group=options.breakdown
    )


def count_buckets(
    cohort: Cohort,
    organisation_ids: list[int],
    filters: ReportFilters,
    lesson_ids: list[int],
    *,
    by_area_and_group: bool,
) -> Aggregates:
    """``aggregate`` for these organisations; without ``by_area_and_group`` a bucket is an
    organisation (the summaries count that way, ``reports.summaries``)."""
    population = _population(cohort, organisation_ids, filters, by_area_and_group=by_area_and_group)
    sizes = [
        BucketSize(Bucket(row.organisation_id, row.area_id, row.group_id), int(row.enrolled))
        for row in db.session.execute(_bucket_sizes(population))
    ]
    if not lesson_ids or not sizes:
        return Aggregates(sizes, [])
    # Unpacked by position (the query's column order): at L this reads thousands of rows.
    progress = [
        ModuleProgress(
            Bucket(organisation_id, area_id, group_id),
            module_id,
            Progress(int(started), int(done or 0), int(lessons_done or 0)),
        )
        for organisation_id, area_id, group_id, module_id, started, done, lessons_done in (
            db.session.execute(_module_progress(population, lesson_ids))
        )
    ]
    return Aggregates(sizes, progress)


def lessons_done_per_day(
    options: ReportOptions, filters: ReportFilters, lesson_ids: list[int]
) -> list[tuple[dt.date, int]]:
    """[(UTC day, lessons the population finished that day)] for the course over time: one
    aggregate query whatever the number of people or days."""
    cohort = options.cohort
    organisation_ids = _organisation_ids(options, filters)
    if cohort is None or not organisation_ids or not lesson_ids:
        return []
    population = _population(cohort, organisation_ids, filters, by_area_and_group=False)
    rows = db.session.execute(_done_per_day(population, lesson_ids))
    return [(row.day, int(row.done)) for row in rows]


def lessons_done_per_day_and_module(
    cohort: Cohort, organisation_ids: list[int], lesson_ids: list[int]
) -> list[tuple[dt.date, int, int]]:
    """[(UTC day, module, lessons finished that day)] of these organisations' people, for the
    summaries: a module filter then needs no query of its own."""
    if not organisation_ids or not lesson_ids:
        return []
    population = _population(cohort, organisation_ids, ReportFilters(), by_area_and_group=False)
    rows = db.session.execute(_done_per_day(population, lesson_ids, by_module=True))
    return [(row.day, row.module_id, int(row.done)) for row in rows]


def _organisation_ids(options: ReportOptions, filters: ReportFilters) -> list[int]:
    return [
        organisation.id
        for organisation in options.organisations
        if filters.organisation_id in (None, organisation.id)
    ]


def _done_per_day(population, lesson_ids: list[int], *, by_module: bool = False):
    day = utc_day(LessonProgress.completed_at)
    query = (
        select(day.label("day"), func.count().label("done"))
        .select_from(LessonProgress)
        .join(population, population.c.enrolment_id == LessonProgress.enrolment_id)
        .where(
            LessonProgress.lesson_id.in_(lesson_ids),
            LessonProgress.state == ProgressState.DONE,
            LessonProgress.completed_at.is_not(None),
        )
        .group_by(day)
        .order_by(day)
    )
    if by_module:
        query = (
            query.add_columns(Lesson.module_id)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .group_by(Lesson.module_id)
        )
    return query


def _population(
    cohort: Cohort, organisation_ids: list[int], filters: ReportFilters, *, by_area_and_group: bool
):
    """The enrolled, active people of these organisations, with their bucket. Their area and group
    (which need their current membership) only when the report is broken down or filtered by them."""
    query = (
        select(Enrolment.id.label("enrolment_id"), User.organisation_id.label("organisation_id"))
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(
            Enrolment.cohort_id == cohort.id,
            User.deactivated_at.is_(None),
            User.organisation_id.in_(organisation_ids),
        )
    )
    if not (by_area_and_group or filters.area_id is not None or filters.group_id is not None):
        return query.add_columns(null().label("area_id"), null().label("group_id")).cte(
            "population"
        )
    area_id = func.coalesce(User.area_id, LeaderGroup.area_id)
    query = (
        query.add_columns(area_id.label("area_id"), GroupMembership.group_id.label("group_id"))
        .outerjoin(
            GroupMembership,
            and_(GroupMembership.user_id == User.id, GroupMembership.current_at(utcnow())),
        )
        .outerjoin(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
    )
    if filters.area_id is not None:
        query = query.where(area_id == filters.area_id)
    if filters.group_id is not None:
        query = query.where(GroupMembership.group_id == filters.group_id)
    return query.cte("population")


def _bucket_sizes(population):
    """People per bucket of the population."""
    return select(
        population.c.organisation_id,
        population.c.area_id,
        population.c.group_id,
        func.count().label("enrolled"),
    ).group_by(population.c.organisation_id, population.c.area_id, population.c.group_id)


def _module_progress(population, lesson_ids: list[int]):
    """Per bucket and module: people who started it, people who finished it, lessons done. One pass
    over the population's progress rows: each person's counts per module carry their bucket along,
    so nothing is joined back afterwards."""
    per_person = (
        select(
            population.c.organisation_id,
            population.c.area_id,
            population.c.group_id,
            Lesson.module_id,
            func.count().label("started"),
            func.sum(case((LessonProgress.state == ProgressState.DONE, 1), else_=0)).label("done"),
        )
        .select_from(LessonProgress)
        .join(population, population.c.enrolment_id == LessonProgress.enrolment_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.lesson_id.in_(lesson_ids),
            LessonProgress.state.in_(STARTED_STATES),
        )
        .group_by(
            LessonProgress.enrolment_id,
            Lesson.module_id,
            population.c.organisation_id,
            population.c.area_id,
            population.c.group_id,
        )
        .subquery("per_person")
    )
    module_size = (
        select(Lesson.module_id, func.count().label("lessons"))
        .where(Lesson.id.in_(lesson_ids))
        .group_by(Lesson.module_id)
        .subquery("module_size")
    )
    return (
        select(
            per_person.c.organisation_id,
            per_person.c.area_id,
            per_person.c.group_id,
            per_person.c.module_id,
            func.count().label("started"),
            func.sum(case((per_person.c.done == module_size.c.lessons, 1), else_=0)).label("done"),
            func.sum(per_person.c.done).label("lessons_done"),
        )
        .select_from(per_person)
        .join(module_size, module_size.c.module_id == per_person.c.module_id)
        .group_by(
            per_person.c.organisation_id,
            per_person.c.area_id,
            per_person.c.group_id,
            per_person.c.module_id,
        )
    )
