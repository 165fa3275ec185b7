"""The programme report: completion by organisation, area, group and module (a funnel per module),
for coordinators (their organisation) and platform admins (all). Two GROUP BY queries whatever the
number of people; who may see what comes from ``organisations.access.Viewer``. What a report may
cover and be filtered by is in ``reports.options``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

from course_app.cohorts.models import Cohort
from course_app.core import clock
from course_app.core.i18n import danish_sort_key
from course_app.courses.models import Module
from course_app.courses.outlines import ModuleOutline, lesson_ids_of
from course_app.organisations.models import Area, LeaderGroup, Organisation
from course_app.reports.options import ReportFilters, ReportOptions, ReportScope
from course_app.reports.programme_queries import (
    NO_PROGRESS,
    Aggregates,
    Bucket,
    Progress,
    aggregate,
)
from course_app.reports.summaries import Summary, usable_summary


@dataclass(frozen=True)
class Completion:
    """Enrolled leaders and how many of their lessons are done."""

    enrolled: int
    lessons_done: int
    lessons_per_person: int

    @property
    def percent(self) -> int:
        possible = self.enrolled * self.lessons_per_person
        return round(100 * self.lessons_done / possible) if possible else 0


@dataclass(frozen=True)
class CompletionRow:
    """One line of a breakdown. By area, ``area`` None means people with no area; by group, ``group``
    None means people in no leader group."""

    organisation: Organisation
    completion: Completion
    area: Area | None = None
    group: LeaderGroup | None = None


@dataclass(frozen=True)
class ModuleFunnel:
    """Of the enrolled leaders, how many have started the module and how many have finished it."""

    module: Module
    enrolled: int
    started: int
    done: int

    @property
    def started_percent(self) -> int:
        return round(100 * self.started / self.enrolled) if self.enrolled else 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.enrolled) if self.enrolled else 0


@dataclass(frozen=True)
class ReportRow:
    """The flat export: one line per organisation × area × group × module."""

    organisation: Organisation
    area: Area | None
    group: LeaderGroup | None
    module: Module
    enrolled: int
    started: int
    done: int
    lessons_done: int
    lessons_per_person: int

    @property
    def completion(self) -> Completion:
        return Completion(self.enrolled, self.lessons_done, self.lessons_per_person)


@dataclass(frozen=True)
class ProgrammeReport:
    options: ReportOptions
    filters: ReportFilters  # as applied: ids outside the scope are dropped
    outline: list[ModuleOutline]  # the modules shown (one when filtered by module)
    total: Completion
    by_organisation: list[CompletionRow]
    by_area: list[CompletionRow]
    by_group: list[CompletionRow]
    funnel: list[ModuleFunnel]
    # The flat table (bucket × module) only the CSV export reads: built when first asked for.
    row_source: Callable[[], list[ReportRow]] = field(repr=False, compare=False)
    # Figures counted ahead (a round of many organisations, ``reports.summaries``); None: live.
    summary: Summary | None = None

    @property
    def cohort(self) -> Cohort | None:
        return self.options.cohort

    @cached_property
    def rows(self) -> list[ReportRow]:
        return self.row_source()

    def counted_done_per_day(self) -> list[tuple[dt.date, int]] | None:
        """Lessons finished per day from the figures counted ahead; None: count them live."""
        if self.summary is None:
            return None
        return self.summary.lessons_done_per_day({module.module.id for module in self.outline})


def programme_report(
    options: ReportOptions, filters: ReportFilters, *, now: dt.datetime | None = None
) -> ProgrammeReport:
    """Completion by organisation, area, group and module (a funnel per module) for the chosen cohort,
    inside the options' scope. Two aggregate queries (GROUP BY in the database), whatever the number
    of people or modules.

    The population: people enrolled in the cohort, not deactivated, belonging to one of its
    organisations in scope. A person's area is their own, else their current group's.
    """
    filters = options.clean(filters)
    outline = [
        module
        for module in options.outline
        if filters.module_id is None or module.module.id == filters.module_id
    ]
    lesson_ids = lesson_ids_of(outline)
    summary = usable_summary(options, now or clock.now())
    if summary is not None:
        aggregates = summary.for_modules({module.module.id for module in outline})
    else:
        aggregates = aggregate(options, filters, lesson_ids)
    return _assemble(options, filters, outline, len(lesson_ids), aggregates, summary)


@dataclass(frozen=True)
class _Labels:
    """The organisations, areas and groups a row may name (the options', all inside the scope), and
    the order rows are listed in."""

    scope: ReportScope
    organisations: dict[int, Organisation]
    areas: dict[int, Area]
    groups: dict[int, LeaderGroup]

    @classmethod
    def of(cls, options: ReportOptions) -> _Labels:
        return cls(
            options.scope,
            {organisation.id: organisation for organisation in options.organisations},
            {area.id: area for area in options.areas},
            {group.id: group for group in options.groups},
        )

    def relabel(self, bucket: Bucket) -> Bucket | None:
        """Defence in depth: None for an organisation outside the scope; an area or group that is not
        one of the options' (another organisation's) is dropped from the bucket."""
        organisation_id = bucket.organisation_id
        if organisation_id not in self.organisations or not self.scope.allows(organisation_id):
            return None
        if (bucket.area_id is None or bucket.area_id in self.areas) and (
            bucket.group_id is None or bucket.group_id in self.groups
        ):
            return bucket  # as it came (nearly every row: no new tuple for thousands of them)
        return Bucket(
            organisation_id,
            bucket.area_id if bucket.area_id in self.areas else None,
            bucket.group_id if bucket.group_id in self.groups else None,
        )

    def sort_key(self, bucket: Bucket) -> tuple:
        """By organisation, area and group name (Danish order); no area or no group last."""
        return (
            danish_sort_key(self.organisations[bucket.organisation_id].name),
            _named_key(self.areas.get(bucket.area_id)),
            _named_key(self.groups.get(bucket.group_id)),
        )

    def row(self, bucket: Bucket, completion: Completion) -> CompletionRow:
        """A breakdown line: an id left blank (not broken down by, or no area/group) names nothing."""
        return CompletionRow(
            self.organisations[bucket.organisation_id],
            completion,
            area=self.areas.get(bucket.area_id),
            group=self.groups.get(bucket.group_id),
        )


def _named_key(row: Area | LeaderGroup | None) -> tuple[bool, str]:
    """Named rows by name, then the line for people without one."""
    return (row is None, danish_sort_key(row.name) if row is not None else "")


@dataclass(frozen=True)
class _Tally:
    """The aggregates once inside the scope: people per bucket, progress per bucket and module, and
    lessons done per bucket over the modules shown (every breakdown and the total need it)."""

    enrolled: dict[Bucket, int]
    progress: dict[tuple[Bucket, int], Progress]
    lessons_done: dict[Bucket, int]

    def progress_of(self, bucket: Bucket, module_id: int) -> Progress:
        """No row for a bucket and module means nobody there has started it."""
        return self.progress.get((bucket, module_id), NO_PROGRESS)


def _tally(
    labels: _Labels,
    outline: list[ModuleOutline],
    aggregates: Aggregates,
) -> _Tally:
    """Only rows of organisations in scope, labelled only with areas and groups of those
    organisations; buckets that relabelling makes equal are added up."""
    enrolled: dict[Bucket, int] = {}
    for size in aggregates.sizes:
        bucket = labels.relabel(size.bucket)
        if bucket is not None:
            enrolled[bucket] = enrolled.get(bucket, 0) + size.enrolled
    progress: dict[tuple[Bucket, int], Progress] = {}
    for row in aggregates.progress:
        bucket = labels.relabel(row.bucket)
        if bucket is not None:
            key = (bucket, row.module_id)
            earlier = progress.get(key)
            progress[key] = row.progress if earlier is None else earlier + row.progress
    lessons_done = {
        bucket: sum(
            progress.get((bucket, module.module.id), NO_PROGRESS).lessons_done for module in outline
        )
        for bucket in enrolled
    }
    return _Tally(enrolled, progress, lessons_done)


def _breakdown(
    labels: _Labels,
    tally: _Tally,
    lessons_per_person: int,
    key_of: Callable[[Bucket], Bucket],
) -> list[CompletionRow]:
    """Completion per coarser bucket (``key_of`` blanks the area or group it does not break down by),
    in the report's order."""
    totals: dict[Bucket, Completion] = {}
    for bucket, count in tally.enrolled.items():
        key = key_of(bucket)
        total = totals.get(key, Completion(0, 0, lessons_per_person))
        totals[key] = Completion(
            total.enrolled + count,
            total.lessons_done + tally.lessons_done[bucket],
            lessons_per_person,
        )
    return [labels.row(key, totals[key]) for key in sorted(totals, key=labels.sort_key)]


def _funnel(tally: _Tally, outline: list[ModuleOutline]) -> list[ModuleFunnel]:
    """Per module shown: of everyone enrolled, how many started it and how many finished it."""
    enrolled = sum(tally.enrolled.values())
    funnel = []
    for module in outline:
        progress = [tally.progress_of(bucket, module.module.id) for bucket in tally.enrolled]
        started = sum(row.started for row in progress)
        done = sum(row.done for row in progress)
        funnel.append(ModuleFunnel(module.module, enrolled, started, done))
    return funnel


def _flat_rows(labels: _Labels, tally: _Tally, outline: list[ModuleOutline]) -> list[ReportRow]:
    """The CSV export's table, bucket × module; built only when the export asks for it."""
    rows = []
    for bucket in sorted(tally.enrolled, key=labels.sort_key):
        organisation = labels.organisations[bucket.organisation_id]
        area, group = labels.areas.get(bucket.area_id), labels.groups.get(bucket.group_id)
        for module in outline:
            progress = tally.progress_of(bucket, module.module.id)
            rows.append(
                ReportRow(
                    organisation=organisation,
                    area=area,
                    group=group,
                    module=module.module,
                    enrolled=tally.enrolled[bucket],
                    started=progress.started,
                    done=progress.done,
                    lessons_done=progress.lessons_done,
                    lessons_per_person=len(module.lessons),
                )
            )
    return rows


def _assemble(
    options: ReportOptions,
    filters: ReportFilters,
    outline: list[ModuleOutline],
    lessons_per_person: int,
    aggregates: Aggregates,
    summary: Summary | None,
) -> ProgrammeReport:
    """Roll the aggregated buckets up by organisation, area, group and module (no per-person work)."""
    labels = _Labels.of(options)
    tally = _tally(labels, outline, aggregates)
    return ProgrammeReport(
        options=options,
        filters=filters,
        outline=outline,
        total=Completion(
            sum(tally.enrolled.values()), sum(tally.lessons_done.values()), lessons_per_person
        ),
        by_organisation=_breakdown(
            labels, tally, lessons_per_person, lambda b: Bucket(b.organisation_id, None, None)
        ),
        # Summarised per organisation (``ReportOptions.breakdown``): no area or group lines at all.
        by_area=_breakdown(
            labels, tally, lessons_per_person, lambda b: Bucket(b.organisation_id, b.area_id, None)
        )
        if options.breakdown
        else [],
        by_group=_breakdown(
            labels, tally, lessons_per_person, lambda b: Bucket(b.organisation_id, None, b.group_id)
        )
        if options.breakdown
        else [],
        funnel=_funnel(tally, outline),
        row_source=partial(_flat_rows, labels, tally, outline),
        summary=summary,
    )
