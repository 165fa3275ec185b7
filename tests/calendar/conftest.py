"""A world for the calendar: a joint round of two organisations, a round of organisation A alone and
one of organisation B alone, every role of the who-sees-what table, and a clock.

Round R (A and B; 1 September 2026 – 30 June 2027; the group course with leader meetings lg-1, lg-2):
    A: group G1 (leaders a, b; chair h, who is no member; facilitator f, platform staff),
       group G2 (leader c); coordinator ka
    B: group G3 (leader d); coordinator kb
    platform admin ad
Round RA (A only): leader e (organisation A, group G2, enrolled in RA only).
Round RB (B only): leader x of B is enrolled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.courses.models import Module
from course_app.organisations import services as directory
from course_app.organisations.models import LeaderGroup, Organisation, Role
from course_app.schedule import events
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.events import EventInput
from tests import factories
from tests.groups.conftest import browser, build_course  # noqa: F401 - browser: a fixture
from tests.helpers import PeopleByKey, clock_at, copenhagen


@pytest.fixture
def clock(app):
    """Tuesday 1 September 2026, 9.00 in Copenhagen: round R's first day."""
    with clock_at(app, copenhagen(2026, 9, 1), "https://kalender.test.example") as test_clock:
        yield test_clock


@dataclass
class World(PeopleByKey):
    round: Cohort
    round_a: Cohort
    round_b: Cohort
    org_a: Organisation
    org_b: Organisation
    g1: LeaderGroup
    g2: LeaderGroup
    g3: LeaderGroup
    people: dict[str, User]
    meetings: dict[str, Module]  # lg-1, lg-2


def make_world(session) -> World:
    org_a = factories.organisation("Kalender Kommune A")
    org_b = factories.organisation("Kalender Kommune B")
    course = build_course()
    round_ = cohorts.create_cohort(
        course,
        name="Fælles forløb 2026-27",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 6, 30),
        organisations=[org_a, org_b],
    )
    # Rounds A and B started a month earlier, so R is both organisations' current round (the
    # group pages show the latest round that has started).
    round_a = cohorts.create_cohort(
        factories.course(), name="Kun A", starts_on=dt.date(2026, 8, 3), organisations=[org_a]
    )
    round_b = cohorts.create_cohort(
        factories.course(), name="Kun B", starts_on=dt.date(2026, 8, 3), organisations=[org_b]
    )
    g1 = factories.group(org_a, "Ledergruppe Ahorn")
    g2 = factories.group(org_a, "Ledergruppe Birk")
    g3 = factories.group(org_b, "Ledergruppe Hyld")
    people: dict[str, User] = {}
    for key, name, org, group, cohort in (
        ("a", "Anna Andersen", org_a, g1, round_),
        ("b", "Bo Berg", org_a, g1, round_),
        ("c", "Carl Clausen", org_a, g2, round_),
        ("d", "Dorte Dahl", org_b, g3, round_),
        ("e", "Eva Eriksen", org_a, g2, round_a),
        ("x", "Xenia Xu", org_b, g3, round_b),
    ):
        people[key], _ = factories.enrolled_leader(cohort, org=org, name=name)
        directory.move_to_group(people[key], group)
    for key, name, org, role, scope in (
        ("h", "Helle Mødeleder", org_a, Role.CHAIR, {"group": g1}),  # no member of G1
        ("f", "Frida Facilitator", None, Role.FACILITATOR, {"group": g1}),
        ("ka", "Karin Koordinator", org_a, Role.COORDINATOR, {"organisation": org_a}),
        ("kb", "Kasper Koordinator", org_b, Role.COORDINATOR, {"organisation": org_b}),
        ("ad", "Anne Admin", None, Role.PLATFORM_ADMIN, {}),
    ):
        people[key] = factories.user(org=org, name=name)
        directory.assign_role(people[key], role, **scope)
    meetings = {
        module.key: module
        for module in session.query(Module).filter(
            Module.course_id == course.id, Module.key.in_(("lg-1", "lg-2"))
        )
    }
    session.commit()
    return World(round_, round_a, round_b, org_a, org_b, g1, g2, g3, people, meetings)


@pytest.fixture
def world(session, clock) -> World:
    return make_world(session)


def event_input(
    day: dt.date = dt.date(2026, 10, 29),
    start: dt.time = dt.time(10),
    end: dt.time = dt.time(12),
    **values,
) -> EventInput:
    return EventInput(
        **{"title": "Fælles workshop", "place": "Rådhuset, sal 2", **values},
        day=day,
        start=start,
        end=end,
    )


def add_event(world: World, kind: EventKind, actor: str = "ad", **values) -> Event:
    """An event made through the service (as ``actor``), flushed."""
    cohort = values.pop("cohort", world.round)
    return events.create_event(cohort, kind, event_input(**values), actor=world.viewer(actor))


def meeting(world: World, group: str, actor: str, title: str, place: str, day: int) -> Event:
    """The group's first leader meeting (lg-1), on ``day`` October 2026, set by ``actor``."""
    return add_event(
        world,
        EventKind.LEADER_MEETING,
        actor=actor,
        title=title,
        place=place,
        day=dt.date(2026, 10, day),
        group_id=getattr(world, group).id,
        module_id=world.meetings["lg-1"].id,
    )


def planned(world: World) -> dict[str, Event]:
    """The round's plan: a kick-off, workshop 1, G1's and G3's first meetings, and round A's kick-off."""
    made = {
        "kickoff": add_event(world, EventKind.KICKOFF, title="Kick off", day=dt.date(2026, 9, 15)),
        "ws1": add_event(world, EventKind.WORKSHOP, number=1, title="Workshop 1 i Glostrup"),
        "g1": meeting(world, "g1", "h", "Ledermøde i Ahorn", "Mødelokale Ahorn", 6),
        "g3": meeting(world, "g3", "kb", "Ledermøde i Hyld", "Mødelokale Hyld", 7),
        "round_a": add_event(
            world, EventKind.KICKOFF, actor="ka", cohort=world.round_a, title="Kick off kun A"
        ),
    }
    db.session.commit()
    return made


@pytest.fixture
def plan(world) -> dict[str, Event]:
    return planned(world)
