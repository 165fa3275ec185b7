"""A world for the service check, and a clock.

Round R (organisations A and B; the test clock stands on Tuesday 1 September 2026, 9.00 Copenhagen):
    A: leaders la (group GA) and la2; supporter sa (A's own); coordinator ka
    B: leader lb; coordinator kb
    platform supporter sp (no organisation), platform admin ad
Round RB (B only): leader lb is enrolled too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.i18n import COPENHAGEN
from course_app.organisations import services as directory
from course_app.organisations.models import Organisation, Role
from course_app.service_check import slots
from course_app.service_check.models import ServiceCheckSlot
from tests import factories
from tests.groups.conftest import browser  # noqa: F401 - a fixture
from tests.helpers import PeopleByKey, clock_at, copenhagen

QUESTION = "Hvordan deler jeg min skærm i Teams? SPØRGSMÅL-7f3a"
NOTE = "Vist skærmdeling og genveje. NOTE-2c9e"


@pytest.fixture
def clock(app):
    with clock_at(app, copenhagen(2026, 9, 1), "https://servicetjek.test.example") as test_clock:
        yield test_clock


@dataclass
class World(PeopleByKey):
    round: Cohort
    round_b: Cohort
    org_a: Organisation
    org_b: Organisation
    people: dict[str, User]

    def slot(
        self,
        supporter: str = "sa",
        at: dt.datetime | None = None,
        *,
        cohort: Cohort | None = None,
        place: str = "Rådhuset, lokale 2",
        link: str = "",
        minutes: int = 30,
    ) -> ServiceCheckSlot:
        at = at or copenhagen(2026, 9, 10, 10)
        local = at.astimezone(COPENHAGEN)
        return slots.create_slot(
            self.viewer(supporter),
            cohort or self.round,
            slots.SlotInput(
                day=local.date(),
                start=local.time(),
                length_minutes=minutes,
                place=place,
                online_link=link,
            ),
            now=copenhagen(2026, 9, 1),
        )


def make_world() -> World:
    org_a = factories.organisation("Albertslund")
    org_b = factories.organisation("Glostrup")
    course = factories.course()
    round_ = factories.cohort(course, orgs=[org_a, org_b])
    round_b = cohorts.create_cohort(
        factories.course(), name="Kun B", starts_on=dt.date(2026, 1, 5), organisations=[org_b]
    )
    group_a = factories.group(org_a, "Ledergruppe A")
    people: dict[str, User] = {}
    for key, name, org in (
        ("la", "Lise Leder", org_a),
        ("la2", "Lone Leder", org_a),
        ("lb", "Bo Leder", org_b),
    ):
        people[key], _ = factories.enrolled_leader(round_, org=org, name=name)
    directory.move_to_group(people["la"], group_a)
    cohorts.enrol(people["lb"], round_b)
    for key, name, org in (
        ("sa", "Sofie Support", org_a),
        ("sp", "Per Platform", None),
        ("ka", "Karin Koordinator", org_a),
        ("kb", "Kim Koordinator", org_b),
        ("ad", "Ane Admin", None),
    ):
        people[key] = factories.user(org=org, name=name)
    directory.assign_role(people["sa"], Role.SUPPORTER, organisation=org_a)
    directory.assign_role(people["sp"], Role.SUPPORTER)
    directory.assign_role(people["ka"], Role.COORDINATOR, organisation=org_a)
    directory.assign_role(people["kb"], Role.COORDINATOR, organisation=org_b)
    directory.assign_role(people["ad"], Role.PLATFORM_ADMIN)
    db.session.flush()
    return World(round_, round_b, org_a, org_b, people)


@pytest.fixture
def world(session, clock) -> World:
    return make_world()
