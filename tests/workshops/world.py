"""A world for the sign-up, attendance, area and facilitator tests: the calendar's world (round R of
organisations A and B, every role; ``tests/calendar/conftest.py``) plus areas, a third organisation
C outside the round with its coordinator kc, and workshop 1 of round R (29 October 2026, 10-12 in
Copenhagen; the clock stands at 1 September 2026).

Areas: A "Børn og unge" (a, b), A "Ældre" (c), A "Kultur" (nobody); B "Dagtilbud" (d), B "Omsorg";
C "Skole". Nothing is mapped at the start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import update

from course_app.cohorts import services as cohorts
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer, viewer_for
from course_app.organisations.models import Area, GroupMembership, Organisation, Role
from course_app.schedule.event_models import Event, EventKind
from tests import factories
from tests.calendar.conftest import World, add_event, make_world


@dataclass
class WorkshopWorld:
    base: World
    workshop: Event
    org_c: Organisation
    areas: dict[str, Area]

    def __getattr__(self, name: str):
        return getattr(self.__dict__["base"], name)

    def viewer(self, key: str) -> Viewer:
        return viewer_for(self.base.people[key])


def make_workshop_world(session) -> WorkshopWorld:
    base = make_world(session)
    org_c = factories.organisation("Workshop Kommune C")
    areas = {
        "a_boern": directory.get_or_create_area(base.org_a, "Børn og unge"),
        "a_aeldre": directory.get_or_create_area(base.org_a, "Ældre"),
        "a_kultur": directory.get_or_create_area(base.org_a, "Kultur"),
        "b_dagtilbud": directory.get_or_create_area(base.org_b, "Dagtilbud"),
        "b_omsorg": directory.get_or_create_area(base.org_b, "Omsorg"),
        "c_skole": directory.get_or_create_area(org_c, "Skole"),
    }
    for key, area in (("a", "a_boern"), ("b", "a_boern"), ("c", "a_aeldre"), ("d", "b_dagtilbud")):
        base.people[key].area_id = areas[area].id
    base.people["kc"] = factories.user(org=org_c, name="Kirsten Koordinator")
    directory.assign_role(base.people["kc"], Role.COORDINATOR, organisation=org_c)
    # A facilitator in organisation B (a candidate) and one in C (not: C is not in the round).
    group_b = directory.get_or_create_group(base.org_b, "Ledergruppe Hyld")
    base.people["fb"] = factories.user(org=base.org_b, name="Finn Facilitator")
    directory.assign_role(base.people["fb"], Role.FACILITATOR, group=group_b)
    group_c = directory.get_or_create_group(org_c, "Ledergruppe Skov")
    base.people["fc"] = factories.user(org=org_c, name="Fie Facilitator")
    directory.assign_role(base.people["fc"], Role.FACILITATOR, group=group_c)
    # A leader of C enrolled in another round only.
    base.people["y"], _ = factories.enrolled_leader(
        cohorts.create_cohort(
            factories.course(),
            name="Kun C",
            starts_on=base.round.starts_on,
            organisations=[org_c],
        ),
        org=org_c,
        name="Yrsa Yde",
    )
    workshop = add_event(base, EventKind.WORKSHOP, number=1, title="Workshop 1 i Glostrup")
    # Memberships began before the clock's moment (they were made "now", in real time).
    db.session.execute(
        update(GroupMembership).values(valid_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    )
    db.session.commit()
    return WorkshopWorld(base, workshop, org_c, areas)


@pytest.fixture
def ww(session, clock) -> WorkshopWorld:
    return make_workshop_world(session)
