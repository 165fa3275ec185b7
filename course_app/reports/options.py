"""What a report may cover and be filtered by: the viewer's scope (the organisations a report may hold
rows of), the cohorts in it, the chosen cohort and its organisations, areas, groups and modules, and
the filters cleaned against them. Shared by the programme report and the per-lesson progress export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from course_app.cohorts.models import Cohort, cohort_organisations
from course_app.core.db import db
from course_app.core.errors import NotAllowed
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import Module
from course_app.courses.outlines import ModuleOutline, course_outline
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, LeaderGroup, Organisation


@dataclass(frozen=True)
class ReportScope:
    """The organisations a report may hold rows of: all for platform admins, the coordinated ones for
    coordinators. Applied in SQL and again to every row (``Viewer.may_see_organisation_report``)."""

    viewer: Viewer

    @property
    def organisation_ids(self) -> frozenset[int] | None:
        """None: every organisation."""
        return None if self.viewer.is_platform_admin else self.viewer.coordinator_of

    def allows(self, organisation_id: int | None) -> bool:
        return organisation_id is not None and self.viewer.may_see_organisation_report(
            organisation_id
        )

    def restrict(self, column):
        ids = self.organisation_ids
        return column.in_(ids) if ids is not None else column.is_not(None)


def report_scope(viewer: Viewer) -> ReportScope:
    if not viewer.may_see_any_report:
        raise NotAllowed(_l("Rapporten er for koordinatorer og administratorer."))
    return ReportScope(viewer)


def default_report_cohort(cohorts: list[Cohort], today: dt.date) -> Cohort | None:
    """As an organisation's current cohort: the latest that has started, else the next to start."""
    started = [cohort for cohort in cohorts if cohort.starts_on <= today]
    if started:
        return max(started, key=lambda cohort: (cohort.starts_on, cohort.id))
    return min(cohorts, key=lambda cohort: (cohort.starts_on, cohort.id), default=None)


# A report over more organisations than this (a platform admin's, over every municipality on the
# platform) is summarised per organisation until one is chosen: at 50 organisations its area and
# group tables held 5,000 rows and the filter as many options, and rolling them up took seconds.
BREAKDOWN_MAX_ORGANISATIONS = 10


@dataclass(frozen=True)
class ReportFilters:
    organisation_id: int | None = None
    area_id: int | None = None
    group_id: int | None = None
    module_id: int | None = None


@dataclass(frozen=True)
class ReportOptions:
    """What a report can show and be filtered by, all inside the scope: the cohorts, the chosen cohort,
    its organisations, their areas and groups, and the course's modules. Without ``breakdown`` (many
    organisations and none chosen) there are no areas or groups: the report is per organisation."""

    scope: ReportScope
    cohorts: list[Cohort]
    cohort: Cohort | None
    organisations: list[Organisation] = field(default_factory=list)
    areas: list[Area] = field(default_factory=list)
    groups: list[LeaderGroup] = field(default_factory=list)
    outline: list[ModuleOutline] = field(default_factory=list)
    breakdown: bool = True

    @property
    def modules(self) -> list[Module]:
        return [module.module for module in self.outline]

    def clean(self, filters: ReportFilters) -> ReportFilters:
        """The filters with every id outside these options dropped (another organisation's group, a
        module of another course, …): a tampered URL narrows nothing and reveals nothing."""

        def known(value: int | None, rows: Iterable) -> int | None:
            return value if value is not None and value in {row.id for row in rows} else None

        return ReportFilters(
            organisation_id=known(filters.organisation_id, self.organisations),
            area_id=known(filters.area_id, self.areas),
            group_id=known(filters.group_id, self.groups),
            module_id=known(filters.module_id, self.modules),
        )


def report_options(
    scope: ReportScope,
    cohort_id: int | None,
    *,
    today: dt.date,
    organisation_id: int | None = None,
) -> ReportOptions:
    """The cohorts in scope and, for the chosen one (default: the current), what it can be filtered by.
    Over more than ``BREAKDOWN_MAX_ORGANISATIONS`` organisations, areas and groups are those of the
    chosen ``organisation_id`` only, and none when no organisation is chosen."""
    query = (
        select(Cohort)
        .options(joinedload(Cohort.course))
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    if scope.organisation_ids is not None:
        query = query.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(scope.organisation_ids)
                )
            )
        )
    cohorts = list(db.session.scalars(query))
    cohort = next((c for c in cohorts if c.id == cohort_id), None) or default_report_cohort(
        cohorts, today
    )
    if cohort is None:
        return ReportOptions(scope, cohorts, None)
    organisations = sorted(
        (
            organisation
            for organisation in db.session.scalars(
                select(Organisation)
                .join(
                    cohort_organisations,
                    cohort_organisations.c.organisation_id == Organisation.id,
                )
                .where(
                    cohort_organisations.c.cohort_id == cohort.id,
                    scope.restrict(Organisation.id),
                )
            )
            if scope.allows(organisation.id)
        ),
        key=lambda organisation: danish_sort_key(organisation.name),
    )
    organisation_ids = [organisation.id for organisation in organisations]
    breakdown = True
    if len(organisation_ids) > BREAKDOWN_MAX_ORGANISATIONS:
        breakdown = organisation_id in organisation_ids
        organisation_ids = [organisation_id] if breakdown else []
    areas, groups = _areas_and_groups(organisations, organisation_ids)
    return ReportOptions(
        scope,
        cohorts,
        cohort,
        organisations,
        areas,
        groups,
        course_outline(cohort.course),
        breakdown,
    )


def _areas_and_groups(
    organisations: list[Organisation], organisation_ids: list[int]
) -> tuple[list[Area], list[LeaderGroup]]:
    """The areas and groups of ``organisation_ids``, by organisation and name (Danish order)."""
    if not organisation_ids:
        return [], []
    names = {organisation.id: danish_sort_key(organisation.name) for organisation in organisations}
    areas = sorted(
        db.session.scalars(select(Area).where(Area.organisation_id.in_(organisation_ids))),
        key=lambda area: (names[area.organisation_id], danish_sort_key(area.name)),
    )
    groups = sorted(
        db.session.scalars(
            select(LeaderGroup).where(LeaderGroup.organisation_id.in_(organisation_ids))
        ),
        key=lambda group: (names[group.organisation_id], danish_sort_key(group.name)),
    )
    return areas, groups
