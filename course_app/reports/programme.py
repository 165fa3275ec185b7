"""The programme report: completion by organisation, area, group and module (a funnel per module),
for coordinators (their organisation) and platform admins (all). Two GROUP BY queries whatever the
number of people; who may see what comes from ``organisations.access.Viewer``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.core.db import db, utcnow
from course_app.core.errors import NotAllowed
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import Lesson, Module
from course_app.courses.services import ModuleOutline, course_outline, lesson_ids_of
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, GroupMembership, LeaderGroup, Organisation
from course_app.progress.models import LessonProgress, ProgressState


@dataclass(frozen=True)
class ReportScope:
    """The organisations a report may hold rows of: all for platform admins, the coordinated ones for
    coordinators. Applied in SQL and again to every row (``Viewer.may_see_organisation_report``)."""

    viewer: Viewer

    @property
    def organisation_ids(self) -> frozenset[int] | None:
        """None: every organisation."""
        return None if self.viewer.is_platform_admin else self.viewer.coordinator_of

    def allows(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and self.viewer.may_see_organisation_report(
            organisation_id
        )

    def restrict(self, column):
        ids = self.organisation_ids
        return column.in_(ids) if ids is not None else column.is_not(None)


def report_scope(viewer: Viewer) -> ReportScope:
    if not viewer.may_see_any_report:
        raise NotAllowed(_l("Rapporten er for koordinatorer og administratorer."))
    return ReportScope(viewer)


def default_report_cohort(cohorts: list[Cohort], today: dt.date) -> Cohort | None:
    """As an organisation's current cohort: the latest that has started, else the next to start."""
    started = [cohort for cohort in cohorts if cohort.starts_on <= today]
    if started:
        return max(started, key=lambda cohort: (cohort.starts_on, cohort.id))
    return min(cohorts, key=lambda cohort: (cohort.starts_on, cohort.id), default=None)


@dataclass(frozen=True)
class ReportFilters:
    organisation_id: int | None = None
    area_id: int | None = None
    group_id: int | None = None
    module_id: int | None = None


@dataclass(frozen=True)
class ReportOptions:
    """What a report can show and be filtered by, all inside the scope: the cohorts, the chosen cohort,
    its organisations, their areas and groups, and the course's modules."""

    scope: ReportScope
    cohorts: list[Cohort]
    cohort: Cohort | None
    organisations: list[Organisation] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    groups: list[LeaderGroup] = field(default_factory=list)
    outline: list[ModuleOutline] = field(default_factory=list)

    @property
    def modules(self) -> list[Module]:
        return [module.module for module in self.outline]

    def clean(self, filters: ReportFilters) -> ReportFilters:
        """The filters with every id outside these options dropped (another organisation's group, a
        module of another course, …): a tampered URL narrows nothing and reveals nothing."""

        def known(value: int | None, rows: Iterable) -> int | None:
            return value if value is not None and value in {row.id for row in rows} else None

        return ReportFilters(
            organisation_id=known(filters.organisation_id, self.organisations),
            area_id=known(filters.area_id, self.areas),
            group_id=known(filters.group_id, self.groups),
            module_id=known(filters.module_id, self.modules),
        )


def report_options(scope: ReportScope, cohort_id: int | None, *, today: dt.date) -> ReportOptions:
    """The cohorts in scope and, for the chosen one (default: the current), what it can be filtered by."""
    query = (
        select(Cohort)
        .options(joinedload(Cohort.course))
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    if scope.organisation_ids is not None:
        query = query.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(scope.organisation_ids)
                )
            )
        )
    cohorts = list(db.session.scalars(query))
    cohort = next((c for c in cohorts if c.id == cohort_id), None) or default_report_cohort(
        cohorts, today
    )
    if cohort is None:
        return ReportOptions(scope, cohorts, None)
    organisations = sorted(
        (
            organisation
            for organisation in db.session.scalars(
                select(Organisation)
                .join(
                    cohort_organisations,
                    cohort_organisations.c.organisation_id == Organisation.id,
                )
                .where(
                    cohort_organisations.c.cohort_id == cohort.id,
                    scope.restrict(Organisation.id),
                )
            )
            if scope.allows(organisation.id)
        ),
        key=lambda organisation: danish_sort_key(organisation.name),
    )
    organisation_ids = [organisation.id for organisation in organisations]
    names = {organisation.id: danish_sort_key(organisation.name) for organisation in organisations}
    areas = sorted(
        db.session.scalars(select(Area).where(Area.organisation_id.in_(organisation_ids))),
        key=lambda area: (names[area.organisation_id], danish_sort_key(area.name)),
    )
    groups = sorted(
        db.session.scalars(
            select(LeaderGroup).where(LeaderGroup.organisation_id.in_(organisation_ids))
        ),
        key=lambda group: (names[group.organisation_id], danish_sort_key(group.name)),
    )
    return ReportOptions(
        scope, cohorts, cohort, organisations, areas, groups, course_outline(cohort.course)
    )


@dataclass(frozen=True)
class Completion:
    """Enrolled leaders and how many of their lessons are done."""

    enrolled: int
    lessons_done: int
    lessons_per_person: int

    @property
    def percent(self) -> int:
        possible = self.enrolled * self.lessons_per_person
        return round(100 * self.lessons_done / possible) if possible else 0


@dataclass(frozen=True)
class CompletionRow:
    """One line of a breakdown. By area, ``area`` None means people with no area; by group, ``group``
    None means people in no leader group."""

    organisation: Organisation
    completion: Completion
    area: Area | None = None
    group: LeaderGroup | None = None


@dataclass(frozen=True)
class ModuleFunnel:
    """Of the enrolled leaders, how many have started the module and how many have finished it."""

    module: Module
    enrolled: int
    started: int
    done: int

    @property
    def started_percent(self) -> int:
        return round(100 * self.started / self.enrolled) if self.enrolled else 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.enrolled) if self.enrolled else 0


@dataclass(frozen=True)
class ReportRow:
    """The flat export: one line per organisation × area × group × module."""

    organisation: Organisation
    area: Area | None
    group: LeaderGroup | None
    module: Module
    enrolled: int
    started: int
    done: int
    lessons_done: int
    lessons_per_person: int

    @property
    def completion(self) -> Completion:
        return Completion(self.enrolled, self.lessons_done, self.lessons_per_person)


@dataclass(frozen=True)
class ProgrammeReport:
    options: ReportOptions
    filters: ReportFilters  # as applied: ids outside the scope are dropped
    outline: list[ModuleOutline]  # the modules shown (one when filtered by module)
    total: Completion
    by_organisation: list[CompletionRow]
    by_area: list[CompletionRow]
    by_group: list[CompletionRow]
    funnel: list[ModuleFunnel]
    # The flat table (bucket × module) only the CSV export reads: built when first asked for.
    row_source: Callable[[], list[ReportRow]] = field(repr=False, compare=False)

    @property
    def cohort(self) -> Cohort | None:
        return self.options.cohort

    @cached_property
    def rows(self) -> list[ReportRow]:
        return self.row_source()


_Bucket = tuple[int, int | None, int | None]  # organisation, area, group


def programme_report(options: ReportOptions, filters: ReportFilters) -> ProgrammeReport:
    """Completion by organisation, area, group and module (a funnel per module) for the chosen cohort,
    inside the options' scope. Two aggregate queries (GROUP BY in the database), whatever the number
    of people or modules.

    The population: people enrolled in the cohort, not deactivated, belonging to one of its
    organisations in scope. A person's area is their own, else their current group's.
    """
    filters = options.clean(filters)
    cohort = options.cohort
    outline = [
        module
        for module in options.outline
        if filters.module_id is None or module.module.id == filters.module_id
    ]
    lesson_ids = lesson_ids_of(outline)
    lessons_per_person = len(lesson_ids)
    organisation_ids = [
        organisation.id
        for organisation in options.organisations
        if filters.organisation_id in (None, organisation.id)
    ]
    enrolled: dict[_Bucket, int] = {}
    progress: dict[tuple[_Bucket, int], tuple[int, int, int]] = {}
    if cohort is not None and organisation_ids:
        population = _population(cohort, organisation_ids, filters)
        for organisation_id, area_id, group_id, count in db.session.execute(
            select(
                population.c.organisation_id,
                population.c.area_id,
                population.c.group_id,
                func.count(),
            ).group_by(population.c.organisation_id, population.c.area_id, population.c.group_id)
        ):
            enrolled[(organisation_id, area_id, group_id)] = int(count)
        if lesson_ids and enrolled:
            for (
                organisation_id,
                area_id,
                group_id,
                module_id,
                started,
                done,
                lessons_done,
            ) in db.session.execute(_module_progress(population, lesson_ids)):
                progress[((organisation_id, area_id, group_id), module_id)] = (
                    int(started),
                    int(done or 0),
                    int(lessons_done or 0),
                )
    return _assemble(options, filters, outline, lessons_per_person, enrolled, progress)


def _population(cohort: Cohort, organisation_ids: list[int], filters: ReportFilters):
    area_id = func.coalesce(User.area_id, LeaderGroup.area_id)
    query = (
        select(
            Enrolment.id.label("enrolment_id"),
            User.organisation_id.label("organisation_id"),
            area_id.label("area_id"),
            GroupMembership.group_id.label("group_id"),
        )
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(
            GroupMembership,
            and_(GroupMembership.user_id == User.id, GroupMembership.current_at(utcnow())),
        )
        .outerjoin(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
        .where(
            Enrolment.cohort_id == cohort.id,
            User.deactivated_at.is_(None),
            User.organisation_id.in_(organisation_ids),
        )
    )
    if filters.area_id is not None:
        query = query.where(area_id == filters.area_id)
    if filters.group_id is not None:
        query = query.where(GroupMembership.group_id == filters.group_id)
    return query.cte("population")


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
            LessonProgress.state != ProgressState.NOT_STARTED,
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
            func.count(),
            func.sum(case((per_person.c.done == module_size.c.lessons, 1), else_=0)),
            func.sum(per_person.c.done),
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


def _assemble(
    options: ReportOptions,
    filters: ReportFilters,
    outline: list[ModuleOutline],
    lessons_per_person: int,
    enrolled: dict[_Bucket, int],
    progress: dict[tuple[_Bucket, int], tuple[int, int, int]],
) -> ProgrammeReport:
    """Roll the aggregated buckets up by organisation, area, group and module (no per-person work)."""
    organisations = {organisation.id: organisation for organisation in options.organisations}
    areas = {area.id: area for area in options.areas}
    groups = {group.id: group for group in options.groups}
    scope = options.scope
    # Defence in depth: only rows of organisations in scope, labelled only with areas and groups of
    # those organisations.
    buckets: dict[_Bucket, int] = {}
    for (organisation_id, area_id, group_id), count in enrolled.items():
        if organisation_id not in organisations or not scope.allows(organisation_id):
            continue
        area_id = area_id if area_id in areas else None
        group_id = group_id if group_id in groups else None
        key = (organisation_id, area_id, group_id)
        buckets[key] = buckets.get(key, 0) + count
    module_progress: dict[tuple[_Bucket, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for ((organisation_id, area_id, group_id), module_id), values in progress.items():
        if organisation_id not in organisations or not scope.allows(organisation_id):
            continue
        key = (
            organisation_id,
            area_id if area_id in areas else None,
            group_id if group_id in groups else None,
        )
        for index, value in enumerate(values):
            module_progress[(key, module_id)][index] += value
    no_progress = (0, 0, 0)

    def progress_of(bucket: _Bucket, module_id: int) -> Sequence[int]:
        """Started, done and lessons done in one bucket and module (no entry: nothing yet)."""
        return module_progress.get((bucket, module_id), no_progress)

    done_by_bucket = {
        bucket: sum(progress_of(bucket, m.module.id)[2] for m in outline) for bucket in buckets
    }

    def done_lessons(bucket: _Bucket) -> int:
        return done_by_bucket[bucket]

    def rollup(key_of) -> dict:
        totals: dict = defaultdict(lambda: [0, 0])
        for bucket, count in buckets.items():
            totals[key_of(bucket)][0] += count
            totals[key_of(bucket)][1] += done_lessons(bucket)
        return totals

    def completion(values: list[int]) -> Completion:
        return Completion(values[0], values[1], lessons_per_person)

    def organisation_key(organisation_id: int) -> str:
        return danish_sort_key(organisations[organisation_id].name)

    def named_key(row) -> tuple[bool, str]:
        return (row is None, danish_sort_key(row.name) if row is not None else "")

    by_organisation = [
        CompletionRow(organisations[organisation_id], completion(values))
        for organisation_id, values in sorted(
            rollup(lambda bucket: bucket[0]).items(), key=lambda item: organisation_key(item[0])
        )
    ]
    by_area = [
        CompletionRow(organisations[organisation_id], completion(values), area=areas.get(area_id))
        for (organisation_id, area_id), values in sorted(
            rollup(lambda bucket: (bucket[0], bucket[1])).items(),
            key=lambda item: (organisation_key(item[0][0]), named_key(areas.get(item[0][1]))),
        )
    ]
    by_group = [
        CompletionRow(
            organisations[organisation_id], completion(values), group=groups.get(group_id)
        )
        for (organisation_id, group_id), values in sorted(
            rollup(lambda bucket: (bucket[0], bucket[2])).items(),
            key=lambda item: (organisation_key(item[0][0]), named_key(groups.get(item[0][1]))),
        )
    ]
    total_enrolled = sum(buckets.values())
    funnel = []
    for module in outline:
        started = sum(progress_of(bucket, module.module.id)[0] for bucket in buckets)
        done = sum(progress_of(bucket, module.module.id)[1] for bucket in buckets)
        funnel.append(ModuleFunnel(module.module, total_enrolled, started, done))

    def rows() -> list[ReportRow]:
        return [
            ReportRow(
                organisation=organisations[bucket[0]],
                area=areas.get(bucket[1]) if bucket[1] is not None else None,
                group=groups.get(bucket[2]) if bucket[2] is not None else None,
                module=module.module,
                enrolled=count,
                started=progress_of(bucket, module.module.id)[0],
                done=progress_of(bucket, module.module.id)[1],
                lessons_done=progress_of(bucket, module.module.id)[2],
                lessons_per_person=len(module.lessons),
            )
            for bucket, count in sorted(
                buckets.items(),
                key=lambda item: (
                    organisation_key(item[0][0]),
                    named_key(areas.get(item[0][1]) if item[0][1] is not None else None),
                    named_key(groups.get(item[0][2]) if item[0][2] is not None else None),
                ),
            )
            for module in outline
        ]

    return ProgrammeReport(
        options=options,
        filters=filters,
        outline=outline,
        total=Completion(total_enrolled, sum(done_lessons(b) for b in buckets), lessons_per_person),
        by_organisation=by_organisation,
        by_area=by_area,
        by_group=by_group,
        funnel=funnel,
        row_source=rows,
    )
