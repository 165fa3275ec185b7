"""What the workshop pages read: the workshops a person may open, the preparation module of a
workshop, and the numbers those who run it see at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true

from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.core.db import db
from course_app.courses.models import Module, ModuleMode, PublicationStatus
from course_app.organisations.access import Viewer
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops.models import TableSeat, WorkshopFacilitator, WorkshopSignup


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    """SQL for ``access.access_for(...).may_see`` over ``Event`` rows."""
    if viewer.is_platform_admin:
        return true()
    parts: list[ColumnElement[bool]] = [
        Event.cohort_id.in_(select(Enrolment.cohort_id).where(Enrolment.user_id == viewer.user_id)),
        Event.id.in_(
            select(WorkshopFacilitator.event_id).where(
                WorkshopFacilitator.user_id == viewer.user_id
            )
        ),
    ]
    if viewer.coordinator_of:
        parts.append(
            exists().where(
                cohort_organisations.c.cohort_id == Event.cohort_id,
                cohort_organisations.c.organisation_id.in_(sorted(viewer.coordinator_of)),
            )
        )
    return or_(false(), *parts)


def workshops_for(viewer: Viewer, limit: int = 200) -> list[Event]:
    """Every workshop the person may open, newest round first, then by number."""
    return list(
        db.session.scalars(
            select(Event)
            .join(Cohort, Cohort.id == Event.cohort_id)
            .where(Event.kind == EventKind.WORKSHOP, _visible(viewer))
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc(), Event.number)
            .limit(limit)
        )
    )


def preparation_module(event: Event) -> Module | None:
    """The course's n-th published workshop module (mode ``workshop``) for workshop n: its lessons
    hold the preparation tasks."""
    modules = db.session.scalars(
        select(Module)
        .join(Cohort, Cohort.course_id == Module.course_id)
        .where(
            Cohort.id == event.cohort_id,
            Module.mode == ModuleMode.WORKSHOP,
            Module.status == PublicationStatus.PUBLISHED,
            Module.retired_at.is_(None),
        )
        .order_by(Module.position, Module.id)
    ).all()
    index = (event.number or 1) - 1
    return modules[index] if index < len(modules) else None


@dataclass(frozen=True)
class Numbers:
    enrolled: int
    coming: int
    not_coming: int
    seated: int
    tables: int


def numbers(event: Event) -> Numbers:
    enrolled = db.session.scalar(
        select(func.count(Enrolment.id)).where(Enrolment.cohort_id == event.cohort_id)
    )
    answers = {
        coming: count
        for coming, count in db.session.execute(
            select(WorkshopSignup.coming, func.count(WorkshopSignup.id))
            .where(WorkshopSignup.event_id == event.id, WorkshopSignup.coming.is_not(None))
            .group_by(WorkshopSignup.coming)
        )
    }
    seated, tables = db.session.execute(
        select(func.count(TableSeat.id), func.count(func.distinct(TableSeat.table_number))).where(
            TableSeat.event_id == event.id
        )
    ).one()
    return Numbers(enrolled or 0, answers.get(True, 0), answers.get(False, 0), seated, tables)
