"""CSV exports that open correctly in Danish Excel and cannot smuggle formulas into a spreadsheet.

- Semicolon separator by default (Danish Excel's list separator); ``comma`` on request.
- UTF-8 with a byte order mark, so Excel reads æ, ø and å.
- A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``, so a name
  such as ``=HYPERLINK(…)`` stays text (OWASP "CSV injection"). Numbers are written as numbers.
- Streamed line by line: the response never holds the whole file.

The table builders (``group_table``, ``report_table``) turn service results into plain values (texts and
numbers) while the request runs; the streamed generator then touches no database objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course_app.core.i18n import COPENHAGEN
from course_app.progress.models import ProgressState
from course_app.reports.programme import ProgrammeReport
from course_app.reports.services import GroupProgress

BOM = "\ufeff"
SEPARATORS = {"semicolon": ";", "comma": ","}
DEFAULT_SEPARATOR = "semicolon"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

STATE_LABELS = {
    ProgressState.NOT_STARTED: _l("Ikke startet"),
    ProgressState.IN_PROGRESS: _l("I gang"),
    ProgressState.DONE: _l("Færdig"),
}

Cell = str | int | None


def separator_from(name: str | None) -> str:
    """``?separator=comma`` gives a comma; anything else the semicolon Danish Excel expects."""
    return SEPARATORS.get(name or "", SEPARATORS[DEFAULT_SEPARATOR])


def neutralise(value: Cell) -> str | int:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Sequence[Cell]], *, separator: str = ";") -> Iterator[str]:
    """The file as text, one line at a time; the first chunk is the byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    yield BOM
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_response(rows: Iterable[Sequence[Cell]], *, filename: str, separator: str) -> Response:
    """A streamed download. ``filename`` must be plain ASCII (callers slugify)."""
    chunks = (line.encode("utf-8") for line in csv_lines(rows, separator=separator))
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Names and progress of people: never kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def local_time(value: dt.datetime | None) -> str:
    """Copenhagen time in a form every spreadsheet reads as a date and time."""
    return value.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M") if value else ""


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
