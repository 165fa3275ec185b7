"""A world for the rounds pages: the group-mode test course (film-1, film-2, lg-1, ws-1, film-3,
lg-2), three organisations and two rounds, every role that meets a round.

Albertslund (A): areas Børn and Ældre, groups GA1 (Børn) and GA2; leaders anna (GA1), bo (GA2),
    a leader ida who is not enrolled, coordinator karin.
Glostrup (B): group GB; leader dorte; coordinator kasper.
Ballerup (C): takes part in no round; leader cecilie; coordinator carl.
Platform admin adam (no organisation); facilitator frida of GA1; course editor erik.

``shared``: A and B, 11 January – 30 June 2027; anna, bo and dorte enrolled.
``glostrup``: B only, starts 1 March 2027; dorte enrolled.
The app's clock stands at 9:00 on 11 January 2027 (Copenhagen).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.courses.models import Course
from course_app.organisations import services as directory
from course_app.organisations.models import Area, LeaderGroup, Organisation, Role
from tests import factories
from tests.groups.conftest import browser, build_course  # noqa: F401 - browser is a fixture
from tests.helpers import Clock, copenhagen
from tests.mail import app_config


class People(dict[str, User]):
    """The world's people by key: ``people["anna"]`` or ``people.anna``."""

    def __getattr__(self, key: str) -> User:
        return self[key]


@dataclass
class World:
    course: Course
    shared: Cohort
    glostrup: Cohort
    orgs: dict[str, Organisation]
    areas: dict[str, Area]
    groups: dict[str, LeaderGroup]
    people: People


def make_world(session) -> World:
    orgs = {
        "a": factories.organisation("Albertslund"),
        "b": factories.organisation("Glostrup"),
        "c": factories.organisation("Ballerup"),
    }
    course = build_course()
    shared, glostrup = (
        cohorts.create_cohort(
            course, name=name, starts_on=start, ends_on=end, organisations=[orgs[k] for k in keys]
        )
        for name, start, end, keys in (
            ("Forår 2027", dt.date(2027, 1, 11), dt.date(2027, 6, 30), "ab"),
            ("Glostrup alene", dt.date(2027, 3, 1), None, "b"),
        )
    )
    children = directory.get_or_create_area(orgs["a"], "Børn")
    elderly = directory.get_or_create_area(orgs["a"], "Ældre")
    groups = {
        "ga1": directory.get_or_create_group(orgs["a"], "Gruppe Børn", area=children),
        "ga2": directory.get_or_create_group(orgs["a"], "Gruppe Ældre", area=elderly),
        "gb": directory.get_or_create_group(orgs["b"], "Gruppe Glostrup"),
    }
    people = People()
    for key, org, area, group in (
        ("anna", "a", children, "ga1"),
        ("bo", "a", elderly, "ga2"),
        ("ida", "a", children, "ga1"),
        ("dorte", "b", None, "gb"),
        ("cecilie", "c", None, None),
    ):
        person = factories.user(email=f"{key}@test.example", name=key.title(), org=orgs[org])
        person.area_id = area.id if area else None
        if group:
            directory.move_to_group(person, groups[group])
        people[key] = person
    for key, org in (("karin", "a"), ("kasper", "b"), ("carl", "c"), ("adam", None)):
        people[key] = factories.user(
            email=f"{key}@test.example", name=key.title(), org=orgs.get(org or "")
        )
    people["frida"] = factories.user(email="frida@test.example", name="Frida")
    people["erik"] = factories.user(email="erik@test.example", name="Erik")
    directory.assign_role(people["karin"], Role.COORDINATOR, organisation=orgs["a"])
    directory.assign_role(people["kasper"], Role.COORDINATOR, organisation=orgs["b"])
    directory.assign_role(people["carl"], Role.COORDINATOR, organisation=orgs["c"])
    directory.assign_role(people["adam"], Role.PLATFORM_ADMIN)
    directory.assign_role(people["frida"], Role.FACILITATOR, group=groups["ga1"])
    directory.assign_role(people["erik"], Role.COURSE_EDITOR, course_id=course.id)
    for key in ("anna", "bo", "dorte"):
        cohorts.enrol(people[key], shared)
    cohorts.enrol(people["dorte"], glostrup)
    session.commit()
    areas = {"children": children, "elderly": elderly}
    return World(course, shared, glostrup, orgs, areas, groups, people)


@pytest.fixture
def world(session) -> World:
    return make_world(session)


@pytest.fixture
def clock(app):
    """The app's clock during the test: 9:00 on 11 January 2027, the shared round's first day."""
    test_clock = Clock(copenhagen(2027, 1, 11))
    with app_config(app, CLOCK=test_clock):
        yield test_clock
