"""The competence wheel's plain data and its words: the numbers as table rows and the short text
("Du ligger højest i …"). Pure: no database, no request; ``wheel.py`` draws the same data as SVG.

Scores are kept per area and dimension (``knowledge``, ``skills``, ``approach``: "viden, færdigheder og
tilgang", the keys of ``models.Dimension``). An area's place in the short text is the mean of the
dimensions answered in it. Texts are lazy strings with Danish ids, translated where they are shown
(in a request, or under ``force_locale``); numbers are written with the locale's decimal mark
("3,5" in Danish, "3.5" in English), one decimal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from babel.numbers import format_decimal
from flask import has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

Text = str | LazyString  # a plain label, or a lazy Danish message id

MAX_SERIES = 6  # the wheel has six distinguishable series styles (wheel.SERIES_STYLES)
MIN_AREAS = 3  # fewer spokes make no wheel


@dataclass(frozen=True)
class WheelArea:
    key: str  # the area's stable id
    label: Text


@dataclass(frozen=True)
class WheelDimension:
    key: str  # "knowledge", "skills" or "approach"
    label: Text


DEFAULT_DIMENSIONS = (
    WheelDimension("knowledge", _l("Viden")),
    WheelDimension("skills", _l("Færdigheder")),
    WheelDimension("approach", _l("Tilgang")),
)


@dataclass(frozen=True)
class WheelSeries:
    """One measurement ("Start", "Slut", "Løbende 12. marts") or one average: ``scores[area][dimension]``,
    a missing key or ``None`` meaning not answered."""

    key: str
    label: Text
    scores: Mapping[str, Mapping[str, float | None]] = field(default_factory=dict)

    def score(self, area: str, dimension: str) -> float | None:
        return self.scores.get(area, {}).get(dimension)


@dataclass(frozen=True)
class WheelData:
    areas: tuple[WheelArea, ...]
    series: tuple[WheelSeries, ...]
    scale_min: int = 1
    scale_max: int = 5
    dimensions: tuple[WheelDimension, ...] = DEFAULT_DIMENSIONS

    def __post_init__(self) -> None:
        for name in ("areas", "series", "dimensions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if len(self.areas) < MIN_AREAS:
            raise ValueError(f"a wheel needs at least {MIN_AREAS} areas")
        if len(self.series) > MAX_SERIES:
            raise ValueError(f"a wheel shows at most {MAX_SERIES} series")
        if not 1 <= len(self.dimensions) <= 3:
            raise ValueError("a wheel shows one to three dimensions")
        for name, items in (("area", self.areas), ("series", self.series)):
            keys = [item.key for item in items]
            if len(set(keys)) != len(keys):
                raise ValueError(f"{name} keys must be unique")
        if len({dimension.key for dimension in self.dimensions}) != len(self.dimensions):
            raise ValueError("dimension keys must be unique")
        if not self.scale_min < self.scale_max or self.scale_max - self.scale_min > 20:
            raise ValueError("the scale must rise, by at most 20 steps")
        for series in self.series:
            for area in self.areas:
                for dimension in self.dimensions:
                    value = series.score(area.key, dimension.key)
                    if value is not None and not (
                        math.isfinite(value) and self.scale_min <= value <= self.scale_max
                    ):
                        raise ValueError(
                            f"{value!r} is off the scale {self.scale_min}-{self.scale_max}"
                        )


# --- numbers --------------------------------------------------------------------------------------


def format_score(value: float) -> str:
    """One decimal with the current locale's decimal mark (Danish outside an app)."""
    locale = get_locale() if has_app_context() else None
    return format_decimal(round(value, 1), format="0.0", locale=str(locale or "da"))


def lazy_score(value: float) -> LazyString:
    """``format_score`` when shown, so a text made now reads right in the locale it is shown in."""
    return LazyString(format_score, value)


def area_means(data: WheelData, series: WheelSeries) -> tuple[float | None, ...]:
    """Per area, the mean of the dimensions answered there (None: nothing answered)."""
    means = []
    for area in data.areas:
        values = [series.score(area.key, d.key) for d in data.dimensions]
        answered = [value for value in values if value is not None]
        means.append(round(sum(answered) / len(answered), 2) if answered else None)
    return tuple(means)


def is_complete(data: WheelData, series: WheelSeries) -> bool:
    return all(
        series.score(area.key, d.key) is not None for area in data.areas for d in data.dimensions
    )


def _join(labels: Sequence[Text]) -> Text:
    """ "A, B og C" (English "A, B and C"), lazily."""
    if len(labels) == 1:
        return labels[0]
    first = LazyString(lambda: ", ".join(str(label) for label in labels[:-1]))
    return _l("%(first)s og %(last)s", first=first, last=labels[-1])


# --- the data table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableCell:
    value: float | None
    text: Text  # "3,5", or "ikke besvaret"


@dataclass(frozen=True)
class TableRow:
    """One row per area and dimension; columns per series (``WheelData.series``, in order). The first
    row of an area carries ``area_rows`` for a ``rowspan`` on the area's header cell."""

    area_key: str
    area_label: Text
    dimension_key: str
    dimension_label: Text
    first_in_area: bool
    area_rows: int
    cells: tuple[TableCell, ...]


def table_rows(data: WheelData) -> tuple[TableRow, ...]:
    rows = []
    for area in data.areas:
        for index, dimension in enumerate(data.dimensions):
            cells = []
            for series in data.series:
                value = series.score(area.key, dimension.key)
                text = _l("ikke besvaret") if value is None else lazy_score(value)
                cells.append(TableCell(None if value is None else round(value, 2), text))
            rows.append(
                TableRow(
                    area.key,
                    area.label,
                    dimension.key,
                    dimension.label,
                    index == 0,
                    len(data.dimensions),
                    tuple(cells),
                )
            )
    return tuple(rows)


# --- the short text -------------------------------------------------------------------------------

Perspective = Literal["self", "group"]

# Literal message ids in lazy_gettext calls, so extraction finds every one of them.
_HIGHEST = {
    "self": lambda **v: _l("Du ligger højest i %(areas)s (%(score)s).", **v),
    "group": lambda **v: _l("Gruppen ligger højest i %(areas)s (%(score)s).", **v),
}
_LOWEST = {
    "self": lambda **v: _l("Du ligger lavest i %(areas)s (%(score)s).", **v),
    "group": lambda **v: _l("Gruppen ligger lavest i %(areas)s (%(score)s).", **v),
}
_EQUAL = {
    "self": lambda **v: _l("Du ligger lige højt i alle besvarede områder (%(score)s).", **v),
    "group": lambda **v: _l("Gruppen ligger lige højt i alle områder med svar (%(score)s).", **v),
}
_PARTIAL = {
    "self": lambda: _l("Du har ikke svaret på alle områder endnu."),
    "group": lambda: _l("Der mangler svar i nogle områder."),
}
_NOTHING = {
    "self": lambda: _l("Du har ikke svaret på nogen områder endnu."),
    "group": lambda: _l("Der er ingen svar endnu."),
}


@dataclass(frozen=True)
class Extremes:
    """The areas (indexes into ``WheelData.areas``) with the highest and lowest mean; ties keep all."""

    highest: tuple[int, ...]
    lowest: tuple[int, ...]
    high: float | None
    low: float | None
    answered: int  # areas with at least one answer


def extremes(data: WheelData, series: WheelSeries) -> Extremes:
    means = area_means(data, series)
    answered = [(index, mean) for index, mean in enumerate(means) if mean is not None]
    if not answered:
        return Extremes((), (), None, None, 0)
    high = max(mean for _, mean in answered)
    low = min(mean for _, mean in answered)
    return Extremes(
        tuple(index for index, mean in answered if mean == high),
        tuple(index for index, mean in answered if mean == low),
        high,
        low,
        len(answered),
    )


def summary(
    data: WheelData, series_key: str | None = None, *, perspective: Perspective = "self"
) -> tuple[LazyString, ...]:
    """The short text for one series (default: the last, the newest): highest and lowest areas by
    their mean over the dimensions, naming every area of a tie; one sentence when all answered areas
    are level; "Du har ikke svaret på alle områder endnu." after them while answers are missing."""
    if not data.series:
        return (_NOTHING[perspective](),)
    chosen = data.series[-1] if series_key is None else _series(data, series_key)
    found = extremes(data, chosen)
    if not found.answered:
        return (_NOTHING[perspective](),)
    sentences = []
    if found.high == found.low:
        sentences.append(_EQUAL[perspective](score=lazy_score(found.high)))
    else:
        names = [data.areas[index].label for index in found.highest]
        sentences.append(_HIGHEST[perspective](areas=_join(names), score=lazy_score(found.high)))
        names = [data.areas[index].label for index in found.lowest]
        sentences.append(_LOWEST[perspective](areas=_join(names), score=lazy_score(found.low)))
    if not is_complete(data, chosen):
        sentences.append(_PARTIAL[perspective]())
    return tuple(sentences)


def _series(data: WheelData, key: str) -> WheelSeries:
    for series in data.series:
        if series.key == key:
            return series
    raise KeyError(key)


# --- the description of the SVG -------------------------------------------------------------------


def description(data: WheelData) -> str:
    """The wheel's ``<desc>``: scale and areas, then per series the highest and lowest areas and what
    is missing, in words (translated now: the SVG is a finished string)."""
    # mid-sentence: "for viden, færdigheder og tilgang"
    dimensions = _join([LazyString(lambda d=d: str(d.label).lower()) for d in data.dimensions])
    parts = [
        _l(
            "Kompetencehjul med %(areas)d områder på en skala fra %(low)d til %(high)d for %(dimensions)s.",
            areas=len(data.areas),
            low=data.scale_min,
            high=data.scale_max,
            dimensions=dimensions,
        )
    ]
    if not data.series:
        parts.append(_l("Der er ingen målinger endnu."))
    for series in data.series:
        found = extremes(data, series)
        if not found.answered:
            parts.append(_l("%(series)s: ingen svar endnu.", series=series.label))
            continue
        if found.high == found.low:
            parts.append(
                _l(
                    "%(series)s: samme gennemsnit i alle besvarede områder (%(score)s).",
                    series=series.label,
                    score=lazy_score(found.high),
                )
            )
        else:
            parts.append(
                _l(
                    "%(series)s: højest i %(highest)s (%(high)s), lavest i %(lowest)s (%(low)s).",
                    series=series.label,
                    highest=_join([data.areas[i].label for i in found.highest]),
                    high=lazy_score(found.high),
                    lowest=_join([data.areas[i].label for i in found.lowest]),
                    low=lazy_score(found.low),
                )
            )
        missing = sum(
            any(series.score(area.key, d.key) is None for d in data.dimensions)
            for area in data.areas
        )
        if missing:
            parts.append(
                _l(
                    "Svar mangler i %(missing)d af %(areas)d områder.",
                    missing=missing,
                    areas=len(data.areas),
                )
            )
    parts.append(
        _l(
            "Tallene er områdernes gennemsnit af dimensionerne; alle tal står i tabellen ved hjulet."
        )
    )
    return " ".join(str(part) for part in parts)
