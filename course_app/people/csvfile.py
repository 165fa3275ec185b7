"""Reading a people file: CSV in UTF-8 (with or without BOM) as Excel writes it, ``;`` or ``,``.

Pure parsing, no database: every row comes back with the line it starts on, and every problem with
its line and a reason fit for the person who made the file. Cells are text, always: a cell that looks
like a spreadsheet formula (``=SUM(A1)``) is kept as the characters it is and never evaluated.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _

COLUMNS = ("name", "email", "organisation", "area", "group", "role")
# Header names are matched case-insensitively; the Danish names are accepted too.
HEADER_ALIASES = {
    "name": "name",
    "navn": "name",
    "email": "email",
    "e-mail": "email",
    "organisation": "organisation",
    "area": "area",
    "område": "area",
    "group": "group",
    "gruppe": "group",
    "ledergruppe": "group",
    "role": "role",
    "rolle": "role",
}
SEPARATORS = (";", ",")
_EXCEL_SEPARATOR_HINT = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """Something wrong with the file; ``line`` is the 1-based line in the file."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.line}: {self.reason}"


@dataclass(frozen=True)
class CsvRow:
    """One person's row: the cells as written (stripped), keyed by column."""

    line: int
    name: str
    email: str
    organisation: str
    area: str
    group: str
    role: str


def decode(data: bytes | str) -> tuple[str | None, list[Problem]]:
    """The file as text (a UTF-8 BOM removed), or a problem naming the line of the first bad byte."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return None, [
            Problem(
                line,
                _(
                    "Filen er ikke gemt som UTF-8. Gem den igen som »CSV UTF-8 (kommasepareret)« i Excel."
                ),
            )
        ]


def read_rows(data: bytes | str) -> tuple[list[CsvRow], list[Problem]]:
    """Parse the file into rows. Rows that cannot be read are problems; the rest come back as rows."""
    text, problems = decode(data)
    if text is None:
        return [], problems
    lines = text.splitlines()
    if not text.strip():
        return [], [Problem(1, _("Filen er tom. Første linje skal være kolonneoverskrifterne."))]
    header_offset = 0
    separator = _sniff_separator(lines[0])
    hint = _EXCEL_SEPARATOR_HINT.match(lines[0])
    if hint:  # Excel's "sep=;" line before the header
        separator = hint.group(1)
        header_offset = 1
        text = text.split("\n", 1)[1] if "\n" in text else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader, None)
    except csv.Error as error:
        return [], [Problem(1 + header_offset, _csv_error(error))]
    if not header or not any(cell.strip() for cell in header):
        return [], [
            Problem(
                1 + header_offset,
                _("Første linje skal være kolonneoverskrifterne: %(columns)s.", columns=_columns()),
            )
        ]
    positions, header_problems = _read_header(header, 1 + header_offset)
    if header_problems:
        return [], header_problems

    rows: list[CsvRow] = []
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append(Problem(previous_end + 1 + header_offset, _csv_error(error)))
            break
        if cells is None:
            break
        line = previous_end + 1 + header_offset
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and Excel's ";;;;;" rows
        if len(cells) != len(header):
            problems.append(
                Problem(
                    line,
                    _(
                        "Linjen har %(found)s felter, men overskriften har %(expected)s. "
                        "Tjek skilletegnene (%(separator)s) og anførselstegn.",
                        found=len(cells),
                        expected=len(header),
                        separator=separator,
                    ),
                )
            )
            continue
        unnamed = [
            index + 1
            for index, cell in enumerate(cells)
            if cell.strip() and index not in positions.values()
        ]
        if unnamed:
            problems.append(
                Problem(
                    line,
                    _(
                        "Der står noget i kolonne %(columns)s, som ikke har en overskrift.",
                        columns=", ".join(str(number) for number in unnamed),
                    ),
                )
            )
            continue
        values = {column: cells[index].strip() for column, index in positions.items()}
        rows.append(CsvRow(line=line, **values))
    return rows, problems


def _sniff_separator(first_line: str) -> str:
    """The header names hold neither separator, so whichever the first line uses most is it."""
    counts = {separator: first_line.count(separator) for separator in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def _read_header(header: list[str], line: int) -> tuple[dict[str, int], list[Problem]]:
    """Column name → position. Unknown, repeated and missing columns are problems; empty header
    cells are allowed (Excel leaves them) as long as the rows leave those cells empty too."""
    positions: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, raw in enumerate(header):
        name = raw.strip()
        if not name:
            continue
        column = HEADER_ALIASES.get(name.casefold())
        if column is None:
            unknown.append(name)
        elif column in positions:
            repeated.append(name)
        else:
            positions[column] = index
    problems = []
    if unknown:
        problems.append(
            Problem(
                line,
                _(
                    "Ukendte kolonner: %(unknown)s. Filen må kun have kolonnerne %(columns)s.",
                    unknown=", ".join(f"»{name}«" for name in unknown),
                    columns=_columns(),
                ),
            )
        )
    if repeated:
        problems.append(
            Problem(
                line,
                _(
                    "Kolonnen står flere gange: %(repeated)s.",
                    repeated=", ".join(f"»{name}«" for name in repeated),
                ),
            )
        )
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        problems.append(
            Problem(
                line,
                _(
                    "Kolonner mangler i overskriften: %(missing)s.",
                    missing=", ".join(missing),
                ),
            )
        )
    return positions, problems


def _columns() -> str:
    return ", ".join(COLUMNS)


def _csv_error(error: csv.Error) -> str:
    return _("Linjen kan ikke læses som CSV (%(error)s).", error=str(error))
