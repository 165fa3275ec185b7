"""A round of the small test course whose second module opens on a date, and a clock to move
(``Clock`` and ``copenhagen`` come from tests/helpers.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from course_app.cohorts import services as cohorts
from course_app.courses.models import Course, Module
from tests import factories
from tests.helpers import Clock, copenhagen
from tests.mail import app_config


@dataclass
class Round:
    course: Course
    first: Module
    second: Module
    cohort: object
    leader: object
    enrolment: object


@pytest.fixture
def clock(app):
    """The app's clock during the test: 9:00 on the round's start day (Monday 11 January 2027)."""
    test_clock = Clock(copenhagen(2027, 1, 11))
    with app_config(app, CLOCK=test_clock):
        yield test_clock


@pytest.fixture
def round_(session) -> Round:
    """Module A always open; module B opens one day after the round starts."""
    org = factories.organisation("Albertslund")
    course = factories.course()
    first, second = sorted(
        (module for module in session.query(Module).filter_by(course_id=course.id)),
        key=lambda module: module.position,
    )
    second.release = {"days_after_start": 1}
    cohort = cohorts.create_cohort(
        course, name="Forår 2027", starts_on=dt.date(2027, 1, 11), organisations=[org]
    )
    leader, enrolment = factories.enrolled_leader(cohort, org=org, name="Lene Leder")
    session.commit()
    return Round(course, first, second, cohort, leader, enrolment)
