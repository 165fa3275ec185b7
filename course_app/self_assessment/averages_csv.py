"""The average wheels as a CSV file: the same slices as the screen for the same round and slicing
(the file format itself, BOM, separator and formula guard: ``core/spreadsheet.py``).

One line per shown slice × measurement point × competence area × dimension (that has statements)
with the mean and the number of respondents, then one per learning goal; a hidden slice's point is
one line with no numbers (no count either) and the text every hidden slice has (not which rule hid
it, which would tell something). A measurement point whose averages are not published yet
(``publication.published_points``) is one line first, with the round and the point, no numbers and
when it will be shown (as on the screen); its slices have no lines. Means are written with a decimal comma
when the separator is a semicolon (Danish Excel), else with a point. Nothing here is one person's:
``averages.py`` hands over shown averages and reasons only.
"""

from __future__ import annotations

from flask_babel import gettext as _

from course_app.assessments.models import DIMENSION_LABELS, Dimension
from course_app.core.spreadsheet import Cell
from course_app.organisations.services import slugify
from course_app.self_assessment.averages import (
    SLICING_LABELS,
    SLICING_SLUGS,
    Averages,
    PointAverage,
)
from course_app.self_assessment.results import GOAL_DIMENSION
from course_app.self_assessment.texts import POINT_LABELS


def _number(value: float, *, decimal_comma: bool) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if decimal_comma else text


def header() -> list[Cell]:
    return [
        _("Forløb"),
        _("Opdeling"),
        _("Organisation"),
        _("Område"),
        _("Ledergruppe"),
        _("Måling"),
        _("Kompetenceområde"),
        _("Dimension"),
        _("Læringsmål"),
        _("Gennemsnit"),
        _("Besvarelser"),
        _("Bemærkning"),
    ]


def _point_rows(
    averages: Averages, head: list[Cell], point: PointAverage, *, decimal_comma: bool
) -> list[list[Cell]]:
    label = str(point.label)
    if not point.shown:
        return [[*head, label, "", "", "", "", "", str(point.reason)]]
    rows: list[list[Cell]] = []
    for area in averages.areas:
        for dimension in Dimension:
            mean = point.means.get((area.key, dimension.value))
            if mean is None:  # no statement of this area has the dimension
                continue
            rows.append(
                [
                    *head,
                    label,
                    str(area.label),
                    str(DIMENSION_LABELS[dimension]),
                    "",
                    _number(mean, decimal_comma=decimal_comma),
                    point.respondents,
                    "",
                ]
            )
    for goal in averages.goals:
        mean = point.means.get((goal.key, GOAL_DIMENSION))
        if mean is None:
            continue
        rows.append(
            [
                *head,
                label,
                "",
                "",
                goal.label,
                _number(mean, decimal_comma=decimal_comma),
                point.respondents,
                "",
            ]
        )
    return rows


def averages_table(averages: Averages, *, decimal_comma: bool = True) -> list[list[Cell]]:
    """The header, a line per point not published yet, and the lines of the screen's slices (only
    the header without averages)."""
    rows: list[list[Cell]] = [header()]
    if averages.cohort is None:
        return rows
    for pending in averages.pending:
        for point in pending.points:
            rows.append(
                [
                    averages.cohort.name,
                    "",
                    "",
                    "",
                    "",
                    str(POINT_LABELS[point]),
                    "",
                    "",
                    "",
                    "",
                    "",
                    str(pending.message),
                ]
            )
    if averages.state != "averages":
        return rows
    for item in averages.slices:
        head: list[Cell] = [
            averages.cohort.name,
            str(SLICING_LABELS[item.kind]),
            item.organisation,
            item.area,
            item.group,
        ]
        for point in item.points:
            rows.extend(_point_rows(averages, head, point, decimal_comma=decimal_comma))
    return rows


def filename(averages: Averages, today_iso: str) -> str:
    """``kompetencehjul-<round>-<slicing>-<day>.csv`` (ASCII)."""
    name = slugify(averages.cohort.name) if averages.cohort is not None else "ingen-forloeb"
    return f"kompetencehjul-{name}-{SLICING_SLUGS[averages.slicing]}-{today_iso}.csv"
