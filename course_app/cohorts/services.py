"""Cohorts and enrolments: who takes which run of which course."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotFound, ServiceError
from course_app.core.text import has_control_characters
from course_app.courses.models import Course
from course_app.organisations.models import Organisation

NAME_MAX_LENGTH = Cohort.__table__.c.name.type.length  # 200
# Control characters (NUL, line breaks, tabs …) and lone surrogates (undecodable bytes) in a name.


def create_cohort(
    course: Course,
    *,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    organisations: list[Organisation] | None = None,
) -> Cohort:
    """A new round of ``course``; every value is checked first, so the database never refuses it."""
    name = checked_name(name)
    if course.retired_at is not None:
        raise ServiceError(
            _l("Kurset %(course)s er udgået og kan ikke få nye forløb.", course=course.slug)
        )
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(
            _l(
                "Slutdatoen %(ends)s ligger før startdatoen %(starts)s.",
                ends=ends_on.isoformat(),
                starts=starts_on.isoformat(),
            )
        )
    cohort = Cohort(
        course=course,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        organisations=list(organisations or []),
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def checked_name(name: str) -> str:
    """A round's name without surrounding spaces; empty, overlong and control characters refused."""
    name = name.strip()
    if not name:
        raise ServiceError(_l("Skriv forløbets navn."))
    if has_control_characters(name):
        raise ServiceError(
            _l("Navnet må ikke indeholde styretegn (fx linjeskift, tabulator eller NUL).")
        )
    if len(name) > NAME_MAX_LENGTH:
        raise ServiceError(
            _l(
                "Navnet må højst være %(most)s tegn langt; det er %(length)s.",
                most=NAME_MAX_LENGTH,
                length=len(name),
            )
        )
    return name


def searchable(text: str) -> bool:
    """Whether the database can compare the text at all: PostgreSQL refuses NUL, and lone
    surrogates (bytes of a command-line argument that were not UTF-8) cannot be sent."""
    return "\x00" not in text and not any("\ud800" <= character <= "\udfff" for character in text)


def course_by_slug(slug: str) -> Course:
    course = (
        db.session.scalar(select(Course).where(Course.slug == slug.strip()))
        if searchable(slug)
        else None
    )
    if course is None:
        raise NotFound(_l("Kurset %(course)s findes ikke.", course=slug))
    return course


def organisations_by_slug(slugs: Iterable[str]) -> list[Organisation]:
    """The organisations in the order given (each once); every unknown slug is named."""
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs))
    found = {
        organisation.slug: organisation
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.slug.in_(filter(searchable, wanted)))
        )
    }
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise NotFound(
            _l("Ukendt organisation: %(slugs)s.", slugs=", ".join(unknown))
            if len(unknown) == 1
            else _l("Ukendte organisationer: %(slugs)s.", slugs=", ".join(unknown))
        )
    return [found[slug] for slug in wanted]


def cohort_by_id(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id) if is_possible_id(cohort_id) else None
    if cohort is None:
        raise NotFound(_l("Forløbet med id %(id)s findes ikke.", id=cohort_id))
    return cohort


def enrol(user: User, cohort: Cohort) -> Enrolment:
    """Enrol a person once; enrolling again returns the existing enrolment. A closed round takes
    nobody new (``RoundClosed``)."""
    existing = db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user.id)
    )
    if existing is not None:
        return existing
    require_open_round(cohort)
    enrolment = Enrolment(cohort_id=cohort.id, user_id=user.id)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


# Every leader page asks for one of these. Built once with the ids bound per call, so SQLAlchemy
# finds them in its compiled cache without building and hashing them (and the options) again.
_WITH_COURSE = joinedload(Enrolment.cohort).joinedload(Cohort.course)
_ENROLMENTS_OF = (
    select(Enrolment)
    .where(Enrolment.user_id == bindparam("user_id"))
    .options(_WITH_COURSE)
    .order_by(Enrolment.enrolled_at, Enrolment.id)
)
_ENROLMENT_OF = (
    select(Enrolment)
    .where(Enrolment.user_id == bindparam("user_id"), Enrolment.cohort_id == bindparam("cohort_id"))
    .options(_WITH_COURSE)
)


def enrolments_of(user: User) -> list[Enrolment]:
    return list(db.session.scalars(_ENROLMENTS_OF, {"user_id": user.id}))


def enrolment_of(user: User, cohort_id: int) -> Enrolment | None:
    """The person's own enrolment in a cohort; None for anyone else's (callers answer 404)."""
    return db.session.scalar(_ENROLMENT_OF, {"user_id": user.id, "cohort_id": cohort_id})


# Built once, like the enrolments above (every group dashboard asks).
_ORGANISATIONS_ROUNDS = (
    select(Cohort)
    .join(cohort_organisations)
    .where(cohort_organisations.c.organisation_id == bindparam("organisation_id"))
    .options(joinedload(Cohort.course))
    .limit(1)
)
_STARTED_ROUND = _ORGANISATIONS_ROUNDS.where(Cohort.starts_on <= bindparam("today")).order_by(
    Cohort.starts_on.desc(), Cohort.id.desc()
)
_NEXT_ROUND = _ORGANISATIONS_ROUNDS.order_by(Cohort.starts_on, Cohort.id)


def current_cohort_for_organisation(organisation_id: int, today: dt.date) -> Cohort | None:
    """The organisation's running cohort: the latest one that has started, else the next to start."""
    started = db.session.scalar(
        _STARTED_ROUND, {"organisation_id": organisation_id, "today": today}
    )
    if started is not None:
        return started
    return db.session.scalar(_NEXT_ROUND, {"organisation_id": organisation_id})


def current_cohorts_for_organisations(
    organisation_ids: Iterable[int], today: dt.date
) -> dict[int, Cohort]:
    """``current_cohort_for_organisation`` for many organisations in one query: for
    each, the latest cohort that has started, else the next one to start."""
    ids = set(organisation_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(cohort_organisations.c.organisation_id, Cohort)
        .select_from(cohort_organisations)
        .join(Cohort, Cohort.id == cohort_organisations.c.cohort_id)
        .where(cohort_organisations.c.organisation_id.in_(ids))
        .options(joinedload(Cohort.course))
        .order_by(Cohort.starts_on, Cohort.id)
    ).all()
    chosen: dict[int, Cohort] = {}
    for organisation_id, cohort in rows:  # oldest first: every started cohort precedes the upcoming
        if cohort.starts_on <= today or organisation_id not in chosen:
            chosen[organisation_id] = cohort
    return chosen
