"""The directory: organisations, areas, leader groups, memberships and role assignments."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import bindparam, exists, select

from course_app.accounts.models import User
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.organisations.models import (
    ROLE_SCOPES,
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    Role,
    RoleAssignment,
)


def slugify(name: str) -> str:
    translated = name.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    return re.sub(r"[^a-z0-9]+", "-", translated).strip("-") or "organisation"


def get_or_create_organisation(name: str) -> Organisation:
    name = name.strip()
    if not name:
        raise ServiceError("Skriv organisationens navn.")
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name, slug=slugify(name))
        db.session.add(organisation)
        db.session.flush()
    return organisation


def get_or_create_area(organisation: Organisation, name: str) -> Area:
    area = db.session.scalar(
        select(Area).where(Area.organisation_id == organisation.id, Area.name == name.strip())
    )
    if area is None:
        area = Area(organisation_id=organisation.id, name=name.strip())
        db.session.add(area)
        db.session.flush()
    return area


def get_or_create_group(
    organisation: Organisation, name: str, *, area: Area | None = None
) -> LeaderGroup:
    group = db.session.scalar(
        select(LeaderGroup).where(
            LeaderGroup.organisation_id == organisation.id, LeaderGroup.name == name.strip()
        )
    )
    if group is None:
        group = LeaderGroup(
            organisation_id=organisation.id, name=name.strip(), area_id=area.id if area else None
        )
        db.session.add(group)
        db.session.flush()
    return group


def current_membership(user: User) -> GroupMembership | None:
    now = utcnow()
    return db.session.scalar(
        select(GroupMembership)
        .where(
            GroupMembership.user_id == user.id,
            GroupMembership.current_at(now),
        )
        .order_by(GroupMembership.valid_from.desc())
    )


def move_to_group(user: User, group: LeaderGroup) -> GroupMembership:
    """End the person's current membership (if any) and start one in ``group``."""
    if user.organisation_id != group.organisation_id:
        raise ServiceError("En leder kan kun være med i en ledergruppe i sin egen organisation.")
    current = current_membership(user)
    if current is not None:
        if current.group_id == group.id:
            return current
        current.valid_until = utcnow()
    membership = GroupMembership(user_id=user.id, group_id=group.id, valid_from=utcnow())
    db.session.add(membership)
    db.session.flush()
    return membership


def assign_role(
    user: User,
    role: Role,
    *,
    organisation: Organisation | None = None,
    course_id: int | None = None,
    group: LeaderGroup | None = None,
) -> RoleAssignment:
    """Give a role in its scope (idempotent). The scope must fit the role."""
    scope = {
        "organisation_id": organisation.id if organisation else None,
        "course_id": course_id,
        "group_id": group.id if group else None,
    }
    given = [key for key, value in scope.items() if value is not None]
    if len(given) > 1 or (given[0] if given else None) not in ROLE_SCOPES[role]:
        allowed = " eller ".join(needed or "ingen" for needed in ROLE_SCOPES[role])
        raise ServiceError(f"Rollen {role.value} kræver netop afgrænsningen {allowed}.")
    target_organisation = (
        organisation.id if organisation else group.organisation_id if group else None
    )
    if (
        target_organisation is not None
        and user.organisation_id is not None
        and user.organisation_id != target_organisation
    ):
        raise ServiceError("En rolle kan kun gives inden for personens egen organisation.")
    existing = db.session.scalar(
        select(RoleAssignment).where(
            RoleAssignment.user_id == user.id,
            RoleAssignment.role == role,
            *(
                getattr(RoleAssignment, key).is_(None)
                if value is None
                else getattr(RoleAssignment, key) == value
                for key, value in scope.items()
            ),
        )
    )
    if existing is not None:
        return existing
    assignment = RoleAssignment(user_id=user.id, role=role, **scope)
    db.session.add(assignment)
    db.session.flush()
    return assignment


def roles_of(user: User) -> list[RoleAssignment]:
    return list(db.session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)))


def holds_any_role(user: User) -> bool:
    """Whether the person holds any role assignment at all (staff, or a group's chair); such people
    never sign in through links in e-mails (``accounts.sign_in_links``)."""
    return bool(db.session.scalar(select(exists().where(RoleAssignment.user_id == user.id))))


def is_platform_admin(user: User) -> bool:
    return any(assignment.role == Role.PLATFORM_ADMIN for assignment in roles_of(user))


# Built once (every group page and dashboard asks), the group and the moment bound per call.
_CURRENT_MEMBERS = (
    select(User)
    .join(GroupMembership, GroupMembership.user_id == User.id)
    .where(
        GroupMembership.group_id == bindparam("group_id"),
        GroupMembership.current_at(bindparam("moment")),
        User.deactivated_at.is_(None),
    )
    .order_by(User.name, User.id)
)


def current_members(group: LeaderGroup, at: dt.datetime | None = None) -> list[User]:
    """Active people whose membership of the group is in force now (or at ``at``)."""
    moment = at or utcnow()
    return list(db.session.scalars(_CURRENT_MEMBERS, {"group_id": group.id, "moment": moment}))
