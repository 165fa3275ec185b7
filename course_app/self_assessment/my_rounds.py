"""A leader's competence wheel per round: her rounds that have a self-assessment, and per round the
measurement points (start, end, løbende) with where she stands at each.

Plain functions that need no request: they take the person and ``now`` and only read. A fixed number
of queries whatever the number of her rounds (enrolments, tools, assessments, her responses, their
answer counts, the statements per assessment, her dispatches), so the overview does not grow a query
per round.

What a point can be:

- ``NOT_OPEN``: not yet (``opens_on`` is the day it opens, None for an end point of a round without
  a last day);
- ``OPEN``: she can start (for løbende: a new one; ``completed_on`` is the last one she completed);
- ``IN_PROGRESS``: started, ``answered`` of ``total`` statements answered;
- ``COMPLETED``: start or end completed on ``completed_on``;
- ``CLOSED``: the round is closed and she did not complete it.

For an external tool nothing of her answers reaches us: a point is ``NOT_OPEN``, ``OPEN`` or
``CLOSED``, and ``sent`` says whether she followed the link there (start and end only).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from course_app.accounts.models import User
from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotFound
from course_app.self_assessment import round_tools
from course_app.self_assessment.models import (
    FIXED_POINTS,
    AssessmentAnswer,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pseudonyms import pseudonym
from course_app.self_assessment.round_models import AssessmentDispatch, RoundAssessment
from course_app.self_assessment.taking import local_day, not_open_message, opens_on, point_is_open


class PointState(enum.StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"


@dataclass(frozen=True)
class PointStatus:
    point: MeasurementPoint
    state: PointState
    opens_on: dt.date | None = None
    answered: int = 0
    total: int = 0
    completed_on: dt.date | None = None  # løbende: the latest completed one
    completed_count: int = 0  # løbende: how many she has completed in the round
    sent: bool = False  # external tool: she followed the link (start and end)

    @property
    def is_open(self) -> bool:
        return self.state in (PointState.OPEN, PointState.IN_PROGRESS)

    @property
    def percent(self) -> int:
        return self.answered * 100 // self.total if self.total else 0

    @property
    def refusal(self):
        """Why it cannot be taken yet, with the day it opens (None unless ``NOT_OPEN``): the
        message ``taking`` refuses with."""
        if self.state is not PointState.NOT_OPEN:
            return None
        return not_open_message(self.point, self.opens_on)


@dataclass(frozen=True)
class MyRound:
    cohort: Cohort
    tool: RoundAssessment
    assessment: Assessment | None  # None: an external tool
    points: tuple[PointStatus, ...]

    @property
    def external_url(self) -> str | None:
        return self.tool.external_url if self.assessment is None else None

    def status(self, point: MeasurementPoint | str) -> PointStatus:
        point = MeasurementPoint(point)
        return next(status for status in self.points if status.point is point)


@dataclass(frozen=True)
class MyOverview:
    rounds: tuple[MyRound, ...]
    # The assessments she has completed a measurement of (her wheels), by title.
    wheels: tuple[Assessment, ...]


# --- the overview ---------------------------------------------------------------------------------


def my_overview(user: User, now: dt.datetime) -> MyOverview:
    """Her rounds that have a competence wheel (newest first) and the wheels she has results in."""
    cohorts = list(
        db.session.scalars(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.user_id == user.id)
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        )
    )
    assessments = {
        row.id: row for row in db.session.scalars(select(Assessment).order_by(Assessment.id))
    }
    return MyOverview(
        rounds=_rounds(user, cohorts, now, assessments), wheels=_wheels(user, assessments)
    )


def my_round(user: User, cohort_id: int, point: object, now: dt.datetime) -> MyRound:
    """One of her rounds with its tool, for the pages of one point; ``NotFound`` when the round is
    not hers, has no competence wheel (or a retired one), or the point is not a measurement point."""
    try:
        point = MeasurementPoint(point)
    except ValueError:
        raise NotFound() from None
    cohort = None
    if isinstance(cohort_id, int) and is_possible_id(cohort_id):
        cohort = db.session.scalar(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Cohort.id == cohort_id, Enrolment.user_id == user.id)
        )
    found = _rounds(user, [cohort], now) if cohort is not None else ()
    if not found:
        raise NotFound()
    return found[0]


def _rounds(
    user: User,
    cohorts: list[Cohort],
    now: dt.datetime,
    assessments: dict[int, Assessment] | None = None,
) -> tuple[MyRound, ...]:
    """``assessments``: every assessment by id, when the caller has them (else loaded here)."""
    tools = round_tools.tools_of([cohort.id for cohort in cohorts])
    if not tools:
        return ()
    if assessments is None:
        assessments = _assessments(
            tool.assessment_id for tool in tools.values() if tool.assessment_id
        )
    with_tool = []
    for cohort in cohorts:
        tool = tools.get(cohort.id)
        if tool is None:
            continue
        if tool.assessment_id is not None:
            assessment = assessments.get(tool.assessment_id)
            if assessment is None or assessment.retired_at is not None:
                continue  # a retired assessment can no longer be taken
            with_tool.append((cohort, tool, assessment))
        elif tool.external_url:
            with_tool.append((cohort, tool, None))
    if not with_tool:
        return ()
    platform = [(cohort, a) for cohort, _, a in with_tool if a is not None]
    responses = _responses(user, platform)
    totals = _totals({a.id for _, a in platform})
    answered = _answered([row.id for row in responses if row.completed_on is None])
    external = [cohort.id for cohort, _, a in with_tool if a is None]
    sent = _dispatches(user, external)
    today = local_day(now)
    return tuple(
        MyRound(
            cohort=cohort,
            tool=tool,
            assessment=assessment,
            points=tuple(
                _platform_status(
                    cohort,
                    point,
                    today,
                    [
                        row
                        for row in responses
                        if row.cohort_id == cohort.id
                        and row.assessment_id == assessment.id
                        and row.point is point
                    ],
                    answered,
                    totals.get(assessment.id, 0),
                )
                if assessment is not None
                else _external_status(cohort, point, today, (cohort.id, point) in sent)
                for point in MeasurementPoint
            ),
        )
        for cohort, tool, assessment in with_tool
    )


def _assessments(ids: Iterable[int]) -> dict[int, Assessment]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    return {
        row.id: row for row in db.session.scalars(select(Assessment).where(Assessment.id.in_(ids)))
    }


def _responses(user: User, platform: list[tuple[Cohort, Assessment]]) -> list:
    """Her responses (id, round, assessment, point, sequence, completed day) in these rounds, found
    by her pseudonym per assessment (computed here; one query)."""
    if not platform:
        return []
    by_assessment: dict[int, set[int]] = {}
    for cohort, assessment in platform:
        by_assessment.setdefault(assessment.id, set()).add(cohort.id)
    return list(
        db.session.execute(
            select(
                AssessmentResponse.id,
                AssessmentResponse.cohort_id,
                AssessmentResponse.assessment_id,
                AssessmentResponse.point,
                AssessmentResponse.sequence,
                AssessmentResponse.completed_on,
            )
            .where(
                or_(
                    *(
                        and_(
                            AssessmentResponse.pseudonym == pseudonym(user.id, assessment_id),
                            AssessmentResponse.assessment_id == assessment_id,
                            AssessmentResponse.cohort_id.in_(sorted(cohort_ids)),
                        )
                        for assessment_id, cohort_ids in sorted(by_assessment.items())
                    )
                )
            )
            .order_by(AssessmentResponse.sequence)
        )
    )


def _totals(assessment_ids: set[int]) -> dict[int, int]:
    """assessment id → its number of statements (active items of active areas, as its pages)."""
    if not assessment_ids:
        return {}
    rows = db.session.execute(
        select(AssessmentItem.assessment_id, func.count(AssessmentItem.id))
        .join(AssessmentArea, AssessmentArea.id == AssessmentItem.area_id)
        .where(
            AssessmentItem.assessment_id.in_(sorted(assessment_ids)),
            AssessmentItem.retired_at.is_(None),
            AssessmentArea.retired_at.is_(None),
        )
        .group_by(AssessmentItem.assessment_id)
    )
    return {assessment_id: count for assessment_id, count in rows}


def _answered(response_ids: list[str]) -> dict[str, int]:
    """response id → statements answered (active ones only, as its pages count them)."""
    if not response_ids:
        return {}
    rows = db.session.execute(
        select(AssessmentAnswer.response_id, func.count(AssessmentAnswer.item_id))
        .join(AssessmentItem, AssessmentItem.id == AssessmentAnswer.item_id)
        .join(AssessmentArea, AssessmentArea.id == AssessmentItem.area_id)
        .where(
            AssessmentAnswer.response_id.in_(response_ids),
            AssessmentItem.retired_at.is_(None),
            AssessmentArea.retired_at.is_(None),
        )
        .group_by(AssessmentAnswer.response_id)
    )
    return {response_id: count for response_id, count in rows}


def _dispatches(user: User, cohort_ids: list[int]) -> set[tuple[int, MeasurementPoint]]:
    if not cohort_ids:
        return set()
    rows = db.session.execute(
        select(AssessmentDispatch.cohort_id, AssessmentDispatch.point).where(
            AssessmentDispatch.user_id == user.id, AssessmentDispatch.cohort_id.in_(cohort_ids)
        )
    )
    return {(cohort_id, point) for cohort_id, point in rows}


def _not_open(cohort: Cohort, point: MeasurementPoint, today: dt.date) -> PointStatus | None:
    """The status of a point she cannot take now (None: it is open)."""
    if cohort.is_closed:
        return PointStatus(point, PointState.CLOSED)
    if point_is_open(cohort, point, today):
        return None
    return PointStatus(point, PointState.NOT_OPEN, opens_on=opens_on(cohort, point))


def _platform_status(
    cohort: Cohort,
    point: MeasurementPoint,
    today: dt.date,
    responses: list,
    answered: dict[str, int],
    total: int,
) -> PointStatus:
    completed = [row for row in responses if row.completed_on is not None]
    latest = responses[-1] if responses else None  # ordered by sequence
    if point in FIXED_POINTS and completed:
        return PointStatus(
            point,
            PointState.COMPLETED,
            total=total,
            answered=total,
            completed_on=completed[-1].completed_on,
            completed_count=1,
        )
    last_done = max((row.completed_on for row in completed), default=None)
    refused = _not_open(cohort, point, today)
    if refused is not None:
        return PointStatus(
            point,
            refused.state,
            opens_on=refused.opens_on,
            total=total,
            completed_on=last_done,
            completed_count=len(completed),
        )
    if latest is not None and latest.completed_on is None:
        return PointStatus(
            point,
            PointState.IN_PROGRESS,
            answered=answered.get(latest.id, 0),
            total=total,
            completed_on=last_done,
            completed_count=len(completed),
        )
    return PointStatus(
        point, PointState.OPEN, total=total, completed_on=last_done, completed_count=len(completed)
    )


def _external_status(
    cohort: Cohort, point: MeasurementPoint, today: dt.date, sent: bool
) -> PointStatus:
    refused = _not_open(cohort, point, today)
    if refused is not None:
        return PointStatus(point, refused.state, opens_on=refused.opens_on, sent=sent)
    return PointStatus(point, PointState.OPEN, sent=sent)


def _wheels(user: User, assessments: dict[int, Assessment]) -> tuple[Assessment, ...]:
    """The assessments she has completed a measurement of, in any round (one query); a retired
    assessment has no wheel page."""
    assessments = {key: row for key, row in assessments.items() if row.retired_at is None}
    if not assessments:
        return ()
    found = db.session.scalars(
        select(AssessmentResponse.assessment_id)
        .where(
            or_(
                *(
                    and_(
                        AssessmentResponse.pseudonym == pseudonym(user.id, assessment_id),
                        AssessmentResponse.assessment_id == assessment_id,
                    )
                    for assessment_id in sorted(assessments)
                )
            ),
            AssessmentResponse.completed_on.is_not(None),
        )
        .distinct()
    )
    return tuple(assessments[assessment_id] for assessment_id in sorted(set(found)))
