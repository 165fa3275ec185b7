"""Taking a measurement: start or resume, save a page (in any order, as often as she likes), complete.
Plain functions that need no request: they flush, never commit (the view commits once).

Every function takes the signed-in person and computes her pseudonym itself (``pseudonyms.py``): no
form field can choose whose response is written. The round must be one she is enrolled in
(``NotFound`` otherwise), open (``cohorts.read_only``) and begun; the point must be open in it:

- start and løbende ("adhoc"): from the round's first day until it is closed;
- end: from ``ASSESSMENT_END_OPENS_DAYS_BEFORE`` (30) days before the round's last day (``ends_on``)
  until the round is closed, so also after the last day; a round without a last day has no end
  measurement yet.

Every check runs before anything is written, so a refused request (a value off the scale, an item of
another page, a page that does not exist, a completed measurement) leaves the saved answers as they
were. Messages name the statement by its number on the page, never the value posted, and no value is
logged.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from course_app.accounts.models import User
from course_app.assessments.models import Assessment
from course_app.cohorts.models import Cohort, Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db
from course_app.core.errors import NotFound, ServiceError
from course_app.core.i18n import COPENHAGEN
from course_app.organisations.models import GroupMembership
from course_app.self_assessment.models import (
    FIXED_POINTS,
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pages import Page, all_items, pages
from course_app.self_assessment.pseudonyms import pseudonym

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,4}")


class SelfAssessmentError(ServiceError):
    """A refused request; nothing was written. ``problems`` lists every message (the first is the
    exception's own); ``statements`` gives, for each problem about one statement of the page, the
    statement's item key (None for a problem of the whole page), so a page can point at it."""

    def __init__(self, *problems, statements: tuple[str | None, ...] = ()) -> None:
        super().__init__(problems[0])
        self.problems = tuple(problems)
        self.statements = tuple(statements) + (None,) * (len(self.problems) - len(statements))


class AlreadyCompleted(SelfAssessmentError):
    def __init__(self) -> None:
        super().__init__(
            _l("Du har allerede afsluttet denne måling. Dine svar er gemt og kan ikke ændres.")
        )


@dataclass(frozen=True)
class Taking:
    """A measurement in progress: its pages, the answers saved so far (item key → value) and the
    first page with a statement not yet answered (None: all answered, ready to complete)."""

    response: AssessmentResponse
    pages: tuple[Page, ...]
    answers: Mapping[str, int]

    @property
    def next_page(self) -> int | None:
        for page in self.pages:
            if any(key not in self.answers for key in page.item_keys):
                return page.number
        return None

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def total(self) -> int:
        return sum(len(page.items) for page in self.pages)


# --- checks ---------------------------------------------------------------------------------------


def local_day(now: dt.datetime) -> dt.date:
    """The Copenhagen day of ``now``: the only time a response keeps."""
    return now.astimezone(COPENHAGEN).date()


def measurement_point(value: object) -> MeasurementPoint:
    try:
        return MeasurementPoint(value)
    except ValueError:
        raise SelfAssessmentError(_l("Målepunktet findes ikke.")) from None


def end_opens_on(cohort: Cohort) -> dt.date | None:
    if cohort.ends_on is None:
        return None
    days = current_app.config["ASSESSMENT_END_OPENS_DAYS_BEFORE"]
    return cohort.ends_on - dt.timedelta(days=days)


def point_is_open(cohort: Cohort, point: MeasurementPoint, today: dt.date) -> bool:
    if cohort.is_closed or today < cohort.starts_on:
        return False
    if point is MeasurementPoint.END:
        opens = end_opens_on(cohort)
        return opens is not None and today >= opens
    return True


def opens_on(cohort: Cohort, point: MeasurementPoint) -> dt.date | None:
    """The first day ``point`` can be taken in ``cohort`` (None: an end point of a round without a
    last day)."""
    if point is MeasurementPoint.END:
        opens = end_opens_on(cohort)
        return max(opens, cohort.starts_on) if opens is not None else None
    return cohort.starts_on


def not_open_message(point: MeasurementPoint, opens: dt.date | None):
    """Why a point cannot be taken yet, with the day it opens (``opens_on``)."""
    if point is MeasurementPoint.END:
        if opens is None:
            return _l("Slutmålingen åbner, når forløbet har en slutdato.")
        return _l("Slutmålingen åbner %(date)s.", date=format_date(opens, "long"))
    return _l("Forløbet begynder %(date)s.", date=format_date(opens, "long"))


def _check(
    user: User, cohort: Cohort, assessment: Assessment, point: object, now: dt.datetime
) -> MeasurementPoint:
    point = measurement_point(point)
    enrolled = db.session.scalar(
        select(exists().where(Enrolment.user_id == user.id, Enrolment.cohort_id == cohort.id))
    )
    if not enrolled or assessment.retired_at is not None:
        raise NotFound(_l("Siden findes ikke."))
    require_open_round(cohort)
    if not point_is_open(cohort, point, local_day(now)):
        raise SelfAssessmentError(not_open_message(point, opens_on(cohort, point)))
    return point


def _checked_answers(assessment: Assessment, page: Page, answers: object) -> dict[int, int]:
    """item id → value for the answers posted on ``page``; ``SelfAssessmentError`` naming every
    problem (by the statement's number on the page) otherwise."""
    if not isinstance(answers, Mapping):
        raise SelfAssessmentError(_l("Svarene kunne ikke læses."))
    by_key = {item.key: (number, item) for number, item in enumerate(page.items, start=1)}
    checked: dict[int, int] = {}
    problems = []
    statements: list[str | None] = []
    for key, value in answers.items():
        found = by_key.get(key) if isinstance(key, str) else None
        if found is None:
            problems.append(_l("Et af svarene hører ikke til side %(page)d.", page=page.number))
            statements.append(None)
            continue
        number, item = found
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
            value = int(value.strip())
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not assessment.scale_min <= value <= assessment.scale_max
        ):
            problems.append(
                _l(
                    "Svaret på udsagn %(number)d skal være et tal fra %(low)d til %(high)d.",
                    number=number,
                    low=assessment.scale_min,
                    high=assessment.scale_max,
                )
            )
            statements.append(item.key)
            continue
        checked[item.id] = value
    if problems:
        raise SelfAssessmentError(*problems, statements=tuple(statements))
    return checked


def page_of(assessment_pages: tuple[Page, ...], number: object) -> Page:
    """The page numbered ``number``; ``SelfAssessmentError`` when the measurement has none."""
    if isinstance(number, int) and not isinstance(number, bool):
        for page in assessment_pages:
            if page.number == number:
                return page
    raise SelfAssessmentError(_l("Siden findes ikke i denne måling."))


# --- finding and making the response --------------------------------------------------------------


def _responses(mine: str, cohort: Cohort, assessment: Assessment, point: MeasurementPoint):
    return select(AssessmentResponse).where(
        AssessmentResponse.pseudonym == mine,
        AssessmentResponse.assessment_id == assessment.id,
        AssessmentResponse.cohort_id == cohort.id,
        AssessmentResponse.point == point,
    )


def _latest(mine: str, cohort: Cohort, assessment: Assessment, point: MeasurementPoint):
    return db.session.scalar(
        _responses(mine, cohort, assessment, point)
        .order_by(AssessmentResponse.sequence.desc())
        .limit(1)
    )


def _open_response(
    user: User,
    cohort: Cohort,
    assessment: Assessment,
    point: MeasurementPoint,
    sequence: int | None,
) -> AssessmentResponse:
    """The response she is answering now; refused when there is none or it is completed (or, with
    ``sequence``, when the page was for another one)."""
    latest = _latest(pseudonym(user.id, assessment.id), cohort, assessment, point)
    if latest is None:
        raise SelfAssessmentError(_l("Start målingen først."))
    if latest.completed_on is not None or (sequence is not None and sequence != latest.sequence):
        raise AlreadyCompleted()
    return latest


def open_taking(
    user: User,
    cohort: Cohort,
    assessment: Assessment,
    point: MeasurementPoint,
    assessment_pages: tuple[Page, ...],
) -> Taking | None:
    """The measurement she has started and not completed at ``point``, with her saved answers;
    None when there is none (not started, or completed). Reads only: a page shown never writes."""
    latest = _latest(pseudonym(user.id, assessment.id), cohort, assessment, point)
    if latest is None or latest.completed_on is not None:
        return None
    return Taking(latest, assessment_pages, _answers_of(latest, assessment_pages))


def is_completed(
    user: User, cohort: Cohort, assessment: Assessment, point: MeasurementPoint, sequence: int
) -> bool:
    """Whether her measurement number ``sequence`` at ``point`` is completed (reads only)."""
    return bool(
        db.session.scalar(
            select(
                _responses(pseudonym(user.id, assessment.id), cohort, assessment, point)
                .where(
                    AssessmentResponse.sequence == sequence,
                    AssessmentResponse.completed_on.is_not(None),
                )
                .exists()
            )
        )
    )


def _insert_once(row: object) -> bool:
    """Insert ``row`` in a savepoint; False when a unique key says another request was first."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def _answers_of(response: AssessmentResponse, assessment_pages: tuple[Page, ...]) -> dict[str, int]:
    keys = {item.id: item.key for item in all_items(assessment_pages)}
    rows = db.session.execute(
        select(AssessmentAnswer.item_id, AssessmentAnswer.value).where(
            AssessmentAnswer.response_id == response.id
        )
    )
    return {keys[item_id]: value for item_id, value in rows if item_id in keys}


def start_or_resume(
    user: User, cohort: Cohort, assessment: Assessment, point: object, now: dt.datetime
) -> Taking:
    """Her measurement at ``point`` in ``cohort``: the one she is answering, or a new one. Start and
    end once per round (``AlreadyCompleted`` after that); løbende a new one whenever the last is
    completed."""
    point = _check(user, cohort, assessment, point, now)
    mine = pseudonym(user.id, assessment.id)
    assessment_pages = pages(assessment)
    for _attempt in range(3):
        latest = _latest(mine, cohort, assessment, point)
        if latest is not None and latest.completed_on is None:
            return Taking(latest, assessment_pages, _answers_of(latest, assessment_pages))
        if latest is not None and point in FIXED_POINTS:
            raise AlreadyCompleted()
        sequence = 0 if point in FIXED_POINTS else (latest.sequence + 1 if latest else 1)
        response = AssessmentResponse(
            pseudonym=mine,
            assessment_id=assessment.id,
            cohort_id=cohort.id,
            point=point,
            sequence=sequence,
        )
        if _insert_once(response):
            if point in FIXED_POINTS:
                _note_participation(user, cohort, assessment, point)
            return Taking(response, assessment_pages, {})
    raise SelfAssessmentError(_l("Der er travlt lige nu. Prøv igen om et øjeblik."))


def _note_participation(
    user: User, cohort: Cohort, assessment: Assessment, point: MeasurementPoint
) -> None:
    key = (user.id, cohort.id, assessment.id, point)
    if db.session.get(AssessmentParticipation, key) is None:
        _insert_once(
            AssessmentParticipation(
                user_id=user.id, cohort_id=cohort.id, assessment_id=assessment.id, point=point
            )
        )


def save_page(
    user: User,
    cohort: Cohort,
    assessment: Assessment,
    point: object,
    page_number: object,
    answers: object,
    now: dt.datetime,
    *,
    sequence: int | None = None,
) -> Taking:
    """Save the answers posted on one page (item key → value; a statement left out stays as it
    was). Pages may come in any order and twice: the last value of a statement counts."""
    point = _check(user, cohort, assessment, point, now)
    assessment_pages = pages(assessment)
    page = page_of(assessment_pages, page_number)
    checked = _checked_answers(assessment, page, answers)
    response = _open_response(user, cohort, assessment, point, sequence)
    for _attempt in range(3):
        try:
            with db.session.begin_nested():
                _upsert(response, checked)
            break
        except IntegrityError:  # another request inserted one of these answers meanwhile
            continue
    else:
        raise SelfAssessmentError(_l("Der er travlt lige nu. Prøv igen om et øjeblik."))
    return Taking(response, assessment_pages, _answers_of(response, assessment_pages))


def _upsert(response: AssessmentResponse, checked: Mapping[int, int]) -> None:
    saved = dict(
        db.session.execute(
            select(AssessmentAnswer.item_id, AssessmentAnswer.value).where(
                AssessmentAnswer.response_id == response.id,
                AssessmentAnswer.item_id.in_(list(checked)),
            )
        ).all()
    )
    for item_id, value in checked.items():
        if item_id not in saved:
            db.session.add(AssessmentAnswer(response_id=response.id, item_id=item_id, value=value))
        elif saved[item_id] != value:
            db.session.execute(
                update(AssessmentAnswer)
                .where(
                    AssessmentAnswer.response_id == response.id,
                    AssessmentAnswer.item_id == item_id,
                )
                .values(value=value)
                .execution_options(synchronize_session=False)
            )
    db.session.flush()


def complete(
    user: User,
    cohort: Cohort,
    assessment: Assessment,
    point: object,
    now: dt.datetime,
    *,
    sequence: int | None = None,
) -> AssessmentResponse:
    """Complete her measurement: every statement must be answered. The response gets the day and
    the organisation, area and leader group she has now (for the averages); her participation at
    start or end is marked completed."""
    point = _check(user, cohort, assessment, point, now)
    assessment_pages = pages(assessment)
    response = _open_response(user, cohort, assessment, point, sequence)
    answers = _answers_of(response, assessment_pages)
    missing = [page.number for page in assessment_pages if set(page.item_keys) - set(answers)]
    if missing:
        count = sum(len(set(page.item_keys) - set(answers)) for page in assessment_pages)
        raise SelfAssessmentError(
            _l(
                "Du mangler at svare på %(count)d udsagn (side %(pages)s).",
                count=count,
                pages=", ".join(str(number) for number in missing),
            )
        )
    done = db.session.execute(
        update(AssessmentResponse)
        .where(AssessmentResponse.id == response.id, AssessmentResponse.completed_on.is_(None))
        .values(
            completed_on=local_day(now),
            organisation_id=user.organisation_id,
            area_id=user.area_id,
            group_id=_group_at(user, now),
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise AlreadyCompleted()
    if point in FIXED_POINTS:
        _note_participation(user, cohort, assessment, point)
        db.session.execute(
            update(AssessmentParticipation)
            .where(
                AssessmentParticipation.user_id == user.id,
                AssessmentParticipation.cohort_id == cohort.id,
                AssessmentParticipation.assessment_id == assessment.id,
                AssessmentParticipation.point == point,
            )
            .values(completed=True)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    db.session.refresh(response)
    return response


def _group_at(user: User, now: dt.datetime) -> int | None:
    return db.session.scalar(
        select(GroupMembership.group_id)
        .where(GroupMembership.user_id == user.id, GroupMembership.current_at(now))
        .order_by(GroupMembership.valid_from.desc(), func.coalesce(GroupMembership.id, 0).desc())
        .limit(1)
    )
