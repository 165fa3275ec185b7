"""Who may see what about a leader group. The one place the rules live; services call these, and the
authorisation matrix test tries to break them.

| role (scope)                  | group counts | per-member progress | shared answers | meeting notes |
|-------------------------------|--------------|---------------------|----------------|---------------|
| leader (current group)        | own group    | only own            | own group's    | read          |
| chair (the group)             | yes          | yes                 | yes            | read, write   |
| facilitator (assigned groups) | yes          | yes                 | no             | read          |
| coordinator (organisation)    | its groups   | its members         | no             | no            |
| platform admin                | all          | all                 | no             | no            |

Service-check supporters (an organisation's, or the platform's) are in none of these columns: what
they see (their own slots and the bookings on them) is ``service_check/access.py``'s table.

Private answers are only ever their author's. Nobody sees another organisation's people except
platform admins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import g
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, bindparam, select

from course_app.accounts import services as account_services
from course_app.accounts.models import User
from course_app.core.db import db, utcnow
from course_app.organisations.models import GroupMembership, LeaderGroup, Role, RoleAssignment


@dataclass(frozen=True)
class Viewer:
    """A person's roles, loaded once (with the signed-in person, in the same query) and then asked
    many questions."""

    user_id: int
    organisation_id: int | None
    current_group_id: int | None
    is_platform_admin: bool = False
    coordinator_of: frozenset[int] = field(default_factory=frozenset)
    chair_of: frozenset[int] = field(default_factory=frozenset)
    facilitator_of: frozenset[int] = field(default_factory=frozenset)
    course_editor_of: frozenset[int] = field(default_factory=frozenset)
    # Service-check supporter for these organisations' leaders, or (platform) for every one's.
    supporter_of: frozenset[int] = field(default_factory=frozenset)
    is_platform_supporter: bool = False

    # --- authoring: platform admins edit every course, course editors the courses they are given --

    def may_edit_course(self, course_id: int) -> bool:
        return self.is_platform_admin or course_id in self.course_editor_of

    @property
    def may_author(self) -> bool:
        return self.is_platform_admin or bool(self.course_editor_of)

    # --- the table above, one method per column ---------------------------------------------------

    def is_member(self, group: LeaderGroup) -> bool:
        return self.current_group_id == group.id

    def may_see_group_counts(self, group: LeaderGroup) -> bool:
        return self.is_member(group) or self.may_see_member_progress(group)

    def may_see_member_progress(self, group: LeaderGroup) -> bool:
        if self.is_platform_admin:
            return True
        if not self._inside_own_organisation(group):
            return False
        return (
            group.id in self.chair_of
            or group.id in self.facilitator_of
            or group.organisation_id in self.coordinator_of
        )

    def may_read_shared_answers(self, group: LeaderGroup) -> bool:
        return self.is_member(group) or self._chairs(group)

    def may_read_meeting_notes(self, group: LeaderGroup) -> bool:
        return (
            self.is_member(group)
            or self._chairs(group)
            or (group.id in self.facilitator_of and self._inside_own_organisation(group))
        )

    def may_write_meeting_notes(self, group: LeaderGroup) -> bool:
        return self._chairs(group)

    def _chairs(self, group: LeaderGroup) -> bool:
        return group.id in self.chair_of and self._inside_own_organisation(group)

    def _inside_own_organisation(self, group: LeaderGroup) -> bool:
        """Defence in depth: a role never reaches across organisations (platform staff, who belong
        to none, follow the groups they are assigned to)."""
        return self.organisation_id is None or self.organisation_id == group.organisation_id

    def may_see_organisation_report(self, organisation_id: int) -> bool:
        return self.is_platform_admin or organisation_id in self.coordinator_of

    @property
    def may_see_any_report(self) -> bool:
        return self.is_platform_admin or bool(self.coordinator_of)

    @property
    def is_supporter(self) -> bool:
        return self.is_platform_supporter or bool(self.supporter_of)

    def supports(self, organisation_id: int | None) -> bool:
        """Whether she is the service-check supporter of this organisation's leaders."""
        return self.is_platform_supporter or organisation_id in self.supporter_of

    @property
    def has_role(self) -> bool:
        """Any role beyond taking part as a leader (chair, facilitator, coordinator, admin, editor,
        supporter)."""
        return bool(
            self.is_platform_admin
            or self.coordinator_of
            or self.chair_of
            or self.facilitator_of
            or self.course_editor_of
            or self.is_supporter
        )

    @property
    def staff_group_ids(self) -> frozenset[int]:
        """Groups this person follows by role (chair or facilitator), not by membership."""
        return self.chair_of | self.facilitator_of


def _current_group_query(user_id: ColumnElement[int], now: ColumnElement[dt.datetime]) -> Select:
    return (
        select(GroupMembership.group_id)
        .where(GroupMembership.user_id == user_id, GroupMembership.current_at(now))
        .order_by(GroupMembership.valid_from.desc())
        .limit(1)
    )


# The person's id and the moment are bound on each call: the statements are built once, so
# SQLAlchemy finds them in its compiled cache without building and hashing them again per request.
_CURRENT_GROUP = _current_group_query(bindparam("user_id"), bindparam("now"))


def current_group_id(user_id: int) -> int | None:
    return db.session.scalar(_CURRENT_GROUP, {"user_id": user_id, "now": utcnow()})


_Assignment = tuple[Role, int | None, int | None, int | None]  # role, organisation, group, course


def viewer_for(user: User) -> Viewer:
    assignments = db.session.execute(
        select(
            RoleAssignment.role,
            RoleAssignment.organisation_id,
            RoleAssignment.group_id,
            RoleAssignment.course_id,
        ).where(RoleAssignment.user_id == user.id)
    ).all()
    return _viewer(user, assignments, current_group_id(user.id))


def _viewer(user: User, assignments: Sequence[_Assignment], current_group: int | None) -> Viewer:
    return Viewer(
        user_id=user.id,
        organisation_id=user.organisation_id,
        current_group_id=current_group,
        is_platform_admin=any(role == Role.PLATFORM_ADMIN for role, _, _, _ in assignments),
        # Defence in depth: a coordinator role only counts inside the person's own organisation.
        coordinator_of=frozenset(
            org
            for role, org, _, _ in assignments
            if role == Role.COORDINATOR
            and (user.organisation_id is None or org == user.organisation_id)
        ),
        chair_of=frozenset(group for role, _, group, _ in assignments if role == Role.CHAIR),
        facilitator_of=frozenset(
            group for role, _, group, _ in assignments if role == Role.FACILITATOR
        ),
        course_editor_of=frozenset(
            course for role, _, _, course in assignments if role == Role.COURSE_EDITOR
        ),
        # Like coordinators: an organisation's supporter role counts only inside her organisation.
        supporter_of=frozenset(
            org
            for role, org, _, _ in assignments
            if role == Role.SUPPORTER
            and org is not None
            and (user.organisation_id is None or org == user.organisation_id)
        ),
        is_platform_supporter=any(
            role == Role.SUPPORTER and org is None for role, org, _, _ in assignments
        ),
    )


# A row per role assignment (one row, without a role, for a leader), each with her current group.
_PERSON_WITH_ROLES = (
    select(
        User,
        RoleAssignment.role,
        RoleAssignment.organisation_id,
        RoleAssignment.group_id,
        RoleAssignment.course_id,
        _current_group_query(bindparam("user_id"), bindparam("now")).scalar_subquery(),
    )
    .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)


def person_with_viewer(user_id: int) -> tuple[User, Viewer] | None:
    """The person and her ``Viewer`` in one query (``viewer_for`` takes two after the person's)."""
    rows = db.session.execute(_PERSON_WITH_ROLES, {"user_id": user_id, "now": utcnow()}).all()
    if not rows:
        return None
    user, current_group = rows[0][0], rows[0][5]
    assignments = [
        (role, org, group, course) for _, role, org, group, course, _ in rows if role is not None
    ]
    return user, _viewer(user, assignments, current_group)


def load_signed_in_user(session_id: str) -> User | None:
    """Flask-Login's loader. The session id carries a version, so old cookies can be revoked
    (``accounts.services``); the person's roles and current group come in the same query and are
    kept for ``request_viewer``."""
    parsed = account_services.parse_session_id(session_id)
    if parsed is None:
        return None
    user_id, version = parsed
    loaded = person_with_viewer(user_id)
    if loaded is None or not account_services.session_is_current(loaded[0], version):
        return None
    user, g.viewer = loaded
    return user


def request_viewer() -> Viewer:
    """The signed-in person's roles, loaded once per request (with the person herself, by
    ``load_signed_in_user``) and shared by views and the menu."""
    viewer = g.get("viewer")
    # Someone else may have signed in during this request (``login_user`` without the loader).
    if viewer is None or viewer.user_id != current_user.id:
        viewer = g.viewer = viewer_for(current_user)
    return viewer
