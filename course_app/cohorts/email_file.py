"""The e-mail column of a CSV file, to enrol the people it names.

Takes the file as text (decoded by the caller, who knows about BOMs and encodings). The column is
called ``email`` or ``e-mail`` (any case); other columns are ignored, so the file of a people import
works too. Excel's ``;`` and the plain ``,`` are both understood, as is Excel's ``sep=;`` first line.
"""

from __future__ import annotations

import csv
import io
import re
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

EMAIL_HEADERS = ("email", "e-mail")
_SEPARATOR_LINE = re.compile(r"sep=(.)", re.IGNORECASE)


class LineProblem(NamedTuple):
    line: int  # 1-based line of the file
    reason: str


def read_email_column(text: str) -> tuple[list[str], list[LineProblem]]:
    """The e-mails in file order (blank cells skipped), or the problems that stop the file."""
    lines = text.splitlines(keepends=True)
    offset = 0
    separator_line = _SEPARATOR_LINE.fullmatch(lines[0].strip()) if lines else None
    if separator_line:
        separator, offset = separator_line.group(1), 1
    else:
        first = lines[0] if lines else ""
        separator = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO("".join(lines[offset:]), newline=""), delimiter=separator)
    emails: list[str] = []
    problems: list[LineProblem] = []
    try:
        header = next(reader, [])
        columns = [index for index, cell in enumerate(header) if _is_email_header(cell)]
        if len(columns) != 1:
            return [], [LineProblem(1 + offset, _header_problem(len(columns)))]
        [column] = columns
        line = reader.line_num + 1  # where the next row starts
        for cells in reader:
            if column >= len(cells) and any(cell.strip() for cell in cells):
                problems.append(LineProblem(line + offset, _l("Linjen har ingen e-mail-celle.")))
            elif column < len(cells) and cells[column].strip():
                emails.append(cells[column].strip())
            line = reader.line_num + 1
    except csv.Error as error:
        message = _l("Linjen kan ikke læses som CSV (%(error)s).", error=str(error))
        problems.append(LineProblem(reader.line_num + offset, message))
    return (emails, []) if not problems else ([], problems)


def _is_email_header(cell: str) -> bool:
    return cell.strip().casefold() in EMAIL_HEADERS


def _header_problem(found: int) -> str:
    if found:
        return _l("Kolonnen email står flere gange i overskriften.")
    return _l("Første linje skal være kolonneoverskrifterne, og én af dem skal være »email«.")
