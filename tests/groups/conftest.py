"""A world for the leader-group pages: a course with individual modules, two leader meetings (group
mode) and a workshop; two organisations in one cohort; every role of the who-sees-what table.

Albertslund: group G1 (leaders A and B), group G2 (leader C), chair H of G1 (not a member),
facilitator F of G1 and F2 of G2 (platform staff, no organisation), coordinator KA.
Glostrup: group G3 (leader D), coordinator KB. Platform admin AD.
A has shared an answer to the first meeting's first question with G1; B has a private answer to it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from flask import Flask

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.models import (
    Block,
    BlockType,
    Course,
    Lesson,
    Module,
    ModuleMode,
    PublicationStatus,
)
from course_app.learning import services as learning
from course_app.organisations import services as directory
from course_app.organisations.models import LeaderGroup, Organisation, Role
from tests import factories
from tests.helpers import sign_in

A_SHARED = "A-delt: vi tester en chatbot i borgerservice"
B_PRIVATE = "B-privat: min hemmelige bekymring om budgettet"
PUBLISHED = PublicationStatus.PUBLISHED
_slugs = itertools.count(1)

# (module key, title, mode, [(lesson key, [(block key, type)])])
COURSE_LAYOUT = [
    ("film-1", "Film 1", ModuleMode.INDIVIDUAL, [("film-1-lektion", [("film-1-q", "reflection")])]),
    ("film-2", "Film 2", ModuleMode.INDIVIDUAL, [("film-2-lektion", [])]),
    (
        "lg-1",
        "Ledermøde 1",
        ModuleMode.GROUP,
        [("lg-1-spoergsmaal", [("lg-1-q1", "reflection"), ("lg-1-q2", "workshop_prep")])],
    ),
    ("ws-1", "Workshop 1", ModuleMode.WORKSHOP, [("ws-1-lektion", [])]),
    ("film-3", "Film 3", ModuleMode.INDIVIDUAL, [("film-3-lektion", [])]),
    ("lg-2", "Ledermøde 2", ModuleMode.GROUP, [("lg-2-spoergsmaal", [("lg-2-q1", "reflection")])]),
]


def build_course(layout=COURSE_LAYOUT) -> Course:
    course = Course(
        slug=f"gruppekursus-{next(_slugs)}",
        title="Gruppekursus",
        language="da",
        status=PUBLISHED,
    )
    db.session.add(course)
    db.session.flush()
    for position, (module_key, title, mode, lessons) in enumerate(layout):
        module = Module(
            course_id=course.id,
            key=module_key,
            title=title,
            mode=mode,
            position=position,
            status=PUBLISHED,
        )
        db.session.add(module)
        db.session.flush()
        for lesson_position, (lesson_key, blocks) in enumerate(lessons):
            lesson = Lesson(
                course_id=course.id,
                module_id=module.id,
                key=lesson_key,
                title=f"Lektion {lesson_key}",
                position=lesson_position,
                status=PUBLISHED,
            )
            db.session.add(lesson)
            db.session.flush()
            db.session.add(
                Block(
                    course_id=course.id,
                    lesson_id=lesson.id,
                    key=f"{lesson_key}-tekst",
                    type=BlockType.TEXT,
                    position=0,
                    data={"body": "Læs."},
                )
            )
            for block_position, (block_key, block_type) in enumerate(blocks, start=1):
                db.session.add(
                    Block(
                        course_id=course.id,
                        lesson_id=lesson.id,
                        key=block_key,
                        type=BlockType(block_type),
                        position=block_position,
                        data={"prompt": f"Spørgsmål {block_key}?", "required": False},
                    )
                )
    db.session.flush()
    return course


@dataclass
class World:
    course: Course
    cohort: Cohort
    albertslund: Organisation
    glostrup: Organisation
    g1: LeaderGroup
    g2: LeaderGroup
    g3: LeaderGroup
    people: dict[str, User]
    enrolments: dict[str, Enrolment]

    def __getattr__(self, name: str) -> User:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def module_url(self, key: str = "lg-1") -> str:
        return f"/forloeb/{self.cohort.id}/moduler/{key}"

    def answer_url(self, block_key: str = "lg-1-q1") -> str:
        return f"/forloeb/{self.cohort.id}/svar/{block_key}"

    def group_url(self, group: LeaderGroup | None = None) -> str:
        return f"/grupper/{(group or self.g1).id}"

    def review_url(self, block_key: str = "lg-1-q1", group: LeaderGroup | None = None) -> str:
        return f"/grupper/{(group or self.g1).id}/spoergsmaal/{block_key}"

    def comment_url(self, answer_id: int, block_key: str = "lg-1-q1", group=None) -> str:
        return f"{self.review_url(block_key, group)}/svar/{answer_id}/kommentarer"

    def note_url(self, module_key: str = "lg-1", group: LeaderGroup | None = None) -> str:
        return f"/grupper/{(group or self.g1).id}/moeder/{module_key}"

    def sheet_url(self, module_key: str = "lg-1", group: LeaderGroup | None = None) -> str:
        return f"{self.note_url(module_key, group)}/print"


def make_world(session) -> World:
    albertslund = factories.organisation()
    glostrup = factories.organisation()
    course = build_course()
    cohort = factories.cohort(course, orgs=[albertslund, glostrup])
    g1 = factories.group(albertslund, "Ledergruppe Børn")
    g2 = factories.group(albertslund, "Ledergruppe Teknik")
    g3 = factories.group(glostrup, "Ledergruppe Glostrup")
    people: dict[str, User] = {}
    enrolments: dict[str, Enrolment] = {}
    for key, name, org, group in (
        ("a", "Anna Andersen", albertslund, g1),
        ("b", "Bo Berg", albertslund, g1),
        ("c", "Carl Clausen", albertslund, g2),
        ("d", "Dorte Dahl", glostrup, g3),
    ):
        people[key], enrolments[key] = factories.enrolled_leader(cohort, org=org, name=name)
        directory.move_to_group(people[key], group)
    people["h"] = factories.user(org=albertslund, name="Helle Mødeleder")
    directory.assign_role(people["h"], Role.CHAIR, group=g1)
    people["f"] = factories.user(name="Frida Facilitator")
    directory.assign_role(people["f"], Role.FACILITATOR, group=g1)
    people["f2"] = factories.user(name="Finn Facilitator")
    directory.assign_role(people["f2"], Role.FACILITATOR, group=g2)
    people["ka"] = factories.user(org=albertslund, name="Karin Koordinator")
    directory.assign_role(people["ka"], Role.COORDINATOR, organisation=albertslund)
    people["kb"] = factories.user(org=glostrup, name="Kasper Koordinator")
    directory.assign_role(people["kb"], Role.COORDINATOR, organisation=glostrup)
    people["ad"] = factories.user(name="Anne Admin")
    directory.assign_role(people["ad"], Role.PLATFORM_ADMIN)
    learning.answer_question(enrolments["a"], "lg-1-q1", A_SHARED, submit=True, share=True)
    learning.answer_question(enrolments["b"], "lg-1-q1", B_PRIVATE, submit=True)
    session.commit()
    return World(course, cohort, albertslund, glostrup, g1, g2, g3, people, enrolments)


@pytest.fixture
def world(session) -> World:
    return make_world(session)


@pytest.fixture
def browser(app: Flask, client):
    """A test client of one's own, signed in as the given person (None: anonymous)."""

    def open_as(person: User | None):
        new = app.test_client()
        if person is not None:
            assert sign_in(new, person.email).status_code == 302
        return new

    return open_as
