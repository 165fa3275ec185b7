"""Query budgets: the group list, a group dashboard (and its export) and the programme report (and its
export) send as many SQL statements for 50 members and 6 modules as for 5 members and 2 modules.
Counted through the test client, inside the request only (signing in happens before)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.courses.models import Course, Module, PublicationStatus
from course_app.organisations import services as directory
from course_app.organisations.models import LeaderGroup, Organisation, Role
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import finish, start

MAX_STATEMENTS = 20


@dataclass
class Programme:
    org: Organisation
    course: Course
    cohort: Cohort
    groups: list[LeaderGroup]
    coordinator: User
    chair: User

    @property
    def module_id(self) -> int:
        return db.session.scalar(
            select(Module.id).where(Module.course_id == self.course.id, Module.key == "modul-a")
        )


def _course_with_modules(extra_modules: int) -> Course:
    course = factories.course()
    for number in range(extra_modules):
        module = factories._module(
            course, f"ekstra-{number}", f"Ekstra {number}", 10 + number, PublicationStatus.PUBLISHED
        )
        for lesson_number in range(2):
            factories._lesson(
                module,
                f"ekstra-{number}-{lesson_number}",
                f"Lektion {number}.{lesson_number}",
                lesson_number,
                PublicationStatus.PUBLISHED,
            )
    return course


def _programme(
    session, *, members: int, groups: int, extra_modules: int = 0, cohort: Cohort | None = None
) -> Programme:
    """An organisation with its groups and members, in a cohort of its own or the given one."""
    org = factories.organisation()
    if cohort is None:
        cohort = factories.cohort(_course_with_modules(extra_modules), orgs=[org])
    else:
        cohort.organisations.append(org)
    course = cohort.course
    area = directory.get_or_create_area(org, "Område")
    leader_groups = [
        directory.get_or_create_group(org, f"Gruppe {n}", area=area) for n in range(groups)
    ]
    for number in range(members):
        leader, enrolment = factories.enrolled_leader(cohort, org=org, name=f"Leder {number}")
        directory.move_to_group(leader, leader_groups[number % groups])
        if number % 3 == 0:
            finish(enrolment, course, "lektion-film")
        if number % 3 == 1:
            start(enrolment, course, "lektion-afslutning")
    coordinator = factories.user(org=org, name="Koordinator")
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    chair = factories.user(org=org, name="Mødeleder")
    directory.assign_role(chair, Role.CHAIR, group=leader_groups[0])
    session.commit()
    return Programme(org, course, cohort, leader_groups, coordinator, chair)


def _count(client, count_statements, user: User, url: str) -> tuple[int, list[str]]:
    sign_in(client, user.email)
    client.get(url).get_data()  # once first: each process keeps a course's outline in memory
    with count_statements() as counter:
        response = client.get(url)
        response.get_data()  # a streamed export is counted to its end
    assert response.status_code == 200
    client.get("/")  # keep the cookie jar tidy between sign-ins
    client.delete_cookie("session")
    return counter.count, counter.statements


@pytest.fixture
def small_and_large(session):
    small = _programme(session, members=5, groups=1, extra_modules=0)
    large = _programme(session, members=50, groups=4, extra_modules=4)
    return small, large


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("chair", "/ledergrupper/{group}"),
        ("coordinator", "/ledergrupper/{group}"),
        ("coordinator", "/ledergrupper/{group}/eksport.csv"),
        ("chair", "/ledergrupper"),
        ("coordinator", "/ledergrupper"),
        ("coordinator", "/rapport"),
        ("coordinator", "/rapport?module={module}"),
        ("coordinator", "/rapport/eksport.csv"),
    ],
)
def test_statement_count_does_not_grow(client, count_statements, small_and_large, who, url):
    counts = []
    for programme in small_and_large:
        target = url.format(group=programme.groups[0].id, module=programme.module_id)
        counts.append(_count(client, count_statements, getattr(programme, who), target))
    (few, _), (many, many_statements) = counts
    assert few == many <= MAX_STATEMENTS, "\n".join(many_statements)


def test_admin_report_and_group_list_do_not_grow_with_organisations(
    client, count_statements, session
):
    """A platform admin sees every organisation: more organisations in the programme, with more
    groups and members, add no statements. (The group list reads each running course's outline once,
    so it grows only with the number of different courses running at the same time.)"""
    admin = factories.user(name="Admin")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)
    first = _programme(session, members=5, groups=1, extra_modules=2)
    few_list, _ = _count(client, count_statements, admin, "/ledergrupper")
    few_report, _ = _count(client, count_statements, admin, f"/rapport?cohort={first.cohort.id}")
    for _ in range(3):
        _programme(session, members=20, groups=3, cohort=first.cohort)
    many_list, list_statements = _count(client, count_statements, admin, "/ledergrupper")
    many_report, report_statements = _count(
        client, count_statements, admin, f"/rapport?cohort={first.cohort.id}"
    )
    assert few_list == many_list <= MAX_STATEMENTS, "\n".join(list_statements)
    assert few_report == many_report <= MAX_STATEMENTS, "\n".join(report_statements)
