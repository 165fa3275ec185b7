"""What the answers give: a leader's own series (her wheel over time) and the pseudonymous results
the averages are made of.

``my_results`` finds her responses through her pseudonym, which only the app with the key can
compute; ``results_for_aggregates`` gives one ``aggregates.Result`` per completed measurement with
the pseudonym as respondent and is meant for ``aggregates.aggregate`` only (``aggregate_wheels``):
never show its rows, they are one person's answers each. Scores are the mean of an area's statements
per dimension, over active areas and items, from completed responses only.

With ``goals=True`` a result also carries, per learning goal its statements are tagged with
(``AssessmentItem.goals``), the mean of those statements, as the cell ``(goal id, GOAL_DIMENSION)``:
the averages per learning goal are then worked out in the same ``aggregate`` call as the wheel's,
so exactly the same slices are shown and hidden for both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from flask_babel import format_date, gettext
from flask_babel.speaklater import LazyString
from sqlalchemy import and_, false, func, or_, select

from course_app.accounts.models import User
from course_app.assessments import aggregates
from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem
from course_app.assessments.wheel_text import MAX_SERIES, WheelArea, WheelData, WheelSeries
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.i18n import locale_name
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pseudonyms import pseudonym

Scores = dict[str, dict[str, float]]  # area key → dimension → mean

# The "dimension" of a learning goal's cell in an ``aggregates.Result`` (a goal id and an area key
# may be alike; the three real dimensions never are "goal").
GOAL_DIMENSION = "goal"

_POINT_ORDER = {MeasurementPoint.START: 0, MeasurementPoint.ADHOC: 1, MeasurementPoint.END: 2}


@dataclass(frozen=True)
class MyResult:
    """One of her completed measurements."""

    cohort_id: int
    cohort_name: str
    point: MeasurementPoint
    sequence: int
    completed_on: dt.date
    scores: Scores

    @property
    def key(self) -> str:
        return f"{self.point.value}-{self.cohort_id}-{self.sequence}"


def _scores(response_ids: Sequence[str]) -> dict[str, Scores]:
    """response id → area key → dimension → mean, over active areas and items."""
    if not response_ids:
        return {}
    rows = db.session.execute(
        select(
            AssessmentAnswer.response_id,
            AssessmentArea.key,
            AssessmentItem.dimension,
            func.avg(AssessmentAnswer.value),
        )
        .join(AssessmentItem, AssessmentItem.id == AssessmentAnswer.item_id)
        .join(AssessmentArea, AssessmentArea.id == AssessmentItem.area_id)
        .where(
            AssessmentAnswer.response_id.in_(list(response_ids)),
            AssessmentItem.retired_at.is_(None),
            AssessmentArea.retired_at.is_(None),
        )
        .group_by(AssessmentAnswer.response_id, AssessmentArea.key, AssessmentItem.dimension)
    )
    found: dict[str, Scores] = {}
    for response_id, area, dimension, mean in rows:
        found.setdefault(response_id, {}).setdefault(area, {})[str(dimension.value)] = round(
            float(mean), 2
        )
    return found


def my_results(user: User, assessment: Assessment) -> tuple[MyResult, ...]:
    """Her completed measurements of ``assessment`` in every round, oldest first."""
    rows = db.session.execute(
        select(AssessmentResponse, Cohort.name)
        .join(Cohort, Cohort.id == AssessmentResponse.cohort_id)
        .where(
            AssessmentResponse.pseudonym == pseudonym(user.id, assessment.id),
            AssessmentResponse.assessment_id == assessment.id,
            AssessmentResponse.completed_on.is_not(None),
        )
    ).all()
    scores = _scores([response.id for response, _ in rows])
    results = [
        MyResult(
            cohort_id=response.cohort_id,
            cohort_name=name,
            point=response.point,
            sequence=response.sequence,
            completed_on=response.completed_on,
            scores=scores.get(response.id, {}),
        )
        for response, name in rows
    ]
    return tuple(
        sorted(
            results,
            key=lambda r: (r.completed_on, _POINT_ORDER[r.point], r.cohort_id, r.sequence),
        )
    )


def _label(result: MyResult, with_round: bool) -> LazyString:
    def text() -> str:
        if result.point is MeasurementPoint.START:
            label = gettext("Start")
        elif result.point is MeasurementPoint.END:
            label = gettext("Slut")
        else:
            label = gettext("Løbende %(date)s", date=format_date(result.completed_on, "d. MMM y"))
        return f"{label} ({result.cohort_name})" if with_round else label

    return LazyString(text)


def wheel_areas(assessment: Assessment) -> tuple[WheelArea, ...]:
    """The wheel's spokes: the active areas of ``assessment`` in order, labelled in the locale shown."""
    areas = db.session.scalars(
        select(AssessmentArea)
        .where(AssessmentArea.assessment_id == assessment.id, AssessmentArea.retired_at.is_(None))
        .order_by(AssessmentArea.position, AssessmentArea.id)
    ).all()
    return tuple(WheelArea(area.key, _area_label(area)) for area in areas)


def wheel_data(assessment: Assessment, results: Iterable[MyResult]) -> WheelData:
    """Her wheel: the areas of ``assessment`` and her latest measurements (at most six series)."""
    results = tuple(results)[-MAX_SERIES:]
    with_round = len({result.cohort_id for result in results}) > 1
    return WheelData(
        areas=wheel_areas(assessment),
        series=tuple(
            WheelSeries(result.key, _label(result, with_round), result.scores) for result in results
        ),
        scale_min=assessment.scale_min,
        scale_max=assessment.scale_max,
    )


def _area_label(area: AssessmentArea) -> LazyString:
    def text() -> str:
        return area.title(locale_name())

    return LazyString(text)


def goals_of(assessment: Assessment) -> dict[int, tuple[str, ...]]:
    """item id → the learning goals it is tagged with, for the active items (and areas) with any."""
    rows = db.session.execute(
        select(AssessmentItem.id, AssessmentItem.goals)
        .join(AssessmentArea, AssessmentArea.id == AssessmentItem.area_id)
        .where(
            AssessmentItem.assessment_id == assessment.id,
            AssessmentItem.retired_at.is_(None),
            AssessmentArea.retired_at.is_(None),
        )
    )
    tagged = {}
    for item_id, goals in rows:
        found = tuple(dict.fromkeys(str(goal) for goal in goals or () if goal))
        if found:
            tagged[item_id] = found
    return tagged


def _goal_scores(
    response_ids: Sequence[str], tagged: Mapping[int, tuple[str, ...]]
) -> dict[str, dict[str, float]]:
    """response id → learning goal → mean of the goal's statements (rounded like ``_scores``)."""
    if not response_ids or not tagged:
        return {}
    rows = db.session.execute(
        select(
            AssessmentAnswer.response_id, AssessmentAnswer.item_id, AssessmentAnswer.value
        ).where(
            AssessmentAnswer.response_id.in_(list(response_ids)),
            AssessmentAnswer.item_id.in_(sorted(tagged)),
        )
    )
    values: dict[str, dict[str, list[int]]] = {}
    for response_id, item_id, value in rows:
        for goal in tagged[item_id]:
            values.setdefault(response_id, {}).setdefault(goal, []).append(value)
    return {
        response_id: {
            goal: round(float(Fraction(sum(found), len(found))), 2)
            for goal, found in by_goal.items()
        }
        for response_id, by_goal in values.items()
    }


def results_for_aggregates(
    assessment: Assessment,
    cohort_ids: Iterable[int],
    *,
    goals: bool = False,
    published: Mapping[MeasurementPoint, dt.date | None] | None = None,
) -> tuple[aggregates.Result, ...]:
    """One result per completed measurement in the rounds (for løbende: each pseudonym's latest per
    round), the pseudonym as respondent; organisation, area and group as copied at completion.
    ``goals``: add a cell per learning goal (``GOAL_DIMENSION``). ``published``: only these points,
    each only with responses completed before its day (None: all of the point's); the frozen sets
    the averages are published over (``publication.published_points``). None: every point.

    Every organisation's responses, always: what one viewer may see is chosen *after* the one
    ``aggregate`` call, among its shown slices. Aggregating a part of a round's results on its own
    (one organisation's, say) would decide the hiding differently from the whole, and the two
    outcomes together could give a difference of fewer than k people (``averages.py``)."""
    cohort_ids = sorted(set(cohort_ids))
    if not cohort_ids:
        return ()
    query = select(AssessmentResponse).where(
        AssessmentResponse.assessment_id == assessment.id,
        AssessmentResponse.cohort_id.in_(cohort_ids),
        AssessmentResponse.completed_on.is_not(None),
    )
    if published is not None:
        query = query.where(
            or_(
                false(),
                *(
                    and_(
                        AssessmentResponse.point == point, AssessmentResponse.completed_on < before
                    )
                    if before is not None
                    else AssessmentResponse.point == point
                    for point, before in published.items()
                ),
            )
        )
    responses = db.session.scalars(query.order_by(AssessmentResponse.sequence)).all()
    latest: dict[tuple[str, int, str], AssessmentResponse] = {}
    for response in responses:  # a later sequence replaces an earlier one
        latest[(response.pseudonym, response.cohort_id, response.point.value)] = response
    response_ids = [response.id for response in latest.values()]
    scores = _scores(response_ids)
    by_goal = _goal_scores(response_ids, goals_of(assessment)) if goals and response_ids else {}
    return tuple(
        aggregates.Result(
            respondent=response.pseudonym,
            organisation=response.organisation_id if response.organisation_id else "none",
            round=response.cohort_id,
            point=response.point.value,
            scores={
                **{
                    (area, dimension): value
                    for area, by_dimension in scores.get(response.id, {}).items()
                    for dimension, value in by_dimension.items()
                },
                **{
                    (goal, GOAL_DIMENSION): value
                    for goal, value in by_goal.get(response.id, {}).items()
                },
            },
            area=response.area_id,
            group=response.group_id,
        )
        for response in latest.values()
    )


def min_group() -> int:
    """k: no average covers fewer respondents (``ASSESSMENT_MIN_GROUP``, at least 3)."""
    return max(aggregates.MIN_K, int(current_app.config["ASSESSMENT_MIN_GROUP"]))


def aggregate_wheels(
    assessment: Assessment,
    cohort_ids: Iterable[int],
    slices: Iterable[aggregates.Slice] | None = None,
    *,
    goals: bool = False,
) -> tuple[aggregates.Outcome, ...]:
    """The averages the screens may show: ``aggregates.aggregate`` over the rounds' results (every
    organisation's) with the configured k (every slicing the screens offer when ``slices`` is None);
    ``goals`` as in ``results_for_aggregates``."""
    results = results_for_aggregates(assessment, cohort_ids, goals=goals)
    if slices is None:
        slices = aggregates.screen_slices(results)
    return aggregates.aggregate(results, slices, k=min_group())
