"""Who may do what with a joint workshop. The rules live here; services and views only ask.

| person                                   | the workshop page        | runs the day (roster, attendance,  |
|                                          |                          | table plan, run sheet)             |
|------------------------------------------|--------------------------|------------------------------------|
| leader enrolled in the round             | yes: her answer, her     | no                                 |
|                                          | table and table mates    |                                    |
| facilitator assigned to the workshop     | yes                      | yes                                |
| coordinator of an organisation that      | yes                      | yes (and assigns facilitators)     |
| takes part in the round                  |                          |                                    |
| platform admin                           | yes                      | yes (and assigns facilitators)     |
| anyone else                              | 404                      | 404                                |

Corresponding areas: platform admins map any pair; a coordinator maps pairs that include an area of
her own organisation ("for their own side").

A leader sees people of the other organisation in exactly one place: her own table at a published
plan (names, organisations, areas). Those who run a workshop see its whole roster, both
organisations: the day cannot be run otherwise (docs/architecture.md, "Privacy").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select

from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.organisations.access import Viewer
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops.models import WorkshopFacilitator


@dataclass(frozen=True)
class WorkshopAccess:
    """What one person may do with one workshop (two small queries, made once per request)."""

    event: Event
    cohort_orgs: frozenset[int]
    is_attendee: bool  # enrolled in the round: answers, and sits at a table
    runs: bool  # facilitator, coordinator of the round or platform admin
    assigns_facilitators: bool

    @property
    def may_see(self) -> bool:
        return self.is_attendee or self.runs


def is_facilitator(viewer: Viewer, event: Event) -> bool:
    return (
        db.session.scalar(
            select(WorkshopFacilitator.id).where(
                WorkshopFacilitator.event_id == event.id,
                WorkshopFacilitator.user_id == viewer.user_id,
            )
        )
        is not None
    )


def may_assign_facilitators(viewer: Viewer, cohort_orgs: Collection[int]) -> bool:
    return viewer.is_platform_admin or any(org in viewer.coordinator_of for org in cohort_orgs)


def access_for(viewer: Viewer, event: Event, cohort_orgs: frozenset[int]) -> WorkshopAccess:
    if event.kind != EventKind.WORKSHOP:
        return WorkshopAccess(event, cohort_orgs, False, False, False)
    assigns = may_assign_facilitators(viewer, cohort_orgs)
    runs = assigns or is_facilitator(viewer, event)
    enrolled = (
        db.session.scalar(
            select(Enrolment.id).where(
                Enrolment.cohort_id == event.cohort_id, Enrolment.user_id == viewer.user_id
            )
        )
        is not None
    )
    return WorkshopAccess(event, cohort_orgs, enrolled, runs, assigns)


def may_map_area(viewer: Viewer, area_organisation_id: int) -> bool:
    return viewer.is_platform_admin or area_organisation_id in viewer.coordinator_of


def may_map_pair(viewer: Viewer, first_org: int, second_org: int) -> bool:
    """A pair of areas: platform admins any; a coordinator when one of the two is her own side."""
    return may_map_area(viewer, first_org) or may_map_area(viewer, second_org)


def may_open_area_map(viewer: Viewer) -> bool:
    return viewer.is_platform_admin or bool(viewer.coordinator_of)
