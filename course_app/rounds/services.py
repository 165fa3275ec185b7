"""The rounds list and creating a round (every check the cohorts service makes, per field).

The list is three statements whatever the number of rounds: the rounds with their course, their
organisations, and the enrolled counts (only the coordinator's own organisation's people for a
coordinator).

Creating a round takes a lock on the course's row first (PostgreSQL; SQLite's POSTs hold the write
lock from their first statement anyway), so two identical requests at once queue: the second finds
the first's round and is refused, rather than making a twin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from course_app.accounts.models import User
from course_app.audit import services as audit
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.cohorts.round_access import require_round_staff
from course_app.cohorts.services import checked_name, create_cohort
from course_app.core.db import db, is_possible_id
from course_app.core.errors import ServiceError
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import Course, PublicationStatus
from course_app.organisations.access import Viewer
from course_app.organisations.models import Organisation


@dataclass(frozen=True)
class RoundLine:
    id: int
    course_title: str
    course_language: str
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    organisations: tuple[str, ...]  # the viewer's part of the round
    enrolled: int  # people of those organisations (everyone, for platform admins)
    closed_at: dt.datetime | None = None  # closed (read-only) since


def round_lines(viewer: Viewer) -> list[RoundLine]:
    """The rounds the person may see, the latest start first."""
    require_round_staff(viewer)
    own = None if viewer.is_platform_admin else viewer.coordinator_of
    statement = (
        select(Cohort)
        .options(joinedload(Cohort.course), selectinload(Cohort.organisations))
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    if own is not None:
        statement = statement.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(own)
                )
            )
        )
    cohorts = list(db.session.scalars(statement))
    counts = enrolled_counts([cohort.id for cohort in cohorts], own)
    return [
        RoundLine(
            id=cohort.id,
            course_title=cohort.course.title,
            course_language=cohort.course.language,
            name=cohort.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            organisations=tuple(o.name for o in cohort.organisations if own is None or o.id in own),
            enrolled=counts.get(cohort.id, 0),
            closed_at=cohort.closed_at,
        )
        for cohort in cohorts
    ]


def enrolled_counts(
    cohort_ids: list[int], organisation_ids: frozenset[int] | None
) -> dict[int, int]:
    """People enrolled per round; only those of ``organisation_ids`` unless it is None."""
    if not cohort_ids:
        return {}
    statement = (
        select(Enrolment.cohort_id, func.count())
        .where(Enrolment.cohort_id.in_(cohort_ids))
        .group_by(Enrolment.cohort_id)
    )
    if organisation_ids is not None:
        statement = statement.join(User, User.id == Enrolment.user_id).where(
            User.organisation_id.in_(organisation_ids)
        )
    return dict(db.session.execute(statement).all())


# --- creating a round ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundInput:
    """What the form gave, already typed (a date the form could not read is None with its own
    error there)."""

    course_id: int | None
    name: str
    starts_on: dt.date | None
    ends_on: dt.date | None = None
    organisation_ids: tuple[int, ...] = ()


class RoundInvalid(ServiceError):
    """Nothing was created; ``errors`` holds one message per field of the form: ``course``,
    ``name``, ``starts_on``, ``ends_on``, ``organisations``."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_l("Forløbet blev ikke oprettet."))
        self.errors = errors


def course_choices(viewer: Viewer) -> list[Course]:
    """The courses the person may make a round of: published and not retired; for a coordinator
    only those their organisation already takes (offering a course to an organisation for the
    first time is a platform admin's decision)."""
    return list(db.session.scalars(_courses_for(viewer).order_by(Course.title, Course.id)))


def _courses_for(viewer: Viewer):
    statement = select(Course).where(
        Course.status == PublicationStatus.PUBLISHED, Course.retired_at.is_(None)
    )
    if not viewer.is_platform_admin:
        taken = (
            select(Cohort.course_id)
            .join(cohort_organisations, cohort_organisations.c.cohort_id == Cohort.id)
            .where(cohort_organisations.c.organisation_id.in_(viewer.coordinator_of))
        )
        statement = statement.where(Course.id.in_(taken))
    return statement


def organisation_choices(viewer: Viewer) -> list[Organisation]:
    """The organisations the person may let take part: every one for platform admins, the own one
    for coordinators."""
    statement = select(Organisation)
    if not viewer.is_platform_admin:
        statement = statement.where(Organisation.id.in_(viewer.coordinator_of))
    organisations = db.session.scalars(statement).all()
    return sorted(organisations, key=lambda organisation: danish_sort_key(organisation.name))


def create_round(viewer: Viewer, data: RoundInput) -> Cohort:
    """A new round (flush only, with an audit entry); ``RoundInvalid`` names every wrong field. A
    coordinator's round is always, and only, of their own organisation, whatever was posted."""
    require_round_staff(viewer)
    errors: dict[str, str] = {}
    course = _locked_course(viewer, data.course_id)
    if course is None:
        errors["course"] = str(_l("Vælg et kursus fra listen."))
    try:
        name: str | None = checked_name(data.name)
    except ServiceError as error:
        errors["name"], name = str(error), None
    if data.starts_on is None:
        errors.setdefault("starts_on", str(_l("Skriv startdatoen.")))
    elif data.ends_on is not None and data.ends_on < data.starts_on:
        errors["ends_on"] = str(
            _l(
                "Slutdatoen %(ends)s ligger før startdatoen %(starts)s.",
                ends=data.ends_on.isoformat(),
                starts=data.starts_on.isoformat(),
            )
        )
    organisations = _taking_part(viewer, data.organisation_ids, errors)
    complete = course is not None and name is not None and data.starts_on is not None
    if complete and _twin_exists(course, name, data.starts_on):
        errors["name"] = str(
            _l(
                "Kurset har allerede et forløb med det navn, der starter %(date)s. "
                "Giv det nye forløb et andet navn.",
                date=data.starts_on.isoformat(),
            )
        )
    if errors:
        raise RoundInvalid(errors)
    assert course is not None and name is not None and data.starts_on is not None
    cohort = create_cohort(
        course,
        name=name,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        organisations=organisations,
    )
    audit.record(
        actor_id=viewer.user_id,
        action="created",
        object_type="cohort",
        object_key=str(cohort.id),
        course_id=course.id,
        summary=f"Forløb oprettet: {name} (start {data.starts_on.isoformat()})",
        details={"organisations": [organisation.name for organisation in organisations]},
    )
    return cohort


def _locked_course(viewer: Viewer, course_id: int | None) -> Course | None:
    """The chosen course if the person may make a round of it, its row locked until the
    transaction ends (FOR NO KEY UPDATE: rows that merely point at it are not held up)."""
    if not is_possible_id(course_id):
        return None
    return db.session.scalar(
        _courses_for(viewer).where(Course.id == course_id).with_for_update(key_share=True)
    )


def _taking_part(
    viewer: Viewer, organisation_ids: tuple[int, ...], errors: dict[str, str]
) -> list[Organisation]:
    choices = organisation_choices(viewer)
    if not viewer.is_platform_admin:
        return choices  # the coordinator's own organisation; posted ids are ignored
    by_id = {organisation.id: organisation for organisation in choices}
    chosen = [by_id[i] for i in dict.fromkeys(organisation_ids) if i in by_id]
    if not chosen or len(chosen) != len(set(organisation_ids)):
        errors["organisations"] = str(_l("Vælg mindst én organisation fra listen."))
    return chosen


def _twin_exists(course: Course, name: str, starts_on: dt.date) -> bool:
    return (
        db.session.scalar(
            select(Cohort.id)
            .where(
                Cohort.course_id == course.id, Cohort.name == name, Cohort.starts_on == starts_on
            )
            .limit(1)
        )
        is not None
    )
