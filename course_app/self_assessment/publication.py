"""When the competence wheel's averages of a round are published, and over which answers: once a
measurement point's answers can no longer grow, always over that frozen set, so two views at two
moments cannot be subtracted (``averages.py``'s docstring, docs/privacy.md).

- start: from the *cutoff day* on, over the start answers completed before it: the day the end
  measurement opens, or the day after the round was closed if that is earlier;
- end and løbende: once the round is closed, over all of their completed answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from course_app.cohorts.models import Cohort
from course_app.core.clock import local_day
from course_app.self_assessment import taking
from course_app.self_assessment.models import MeasurementPoint

# Why a point's averages wait until its answers are frozen (shown with ``Pending``).
WHY_PENDING = _l(
    "Så kan ingen regne en enkelt persons svar ud ved at sammenligne tallene før og efter, at hun har svaret."
)


def start_cutoff(cohort: Cohort) -> dt.date | None:
    """The day the start averages are shown from, over the start answers completed before it: the
    day the end measurement opens, or the day after the round was closed if that is earlier. None:
    not known yet (no last day, not closed)."""
    days = [taking.end_opens_on(cohort)]
    if cohort.closed_at is not None:
        days.append(local_day(cohort.closed_at) + dt.timedelta(days=1))
    return min((day for day in days if day is not None), default=None)


def published_points(cohort: Cohort, today: dt.date) -> dict[MeasurementPoint, dt.date | None]:
    """The points whose averages are shown on ``today``, each with the day its answers must be
    completed before (None: all of its completed answers). A point not here is shown to nobody."""
    published: dict[MeasurementPoint, dt.date | None] = {}
    cutoff = start_cutoff(cohort)
    if cutoff is not None and today >= cutoff:
        published[MeasurementPoint.START] = cutoff
    if cohort.is_closed:
        published[MeasurementPoint.END] = None
        published[MeasurementPoint.ADHOC] = None
    return published


@dataclass(frozen=True)
class Pending:
    """Points whose averages are not shown yet, and when they will be."""

    points: tuple[MeasurementPoint, ...]
    message: str | LazyString


def pending_points(
    cohort: Cohort, published: Mapping[MeasurementPoint, dt.date | None]
) -> tuple[Pending, ...]:
    found = []
    if MeasurementPoint.START not in published:
        cutoff = start_cutoff(cohort)
        if cutoff is None:
            message = _l("Gennemsnittet af startmålingerne vises, når forløbet har en slutdato.")
        elif cohort.is_closed:
            message = _l(
                "Gennemsnittet af startmålingerne vises fra %(date)s.",
                date=format_date(cutoff, "long"),
            )
        else:
            message = _l(
                "Gennemsnittet af startmålingerne vises fra %(date)s, når slutmålingen åbner.",
                date=format_date(cutoff, "long"),
            )
        found.append(Pending((MeasurementPoint.START,), message))
    later = tuple(p for p in (MeasurementPoint.END, MeasurementPoint.ADHOC) if p not in published)
    if later:
        found.append(
            Pending(
                later,
                _l(
                    "Gennemsnittet af slutmålingerne og de løbende målinger vises, når forløbet er lukket."
                ),
            )
        )
    return tuple(found)
