"""Callable factories that build real rows through the services (each flushes, the test rolls back)."""

from __future__ import annotations

import datetime as dt
import itertools

from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.models import (
    Block,
    BlockType,
    Course,
    Lesson,
    Module,
    PublicationStatus,
)
from course_app.organisations import services as directory
from course_app.organisations.models import LeaderGroup, Organisation

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def organisation(name: str | None = None) -> Organisation:
    return directory.get_or_create_organisation(name or f"Kommune {next(_counter)}")


def group(org: Organisation, name: str | None = None) -> LeaderGroup:
    return directory.get_or_create_group(org, name or f"Ledergruppe {next(_counter)}")


def user(
    *, email: str | None = None, name: str = "Test Leder", org: Organisation | None = None
) -> User:
    return accounts.create_user(
        email=email or f"person{next(_counter)}@test.example",
        name=name,
        password=PASSWORD,
        organisation_id=org.id if org else None,
    )


def course(*, slug: str | None = None, published: bool = True) -> Course:
    """A small course: two modules; the first has a lesson with a film, a required question and an
    optional workshop-prep task, and a text lesson; the second one lesson with a text block."""
    status = PublicationStatus.PUBLISHED if published else PublicationStatus.DRAFT
    n = next(_counter)
    new_course = Course(
        slug=slug or f"kursus-{n}", title=f"Testkursus {n}", language="da", status=status
    )
    db.session.add(new_course)
    db.session.flush()
    first = _module(new_course, "modul-a", "Modul A", 0, status)
    second = _module(new_course, "modul-b", "Modul B", 1, status)
    film = _lesson(first, "lektion-film", "Film og refleksion", 0, status)
    _block(
        film,
        "film-video",
        BlockType.VIDEO,
        0,
        title="Film",
        url="https://vimeo.com/12345",
        duration_minutes=40,
    )
    _block(
        film, "spoergsmaal-1", BlockType.REFLECTION, 1, prompt="Hvad tager du med?", required=True
    )
    _block(
        film,
        "forberedelse-1",
        BlockType.WORKSHOP_PREP,
        2,
        prompt="Forbered et eksempel.",
        required=False,
    )
    reading = _lesson(first, "lektion-tekst", "Læsning", 1, status)
    _block(reading, "tekst-1", BlockType.TEXT, 0, body="Læs **dette**.")
    closing = _lesson(second, "lektion-afslutning", "Afslutning", 0, status)
    _block(closing, "tekst-2", BlockType.TEXT, 0, body="Tak for nu.")
    db.session.flush()
    return new_course


def _module(
    course: Course, key: str, title: str, position: int, status: PublicationStatus
) -> Module:
    module = Module(course_id=course.id, key=key, title=title, position=position, status=status)
    db.session.add(module)
    db.session.flush()
    return module


def _lesson(
    module: Module, key: str, title: str, position: int, status: PublicationStatus
) -> Lesson:
    lesson = Lesson(
        course_id=module.course_id,
        module_id=module.id,
        key=key,
        title=title,
        position=position,
        status=status,
    )
    db.session.add(lesson)
    db.session.flush()
    return lesson


def _block(lesson: Lesson, key: str, type_: BlockType, position: int, **data) -> Block:
    block = Block(
        course_id=lesson.course_id,
        lesson_id=lesson.id,
        key=key,
        type=type_,
        position=position,
        data=data,
    )
    db.session.add(block)
    return block


def cohort(course_: Course, *, orgs: list[Organisation] | None = None) -> Cohort:
    return cohorts.create_cohort(
        course_, name="Testhold", starts_on=dt.date(2026, 1, 5), organisations=orgs or []
    )


def enrolled_leader(
    cohort_: Cohort, *, org: Organisation | None = None, **kwargs
) -> tuple[User, Enrolment]:
    leader = user(org=org, **kwargs)
    return leader, cohorts.enrol(leader, cohort_)
