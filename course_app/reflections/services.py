"""Writing and reading one's own answers. Every answer is private until its author shares it."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.cohorts.models import Enrolment
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.courses.models import Block
from course_app.courses.services import LessonOutline
from course_app.reflections.models import ANSWER_MAX_LENGTH, AnswerStatus, ReflectionAnswer


def answers_by_block(enrolment: Enrolment, block_ids: Iterable[int]) -> dict[int, ReflectionAnswer]:
    ids = list(block_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ReflectionAnswer).where(
            ReflectionAnswer.enrolment_id == enrolment.id, ReflectionAnswer.block_id.in_(ids)
        )
    )
    return {row.block_id: row for row in rows}


def unanswered_required(lesson: LessonOutline, answers: dict[int, ReflectionAnswer]) -> int:
    """How many required questions in the lesson still lack a submitted answer."""
    return sum(
        1
        for block in lesson.required_questions
        if block.id not in answers or answers[block.id].status != AnswerStatus.SUBMITTED
    )


def save_answer(enrolment: Enrolment, block: Block, text: str, *, submit: bool) -> ReflectionAnswer:
    """Save a draft or submit. A submitted answer stays editable; every change raises its version."""
    if not block.is_question or block.retired_at is not None:
        raise ServiceError(_l("Spørgsmålet findes ikke længere."))
    text = text.replace("\r\n", "\n")
    if len(text) > ANSWER_MAX_LENGTH:
        raise ServiceError(
            _l(
                "Dit svar er for langt: højst %(limit)s tegn (du har skrevet %(length)s). "
                "Forkort det, og gem igen.",
                limit=f"{ANSWER_MAX_LENGTH:,}".replace(",", "."),
                length=f"{len(text):,}".replace(",", "."),
            )
        )
    if submit and not text.strip():
        raise ServiceError(_l("Skriv dit svar, før du indsender det."))
    answer = db.session.scalar(
        select(ReflectionAnswer).where(
            ReflectionAnswer.enrolment_id == enrolment.id, ReflectionAnswer.block_id == block.id
        )
    )
    if answer is None:
        answer = ReflectionAnswer(
            enrolment_id=enrolment.id, block_id=block.id, text=text, version=1
        )
        db.session.add(answer)
    elif answer.text != text:
        answer.text = text
        answer.version += 1
    if submit and answer.status != AnswerStatus.SUBMITTED:
        answer.status = AnswerStatus.SUBMITTED
        answer.submitted_at = utcnow()
    db.session.flush()
    return answer
