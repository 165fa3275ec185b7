"""The rounds at a glance: each with its course, dates, organisations and number enrolled.

Two statements whatever the number of rounds: the rounds with their course and enrolment counts,
then their organisations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.cohorts.services import course_by_slug, organisations_by_slug
from course_app.core.db import db


@dataclass(frozen=True)
class CohortLine:
    id: int
    course: str  # slug
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    organisations: tuple[str, ...]  # names
    enrolled: int
    closed_at: dt.datetime | None = None

    @property
    def state(self) -> str:
        """ "åben", or "lukket" and the UTC day it was closed (read by scripts as well as people)."""
        return "åben" if self.closed_at is None else f"lukket {self.closed_at.date().isoformat()}"

    @property
    def dates(self) -> str:
        ends = self.ends_on.isoformat() if self.ends_on else ""
        return f"{self.starts_on.isoformat()}–{ends}"

    def cells(self) -> tuple[str, ...]:
        """The line's values as text, in column order (id, course, name, dates, …)."""
        return (
            str(self.id),
            self.course,
            self.name,
            self.dates,
            ", ".join(self.organisations),
            str(self.enrolled),
            self.state,
        )


def cohort_lines(
    *, course_slug: str | None = None, organisation_slug: str | None = None
) -> list[CohortLine]:
    """Every round, oldest start first; only those of a course and/or an organisation when given
    (an unknown slug raises ``NotFound``)."""
    enrolled = (
        select(Enrolment.cohort_id, func.count().label("enrolled"))
        .group_by(Enrolment.cohort_id)
        .subquery()
    )
    statement = (
        select(Cohort, func.coalesce(enrolled.c.enrolled, 0))
        .outerjoin(enrolled, enrolled.c.cohort_id == Cohort.id)
        .options(joinedload(Cohort.course), selectinload(Cohort.organisations))
        .order_by(Cohort.starts_on, Cohort.id)
    )
    if course_slug is not None:
        statement = statement.where(Cohort.course_id == course_by_slug(course_slug).id)
    if organisation_slug is not None:
        [organisation] = organisations_by_slug([organisation_slug])
        statement = statement.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id == organisation.id
                )
            )
        )
    return [
        CohortLine(
            id=cohort.id,
            course=cohort.course.slug,
            name=cohort.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            closed_at=cohort.closed_at,
            organisations=tuple(organisation.name for organisation in cohort.organisations),
            enrolled=count,
        )
        for cohort, count in db.session.execute(statement)
    ]
