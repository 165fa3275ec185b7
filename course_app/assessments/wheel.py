"""The competence wheel drawn on the server as SVG (issue 14, point 3): pure, no JavaScript, no CSS.

``render_wheel(data)`` gives the SVG as ``Markup``: one spoke per area (the first at the top, then
clockwise), a ring per scale step with its number, the area labels outside the outer ring (anchored
by their angle, so no label covers the circle; long labels wrap onto two lines), and per series and
dimension a line through the scores (a gap where a score is missing) with a marker at each score.

Telling things apart without colour (WCAG 1.4.1):

* dimensions by line pattern AND marker shape: viden solid with circles, færdigheder dashed with
  squares, tilgang dotted with triangles (``DIMENSION_STYLES``); the three are also drawn a few
  degrees apart around each spoke, so equal scores do not hide one another;
* series by line width and marker fill: thin with hollow markers, thick with solid markers, thin
  with a dot in the marker, … (``SERIES_STYLES``, six distinct combinations, hence at most six
  series); colour reinforces it, every line colour has at least 3:1 contrast against white.

The legend is not drawn inside the SVG but returned as data (``wheel_legend``: a label and a small
``aria-hidden`` swatch per series and per dimension) for the template to render as an HTML list
beside the wheel. That is the accessible choice: ``role="img"`` hides everything inside the SVG from
screen readers, so a legend there would be read by nobody who cannot see it, whereas HTML text is
read, reflows on a 375 px phone and grows with the reader's text size (WCAG 1.4.4, 1.4.10) instead of
shrinking with the drawing; it prints with the page like the wheel. The SVG's ``<title>`` and
``<desc>`` (named by ``aria-labelledby``) carry the numbers in words, and ``wheel_text.table_rows``
the full table to show beside it.

Everything essential is an attribute (stroke, fill, font), so the drawing needs no style sheet and
prints as it looks; ``width="100%"`` and a ``viewBox`` let it scale to any width. The same data and
locale give the same bytes: coordinates are rounded to two decimals and nothing depends on ordering
of sets or hashes.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from course_app.assessments.wheel_text import (
    DEFAULT_DIMENSIONS,
    MAX_SERIES,
    Perspective,
    TableRow,
    Text,
    WheelArea,
    WheelData,
    WheelDimension,
    WheelSeries,
    description,
    summary,
    table_rows,
)

__all__ = [
    "DEFAULT_DIMENSIONS",
    "DIMENSION_STYLES",
    "SERIES_STYLES",
    "Legend",
    "LegendEntry",
    "Wheel",
    "WheelArea",
    "WheelData",
    "WheelDimension",
    "WheelSeries",
    "build_wheel",
    "render_wheel",
    "wheel_legend",
]

RADIUS = 130.0  # the outer ring
LABEL_GAP = 12.0  # between the outer ring and the nearest corner of an area label
FONT_SIZE = 15
LINE_HEIGHT = 18
CHAR_WIDTH = 0.56 * FONT_SIZE  # an estimate of the average glyph's width, for the viewBox
LABEL_CHARS = 16  # wrap area labels at about this many characters
LABEL_LINES = 2
SCALE_FONT_SIZE = 12
MARGIN = 6.0
SIDEWAYS = 0.26  # |cos| below this: a label sits above or below the wheel, centred (about ±15°)
FONT_FAMILY = "'IBM Plex Sans', Arial, sans-serif"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#8c8c8c"  # 3.4:1 against white
SCALE_COLOUR = "#454545"
MARKER_SIZE = 4.5
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class DimensionStyle:
    dasharray: str  # "none": solid
    marker: str  # "circle", "square", "triangle"


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    width: float
    fill: str  # marker fill: "hollow", "solid", "dot" (hollow with a dot in the middle)


DIMENSION_STYLES = (
    DimensionStyle("none", "circle"),
    DimensionStyle("9 5", "square"),
    DimensionStyle("2 4", "triangle"),
)
SERIES_STYLES = (
    SeriesStyle("#0059b3", 1.5, "hollow"),
    SeriesStyle("#a33a00", 3.0, "solid"),
    SeriesStyle("#00703c", 1.5, "dot"),
    SeriesStyle("#6f2da8", 3.0, "hollow"),
    SeriesStyle("#7a5200", 1.5, "solid"),
    SeriesStyle("#333333", 3.0, "dot"),
)
assert len(SERIES_STYLES) == MAX_SERIES


def _n(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros, never "-0"."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _e(text: Text) -> str:
    return str(escape(str(text)))


# --- geometry -------------------------------------------------------------------------------------


def _angle(index: int, count: int) -> float:
    return -math.pi / 2 + 2 * math.pi * index / count


def _radius(value: float, data: WheelData) -> float:
    """The scale's lowest step is the innermost ring, not the centre, so low scores stay visible."""
    steps = data.scale_max - data.scale_min + 1
    return RADIUS * (value - data.scale_min + 1) / steps


def _point(radius: float, angle: float) -> tuple[float, float]:
    return radius * math.cos(angle), radius * math.sin(angle)


def _dimension_offset(position: int, dimensions: int, areas: int) -> float:
    """The angle by which a dimension's points sit beside the spoke: -δ, 0, +δ."""
    delta = min(math.radians(5), 0.12 * 2 * math.pi / areas)
    return (position - (dimensions - 1) / 2) * delta


def _wrap(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS, break_long_words=False) or [""]
    if len(lines) > LABEL_LINES:
        rest = " ".join(lines[LABEL_LINES - 1 :])
        lines = [*lines[: LABEL_LINES - 1], rest[: LABEL_CHARS + 2].rstrip() + "…"]
    return lines


@dataclass(frozen=True)
class _Label:
    lines: tuple[str, ...]
    full: str
    x: float
    y: float  # the first line's baseline
    anchor: str
    box: tuple[float, float, float, float]  # left, top, right, bottom (estimated)


def _label(text: str, angle: float) -> _Label:
    lines = _wrap(text)
    cos, sin = math.cos(angle), math.sin(angle)
    x, y = _point(RADIUS + LABEL_GAP, angle)
    width = max(len(line) for line in lines) * CHAR_WIDTH
    height = len(lines) * LINE_HEIGHT
    if abs(cos) < SIDEWAYS:
        anchor, left = "middle", x - width / 2
    elif cos > 0:
        anchor, left = "start", x
    else:
        anchor, left = "end", x - width
    # The box's corner nearest the centre touches the anchor point, so the box stays outside.
    if abs(cos) >= SIDEWAYS and abs(sin) < SIDEWAYS:
        top = y - height / 2
    elif sin < 0:
        top = y - height
    else:
        top = y
    baseline = top + (LINE_HEIGHT - FONT_SIZE) / 2 + 0.8 * FONT_SIZE
    return _Label(tuple(lines), text, x, baseline, anchor, (left, top, left + width, top + height))


# --- drawing --------------------------------------------------------------------------------------


def _marker(shape: str, x: float, y: float, style: SeriesStyle) -> str:
    fill = style.colour if style.fill == "solid" else "#ffffff"
    size = MARKER_SIZE
    common = f'fill="{fill}" stroke="{style.colour}" stroke-width="1.5" stroke-dasharray="none"'
    if shape == "circle":
        drawn = f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(size)}" {common}/>'
    elif shape == "square":
        drawn = (
            f'<rect x="{_n(x - size)}" y="{_n(y - size)}" width="{_n(2 * size)}" '
            f'height="{_n(2 * size)}" {common}/>'
        )
    else:
        top, left, right = (
            (x, y - 1.25 * size),
            (x - 1.2 * size, y + size),
            (x + 1.2 * size, y + size),
        )
        points = " ".join(f"{_n(px)},{_n(py)}" for px, py in (top, left, right))
        drawn = f'<polygon points="{points}" {common}/>'
    if style.fill == "dot":
        drawn += f'<circle cx="{_n(x)}" cy="{_n(y)}" r="1.6" fill="{style.colour}" stroke="none"/>'
    return drawn


def _path(points: list[tuple[float, float] | None]) -> str:
    """The line through the points in order, closed when none is missing; a gap at each missing one."""
    if all(point is not None for point in points):
        moves = " L ".join(f"{_n(x)} {_n(y)}" for x, y in points)  # type: ignore[misc]
        return f"M {moves} Z"
    count = len(points)
    start = next(i for i, point in enumerate(points) if point is None)
    runs: list[list[tuple[float, float]]] = [[]]
    for step in range(1, count + 1):
        point = points[(start + step) % count]
        if point is None:
            runs.append([])
        else:
            runs[-1].append(point)
    return " ".join(
        "M " + " L ".join(f"{_n(x)} {_n(y)}" for x, y in run) for run in runs if len(run) > 1
    )


def _series_group(data: WheelData, index: int, series: WheelSeries) -> list[str]:
    style = SERIES_STYLES[index]
    out = [f'<g data-series="{_e(series.key)}">']
    for position, dimension in enumerate(data.dimensions):
        look = DIMENSION_STYLES[position]
        offset = _dimension_offset(position, len(data.dimensions), len(data.areas))
        points: list[tuple[float, float] | None] = []
        for area_index, area in enumerate(data.areas):
            value = series.score(area.key, dimension.key)
            angle = _angle(area_index, len(data.areas)) + offset
            points.append(None if value is None else _point(_radius(value, data), angle))
        out.append(
            f'<g data-dimension="{_e(dimension.key)}" data-marker="{look.marker}" '
            f'stroke="{style.colour}" stroke-width="{_n(style.width)}" '
            f'stroke-dasharray="{look.dasharray}" fill="none">'
        )
        path = _path(points)
        if path:
            out.append(f'<path d="{path}" stroke-linejoin="round"/>')
        out.extend(_marker(look.marker, *point, style) for point in points if point is not None)
        out.append("</g>")
    out.append("</g>")
    return out


def render_wheel(data: WheelData, *, id_prefix: str = "wheel", title: Text | None = None) -> Markup:
    """The wheel as an SVG element. ``id_prefix`` makes the title's and description's ids unique on a
    page with several wheels; ``title`` defaults to "Kompetencehjul". Texts are translated now, in
    the current locale."""
    if not _ID.match(id_prefix):
        raise ValueError("id_prefix must be a letter followed by letters, digits, - or _")

    title_text = _l("Kompetencehjul") if title is None else title
    count = len(data.areas)
    labels = [_label(str(area.label), _angle(i, count)) for i, area in enumerate(data.areas)]
    left = min([-RADIUS - MARGIN, *(label.box[0] for label in labels)]) - MARGIN
    top = min([-RADIUS - MARGIN, *(label.box[1] for label in labels)]) - MARGIN
    right = max([RADIUS + MARGIN, *(label.box[2] for label in labels)]) + MARGIN
    bottom = max([RADIUS + MARGIN, *(label.box[3] for label in labels)]) + MARGIN
    # Square up around the centre, so the wheel sits in the middle of its box.
    half_width, half_height = max(-left, right), max(-top, bottom)
    view_box = f"{_n(-half_width)} {_n(-half_height)} {_n(2 * half_width)} {_n(2 * half_height)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" width="100%" '
        f'role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'class="competence-wheel" font-family="{FONT_FAMILY}">',
        f'<title id="{id_prefix}-title">{_e(title_text)}</title>',
        f'<desc id="{id_prefix}-desc">{_e(description(data))}</desc>',
        f'<g class="wheel-grid" fill="none" stroke="{GRID_COLOUR}" stroke-width="1">',
    ]
    steps = range(data.scale_min, data.scale_max + 1)
    for step in steps:
        outer = ' class="wheel-outer"' if step == data.scale_max else ""
        out.append(f'<circle cx="0" cy="0" r="{_n(_radius(step, data))}"{outer}/>')
    for index in range(count):
        x, y = _point(RADIUS, _angle(index, count))
        out.append(f'<line x1="0" y1="0" x2="{_n(x)}" y2="{_n(y)}"/>')
    out.append("</g>")
    out.append(
        f'<g class="wheel-scale" font-size="{SCALE_FONT_SIZE}" fill="{SCALE_COLOUR}" '
        'text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
    )
    between = _angle(0, count) + math.pi / count  # between the first two spokes
    for step in steps:
        x, y = _point(_radius(step, data), between)
        out.append(f'<text x="{_n(x)}" y="{_n(y + SCALE_FONT_SIZE * 0.35)}">{step}</text>')
    out.append("</g>")
    out.append(f'<g class="wheel-areas" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">')
    for area, label in zip(data.areas, labels, strict=True):
        spans = "".join(
            f'<tspan x="{_n(label.x)}" y="{_n(label.y + line * LINE_HEIGHT)}">{_e(text)}</tspan>'
            for line, text in enumerate(label.lines)
        )
        out.append(
            f'<text class="wheel-area-label" data-area="{_e(area.key)}" '
            f'text-anchor="{label.anchor}"><title>{_e(label.full)}</title>{spans}</text>'
        )
    out.append("</g>")
    for index, series in enumerate(data.series):
        out.extend(_series_group(data, index, series))
    out.append("</svg>")
    return Markup("\n".join(out))  # noqa: S704 - every text and attribute escaped by _e above


# --- the legend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LegendEntry:
    key: str
    label: Text
    swatch: Markup  # a small aria-hidden SVG: the line and marker as drawn in the wheel


@dataclass(frozen=True)
class Legend:
    series: tuple[LegendEntry, ...]  # how each measurement is drawn (width, marker fill, colour)
    dimensions: tuple[LegendEntry, ...]  # how each dimension is drawn (line pattern, marker shape)


def _swatch(style: SeriesStyle, look: DimensionStyle) -> Markup:
    # Only our own constants and numbers here, no text from outside.
    return Markup(  # noqa: S704
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 44 16" width="44" height="16" '
        'aria-hidden="true" focusable="false">'
        f'<line x1="2" y1="8" x2="42" y2="8" stroke="{style.colour}" '
        f'stroke-width="{_n(style.width)}" stroke-dasharray="{look.dasharray}"/>'
        f"{_marker(look.marker, 22, 8, style)}</svg>"
    )


def wheel_legend(data: WheelData) -> Legend:
    """The legend as data: series drawn with the first dimension's pattern, dimensions drawn in a
    neutral dark grey with the first series' width and fill, so each entry shows only its own cue."""
    neutral = SeriesStyle("#333333", 1.5, "hollow")
    return Legend(
        tuple(
            LegendEntry(series.key, series.label, _swatch(SERIES_STYLES[i], DIMENSION_STYLES[0]))
            for i, series in enumerate(data.series)
        ),
        tuple(
            LegendEntry(dimension.key, dimension.label, _swatch(neutral, DIMENSION_STYLES[i]))
            for i, dimension in enumerate(data.dimensions)
        ),
    )


@dataclass(frozen=True)
class Wheel:
    """Everything a page shows about one wheel."""

    svg: Markup
    legend: Legend
    rows: tuple[TableRow, ...]
    summary: tuple[Text, ...]


def build_wheel(
    data: WheelData,
    *,
    id_prefix: str = "wheel",
    title: Text | None = None,
    perspective: Perspective = "self",
) -> Wheel:
    return Wheel(
        render_wheel(data, id_prefix=id_prefix, title=title),
        wheel_legend(data),
        table_rows(data),
        summary(data, perspective=perspective),
    )
