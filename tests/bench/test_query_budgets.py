"""Statement budgets of the key pages, measured the way ``python -m bench cost`` measures them: one
real HTTP request each, every statement counted. The counts must not grow with the size of a leader
group, the number of people or the size of the course (no query per member, module or lesson)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bench import cost, scenarios
from bench.dataset import generate
from bench.sizes import Size
from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.courses.models import Block, BlockType, Lesson, PublicationStatus
from course_app.organisations.models import GroupMembership
from course_app.reflections.models import AnswerStatus, Comment, ReflectionAnswer, Visibility

# The most statements one request of each page may send (today's counts; the course outline comes
# from the process's memory after the first request).
# Leader pages read the round's release plan and the leader's unlocks (+2); marking a lesson done reads
# the plan again after the change, because finishing a module can open the ones that wait for it.
BUDGETS = {
    "leader: dashboard": 8,  # + the round's coming events (one query for every round)
    "leader: module page": 11,
    "leader: save reflection": 8,
    "leader: mark done": 11,
    # + the next meeting's date and place, and (a chair) whether its organisation is in the round
    "leader: group page": 11,
    "facilitator: group dashboard": 9,
    "chair: reflections review": 8,  # 7, and one more for the comments when there are any
    "facilitator: group CSV export": 9,
    "coordinator: programme report": 11,  # +2 for the course over time: the plan, lessons per day
    "admin: edit lesson": 9,
    cost.PROGRESS_EXPORT: 8,
}

SMALL = Size("budget-small", leaders=20, organisations=2, group_size=5)
LARGE = Size("budget-large", leaders=100, organisations=2, group_size=50)


def _grow_course(app, module_key: str, extra_lessons: int) -> None:
    """More published lessons, each with a question, in the module the leader pages show."""
    with app.app_context():
        lesson = db.session.scalar(
            select(Lesson).where(Lesson.module.has(key=module_key)).order_by(Lesson.position)
        )
        last_position = db.session.scalar(
            select(func.max(Lesson.position)).where(Lesson.module_id == lesson.module_id)
        )
        for number in range(1, extra_lessons + 1):
            extra = Lesson(
                course_id=lesson.course_id,
                module_id=lesson.module_id,
                key=f"ekstra-{number}",
                title=f"Ekstra lektion {number}",
                position=last_position + number,
                status=PublicationStatus.PUBLISHED,
            )
            db.session.add(extra)
            db.session.flush()
            db.session.add(
                Block(
                    course_id=lesson.course_id,
                    lesson_id=extra.id,
                    key=f"ekstra-{number}-refleksion",
                    type=BlockType.REFLECTION,
                    position=1,
                    data={"prompt": f"Ekstra spørgsmål {number}", "required": False},
                )
            )
        db.session.commit()


def _share_and_comment_everything(app) -> None:
    """Every submitted answer shared with its author's group and commented on, so each page shows
    the same kinds of things in both datasets (a page skips a query when it has nothing to show)."""
    with app.app_context():
        group_of = dict(
            db.session.execute(
                select(Enrolment.id, GroupMembership.group_id).join(
                    GroupMembership, GroupMembership.user_id == Enrolment.user_id
                )
            ).all()
        )
        author_of = dict(db.session.execute(select(Enrolment.id, Enrolment.user_id)).all())
        answers = db.session.scalars(
            select(ReflectionAnswer).where(ReflectionAnswer.status == AnswerStatus.SUBMITTED)
        ).all()
        for answer in answers:
            answer.visibility = Visibility.GROUP
            answer.shared_group_id = group_of[answer.enrolment_id]
            db.session.add(
                Comment(answer_id=answer.id, author_id=author_of[answer.enrolment_id], text="Godt!")
            )
        db.session.commit()


def _costs(url: str, size: Size, *, extra_lessons: int = 0) -> dict[str, cost.Cost]:
    generate(url, size, seed=7)
    app = cost.cost_app(url)
    try:
        fixture = scenarios.read_fixture(url, size)
        _share_and_comment_everything(app)
        if extra_lessons:
            _grow_course(app, fixture.module_key, extra_lessons)
        return cost.measure_endpoints(app, fixture)
    finally:
        db.engine(app).dispose()


@pytest.fixture(scope="module")
def measured(database_factory) -> tuple[dict[str, cost.Cost], dict[str, cost.Cost]]:
    small = _costs(database_factory.create(), SMALL)
    large = _costs(database_factory.create(), LARGE, extra_lessons=12)
    return small, large


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_statement_budget_holds_and_does_not_grow(measured, endpoint: str) -> None:
    small, large = measured
    assert small[endpoint].status in (200, 302), small[endpoint]
    assert large[endpoint].status in (200, 302), large[endpoint]
    assert small[endpoint].statements <= BUDGETS[endpoint], small[endpoint]
    # Groups of 5 vs 50, 20 vs 100 people, a course with 12 more lessons: the same statements.
    assert large[endpoint].statements == small[endpoint].statements


def test_every_benchmarked_page_has_a_budget() -> None:
    assert set(BUDGETS) == {*scenarios.ENDPOINTS, cost.PROGRESS_EXPORT}
