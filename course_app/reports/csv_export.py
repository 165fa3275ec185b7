"""The report and dashboard tables as CSV (the file format itself: ``core/spreadsheet.py``).

The table builders (``group_table``, ``report_table``) turn service results into plain values (texts and
numbers) while the request runs; the streamed generator then touches no database objects.
"""

from __future__ import annotations

from flask_babel import gettext as _

from course_app.core.spreadsheet import Cell, local_time
from course_app.progress.labels import STATE_LABELS
from course_app.reports.programme import ProgrammeReport
from course_app.reports.services import GroupProgress


def group_table(progress: GroupProgress) -> list[list[Cell]]:
    """The group dashboard's table: one line per member, a column per module."""
    header: list[Cell] = [
        _("Deltager"),
        *(module.title for module in progress.modules),
        _("Færdige lektioner"),
        _("Lektioner i alt"),
        _("Seneste aktivitet"),
    ]
    rows: list[list[Cell]] = [header]
    for member in progress.members:
        rows.append(
            [
                member.user.name,
                *(str(STATE_LABELS[member.state(module)]) for module in progress.modules),
                member.summary.lessons_done if member.summary else 0,
                progress.lessons_total,
                local_time(member.summary.last_activity_at if member.summary else None),
            ]
        )
    return rows


def report_table(report: ProgrammeReport) -> list[list[Cell]]:
    """The programme report as one flat table (organisation × area × group × module), ready for a
    pivot table."""
    rows: list[list[Cell]] = [
        [
            _("Organisation"),
            _("Område"),
            _("Ledergruppe"),
            _("Modul"),
            _("Tilmeldte"),
            _("Startet"),
            _("Færdige"),
            _("Færdige lektioner"),
            _("Mulige lektioner"),
            _("Gennemført (%)"),
        ]
    ]
    for row in report.rows:
        rows.append(
            [
                row.organisation.name,
                row.area.name if row.area else _("Intet område"),
                row.group.name if row.group else _("Ingen ledergruppe"),
                row.module.title,
                row.enrolled,
                row.started,
                row.done,
                row.lessons_done,
                row.enrolled * row.lessons_per_person,
                row.completion.percent,
            ]
        )
    return rows
