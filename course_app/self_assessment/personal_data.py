"""The self-assessment in a person's data export and in her erasure (course_app/privacy).

Her participations are hers by user id. Her responses carry no user id: the export finds them the
only way anything can, by computing her pseudonym with the key, in the app, for her own download.
Erasing her deletes her participations and her unfinished responses, and gives her completed
responses a new random pseudonym: they still count in the averages, but not even the key leads to
them any more (anonymous, no longer personal data).

Her reflections on the wheel page (``wheel_reflections``) and the record that she was sent to a
round's external tool (``assessment_dispatches``) are hers by user id: the export carries both,
erasure deletes both.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select, update

from course_app.accounts.models import User
from course_app.assessments.models import Assessment, AssessmentItem
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.self_assessment import wheel_reflections
from course_app.self_assessment.models import (
    PSEUDONYM_LENGTH,
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
)
from course_app.self_assessment.pseudonyms import configured_key, pseudonym
from course_app.self_assessment.round_models import AssessmentDispatch, WheelReflection

Row = Callable[..., dict[str, Any]]

# The tables the export carries (privacy/export.py joins them to its list), with the sections:
# [self_assessment_participations] by user id; [self_assessment_responses] through the pseudonym;
# [self_assessment_reflections] and [self_assessment_dispatches] by user id.
EXPORTED_TABLES = frozenset(
    {
        "assessment_participations",
        "assessment_responses",
        "assessment_answers",
        "wheel_reflections",
        "assessment_dispatches",
    }
)


def participations(user: User, row: Row) -> list[dict[str, Any]]:
    """Which start and end measurements she has started and completed, per round."""
    rows = db.session.execute(
        select(AssessmentParticipation, Cohort.name, Assessment.title_da)
        .join(Cohort, Cohort.id == AssessmentParticipation.cohort_id)
        .join(Assessment, Assessment.id == AssessmentParticipation.assessment_id)
        .where(AssessmentParticipation.user_id == user.id)
        .order_by(Cohort.starts_on, Cohort.id, AssessmentParticipation.point)
    ).all()
    return [
        row(round=round_name, assessment=title, point=p.point, completed=p.completed)
        for p, round_name, title in rows
    ]


def reflections(user: User, row: Row) -> list[dict[str, Any]]:
    """Her private answers to the wheel page's reflection prompts, per assessment (the question by
    its text; by its key if the assessment no longer asks it)."""
    rows = db.session.execute(
        select(WheelReflection, Assessment)
        .join(Assessment, Assessment.id == WheelReflection.assessment_id)
        .where(WheelReflection.user_id == user.id)
        .order_by(Assessment.id, WheelReflection.prompt_key)
    ).all()
    questions: dict[int, dict[str, str]] = {}
    for _, assessment in rows:
        if assessment.id not in questions:
            questions[assessment.id] = {
                prompt.key: str(prompt.text) for prompt in wheel_reflections.prompts(assessment)
            }
    return [
        row(
            assessment=assessment.title_da,
            question=questions[assessment.id].get(r.prompt_key, r.prompt_key),
            text=r.text,
            version=r.version,
            updated_at=r.updated_at,
        )
        for r, assessment in rows
    ]


def dispatches(user: User, row: Row) -> list[dict[str, Any]]:
    """That she was sent to a round's external tool, at its start or end point (no date is kept)."""
    rows = db.session.execute(
        select(AssessmentDispatch, Cohort.name)
        .join(Cohort, Cohort.id == AssessmentDispatch.cohort_id)
        .where(AssessmentDispatch.user_id == user.id)
        .order_by(Cohort.starts_on, Cohort.id, AssessmentDispatch.point)
    ).all()
    return [row(round=round_name, point=d.point) for d, round_name in rows]


def _pseudonyms(user: User) -> dict[str, int]:
    """Her pseudonym for every assessment (none without the key)."""
    if not configured_key():
        return {}
    ids = db.session.scalars(select(Assessment.id).order_by(Assessment.id)).all()
    return {pseudonym(user.id, assessment_id): assessment_id for assessment_id in ids}


def responses(user: User, row: Row) -> list[dict[str, Any]]:
    """Her answers (responses found through her pseudonym): one row per statement and value."""
    mine = _pseudonyms(user)
    if not mine:
        return []
    found = db.session.execute(
        select(AssessmentResponse, Cohort.name, Assessment.title_da)
        .join(Cohort, Cohort.id == AssessmentResponse.cohort_id)
        .join(Assessment, Assessment.id == AssessmentResponse.assessment_id)
        .where(AssessmentResponse.pseudonym.in_(list(mine)))
        .order_by(
            Cohort.starts_on, Cohort.id, AssessmentResponse.point, AssessmentResponse.sequence
        )
    ).all()
    answers: dict[str, list[tuple[str, str, int]]] = {}
    for response_id, key, text, value in db.session.execute(
        select(
            AssessmentAnswer.response_id,
            AssessmentItem.key,
            AssessmentItem.text_da,
            AssessmentAnswer.value,
        )
        .join(AssessmentItem, AssessmentItem.id == AssessmentAnswer.item_id)
        .where(AssessmentAnswer.response_id.in_([r.id for r, _, _ in found]))
        .order_by(AssessmentItem.position, AssessmentItem.id)
    ):
        answers.setdefault(response_id, []).append((key, text, value))
    return [  # one row per answer, so the readable page can show it as a table
        row(
            round=round_name,
            assessment=title,
            point=response.point,
            sequence=response.sequence,
            completed_on=response.completed_on,
            item=key,
            statement=text,
            value=value,
        )
        for response, round_name, title in found
        for key, text, value in answers.get(response.id, [])
    ]


def forget(user: User) -> int:
    """Erase her self-assessment data (above); the number of rows deleted or cut loose."""
    changed = 0
    for model in (AssessmentParticipation, WheelReflection, AssessmentDispatch):
        changed += db.session.execute(
            delete(model)
            .where(model.user_id == user.id)
            .execution_options(synchronize_session=False)
        ).rowcount
    for mine in _pseudonyms(user):
        unfinished = select(AssessmentResponse.id).where(
            AssessmentResponse.pseudonym == mine, AssessmentResponse.completed_on.is_(None)
        )
        db.session.execute(
            delete(AssessmentAnswer)
            .where(AssessmentAnswer.response_id.in_(unfinished))
            .execution_options(synchronize_session=False)
        )
        changed += db.session.execute(
            delete(AssessmentResponse)
            .where(AssessmentResponse.pseudonym == mine, AssessmentResponse.completed_on.is_(None))
            .execution_options(synchronize_session=False)
        ).rowcount
        # Each completed response its own random pseudonym: her start, end and løbende answers no
        # longer belong together either.
        completed = db.session.scalars(
            select(AssessmentResponse.id).where(AssessmentResponse.pseudonym == mine)
        ).all()
        for response_id in completed:
            changed += db.session.execute(
                update(AssessmentResponse)
                .where(AssessmentResponse.id == response_id)
                .values(pseudonym=secrets.token_hex(PSEUDONYM_LENGTH // 2))
                .execution_options(synchronize_session=False)
            ).rowcount
    return changed
