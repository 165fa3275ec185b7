"""Who sees and who sets a round's events. The rules live here, on top of the directory's ``Viewer``
(``organisations/access.py``); services and views only ask.

| person                           | sees                                         | sets                    |
|----------------------------------|----------------------------------------------|-------------------------|
| leader                           | the events of rounds she is enrolled in; her | -                       |
|                                  | current group's meetings (as the group page) |                         |
| chair / facilitator of a group   | the round's events (the group's organisation | chair: the group's      |
| (inside their own organisation)  | takes part); that group's meetings           | meetings                |
| coordinator of an organisation   | the round's events (it takes part); its own  | the round's events; its |
|                                  | groups' meetings                             | groups' meetings        |
| platform admin                   | everything                                   | everything              |

A leader meeting belongs to a group whose organisation takes part in the round. Nobody sees another
organisation's group meetings except platform admins. Anything a person may not see is 404.

"Follows" is what a person's calendar feed and pages list: what they see, except that platform
admins follow every round's own events but only the meetings of groups they are assigned to.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.core.db import db
from course_app.organisations.access import Viewer
from course_app.organisations.models import LeaderGroup
from course_app.schedule.event_models import Event, EventKind


@dataclass(frozen=True)
class Audience:
    """A person as the calendar sees them: their roles, their rounds and the groups they follow."""

    viewer: Viewer
    enrolled_cohort_ids: frozenset[int] = field(default_factory=frozenset)
    # Groups followed as chair or facilitator (inside the person's own organisation) → organisation.
    followed_groups: dict[int, int] = field(default_factory=dict)

    @property
    def is_admin(self) -> bool:
        return self.viewer.is_platform_admin


def inside_own_organisation(viewer: Viewer, group: LeaderGroup) -> bool:
    """A group role counts only inside the person's own organisation (platform staff, who belong to
    none, follow the groups they are assigned to): the directory's rule."""
    return viewer.organisation_id is None or viewer.organisation_id == group.organisation_id


def audience_for(viewer: Viewer) -> Audience:
    """Two queries at most: the person's rounds, and the groups they follow by role."""
    enrolled = frozenset(
        db.session.scalars(select(Enrolment.cohort_id).where(Enrolment.user_id == viewer.user_id))
    )
    followed: dict[int, int] = {}
    if viewer.staff_group_ids:
        groups = db.session.scalars(
            select(LeaderGroup).where(LeaderGroup.id.in_(sorted(viewer.staff_group_ids)))
        )
        followed = {
            group.id: group.organisation_id
            for group in groups
            if inside_own_organisation(viewer, group)
        }
    return Audience(viewer, enrolled, followed)


def cohort_organisation_ids(cohort_id: int) -> frozenset[int]:
    return frozenset(
        db.session.scalars(
            select(cohort_organisations.c.organisation_id).where(
                cohort_organisations.c.cohort_id == cohort_id
            )
        )
    )


# --- Setting events ----------------------------------------------------------------------------------


def may_set_round_events(viewer: Viewer, cohort_orgs: Collection[int]) -> bool:
    """Kick-off, workshops, the service-check window and the round's end."""
    return viewer.is_platform_admin or any(org in viewer.coordinator_of for org in cohort_orgs)


def may_set_meetings(viewer: Viewer, group: LeaderGroup, cohort_orgs: Collection[int]) -> bool:
    """A group's leader meetings: its chair, its organisation's coordinator, platform admins; only
    while the group's organisation takes part in the round."""
    if group.organisation_id not in cohort_orgs:
        return False
    return (
        viewer.is_platform_admin
        or group.organisation_id in viewer.coordinator_of
        or viewer.may_write_meeting_notes(group)
    )


def may_set(viewer: Viewer, event: Event, cohort_orgs: Collection[int]) -> bool:
    if event.kind == EventKind.LEADER_MEETING:
        return event.group is not None and may_set_meetings(viewer, event.group, cohort_orgs)
    return may_set_round_events(viewer, cohort_orgs)


def settable_groups(viewer: Viewer, cohort_orgs: Collection[int]) -> list[LeaderGroup]:
    """The groups whose meetings the person may set in a round (one query, none for a leader)."""
    if not (viewer.is_platform_admin or viewer.coordinator_of or viewer.chair_of):
        return []
    condition = or_(
        true() if viewer.is_platform_admin else false(),
        LeaderGroup.organisation_id.in_(sorted(viewer.coordinator_of)),
        LeaderGroup.id.in_(sorted(viewer.chair_of)),
    )
    groups = db.session.scalars(
        select(LeaderGroup).where(LeaderGroup.organisation_id.in_(sorted(cohort_orgs)), condition)
    )
    return [group for group in groups if may_set_meetings(viewer, group, cohort_orgs)]


def may_open_round(audience: Audience, cohort_orgs: Collection[int]) -> bool:
    """The round's calendar page (for planning): whoever may set any of its events."""
    viewer = audience.viewer
    if may_set_round_events(viewer, cohort_orgs):
        return True
    return any(
        org in cohort_orgs
        for group_id, org in audience.followed_groups.items()
        if group_id in viewer.chair_of
    )


# --- Seeing events -----------------------------------------------------------------------------------


def follows(audience: Audience, event: Event, cohort_orgs: Collection[int]) -> bool:
    viewer = audience.viewer
    if event.kind == EventKind.LEADER_MEETING:
        group = event.group
        if group is None or group.organisation_id not in cohort_orgs:
            return False
        return (
            group.id in audience.followed_groups
            or group.organisation_id in viewer.coordinator_of
            or viewer.current_group_id == group.id
        )
    return (
        audience.is_admin
        or event.cohort_id in audience.enrolled_cohort_ids
        or any(org in viewer.coordinator_of for org in cohort_orgs)
        or any(org in cohort_orgs for org in audience.followed_groups.values())
    )


def may_see(audience: Audience, event: Event, cohort_orgs: Collection[int]) -> bool:
    return audience.is_admin or follows(audience, event, cohort_orgs)


def _group_takes_part() -> ColumnElement[bool]:
    """SQL: the meeting's group belongs to an organisation that takes part in its round."""
    return (
        select(cohort_organisations.c.cohort_id)
        .join(LeaderGroup, LeaderGroup.organisation_id == cohort_organisations.c.organisation_id)
        .where(
            cohort_organisations.c.cohort_id == Event.cohort_id, LeaderGroup.id == Event.group_id
        )
        .exists()
    )


def followed_condition(audience: Audience) -> ColumnElement[bool]:
    """SQL for ``follows``, over ``Event`` rows (no query of its own)."""
    viewer = audience.viewer
    round_parts: list[ColumnElement[bool]] = [Event.cohort_id.in_(audience.enrolled_cohort_ids)]
    staff_orgs = sorted(viewer.coordinator_of | set(audience.followed_groups.values()))
    if staff_orgs:
        round_parts.append(
            exists().where(
                cohort_organisations.c.cohort_id == Event.cohort_id,
                cohort_organisations.c.organisation_id.in_(staff_orgs),
            )
        )
    if audience.is_admin:
        round_parts = [true()]
    meeting_parts: list[ColumnElement[bool]] = []
    if audience.followed_groups:
        meeting_parts.append(Event.group_id.in_(sorted(audience.followed_groups)))
    if viewer.coordinator_of:
        meeting_parts.append(
            Event.group_id.in_(
                select(LeaderGroup.id).where(
                    LeaderGroup.organisation_id.in_(sorted(viewer.coordinator_of))
                )
            )
        )
    if viewer.current_group_id is not None:
        meeting_parts.append(Event.group_id == viewer.current_group_id)
    return or_(
        and_(Event.kind != EventKind.LEADER_MEETING, or_(*round_parts)),
        and_(
            Event.kind == EventKind.LEADER_MEETING,
            or_(false(), *meeting_parts),
            _group_takes_part(),
        ),
    )


def visible_condition(audience: Audience) -> ColumnElement[bool]:
    """SQL for ``may_see``."""
    return true() if audience.is_admin else followed_condition(audience)


def cohorts_to_plan(audience: Audience) -> list[Cohort]:
    """The rounds whose calendar page the person may open (for the "Kalender" page)."""
    viewer = audience.viewer
    if audience.is_admin:
        query = select(Cohort)
    else:
        orgs = set(viewer.coordinator_of)
        orgs |= {org for gid, org in audience.followed_groups.items() if gid in viewer.chair_of}
        if not orgs:
            return []
        query = select(Cohort).where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(sorted(orgs))
                )
            )
        )
    return list(db.session.scalars(query.order_by(Cohort.starts_on.desc(), Cohort.id.desc())))
