"""Her own wheel page: who may open it, and what it shows. Plain functions that need no request.

Only she sees her wheel: it is built from ``results.my_results`` (her pseudonym, computed from the
signed-in person), never from a posted value. She may open an assessment's page when she has
completed a measurement of it, or is enrolled in a round that uses it (``round_tools``); for anyone
else, and for a retired assessment, it does not exist (``NotFound``: the view answers 404 and so
does not reveal that the assessment exists). The page's queries do not grow with her results.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from course_app.accounts.models import User
from course_app.assessments.models import Assessment
from course_app.assessments.wheel import DIMENSION_STYLES, SERIES_STYLES, Wheel, build_wheel
from course_app.assessments.wheel_text import MIN_AREAS
from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.core.errors import NotFound
from course_app.self_assessment import results, wheel_reflections
from course_app.self_assessment.models import AssessmentResponse
from course_app.self_assessment.pseudonyms import configured_key, pseudonym
from course_app.self_assessment.round_models import RoundAssessment
from course_app.self_assessment.texts import DIMENSION_LOOKS, SERIES_LOOKS

# The legend's words follow the wheel's styles one to one.
assert len(DIMENSION_LOOKS) == len(DIMENSION_STYLES) and len(SERIES_LOOKS) == len(SERIES_STYLES)


@dataclass(frozen=True)
class WheelPage:
    assessment: Assessment
    measurements: int  # her completed measurements (the wheel shows the latest six)
    wheel: Wheel | None  # None: no completed measurement yet (the empty state), or too few areas
    reflections: tuple[wheel_reflections.Reflection, ...]
    too_few_areas: bool = False  # a re-import left fewer than three active areas: no wheel to draw


def _may_open(user: User, assessment: Assessment) -> bool:
    """She has completed a measurement of the assessment, or is enrolled in a round using it."""
    in_round = exists().where(
        Enrolment.user_id == user.id,
        RoundAssessment.cohort_id == Enrolment.cohort_id,
        RoundAssessment.assessment_id == assessment.id,
    )
    conditions = [in_round]
    if configured_key():  # without the key no response can be hers
        conditions.append(
            exists().where(
                AssessmentResponse.pseudonym == pseudonym(user.id, assessment.id),
                AssessmentResponse.assessment_id == assessment.id,
                AssessmentResponse.completed_on.is_not(None),
            )
        )
    return bool(db.session.scalar(select(or_(*conditions))))


def open_assessment(user: User, assessment_id: int) -> Assessment:
    """The assessment whose wheel page she may open (``NotFound`` otherwise, whatever the reason)."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.retired_at is not None or not _may_open(user, assessment):
        raise NotFound()
    return assessment


def wheel_page(user: User, assessment: Assessment) -> WheelPage:
    """Her wheel (start, end and løbende overlaid, the latest six), its legend, table and short text,
    and her reflections. Raises ``SelfAssessmentUnavailable`` when the pseudonym key is missing."""
    mine = results.my_results(user, assessment)
    wheel = None
    too_few_areas = bool(mine) and len(results.wheel_areas(assessment)) < MIN_AREAS
    if mine and not too_few_areas:
        wheel = build_wheel(results.wheel_data(assessment, mine), id_prefix="mit-hjul")
    return WheelPage(
        assessment,
        len(mine),
        wheel,
        wheel_reflections.reflections(user, assessment),
        too_few_areas,
    )
