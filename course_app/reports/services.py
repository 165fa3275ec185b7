"""Progress of many people at once: a leader group's members × modules, the groups a person follows and
the programme report. Reads progress, cohorts, courses and the directory; every function here issues a
fixed number of queries whatever the number of members, groups or modules.

Who may see what is decided by ``organisations.access.Viewer``; the functions that take a viewer apply
it themselves (in SQL and again on the rows), so a view cannot forget it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts_service
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.cohorts.services import current_cohort_for_organisation
from course_app.core.db import db, utcnow
from course_app.core.errors import NotAllowed, NotFound
from course_app.courses.models import Lesson, Module
from course_app.courses.services import ModuleOutline, course_outline
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, GroupMembership, LeaderGroup, Organisation
from course_app.progress.models import LessonProgress, ProgressState
from course_app.progress.services import EnrolmentSummary, summaries_for_enrolments


@dataclass(frozen=True)
class MemberProgress:
    user: User
    summary: EnrolmentSummary | None  # None: the member is not enrolled in the cohort

    def state(self, module: Module) -> ProgressState:
        if self.summary is None:
            return ProgressState.NOT_STARTED
        return self.summary.module_states.get(module.id, ProgressState.NOT_STARTED)


@dataclass(frozen=True)
class GroupProgress:
    group: LeaderGroup
    cohort: Cohort | None
    outline: list[ModuleOutline]
    members: list[MemberProgress]

    @property
    def modules(self) -> list[Module]:
        return [module.module for module in self.outline]

    def count(self, module: Module, state: ProgressState = ProgressState.DONE) -> int:
        return sum(1 for member in self.members if member.state(module) == state)

    @property
    def lessons_total(self) -> int:
        return sum(len(module.lessons) for module in self.outline)

    @property
    def completion_percent(self) -> int:
        """Done lessons across members ÷ (members × lessons)."""
        possible = self.lessons_total * len(self.members)
        if not possible:
            return 0
        done = sum(member.summary.lessons_done for member in self.members if member.summary)
        return round(100 * done / possible)


def group_progress(group: LeaderGroup, cohort: Cohort | None) -> GroupProgress:
    members = directory.current_members(group)
    if cohort is None:
        return GroupProgress(group, None, [], [MemberProgress(user, None) for user in members])
    outline = course_outline(cohort.course)
    enrolment_of_user = dict(
        db.session.execute(
            select(Enrolment.user_id, Enrolment.id).where(
                Enrolment.cohort_id == cohort.id,
                Enrolment.user_id.in_([user.id for user in members]),
            )
        ).all()
    )
    summaries = summaries_for_enrolments(outline, list(enrolment_of_user.values()))
    return GroupProgress(
        group,
        cohort,
        outline,
        [
            MemberProgress(user, summaries.get(enrolment_of_user.get(user.id, -1)))
            for user in members
        ],
    )


# --- shared pieces -------------------------------------------------------------------------------

_DANISH_LAST_LETTERS = str.maketrans({"æ": "{a", "ä": "{a", "ø": "{b", "ö": "{b", "å": "{c"})


def danish_sort_key(text: str) -> str:
    """Æ, Ø and Å after Z, as in a Danish dictionary, and the same order on every database."""
    return text.casefold().translate(_DANISH_LAST_LETTERS)


def _lesson_ids(outline: list[ModuleOutline]) -> list[int]:
    return [lesson.lesson.id for module in outline for lesson in module.lessons]


# --- the groups a person follows ("Ledergrupper") -------------------------------------------------


def may_follow_groups(viewer: Viewer) -> bool:
    """Whether the person follows leader groups by role: chair, facilitator, coordinator or admin."""
    return viewer.is_platform_admin or bool(viewer.coordinator_of) or bool(viewer.staff_group_ids)


@dataclass(frozen=True)
class GroupSummary:
    group: LeaderGroup
    area: Area | None
    cohort: Cohort | None  # the organisation's current cohort; None when it takes part in none
    members: int
    lessons_done: int = 0
    lessons_per_member: int = 0

    @property
    def completion_percent(self) -> int:
        """As ``GroupProgress.completion_percent``: done lessons ÷ (members × lessons)."""
        possible = self.lessons_per_member * self.members
        return round(100 * self.lessons_done / possible) if possible else 0


@dataclass(frozen=True)
class OrganisationGroups:
    organisation: Organisation
    groups: list[GroupSummary]


def followed_groups(viewer: Viewer, *, today: dt.date) -> list[OrganisationGroups]:
    """The groups whose members' progress the person may see (``Viewer.may_see_member_progress``), by
    organisation, each with its member count and completion in its organisation's current cohort.

    Queries: groups, cohorts, three per distinct running course (its outline), member counts and done
    lessons; never per group, member or module.
    """
    if not may_follow_groups(viewer):
        raise NotAllowed(_l("Du følger ingen ledergrupper."))
    query = (
        select(LeaderGroup, Area)
        .join(Organisation, Organisation.id == LeaderGroup.organisation_id)
        .outerjoin(Area, Area.id == LeaderGroup.area_id)
        .options(contains_eager(LeaderGroup.organisation))
    )
    if not viewer.is_platform_admin:
        query = query.where(
            or_(
                LeaderGroup.id.in_(viewer.staff_group_ids),
                LeaderGroup.organisation_id.in_(viewer.coordinator_of),
            )
        )
    found = [
        (group, area)
        for group, area in db.session.execute(query).all()
        if viewer.may_see_member_progress(group)
    ]
    if not found:
        return []
    group_ids = [group.id for group, _ in found]
    cohorts = cohorts_service.current_cohorts_for_organisations(
        {group.organisation_id for group, _ in found}, today
    )
    lessons_by_course: dict[int, list[int]] = {}
    for cohort in cohorts.values():
        if cohort.course_id not in lessons_by_course:
            lessons_by_course[cohort.course_id] = _lesson_ids(course_outline(cohort.course))
    now = utcnow()
    members = dict(
        db.session.execute(
            select(GroupMembership.group_id, func.count(func.distinct(User.id)))
            .join(User, User.id == GroupMembership.user_id)
            .where(
                GroupMembership.group_id.in_(group_ids),
                GroupMembership.current_at(now),
                User.deactivated_at.is_(None),
            )
            .group_by(GroupMembership.group_id)
        ).all()
    )
    lesson_ids = [lesson_id for ids in lessons_by_course.values() for lesson_id in ids]
    done: dict[int, int] = {}
    if cohorts and lesson_ids:
        done = dict(
            db.session.execute(
                select(GroupMembership.group_id, func.count(LessonProgress.id))
                .join(User, User.id == GroupMembership.user_id)
                .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
                .join(Enrolment, Enrolment.user_id == User.id)
                .join(LessonProgress, LessonProgress.enrolment_id == Enrolment.id)
                .where(
                    GroupMembership.group_id.in_(group_ids),
                    GroupMembership.current_at(now),
                    User.deactivated_at.is_(None),
                    LessonProgress.state == ProgressState.DONE,
                    LessonProgress.lesson_id.in_(lesson_ids),
                    or_(
                        *(
                            and_(
                                LeaderGroup.organisation_id == organisation_id,
                                Enrolment.cohort_id == cohort.id,
                            )
                            for organisation_id, cohort in cohorts.items()
                        )
                    ),
                )
                .group_by(GroupMembership.group_id)
            ).all()
        )
    by_organisation: dict[int, list[GroupSummary]] = defaultdict(list)
    organisations: dict[int, Organisation] = {}
    for group, area in found:
        cohort = cohorts.get(group.organisation_id)
        organisations[group.organisation_id] = group.organisation
        by_organisation[group.organisation_id].append(
            GroupSummary(
                group=group,
                area=area,
                cohort=cohort,
                members=members.get(group.id, 0),
                lessons_done=done.get(group.id, 0) if cohort else 0,
                lessons_per_member=len(lessons_by_course[cohort.course_id]) if cohort else 0,
            )
        )
    return sorted(
        (
            OrganisationGroups(
                organisations[organisation_id],
                sorted(summaries, key=lambda summary: danish_sort_key(summary.group.name)),
            )
            for organisation_id, summaries in by_organisation.items()
        ),
        key=lambda entry: danish_sort_key(entry.organisation.name),
    )


# --- one group's dashboard -----------------------------------------------------------------------


def followed_group(viewer: Viewer, group_id: int) -> LeaderGroup:
    """The group, when the person may see its members' progress. Otherwise ``NotFound``, exactly as for
    a group that does not exist, so that ids cannot be probed."""
    group = db.session.scalar(
        select(LeaderGroup)
        .where(LeaderGroup.id == group_id)
        .options(joinedload(LeaderGroup.organisation))
    )
    if group is None or not viewer.may_see_member_progress(group):
        raise NotFound(_l("Ledergruppen findes ikke."))
    return group


@dataclass(frozen=True)
class GroupDashboard:
    progress: GroupProgress
    area: Area | None

    @property
    def group(self) -> LeaderGroup:
        return self.progress.group


def group_dashboard(viewer: Viewer, group_id: int, *, today: dt.date) -> GroupDashboard:
    """Members × modules of a group the person follows, in its organisation's current cohort."""
    group = followed_group(viewer, group_id)
    cohort = current_cohort_for_organisation(group.organisation_id, today)
    area = db.session.get(Area, group.area_id) if group.area_id is not None else None
    return GroupDashboard(group_progress(group, cohort), area)


# --- the programme report ------------------------------------------------------------------------


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
    rows: list[ReportRow]

    @property
    def cohort(self) -> Cohort | None:
        return self.options.cohort


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
    lesson_ids = _lesson_ids(outline)
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
    """Per bucket and module: people who started it, people who finished it, lessons done."""
    per_person = (
        select(
            LessonProgress.enrolment_id,
            Lesson.module_id,
            func.count().label("started"),
            func.sum(case((LessonProgress.state == ProgressState.DONE, 1), else_=0)).label("done"),
        )
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.enrolment_id.in_(select(population.c.enrolment_id)),
            LessonProgress.lesson_id.in_(lesson_ids),
        )
        .group_by(LessonProgress.enrolment_id, Lesson.module_id)
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
            population.c.organisation_id,
            population.c.area_id,
            population.c.group_id,
            per_person.c.module_id,
            func.count(),
            func.sum(case((per_person.c.done == module_size.c.lessons, 1), else_=0)),
            func.sum(per_person.c.done),
        )
        .select_from(per_person)
        .join(population, population.c.enrolment_id == per_person.c.enrolment_id)
        .join(module_size, module_size.c.module_id == per_person.c.module_id)
        .group_by(
            population.c.organisation_id,
            population.c.area_id,
            population.c.group_id,
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

    def done_lessons(bucket: _Bucket) -> int:
        return sum(module_progress[(bucket, m.module.id)][2] for m in outline)

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
        started = sum(module_progress[(bucket, module.module.id)][0] for bucket in buckets)
        done = sum(module_progress[(bucket, module.module.id)][1] for bucket in buckets)
        funnel.append(ModuleFunnel(module.module, total_enrolled, started, done))
    rows = [
        ReportRow(
            organisation=organisations[bucket[0]],
            area=areas.get(bucket[1]) if bucket[1] is not None else None,
            group=groups.get(bucket[2]) if bucket[2] is not None else None,
            module=module.module,
            enrolled=count,
            started=module_progress[(bucket, module.module.id)][0],
            done=module_progress[(bucket, module.module.id)][1],
            lessons_done=module_progress[(bucket, module.module.id)][2],
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
        rows=rows,
    )
