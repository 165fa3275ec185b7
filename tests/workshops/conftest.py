"""Fixtures for the joint workshops (issue 13): a joint round of Albertslund and Glostrup with areas,
corresponding areas, leader groups, both workshops and every role that may see them; and a clock.

``joint_world`` (round "Fælles forløb", 1 September 2026 - 30 June 2027):
    Albertslund: areas "Børn og unge", "Teknik og miljø", "Ældre", "Kultur og fritid"; ten leaders
        (``world.albertslund_leaders``) in "Ledergruppe Nord" (the first five) and "Ledergruppe Syd";
        coordinator ka.
    Glostrup: areas "Dagtilbud og skole", "By og miljø", "Sundhed og omsorg", "Idræt"; ten leaders
        (``world.glostrup_leaders``) in "Ledergruppe Vest" and "Ledergruppe Øst"; coordinator kg.
    Leader i of each organisation works in area i % 4; the tenth has no area. Corresponding areas:
    Børn og unge ↔ Dagtilbud og skole, Teknik og miljø ↔ By og miljø, Ældre ↔ Sundhed og omsorg
    (Kultur og fritid and Idræt correspond to nothing).
    Workshop 1 (5 November 2026, 10-15 in Copenhagen) and workshop 2 (4 March 2027, 10-15); the
    facilitator f is assigned to both. Platform admin ad.
    Outside the round: Ballerup with its own round, its leader bl and its coordinator kb.
``workshop_clock`` stands at 1 October 2026, 9.00 in Copenhagen (before both workshops); set
``workshop_clock.now`` to move it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.courses.models import Course
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer, viewer_for
from course_app.organisations.models import Area, LeaderGroup, Organisation, Role
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops.models import AreaCorrespondence, WorkshopFacilitator, WorkshopSignup
from tests import factories
from tests.groups.conftest import build_course
from tests.helpers import clock_at, copenhagen, sign_in

ALBERTSLUND_AREAS = ("Børn og unge", "Teknik og miljø", "Ældre", "Kultur og fritid")
GLOSTRUP_AREAS = ("Dagtilbud og skole", "By og miljø", "Sundhed og omsorg", "Idræt")
CORRESPONDING = (
    ("Børn og unge", "Dagtilbud og skole"),
    ("Teknik og miljø", "By og miljø"),
    ("Ældre", "Sundhed og omsorg"),
)
ALBERTSLUND_NAMES = (
    "Agnes Holm",
    "Alberte Krogh",
    "Amalie Lund",
    "Anders Mørk",
    "Asger Nissen",
    "Astrid Juul",
    "Axel Bach",
    "Aase Winther",
    "Arne Kjær",
    "Alfred Dam",
)
GLOSTRUP_NAMES = (
    "Gitte Bang",
    "Gustav Friis",
    "Grethe Vad",
    "Gorm Lyng",
    "Gry Storm",
    "Gunnar Skov",
    "Gerda Ravn",
    "Georg Brink",
    "Gulla Munk",
    "Godtfred Hald",
)


MEMBERS_SINCE = copenhagen(2026, 8, 1)


@dataclass
class JointWorld:
    course: Course
    round: Cohort
    other_round: Cohort
    albertslund: Organisation
    glostrup: Organisation
    ballerup: Organisation
    areas: dict[str, Area]  # by name (the names differ across the two organisations)
    groups: dict[str, LeaderGroup]  # "Nord", "Syd" (Albertslund), "Vest", "Øst" (Glostrup)
    ws1: Event
    ws2: Event
    albertslund_leaders: list[User]
    glostrup_leaders: list[User]
    people: dict[str, User] = field(default_factory=dict)  # ka, kg, ad, f, bl, kb

    @property
    def leaders(self) -> list[User]:
        return [*self.albertslund_leaders, *self.glostrup_leaders]

    def viewer(self, key: str) -> Viewer:
        return viewer_for(self.people[key])


def add_leaders(
    world: JointWorld, organisation: Organisation, names: Iterable[str], groups: list[LeaderGroup]
) -> list[User]:
    """Leaders of ``organisation`` enrolled in the joint round, spread over ``groups`` in turn (the
    first half in the first group …) and over the organisation's areas (i % 4; the tenth, 20th …
    without an area)."""
    names = list(names)
    area_names = ALBERTSLUND_AREAS if organisation.id == world.albertslund.id else GLOSTRUP_AREAS
    made = []
    for index, name in enumerate(names):
        leader, _ = factories.enrolled_leader(world.round, org=organisation, name=name)
        if index % 10 != 9:
            leader.area_id = world.areas[area_names[index % 4]].id
        membership = directory.move_to_group(leader, groups[index * len(groups) // len(names)])
        # Members since before the round (the directory stamps real time; the clock is the test's).
        membership.valid_from = MEMBERS_SINCE
        made.append(leader)
    db.session.flush()
    return made


def make_joint_world() -> JointWorld:
    albertslund = factories.organisation("Albertslund")
    glostrup = factories.organisation("Glostrup")
    ballerup = factories.organisation("Ballerup")
    course = build_course()
    round_ = cohorts.create_cohort(
        course,
        name="Fælles forløb",
        starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2027, 6, 30),
        organisations=[albertslund, glostrup],
    )
    other_round = cohorts.create_cohort(
        factories.course(),
        name="Kun Ballerup",
        starts_on=dt.date(2026, 9, 1),
        organisations=[ballerup],
    )
    areas = {name: directory.get_or_create_area(albertslund, name) for name in ALBERTSLUND_AREAS}
    areas |= {name: directory.get_or_create_area(glostrup, name) for name in GLOSTRUP_AREAS}
    for first, second in CORRESPONDING:
        low, high = sorted((areas[first].id, areas[second].id))
        db.session.add(AreaCorrespondence(first_area_id=low, second_area_id=high))
    groups = {
        "Nord": factories.group(albertslund, "Ledergruppe Nord"),
        "Syd": factories.group(albertslund, "Ledergruppe Syd"),
        "Vest": factories.group(glostrup, "Ledergruppe Vest"),
        "Øst": factories.group(glostrup, "Ledergruppe Øst"),
    }
    ws1, ws2 = (
        Event(
            cohort_id=round_.id,
            kind=EventKind.WORKSHOP,
            number=number,
            title=f"Workshop {number}",
            place="Glostrup Rådhus",
            starts_at=copenhagen(*day, 10),
            ends_at=copenhagen(*day, 15),
        )
        for number, day in ((1, (2026, 11, 5)), (2, (2027, 3, 4)))
    )
    db.session.add_all([ws1, ws2])
    db.session.flush()
    world = JointWorld(
        course,
        round_,
        other_round,
        albertslund,
        glostrup,
        ballerup,
        areas,
        groups,
        ws1,
        ws2,
        [],
        [],
    )
    world.albertslund_leaders = add_leaders(
        world, albertslund, ALBERTSLUND_NAMES, [groups["Nord"], groups["Syd"]]
    )
    world.glostrup_leaders = add_leaders(
        world, glostrup, GLOSTRUP_NAMES, [groups["Vest"], groups["Øst"]]
    )
    people = world.people
    people["bl"], _ = factories.enrolled_leader(other_round, org=ballerup, name="Bent Ballerup")
    for key, name, org, role, scope in (
        ("ka", "Karen Koordinator", albertslund, Role.COORDINATOR, {"organisation": albertslund}),
        ("kg", "Kim Koordinator", glostrup, Role.COORDINATOR, {"organisation": glostrup}),
        ("kb", "Kaj Koordinator", ballerup, Role.COORDINATOR, {"organisation": ballerup}),
        ("ad", "Ane Admin", None, Role.PLATFORM_ADMIN, {}),
    ):
        people[key] = factories.user(org=org, name=name)
        directory.assign_role(people[key], role, **scope)
    people["f"] = factories.user(name="Frida Facilitator")
    db.session.add_all(
        WorkshopFacilitator(event_id=event.id, user_id=people["f"].id) for event in (ws1, ws2)
    )
    db.session.commit()
    return world


def sign_up(event: Event, people: Iterable[User], coming: bool = True) -> None:
    """Their answer to the workshop, written directly (the sign-up service has tests of its own)."""
    for person in people:
        db.session.add(
            WorkshopSignup(
                event_id=event.id,
                user_id=person.id,
                coming=coming,
                answered_at=copenhagen(2026, 10, 1),
            )
        )
    db.session.flush()


@pytest.fixture
def workshop_clock(app):
    """1 October 2026, 9.00 in Copenhagen: the round has begun, both workshops are ahead."""
    with clock_at(app, copenhagen(2026, 10, 1), "https://forloeb.test") as test_clock:
        yield test_clock


@pytest.fixture
def joint_world(session, workshop_clock) -> JointWorld:
    return make_joint_world()


@pytest.fixture
def signed_in(app, client):
    """``signed_in(person)``: a test client of its own, signed in as ``person``."""

    def open_as(person: User):
        new = app.test_client()
        assert sign_in(new, person.email).status_code == 302
        return new

    return open_as
