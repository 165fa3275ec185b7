"""The sign-up and attendance report of one workshop: counts by organisation, area and leader group
(enrolled, "kommer", "kommer ikke", no answer, came), on the page and as CSV. Built from
``signups.roster``: two queries, whatever the number of people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _

from course_app.core.i18n import danish_sort_key
from course_app.core.spreadsheet import Cell
from course_app.schedule.event_models import Event
from course_app.workshops.signups import RosterRow, roster


@dataclass
class Counts:
    enrolled: int = 0
    coming: int = 0
    not_coming: int = 0
    no_answer: int = 0
    came: int = 0

    def add(self, row: RosterRow) -> None:
        self.enrolled += 1
        if row.coming is True:
            self.coming += 1
        elif row.coming is False:
            self.not_coming += 1
        else:
            self.no_answer += 1
        if row.attended:
            self.came += 1

    def cells(self) -> list[Cell]:
        return [self.enrolled, self.coming, self.not_coming, self.no_answer, self.came]


@dataclass(frozen=True)
class ReportRow:
    """A bucket. ``area`` and ``group`` are None on the organisation level (and when people have
    none: the template and the CSV say "Intet område" / "Ingen ledergruppe")."""

    organisation: str | None
    area: str | None
    group: str | None
    counts: Counts = field(default_factory=Counts)


@dataclass(frozen=True)
class AttendanceReport:
    event: Event
    total: Counts
    by_organisation: list[ReportRow]
    by_area: list[ReportRow]
    by_group: list[ReportRow]


def _bucketed(
    rows: list[RosterRow], key: Callable[[RosterRow], tuple[str | None, str | None, str | None]]
) -> list[ReportRow]:
    buckets: dict[tuple[str | None, str | None, str | None], ReportRow] = {}
    for row in rows:
        organisation, area, group = key(row)
        bucket = buckets.setdefault(key(row), ReportRow(organisation, area, group))
        bucket.counts.add(row)

    def order(bucket: ReportRow) -> tuple:
        # Named buckets alphabetically (Danish), those without a name last.
        return tuple(
            (value is None, danish_sort_key(value or ""))
            for value in (bucket.organisation, bucket.area, bucket.group)
        )

    return sorted(buckets.values(), key=order)


def attendance_report(event: Event, now: dt.datetime) -> AttendanceReport:
    rows = roster(event, now)
    total = Counts()
    for row in rows:
        total.add(row)
    return AttendanceReport(
        event=event,
        total=total,
        by_organisation=_bucketed(rows, lambda row: (row.organisation, None, None)),
        by_area=_bucketed(rows, lambda row: (row.organisation, row.area, None)),
        by_group=_bucketed(rows, lambda row: (row.organisation, None, row.group)),
    )


def report_csv_rows(report: AttendanceReport) -> Iterator[list[Cell]]:
    """One line per bucket of each level, then the total."""
    yield [
        _("Niveau"),
        _("Organisation"),
        _("Område"),
        _("Ledergruppe"),
        _("Tilmeldte"),
        _("Kommer"),
        _("Kommer ikke"),
        _("Intet svar"),
        _("Mødt"),
    ]
    for level, rows in (
        (_("Organisation"), report.by_organisation),
        (_("Område"), report.by_area),
        (_("Ledergruppe"), report.by_group),
    ):
        for row in rows:
            yield [
                level,
                row.organisation or _("Ingen organisation"),
                (row.area or _("Intet område")) if rows is report.by_area else "",
                (row.group or _("Ingen ledergruppe")) if rows is report.by_group else "",
                *row.counts.cells(),
            ]
    yield [_("I alt"), "", "", "", *report.total.cells()]
