"""The programme report over every organisation of a platform, counted ahead.

At 50 organisations and 50,000 leaders the live count reads a million and a half progress rows: about
1.3 s on PostgreSQL (docs/performance.md), too long to wait for a page. So the scheduler
(``course-app schedule run``, every minute) counts each running round of more than
``BREAKDOWN_MAX_ORGANISATIONS`` organisations per organisation and module once every
``RECOUNT_AFTER`` and stores the figures (``ProgressSummary``). The report over all of such a round's
organisations reads them and says when they were counted; it counts live when they are missing, older
than ``USABLE_FOR`` (the scheduler has stopped) or of other lessons (the course changed). A report over
some of the organisations, or over one broken down by area and group, is always counted live.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete

from course_app.cohorts.models import Cohort
from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.core.sql import insert_ignoring_duplicates
from course_app.courses.outlines import course_outline, lesson_ids_of
from course_app.progress.models import ProgressSummary
from course_app.reports.options import BREAKDOWN_MAX_ORGANISATIONS, ReportFilters, ReportOptions
from course_app.reports.programme_queries import (
    Aggregates,
    Bucket,
    BucketSize,
    ModuleProgress,
    Progress,
    count_buckets,
    lessons_done_per_day_and_module,
)
from course_app.schedule.scheduler import running_cohorts

RECOUNT_AFTER = dt.timedelta(minutes=10)
USABLE_FOR = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Summary:
    """Stored figures of a round, per organisation and module."""

    counted_at: dt.datetime
    aggregates: Aggregates
    done_per_day: list[tuple[dt.date, int, int]]  # (UTC day, module, lessons finished)

    def for_modules(self, module_ids: Collection[int]) -> Aggregates:
        """The figures of the modules a report shows (all, or the one it is filtered by)."""
        progress = [row for row in self.aggregates.progress if row.module_id in module_ids]
        return Aggregates(self.aggregates.sizes, progress)

    def lessons_done_per_day(self, module_ids: Collection[int]) -> list[tuple[dt.date, int]]:
        """As ``programme_queries.lessons_done_per_day``, for these modules."""
        totals: dict[dt.date, int] = defaultdict(int)
        for day, module_id, done in self.done_per_day:
            if module_id in module_ids:
                totals[day] += done
        return sorted(totals.items())


def recount_due(now: dt.datetime) -> int:
    """Count afresh every running round of many organisations whose figures are missing, older than
    ``RECOUNT_AFTER`` or of other lessons; commits per round. Returns how many were counted."""
    recounted = 0
    for cohort in running_cohorts(local_day(now)):
        organisation_ids = sorted(organisation.id for organisation in cohort.organisations)
        if len(organisation_ids) <= BREAKDOWN_MAX_ORGANISATIONS:
            continue
        lesson_ids = sorted(lesson_ids_of(course_outline(cohort.course)))
        stored = db.session.get(ProgressSummary, cohort.id)
        if (
            stored is not None
            and stored.counted_at > now - RECOUNT_AFTER
            and _counted(stored, organisation_ids, lesson_ids)
        ):
            continue
        _store(cohort.id, now, _count(cohort, organisation_ids, lesson_ids))
        db.session.commit()
        recounted += 1
    return recounted


def usable_summary(options: ReportOptions, now: dt.datetime) -> Summary | None:
    """The stored figures, if they cover exactly the report's organisations and the course's
    lessons as they are, and are recent enough; None: count live."""
    cohort = options.cohort
    if cohort is None or options.breakdown:
        return None
    stored = db.session.get(ProgressSummary, cohort.id)
    if stored is None or stored.counted_at <= now - USABLE_FOR:
        return None
    organisation_ids = sorted(organisation.id for organisation in options.organisations)
    if not _counted(stored, organisation_ids, sorted(lesson_ids_of(options.outline))):
        return None
    return _read(stored)


def _counted(stored: ProgressSummary, organisation_ids: list[int], lesson_ids: list[int]) -> bool:
    """Whether the stored figures count exactly these organisations and lessons (sorted ids)."""
    figures = stored.figures
    return (
        figures.get("organisation_ids") == organisation_ids
        and figures.get("lesson_ids") == lesson_ids
    )


def _count(cohort: Cohort, organisation_ids: list[int], lesson_ids: list[int]) -> dict:
    aggregates = count_buckets(
        cohort, organisation_ids, ReportFilters(), lesson_ids, by_area_and_group=False
    )
    per_day = lessons_done_per_day_and_module(cohort, organisation_ids, lesson_ids)
    return {
        "organisation_ids": organisation_ids,
        "lesson_ids": lesson_ids,
        "sizes": [[size.bucket.organisation_id, size.enrolled] for size in aggregates.sizes],
        "progress": [
            [
                row.bucket.organisation_id,
                row.module_id,
                row.progress.started,
                row.progress.done,
                row.progress.lessons_done,
            ]
            for row in aggregates.progress
        ],
        "done_per_day": [[day.isoformat(), module_id, done] for day, module_id, done in per_day],
    }


def _store(cohort_id: int, now: dt.datetime, figures: dict) -> None:
    """Replace the round's figures. Two schedulers at once: the second's insert meets the first's
    row and is skipped (both counted the same rows a moment apart)."""
    db.session.execute(delete(ProgressSummary).where(ProgressSummary.cohort_id == cohort_id))
    db.session.execute(
        insert_ignoring_duplicates(ProgressSummary).values(
            cohort_id=cohort_id, counted_at=now, figures=figures
        )
    )


def _read(stored: ProgressSummary) -> Summary:
    figures = stored.figures
    sizes = [
        BucketSize(Bucket(organisation_id, None, None), enrolled)
        for organisation_id, enrolled in figures["sizes"]
    ]
    progress = [
        ModuleProgress(
            Bucket(organisation_id, None, None),
            module_id,
            Progress(started, done, lessons_done),
        )
        for organisation_id, module_id, started, done, lessons_done in figures["progress"]
    ]
    per_day = [
        (dt.date.fromisoformat(day), module_id, done)
        for day, module_id, done in figures["done_per_day"]
    ]
    return Summary(stored.counted_at, Aggregates(sizes, progress), per_day)
