"""A world for the authoring tests: two courses, a cohort with a leader on the first, and one person
for every role (platform admin, course editor of each course, coordinator, chair, facilitator)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.models import Block, Course, Lesson, Module
from course_app.organisations import services as directory
from course_app.organisations.models import Role
from tests import factories


@dataclass
class AuthorWorld:
    course: Course
    other_course: Course
    cohort: Cohort
    leader: User
    enrolment: Enrolment
    admin: User
    editor: User
    other_editor: User
    coordinator: User
    chair: User
    facilitator: User

    def module(self, key: str = "modul-a") -> Module:
        return _one(Module, self.course, key)

    def lesson(self, key: str = "lektion-film") -> Lesson:
        return _one(Lesson, self.course, key)

    def block(self, key: str = "spoergsmaal-1") -> Block:
        return _one(Block, self.course, key)


def _one(model, course: Course, key: str):
    return db.session.scalar(select(model).where(model.course_id == course.id, model.key == key))


@pytest.fixture
def world(session) -> AuthorWorld:
    org = factories.organisation()
    group = factories.group(org)
    course = factories.course()
    other_course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    leader, enrolment = factories.enrolled_leader(cohort, org=org, name="Lene Leder")
    directory.move_to_group(leader, group)
    people = {}
    for name, role, scope in (
        ("admin", Role.PLATFORM_ADMIN, {}),
        ("editor", Role.COURSE_EDITOR, {"course_id": course.id}),
        ("other_editor", Role.COURSE_EDITOR, {"course_id": other_course.id}),
        ("coordinator", Role.COORDINATOR, {"organisation": org}),
        ("chair", Role.CHAIR, {"group": group}),
        ("facilitator", Role.FACILITATOR, {"group": group}),
    ):
        person = factories.user(
            name=name.capitalize(),
            org=None
            if role in (Role.PLATFORM_ADMIN, Role.COURSE_EDITOR, Role.FACILITATOR)
            else org,
        )
        directory.assign_role(person, role, **scope)
        people[name] = person
    session.commit()
    return AuthorWorld(course, other_course, cohort, leader, enrolment, **people)
