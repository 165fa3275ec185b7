"""Where a leader is in a film and how much of it she has played (``FilmView``).

The film script reports, every few seconds while a film plays and when it stops, the position and
the stretches played since its last report. Stretches are merged, so watching a part twice counts
once and seeking ahead counts nothing; a lesson with ``completion: watched`` asks for a share of the
film's seconds played (``played_share``). Reports are bounded (a day of film, a few stretches) and
at most one is written every ``MIN_INTERVAL``: a flood of them changes nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.progress.models import FilmView

MAX_SECONDS = 24 * 3600  # no film is longer than a day
MAX_STRETCHES = 20  # stretches in one report (a report covers seconds, not hours)
MAX_STORED = 200  # stretches kept per film: beyond that the closest are joined
MIN_INTERVAL = dt.timedelta(seconds=2)


class BadReport(ServiceError):
    """The report is not one the film script sends: refused, nothing written."""


@dataclass(frozen=True)
class Report:
    position: int
    played: list[tuple[int, int]]
    duration: int | None


def _seconds(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or not 0 <= value <= MAX_SECONDS:  # NaN, negative, huge
        return None
    return float(value)


def read_report(data: object) -> Report:
    """A report from the film script's JSON: ``{"position": 12.3, "played": [[0, 12.3]],
    "duration": 2400}``; anything else raises ``BadReport``."""
    if not isinstance(data, dict):
        raise BadReport("not an object")
    position = _seconds(data.get("position"))
    if position is None:
        raise BadReport("position")
    duration = data.get("duration")
    duration = _seconds(duration) if duration is not None else None
    if data.get("duration") is not None and not duration:
        raise BadReport("duration")
    stretches = data.get("played", [])
    if not isinstance(stretches, list) or len(stretches) > MAX_STRETCHES:
        raise BadReport("played")
    played = []
    for stretch in stretches:
        if not isinstance(stretch, list) or len(stretch) != 2:
            raise BadReport("played")
        start, end = (_seconds(value) for value in stretch)
        if start is None or end is None or end < start:
            raise BadReport("played")
        played.append((int(start), round(end)))
    return Report(int(position), played, round(duration) if duration else None)


def merge(stretches: Iterable[Sequence[int]]) -> list[list[int]]:
    """Sorted, non-overlapping stretches; touching ones become one."""
    merged: list[list[int]] = []
    for start, end in sorted((int(start), int(end)) for start, end in stretches):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    while len(merged) > MAX_STORED:  # join across the shortest gap
        gap = min(range(len(merged) - 1), key=lambda i: merged[i + 1][0] - merged[i][1])
        merged[gap : gap + 2] = [[merged[gap][0], merged[gap + 1][1]]]
    return merged


def record(enrolment_id: int, block_id: int, report: Report, now: dt.datetime) -> bool:
    """Store a report; False when it came too soon after the last one, or when the first report
    of this film was stored by another request at the same moment (nothing written then).

    Only the first report of a film inserts, in a savepoint of its own: two first reports at once
    meet the unique row, and the loser is dropped like a report that came too soon. Every later
    report (nearly all of them) updates the row it read, without a savepoint."""
    view = db.session.scalar(
        select(FilmView).where(FilmView.enrolment_id == enrolment_id, FilmView.block_id == block_id)
    )
    if view is not None:
        if view.updated_at > now - MIN_INTERVAL:
            return False
        _apply(view, report, now)
        db.session.flush()
        return True
    try:
        with db.session.begin_nested():
            view = FilmView(enrolment_id=enrolment_id, block_id=block_id, played=[])
            _apply(view, report, now)
            db.session.add(view)
    except IntegrityError:
        return False
    return True


def _apply(view: FilmView, report: Report, now: dt.datetime) -> None:
    view.position_seconds = report.position
    view.played = merge([*view.played, *report.played])
    if report.duration:
        view.duration_seconds = report.duration
    view.updated_at = now


def played_seconds(view: FilmView | None) -> int:
    return sum(end - start for start, end in view.played) if view else 0


def played_share(view: FilmView | None, film_seconds: int | None) -> float:
    """The share of the film played, 0–1; the film's length as its player reported it, else as the
    course says (``film_seconds``); 0 when neither is known."""
    length = (view.duration_seconds if view else None) or film_seconds
    if not length:
        return 0.0
    return min(1.0, played_seconds(view) / length)


def views_of(enrolment_id: int, block_ids: Sequence[int]) -> dict[int, FilmView]:
    if not block_ids:
        return {}
    return {
        view.block_id: view
        for view in db.session.scalars(
            select(FilmView).where(
                FilmView.enrolment_id == enrolment_id, FilmView.block_id.in_(block_ids)
            )
        )
    }
