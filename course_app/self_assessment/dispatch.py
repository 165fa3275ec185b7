"""Sending a leader to her round's external competence wheel (e.g. the Center for Digital
Dannelse's): the only thing recorded is that she was sent there at the start or end point (for
reminders), once, however often she follows the link. Nothing of what she answers there reaches us;
a løbende measurement records nothing at all.

A plain function that needs no request: it flushes, never commits (the view commits).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from sqlalchemy.exc import IntegrityError

from course_app.accounts.models import User
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db
from course_app.core.errors import NotFound
from course_app.self_assessment.models import FIXED_POINTS, MeasurementPoint
from course_app.self_assessment.my_rounds import PointState, my_round
from course_app.self_assessment.round_models import AssessmentDispatch
from course_app.self_assessment.taking import SelfAssessmentError, not_open_message


def send_to_external_tool(user: User, cohort_id: int, point: object, now: dt.datetime) -> str:
    """The external tool's URL for her, after noting (start and end, once) that she was sent there.

    ``NotFound`` when the round is not hers, has no external tool, or the point is not a measurement
    point; ``RoundClosed`` when the round is closed; ``SelfAssessmentError`` (saying when it opens)
    when the point is not open yet. Nothing is written when refused."""
    found = my_round(user, cohort_id, point, now)
    url = found.external_url
    if not url or urlparse(url).scheme not in ("http", "https"):
        raise NotFound()
    point = MeasurementPoint(point)
    require_open_round(found.cohort)
    status = found.status(point)
    if status.state is PointState.NOT_OPEN:
        raise SelfAssessmentError(not_open_message(point, status.opens_on))
    if point in FIXED_POINTS and not status.sent:
        _record_once(AssessmentDispatch(user_id=user.id, cohort_id=found.cohort.id, point=point))
    return url


def _record_once(row: AssessmentDispatch) -> None:
    """Insert in a savepoint; another request that recorded it first (a double click) is fine."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        pass
