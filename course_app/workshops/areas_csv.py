"""The corresponding areas as a CSV file: exported for a spreadsheet, imported back.

Columns: ``organisation_1;område_1;organisation_2;område_2`` (``omraade_1`` and ``area_1`` are read
too; ``;`` or ``,``; UTF-8 with or without BOM, as ``core/spreadsheet.py`` writes it). Names are
matched without regard to case or surrounding spaces.

An import is all-or-nothing: every line is checked first, every bad one is reported with its line
number (unknown organisation or area, two areas of one organisation, a pair the person may not
change), and nothing changes when any line fails. It **adds** the file's pairs; with ``replace`` it
also removes the pairs the person may change that the file does not name (a coordinator's pairs of
her own side; a platform admin's: all). A line naming a pair that is stored already is fine for
anyone (it changes nothing), so re-importing the export changes nothing, whoever does it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from course_app.core.db import db
from course_app.core.spreadsheet import Cell
from course_app.organisations.access import Viewer
from course_app.organisations.models import Organisation
from course_app.workshops import areas as area_services
from course_app.workshops.access import may_map_pair
from course_app.workshops.areas import AreaRef, ordered

HEADER = ("organisation_1", "område_1", "organisation_2", "område_2")
HEADER_ALIASES = {
    "organisation_1": 0,
    "område_1": 1,
    "omraade_1": 1,
    "area_1": 1,
    "organisation_2": 2,
    "område_2": 3,
    "omraade_2": 3,
    "area_2": 3,
}
MAX_LINES = 10_000


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str

    def __str__(self) -> str:
        return _("Linje %(line)s: %(reason)s", line=self.line, reason=self.reason)


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    added: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def export_rows() -> Iterator[list[Cell]]:
    """The header and one line per stored pair, in reading order."""
    yield list(HEADER)
    for pair in area_services.pairs():
        yield [
            pair.first.organisation_name,
            pair.first.name,
            pair.second.organisation_name,
            pair.second.name,
        ]


def _decode(data: bytes | str) -> str | None:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _lines(text: str) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The data lines with their line numbers (the header checked and skipped)."""
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    try:
        header = next(reader, None)
    except csv.Error as error:
        return [], [Problem(1, _("Linjen kan ikke læses som CSV (%(error)s).", error=str(error)))]
    names = [cell.strip().casefold() for cell in header or []]
    while names and not names[-1]:
        names.pop()
    if sorted(HEADER_ALIASES.get(name, -1) for name in names) != [0, 1, 2, 3]:
        return [], [
            Problem(
                1,
                _(
                    "Første linje skal være kolonneoverskrifterne: %(columns)s.",
                    columns=";".join(HEADER),
                ),
            )
        ]
    positions = [HEADER_ALIASES[name] for name in names]
    lines: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append(
                Problem(
                    previous_end + 1,
                    _("Linjen kan ikke læses som CSV (%(error)s).", error=str(error)),
                )
            )
            break
        if cells is None:
            break
        line = previous_end + 1
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(lines) >= MAX_LINES:
            problems.append(
                Problem(line, _("Filen har for mange linjer (højst %(most)s).", most=MAX_LINES))
            )
            break
        if len(cells) < len(positions) or any(c.strip() for c in cells[len(positions) :]):
            problems.append(
                Problem(
                    line,
                    _(
                        "Linjen skal have fire felter: organisation, område, organisation, "
                        "område (skilletegn: %(separator)s).",
                        separator=separator,
                    ),
                )
            )
            continue
        values = [""] * 4
        for index, position in enumerate(positions):
            values[position] = cells[index].strip()
        lines.append((line, values))
    return lines, problems


def _area_lookup(areas: dict[int, AreaRef]) -> tuple[set[str], dict[tuple[str, str], AreaRef]]:
    organisations = {area.organisation_name.casefold() for area in areas.values()}
    by_name = {
        (area.organisation_name.casefold(), area.name.casefold()): area for area in areas.values()
    }
    return organisations, by_name


def _find(
    organisation: str,
    area: str,
    organisations: set[str],
    by_name: dict[tuple[str, str], AreaRef],
    known_organisations: set[str],
) -> tuple[AreaRef | None, str | None]:
    if not organisation or not area:
        return None, _("Alle fire felter skal udfyldes.")
    found = by_name.get((organisation.casefold(), area.casefold()))
    if found is not None:
        return found, None
    if organisation.casefold() not in organisations | known_organisations:
        return None, _("Organisationen »%(name)s« findes ikke.", name=organisation)
    return None, _(
        "Området »%(area)s« findes ikke i %(organisation)s.", area=area, organisation=organisation
    )


def import_pairs(
    viewer: Viewer,
    data: bytes | str,
    *,
    replace: bool = False,
) -> ImportResult:
    """Check every line, then (only when all are fine) add the new pairs and, with ``replace``,
    remove the person's pairs the file does not name. The caller commits, or rolls back when
    ``result.ok`` is false (nothing has been written then)."""
    result = ImportResult()
    text = _decode(data)
    if text is None:
        result.problems.append(
            Problem(1, _("Filen er ikke gemt som UTF-8. Gem den som »CSV UTF-8« i Excel."))
        )
        return result
    if not text.strip():
        result.problems.append(Problem(1, _("Filen er tom.")))
        return result
    lines, result.problems = _lines(text)
    areas = area_services.all_areas()
    stored = area_services.correspondence_pairs()
    organisations, by_name = _area_lookup(areas)
    known = {name.casefold() for name in db.session.scalars(select(Organisation.name))}
    wanted: dict[tuple[int, int], tuple[AreaRef, AreaRef]] = {}
    for line, (org_1, area_1, org_2, area_2) in lines:
        first, problem = _find(org_1, area_1, organisations, by_name, known)
        if problem is None:
            second, problem = _find(org_2, area_2, organisations, by_name, known)
        if problem is not None:
            result.problems.append(Problem(line, problem))
            continue
        assert first is not None and second is not None
        if first.organisation_id == second.organisation_id:
            result.problems.append(
                Problem(
                    line,
                    _(
                        "»%(first)s« og »%(second)s« hører begge til %(organisation)s. Et "
                        "tilsvarende område skal høre til en anden organisation.",
                        first=first.name,
                        second=second.name,
                        organisation=first.organisation_name,
                    ),
                )
            )
            continue
        key = ordered(first.id, second.id)
        if key not in stored and not may_map_pair(
            viewer, first.organisation_id, second.organisation_id
        ):
            result.problems.append(
                Problem(
                    line,
                    _(
                        "Du kan kun koble områder, hvor det ene hører til din egen organisation "
                        "(%(first)s ↔ %(second)s).",
                        first=first.label,
                        second=second.label,
                    ),
                )
            )
            continue
        wanted[key] = (first, second)
    if result.problems:
        result.problems.sort(key=lambda problem: problem.line)
        return result
    for key, (first, second) in wanted.items():
        if key in stored:
            result.unchanged += 1
        elif area_services.add_pair(viewer, first.id, second.id, areas=areas):
            result.added += 1
    if replace:
        for low, high in sorted(stored - wanted.keys()):
            first, second = areas[low], areas[high]
            if may_map_pair(
                viewer, first.organisation_id, second.organisation_id
            ) and area_services.remove_pair(viewer, low, high, areas=areas):
                result.removed += 1
    return result
