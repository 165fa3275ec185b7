"""A round of two municipalities with areas, leader groups, leaders and staff, and the CLI run in
this process inside the test's transaction (its commit only releases a savepoint)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from click.testing import Result
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.cli import cli
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db, utcnow
from course_app.courses.models import Course
from course_app.organisations import services as directory
from course_app.organisations.models import Organisation, Role
from tests import factories


@dataclass
class Round:
    course: Course
    cohort: Cohort
    albertslund: Organisation
    glostrup: Organisation
    ballerup: Organisation  # takes no part in the round
    people: dict[str, User]


def person(key: str, org: Organisation | None, area: str | None = None, group=None) -> User:
    user = factories.user(email=f"{key}@test.example", name=key.title(), org=org)
    if area is not None:
        user.area_id = directory.get_or_create_area(org, area).id
    if group is not None:
        directory.move_to_group(user, group)
    return user


@pytest.fixture
def round_(session) -> Round:
    """Albertslund: Børn og unge (group 1: anne, bo; bent without a group), Ældre (group 2: carl),
    a coordinator (kirsten) and group 1's facilitator (frede), a deactivated leader (dorte).
    Glostrup: Skole (gitte). Ballerup (not in the round): birgit. A platform person without an
    organisation: palle."""
    albertslund = factories.organisation("Albertslund")
    glostrup = factories.organisation("Glostrup")
    ballerup = factories.organisation("Ballerup")
    course = factories.course(slug="digital-ledelse")
    cohort = factories.cohort(course, orgs=[albertslund, glostrup])
    children = directory.get_or_create_area(albertslund, "Børn og unge")
    group_1 = directory.get_or_create_group(albertslund, "Ledergruppe 1", area=children)
    group_2 = directory.get_or_create_group(albertslund, "Ledergruppe 2")
    school = directory.get_or_create_group(glostrup, "Skolegruppen")
    people = {
        "anne": person("anne", albertslund, "Børn og unge", group_1),
        "bo": person("bo", albertslund, "Børn og unge", group_1),
        "bent": person("bent", albertslund, "Børn og unge"),
        "carl": person("carl", albertslund, "Ældre", group_2),
        "kirsten": person("kirsten", albertslund, "Børn og unge"),
        "frede": person("frede", albertslund),
        "dorte": person("dorte", albertslund, "Børn og unge", group_1),
        "gitte": person("gitte", glostrup, "Skole", school),
        "birgit": person("birgit", ballerup, "Børn og unge"),
        "palle": person("palle", None),
    }
    directory.assign_role(people["kirsten"], Role.COORDINATOR, organisation=albertslund)
    directory.assign_role(people["frede"], Role.FACILITATOR, group=group_1)
    people["dorte"].deactivated_at = utcnow()
    session.commit()  # kept when a command rolls back; the test's transaction still ends it
    return Round(course, cohort, albertslund, glostrup, ballerup, people)


@pytest.fixture
def invoke(app, session):
    """``invoke("cohorts", "list")``: the ``course-app`` command in this process."""
    runner = app.test_cli_runner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return run


def enrolled_emails(cohort: Cohort) -> set[str]:
    return set(
        db.session.scalars(
            select(User.email).join(Enrolment).where(Enrolment.cohort_id == cohort.id)
        )
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0
