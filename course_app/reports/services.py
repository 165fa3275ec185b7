"""Progress of many people at once: a leader group's members × modules and the groups a person follows
(the programme report is in ``programme.py``). Reads progress, cohorts, courses and the directory; every function here issues a
fixed number of queries whatever the number of members, groups or modules.

Who may see what is decided by ``organisations.access.Viewer``; the functions that take a viewer apply
it themselves (in SQL and again on the rows), so a view cannot forget it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts_service
from course_app.cohorts.models import Cohort, Enrolment
from course_app.cohorts.services import current_cohort_for_organisation
from course_app.core.db import db, utcnow
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import Module
from course_app.courses.outlines import ModuleOutline, course_outline, lesson_ids_of
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
            lessons_by_course[cohort.course_id] = lesson_ids_of(course_outline(cohort.course))
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


# Built once (every group dashboard and its CSV ask), the id bound per call.
_GROUP = (
    select(LeaderGroup)
    .where(LeaderGroup.id == bindparam("group_id"))
    .options(joinedload(LeaderGroup.organisation))
)


def followed_group(viewer: Viewer, group_id: int) -> LeaderGroup:
    """The group, when the person may see its members' progress. Otherwise ``NotFound``, exactly as for
    a group that does not exist, so that ids cannot be probed."""
    group = db.session.scalar(_GROUP, {"group_id": group_id})
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
