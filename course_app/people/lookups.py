"""Directory look-ups for planning an import (reads only): a file may name thousands of people, so
every look-up takes its values a few hundred at a time and issues a fixed number of queries per batch.
"""

from __future__ import annotations

from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from course_app.core.db import db, utcnow
from course_app.organisations.models import Area, GroupMembership, LeaderGroup, Role, RoleAssignment
from course_app.people.plan import name_key

_BATCH = 500  # values per IN (...) list


def _chunks(values: list) -> list[list]:
    """The distinct values, in their order, ``_BATCH`` at a time."""
    unique = list(dict.fromkeys(values))
    return [unique[start : start + _BATCH] for start in range(0, len(unique), _BATCH)]


def in_batches(statement, column, values: list) -> list:
    """``statement.where(column IN values)``, a few hundred values at a time."""
    found = []
    for chunk in _chunks(values):
        found.extend(db.session.scalars(statement.where(column.in_(chunk))))
    return found


def users_by_email(emails: list[str]) -> dict[str, User]:
    """Existing people by lower-case e-mail address."""
    return {
        user.email.lower(): user
        for user in in_batches(select(User), func.lower(User.email), emails)
    }


def area_name(user: User, area_names: dict[int, str]) -> str:
    """The person's area as a name key ("" for none), from ``area_names`` when it is there."""
    if user.area_id is None:
        return ""
    name = area_names.get(user.area_id)
    if name is None:
        area = db.session.get(Area, user.area_id)
        name = area.name if area else ""
    return name_key(name)


def current_groups(user_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Person → (group id, group name) of their current membership."""
    now = utcnow()
    current: dict[int, tuple[int, str]] = {}
    for chunk in _chunks(user_ids):
        rows = db.session.execute(
            select(GroupMembership.user_id, LeaderGroup.id, LeaderGroup.name)
            .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
            .where(GroupMembership.user_id.in_(chunk), GroupMembership.current_at(now))
            .order_by(GroupMembership.valid_from)
        )
        for user_id, group_id, name in rows:
            current[user_id] = (group_id, name)  # the latest one wins, as in current_membership
    return current


def role_keys(user_ids: list[int]) -> set[tuple[int, Role, int | None]]:
    """(person, role, scope id) of every role the people hold: what an import need not add."""
    keys: set[tuple[int, Role, int | None]] = set()
    for chunk in _chunks(user_ids):
        for user_id, role, organisation_id, group_id in db.session.execute(
            select(
                RoleAssignment.user_id,
                RoleAssignment.role,
                RoleAssignment.organisation_id,
                RoleAssignment.group_id,
            ).where(RoleAssignment.user_id.in_(chunk))
        ):
            by_organisation = role in (Role.COORDINATOR, Role.SUPPORTER)
            keys.add((user_id, role, organisation_id if by_organisation else group_id))
    return keys


def enrolments(user_ids: list[int]) -> set[tuple[int, int]]:
    """(person, cohort) of every enrolment the people have."""
    pairs: set[tuple[int, int]] = set()
    for chunk in _chunks(user_ids):
        pairs.update(
            (user_id, cohort_id)
            for user_id, cohort_id in db.session.execute(
                select(Enrolment.user_id, Enrolment.cohort_id).where(Enrolment.user_id.in_(chunk))
            )
        )
    return pairs
