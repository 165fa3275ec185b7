"""The leader's own answers on a module page, read as rows.

Every module page asks, so the answers are read past the ORM (``db.read_columns``) as ``ShownAnswer``
tuples with what the page shows and its form starts from: loading them as mapped objects cost more
than the query itself. Saving an answer works on the mapped ``ReflectionAnswer`` (``services``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, select

from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.courses.models import Block
from course_app.organisations.models import LeaderGroup
from course_app.reflections.models import AnswerStatus, ReflectionAnswer, Visibility


class ShownAnswer(NamedTuple):
    """One of her answers as the module page shows it (the names are ``ReflectionAnswer``'s)."""

    text: str
    status: AnswerStatus
    version: int
    visibility: Visibility
    shared_group_id: int | None
    updated_at: dt.datetime
    submitted_at: dt.datetime | None


@dataclass(frozen=True)
class ModuleAnswers:
    by_block: dict[int, ShownAnswer]  # answers to the lessons' questions, by block id
    retired: list[tuple[Block, ShownAnswer]]  # to questions since retired, in course order
    group_names: dict[int, str]  # the groups these answers are shared with


# Built once, the enrolment and the lessons bound per call, so SQLAlchemy finds it in its compiled
# cache. The answered questions' blocks are not loaded as objects (the page has them from the course
# outline): only those of questions since retired are, by a second query when there are any.
_MODULE_ANSWERS = (
    select(
        Block.id,
        Block.retired_at,
        LeaderGroup.name,
        # in ShownAnswer's order
        ReflectionAnswer.text,
        ReflectionAnswer.status,
        ReflectionAnswer.version,
        ReflectionAnswer.visibility,
        ReflectionAnswer.shared_group_id,
        ReflectionAnswer.updated_at,
        ReflectionAnswer.submitted_at,
    )
    .join(ReflectionAnswer, ReflectionAnswer.block_id == Block.id)
    .outerjoin(LeaderGroup, LeaderGroup.id == ReflectionAnswer.shared_group_id)
    .where(
        ReflectionAnswer.enrolment_id == bindparam("enrolment_id"),
        Block.lesson_id.in_(bindparam("lesson_ids", expanding=True)),
    )
    .order_by(Block.lesson_id, Block.position, Block.id)
)


def module_answers(
    enrolment: Enrolment, lesson_ids: list[int], question_ids: Iterable[int]
) -> ModuleAnswers:
    """The leader's own answers in these lessons: those to the lessons' questions
    (``question_ids``), those to questions an author has since retired from the lessons (still
    hers, shown read-only), and the names of the groups they are shared with. One query, and one
    more for the retired questions' blocks when she has answered any."""
    if not lesson_ids:
        return ModuleAnswers({}, [], {})
    parameters = {"enrolment_id": enrolment.id, "lesson_ids": lesson_ids}
    questions = set(question_ids)
    by_block: dict[int, ShownAnswer] = {}
    retired: list[tuple[int, ShownAnswer]] = []
    group_names: dict[int, str] = {}
    for block_id, retired_at, group_name, *answer_columns in db.read_columns(
        _MODULE_ANSWERS, parameters
    ):
        answer = ShownAnswer(*answer_columns)
        if retired_at is not None:
            retired.append((block_id, answer))
        if block_id in questions:
            by_block[block_id] = answer
            if answer.shared_group_id is not None and group_name is not None:
                group_names[answer.shared_group_id] = group_name
    blocks = _blocks_by_id([block_id for block_id, _ in retired])
    return ModuleAnswers(
        by_block=by_block,
        retired=[(blocks[block_id], answer) for block_id, answer in retired],
        group_names=group_names,
    )


def _blocks_by_id(block_ids: list[int]) -> dict[int, Block]:
    if not block_ids:
        return {}
    return {
        block.id: block
        for block in db.session.scalars(select(Block).where(Block.id.in_(block_ids)))
    }
