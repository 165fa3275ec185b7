"""A world for the self-assessment tests: the shipped demo model (six areas, 54 statements, scale
1–5), a round from 5 January to 30 June 2026 in Albertslund, and leaders in area Børn, group Ahorn."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from course_app.accounts.models import User
from course_app.assessments.file_import import import_assessment
from course_app.assessments.models import Assessment
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.models import GroupMembership, LeaderGroup
from course_app.paths import COURSES_DIR
from course_app.self_assessment.pages import pages
from tests import factories

# Mid-round: start and løbende are open; end opens 31 May (30 days before 30 June).
NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)
END_TIME = dt.datetime(2026, 6, 2, 21, 30, tzinfo=dt.UTC)  # 2 June in Copenhagen, 23:30


@dataclass
class World:
    assessment: Assessment
    cohort: Cohort
    group: LeaderGroup
    leaders: list[User]

    @property
    def anna(self) -> User:
        return self.leaders[0]


def answer_all(assessment: Assessment, value=3) -> list[dict[str, int]]:
    """Per page, every statement answered with ``value`` (or ``value(page, index)``)."""
    return [
        {
            item.key: (value(page.number, i) if callable(value) else value)
            for i, item in enumerate(page.items)
        }
        for page in pages(assessment)
    ]


@pytest.fixture
def world(session) -> World:
    assessment = import_assessment(COURSES_DIR / "kompetencehjul").assessment
    org = factories.organisation("Albertslund")
    area = directory.get_or_create_area(org, "Børn")
    group = directory.get_or_create_group(org, "Ahorn")
    cohort = cohorts.create_cohort(
        factories.course(),
        name="Forår",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 30),
        organisations=[org],
    )
    leaders = []
    for n in range(6):
        leader, _ = factories.enrolled_leader(cohort, org=org, name=f"Leder {n}")
        leader.area_id = area.id
        db.session.add(
            GroupMembership(
                user_id=leader.id,
                group_id=group.id,
                valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            )
        )
        leaders.append(leader)
    db.session.flush()
    return World(assessment, cohort, group, leaders)
