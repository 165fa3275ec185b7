"""A small world for the report tests: two organisations in one cohort, three groups, every role.

Albertslund: group "Ledergruppe Nord" (area "Børn og unge") with Anna, Bo and the chair Cecilie,
followed by the facilitator Frida; group "Ledergruppe Syd" (area "Social og sundhed") with Sara, chaired
by Simon and followed by the facilitator Sofus; the coordinator Karin. Glostrup: group
"Ledergruppe Vest" with Gustav (whose name must never leak outside Glostrup), the coordinator Kasper.
A platform admin belongs to no organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.models import Course, Lesson, Module
from course_app.organisations import services as directory
from course_app.organisations.models import Area, LeaderGroup, Organisation, Role
from course_app.progress import services as progress
from course_app.progress.models import LessonProgress
from course_app.reports.options import BREAKDOWN_MAX_ORGANISATIONS
from tests import factories

FOREIGN_NAME = "Gustav Glostrupsen"
FOREIGN_GROUP = "Ledergruppe Vest"


def lesson(course: Course, key: str) -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.key == key))


def start(enrolment: Enrolment, course: Course, key: str) -> None:
    progress.start_lesson(enrolment, lesson(course, key))


def finish(enrolment: Enrolment, course: Course, key: str) -> None:
    progress.mark_lesson_done(enrolment, lesson(course, key), unanswered_required=0)


def set_activity(enrolment: Enrolment, moment: dt.datetime) -> None:
    db.session.execute(
        update(LessonProgress)
        .where(LessonProgress.enrolment_id == enrolment.id)
        .values(updated_at=moment)
    )


def member(cohort: Cohort, org: Organisation, group: LeaderGroup, name: str, area: Area | None):
    user, enrolment = factories.enrolled_leader(cohort, org=org, name=name)
    user.area_id = area.id if area else None
    directory.move_to_group(user, group)
    return user, enrolment


@dataclass
class World:
    org: Organisation
    other_org: Organisation
    course: Course
    cohort: Cohort
    area: Area
    other_area: Area
    foreign_area: Area
    group: LeaderGroup
    sibling: LeaderGroup
    foreign: LeaderGroup
    anna: User
    anna_enrolment: Enrolment
    bo: User
    bo_enrolment: Enrolment
    chair: User
    sara: User
    sibling_chair: User
    facilitator: User
    sibling_facilitator: User
    coordinator: User
    other_coordinator: User
    foreign_leader: User
    foreign_enrolment: Enrolment
    admin: User

    @property
    def dashboard_url(self) -> str:
        return f"/ledergrupper/{self.group.id}"

    @property
    def export_url(self) -> str:
        return f"/ledergrupper/{self.group.id}/eksport.csv"

    def course_module_id(self, key: str) -> int:
        return db.session.scalar(
            select(Module.id).where(Module.course_id == self.course.id, Module.key == key)
        )


def build_world(session) -> World:
    org = factories.organisation("Albertslund")
    other_org = factories.organisation("Glostrup")
    course = factories.course()
    cohort = factories.cohort(course, orgs=[org, other_org])
    area = directory.get_or_create_area(org, "Børn og unge")
    other_area = directory.get_or_create_area(org, "Social og sundhed")
    foreign_area = directory.get_or_create_area(other_org, "Børn og skole")
    group = directory.get_or_create_group(org, "Ledergruppe Nord", area=area)
    sibling = directory.get_or_create_group(org, "Ledergruppe Syd", area=other_area)
    foreign = directory.get_or_create_group(other_org, FOREIGN_GROUP, area=foreign_area)

    anna, anna_enrolment = member(cohort, org, group, "Anna Andersen", area)
    bo, bo_enrolment = member(cohort, org, group, "Bo Berg", area)
    chair, _ = member(cohort, org, group, "Cecilie Christensen", area)
    directory.assign_role(chair, Role.CHAIR, group=group)
    sara, _ = member(cohort, org, sibling, "Sara Svendsen", other_area)
    sibling_chair, _ = member(cohort, org, sibling, "Simon Skov", other_area)
    directory.assign_role(sibling_chair, Role.CHAIR, group=sibling)
    facilitator = factories.user(org=org, name="Frida Friis")
    directory.assign_role(facilitator, Role.FACILITATOR, group=group)
    sibling_facilitator = factories.user(org=org, name="Sofus Sand")
    directory.assign_role(sibling_facilitator, Role.FACILITATOR, group=sibling)
    coordinator = factories.user(org=org, name="Karin Koordinator")
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    other_coordinator = factories.user(org=other_org, name="Kasper Krogh")
    directory.assign_role(other_coordinator, Role.COORDINATOR, organisation=other_org)
    foreign_leader, foreign_enrolment = member(
        cohort, other_org, foreign, FOREIGN_NAME, foreign_area
    )
    admin = factories.user(name="Anne Admin")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)

    # Anna: module A done (both lessons), module B not started. Bo: module A started.
    finish(anna_enrolment, course, "lektion-film")
    finish(anna_enrolment, course, "lektion-tekst")
    start(bo_enrolment, course, "lektion-film")
    # Gustav (Glostrup) has finished everything.
    for key in ("lektion-film", "lektion-tekst", "lektion-afslutning"):
        finish(foreign_enrolment, course, key)
    session.flush()
    set_activity(anna_enrolment, dt.datetime(2026, 11, 23, 13, 30, tzinfo=dt.UTC))
    session.commit()
    return World(
        org=org,
        other_org=other_org,
        course=course,
        cohort=cohort,
        area=area,
        other_area=other_area,
        foreign_area=foreign_area,
        group=group,
        sibling=sibling,
        foreign=foreign,
        anna=anna,
        anna_enrolment=anna_enrolment,
        bo=bo,
        bo_enrolment=bo_enrolment,
        chair=chair,
        sara=sara,
        sibling_chair=sibling_chair,
        facilitator=facilitator,
        sibling_facilitator=sibling_facilitator,
        coordinator=coordinator,
        other_coordinator=other_coordinator,
        foreign_leader=foreign_leader,
        foreign_enrolment=foreign_enrolment,
        admin=admin,
    )


@pytest.fixture
def world(session) -> World:
    return build_world(session)


@pytest.fixture
def crowded(world: World, session) -> World:
    """The world's round with enough further organisations (nobody enrolled in them) that its report
    over every organisation is summarised per organisation (``BREAKDOWN_MAX_ORGANISATIONS``)."""
    for number in range(BREAKDOWN_MAX_ORGANISATIONS - 1):
        world.cohort.organisations.append(factories.organisation(f"Kommune nr. {number}"))
    session.commit()
    return world
