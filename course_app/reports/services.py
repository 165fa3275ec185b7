"""Progress of many people at once: a leader group's members × modules. Reads progress, cohorts,
courses and the directory; a fixed number of queries whatever the group or course size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db, utcnow
from course_app.courses.models import Module
from course_app.courses.services import ModuleOutline, course_outline
from course_app.organisations.models import GroupMembership, LeaderGroup
from course_app.progress.models import ProgressState
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


def current_members(group: LeaderGroup, at: dt.datetime | None = None) -> list[User]:
    moment = at or utcnow()
    return list(
        db.session.scalars(
            select(User)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(
                GroupMembership.group_id == group.id,
                GroupMembership.valid_from <= moment,
                (GroupMembership.valid_until.is_(None)) | (GroupMembership.valid_until > moment),
                User.deactivated_at.is_(None),
            )
            .order_by(User.name, User.id)
        )
    )


def group_progress(group: LeaderGroup, cohort: Cohort | None) -> GroupProgress:
    members = current_members(group)
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
