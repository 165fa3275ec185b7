"""The people of a workshop as its pages and the planner need them: name, organisation, area and
current leader group, read for many people in one query (no query per person)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, and_, select

from course_app.accounts.models import User
from course_app.core import clock
from course_app.core.db import db
from course_app.core.i18n import danish_sort_key
from course_app.organisations.models import Area, GroupMembership, LeaderGroup, Organisation
from course_app.schedule.event_models import Event
from course_app.workshops import model
from course_app.workshops.models import WorkshopSignup


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    organisation_id: int | None
    organisation: str
    area_id: int | None
    area: str | None
    group_id: int | None
    group: str | None

    def as_attendee(self) -> model.Attendee:
        return model.Attendee(
            id=self.user_id,
            name=self.name,
            organisation=model.Organisation(self.organisation_id or 0, self.organisation),
            area=None if self.area_id is None else model.Area(self.area_id, self.area or ""),
            group_id=self.group_id,
        )


def people_select(now: dt.datetime) -> Select:
    """People with organisation, area and the leader group they are in at ``now`` (the newest
    membership first, should there be two); callers add their joins, columns and conditions and
    read the first eight columns with ``person_from``."""
    return (
        select(
            User.id,
            User.name,
            User.organisation_id,
            Organisation.name,
            User.area_id,
            Area.name,
            LeaderGroup.id,
            LeaderGroup.name,
        )
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Area, Area.id == User.area_id)
        .outerjoin(
            GroupMembership,
            and_(GroupMembership.user_id == User.id, GroupMembership.current_at(now)),
        )
        .outerjoin(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
        .order_by(User.id, GroupMembership.valid_from.desc())
    )


def person_from(row: Sequence) -> Person:
    """A ``Person`` from the first eight columns of a ``people_select`` row."""
    user_id, name, org_id, org, area_id, area, group_id, group = row[:8]
    return Person(user_id, name, org_id, org or "", area_id, area, group_id, group)


def first_per_person(rows) -> list:
    """One row per person (rows come ordered by person, newest membership first)."""
    seen: set[int] = set()
    return [row for row in rows if not (row[0] in seen or seen.add(row[0]))]


def _collect(rows) -> list[Person]:
    people = [person_from(row) for row in first_per_person(rows)]
    return sorted(people, key=lambda person: danish_sort_key(person.name))


def people(user_ids: Collection[int]) -> list[Person]:
    """These people, sorted by name (Danish order)."""
    if not user_ids:
        return []
    return _collect(
        db.session.execute(people_select(clock.now()).where(User.id.in_(sorted(user_ids))))
    )


def coming(event: Event) -> list[Person]:
    """Everyone who said "kommer" to the workshop, with an active account and an organisation: the
    planner's attendees."""
    return _collect(
        db.session.execute(
            people_select(clock.now())
            .join(WorkshopSignup, WorkshopSignup.user_id == User.id)
            .where(
                WorkshopSignup.event_id == event.id,
                WorkshopSignup.coming.is_(True),
                User.deactivated_at.is_(None),
                User.organisation_id.is_not(None),
            )
        )
    )
