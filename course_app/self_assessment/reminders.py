"""The competence wheel's e-mails: "it is time for the start measurement", "… the end measurement",
and one reminder of each, through the scheduler's notices and its one e-mail per person per run.

A ``NoticeSource`` (``schedule.due_notices``), plugged into the app with the blueprint
(``round_views``). Who is called, per round that has a tool (``round_assessments``; an assessment
that is retired calls nobody):

- the round must be running (begun, not past its last day, not closed) and the point open
  (``taking.point_is_open``): the start measurement from the first day until the end measurement
  opens (``taking.end_opens_on``), then the end measurement until the last day. A leader who joins
  late is called to the point open then, in the same e-mail as the modules that open for her;
- everyone enrolled and not deactivated who has not done that point: for this platform's
  assessment, no *completed* participation (``AssessmentParticipation``) of the round's assessment;
  for an external tool, no dispatch (``AssessmentDispatch``). Nothing else is read: never a
  response;
- the opening notice once per person, round and point (the notice's object is the round);
- the reminder once, ``REMINDER_AFTER`` after the opening notice was sent, if she still has not
  done it, and not to people who unsubscribed from reminders (``User.reminders_stopped_at``).

Each rule is one query per point over all the rounds (four in all, whatever the number of people);
when the e-mail is written, ``still_due`` checks again (three queries), so a measurement completed
in between is not asked for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import and_, exists, or_, select

from course_app.accounts.models import User
from course_app.assessments.models import Assessment
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.schedule.digest import AssessmentCall
from course_app.schedule.due_notices import ASSESSMENT_REMINDER_AFTER
from course_app.schedule.models import Notice, NoticeReason
from course_app.self_assessment.models import (
    FIXED_POINTS,
    AssessmentParticipation,
    MeasurementPoint,
)
from course_app.self_assessment.round_models import AssessmentDispatch, RoundAssessment
from course_app.self_assessment.taking import point_is_open

REMINDER_AFTER = ASSESSMENT_REMINDER_AFTER

OPENING = {
    MeasurementPoint.START: NoticeReason.ASSESSMENT_START,
    MeasurementPoint.END: NoticeReason.ASSESSMENT_END,
}
REMINDER = {
    MeasurementPoint.START: NoticeReason.ASSESSMENT_START_REMINDER,
    MeasurementPoint.END: NoticeReason.ASSESSMENT_END_REMINDER,
}
POINT_OF = {reason: point for kinds in (OPENING, REMINDER) for point, reason in kinds.items()}


def called_point(cohort: Cohort, today: dt.date) -> MeasurementPoint | None:
    """The measurement the round calls its leaders to on ``today``: the end once it is open, else
    the start; None before the first day, after the last and in a closed round."""
    if cohort.is_closed or today < cohort.starts_on:
        return None
    if cohort.ends_on is not None and today > cohort.ends_on:
        return None
    if point_is_open(cohort, MeasurementPoint.END, today):
        return MeasurementPoint.END
    return MeasurementPoint.START


def _not_done(point: MeasurementPoint):
    """For a row of enrolments joined to the round's tool: she has not done ``point``."""
    completed = exists().where(
        AssessmentParticipation.user_id == Enrolment.user_id,
        AssessmentParticipation.cohort_id == Enrolment.cohort_id,
        AssessmentParticipation.assessment_id == RoundAssessment.assessment_id,
        AssessmentParticipation.point == point,
        AssessmentParticipation.completed.is_(True),
    )
    dispatched = exists().where(
        AssessmentDispatch.user_id == Enrolment.user_id,
        AssessmentDispatch.cohort_id == Enrolment.cohort_id,
        AssessmentDispatch.point == point,
    )
    return or_(
        and_(RoundAssessment.assessment_id.is_not(None), ~completed),
        and_(RoundAssessment.assessment_id.is_(None), ~dispatched),
    )


def _notice(reason: NoticeReason):
    return exists().where(
        Notice.user_id == Enrolment.user_id,
        Notice.reason == reason,
        Notice.object_id == Enrolment.cohort_id,
    )


def _candidates(point: MeasurementPoint, cohort_ids: list[int]):
    return (
        select(Enrolment.user_id, Enrolment.cohort_id)
        .join(User, User.id == Enrolment.user_id)
        .join(RoundAssessment, RoundAssessment.cohort_id == Enrolment.cohort_id)
        .where(
            Enrolment.cohort_id.in_(cohort_ids),
            User.deactivated_at.is_(None),
            _not_done(point),
        )
    )


def _rounds(cohort_ids: Iterable[int]) -> list[tuple[Cohort, RoundAssessment]]:
    """The rounds among ``cohort_ids`` with a tool that can be used (one query)."""
    ids = sorted(set(cohort_ids))
    if not ids:
        return []
    return [
        (cohort, tool)
        for cohort, tool in db.session.execute(
            select(Cohort, RoundAssessment)
            .join(RoundAssessment, RoundAssessment.cohort_id == Cohort.id)
            .outerjoin(Assessment, Assessment.id == RoundAssessment.assessment_id)
            .where(
                Cohort.id.in_(ids),
                or_(RoundAssessment.assessment_id.is_(None), Assessment.retired_at.is_(None)),
            )
        ).all()
    ]


class RoundToolNotices:
    """The competence wheel's ``NoticeSource``."""

    reasons = frozenset(POINT_OF)

    def due(self, cohort_ids: list[int], now: dt.datetime) -> list[tuple[NoticeReason, int, int]]:
        today = local_day(now)
        by_point: dict[MeasurementPoint, list[int]] = {point: [] for point in FIXED_POINTS}
        for cohort, _tool in _rounds(cohort_ids):
            point = called_point(cohort, today)
            if point is not None:
                by_point[point].append(cohort.id)
        due: list[tuple[NoticeReason, int, int]] = []
        for point, ids in by_point.items():
            if not ids:
                continue
            opening, reminder = OPENING[point], REMINDER[point]
            calls = _candidates(point, ids).where(~_notice(opening))
            due += [
                (opening, user_id, cohort_id) for user_id, cohort_id in db.session.execute(calls)
            ]
            told_long_ago = exists().where(
                Notice.user_id == Enrolment.user_id,
                Notice.reason == opening,
                Notice.object_id == Enrolment.cohort_id,
                Notice.notified_at <= now - REMINDER_AFTER,
            )
            reminders = _candidates(point, ids).where(
                User.reminders_stopped_at.is_(None), told_long_ago, ~_notice(reminder)
            )
            due += [
                (reminder, user_id, cohort_id)
                for user_id, cohort_id in db.session.execute(reminders)
            ]
        return due

    def still_due(
        self, notices: Sequence[Notice], now: dt.datetime
    ) -> Mapping[int, AssessmentCall]:
        today = local_day(now)
        rounds = {
            cohort.id: (cohort, tool) for cohort, tool in _rounds(n.cohort_id for n in notices)
        }
        if not rounds:
            return {}
        user_ids = sorted({notice.user_id for notice in notices})
        completed = set(
            db.session.execute(
                select(
                    AssessmentParticipation.user_id,
                    AssessmentParticipation.cohort_id,
                    AssessmentParticipation.assessment_id,
                    AssessmentParticipation.point,
                ).where(
                    AssessmentParticipation.cohort_id.in_(sorted(rounds)),
                    AssessmentParticipation.user_id.in_(user_ids),
                    AssessmentParticipation.completed.is_(True),
                )
            ).all()
        )
        dispatched = set(
            db.session.execute(
                select(
                    AssessmentDispatch.user_id,
                    AssessmentDispatch.cohort_id,
                    AssessmentDispatch.point,
                ).where(
                    AssessmentDispatch.cohort_id.in_(sorted(rounds)),
                    AssessmentDispatch.user_id.in_(user_ids),
                )
            ).all()
        )
        calls: dict[int, AssessmentCall] = {}
        for notice in notices:
            point = POINT_OF.get(notice.reason)
            found = rounds.get(notice.cohort_id)
            if point is None or found is None:
                continue
            cohort, tool = found
            if called_point(cohort, today) is not point:
                continue
            external = tool.assessment_id is None
            if external and (notice.user_id, cohort.id, point) in dispatched:
                continue
            if not external and (notice.user_id, cohort.id, tool.assessment_id, point) in completed:
                continue
            calls[notice.id] = AssessmentCall(
                round_name=cohort.name,
                point=point.value,
                link="",
                is_reminder=notice.reason == REMINDER[point],
                external=external,
            )
        return calls


ROUND_TOOL_NOTICES = RoundToolNotices()
