"""Statement budgets of the key pages, measured the way ``python -m bench cost`` measures them: one
real HTTP request each, every statement counted. The counts must not grow with the size of a leader
group, the number of people or the size of the course (no query per member, module or lesson), nor
with the round around it: its events, workshop answers and seats, service-check slots and bookings,
competence-wheel responses, or a leader's own measurements."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bench import cost, scenarios
from bench.dataset import generate
from bench.round_dataset import PSEUDONYM_KEY
from bench.sizes import Size
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.models import (
    Block,
    BlockType,
    Lesson,
    Module,
    ModuleMode,
    PublicationStatus,
)
from course_app.organisations.models import GroupMembership, LeaderGroup
from course_app.reflections.models import AnswerStatus, Comment, ReflectionAnswer, Visibility
from course_app.schedule.event_models import Event, EventKind
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pseudonyms import pseudonym

# The most statements one request of each page may send (today's counts; the course outline comes
# from the process's memory after the first request).
# Leader pages read her lesson states, the round's own release rules and her unlocks in one statement
# (+1; three until session 11, two until session 16); marking a lesson done reads them again after
# the change, because finishing a module can open the ones that wait for it.
BUDGETS = {
    # + the round's coming events with her group's name (one query for every round)
    "leader: dashboard": 4,
    "leader: module page": 4,
    "leader: save reflection": 6,
    "leader: mark done": 7,
    # + the next meeting's date and place, and (a chair) whether its organisation is in the round
    "leader: group page": 9,
    "facilitator: group dashboard": 7,
    "chair: reflections review": 5,  # 4, and one more for the comments when there are any
    "facilitator: group CSV export": 7,
    "coordinator: programme report": 9,  # +2 for the course over time: the plan, lessons per day
    "admin: edit lesson": 7,
    cost.PROGRESS_EXPORT: 6,
    # The round around the course (issue 15, point 5).
    "leader: calendar": 6,
    # her access (facilitator? enrolled?), the settings, her answer, her table and its people, the
    # preparation module
    "leader: workshop page": 11,
    "leader: service check": 4,
    "leader: competence wheel": 7,
    "leader: her wheel": 8,  # the wheel's areas are read twice: to draw it and to check it has three
    # her enrolment, her lesson states with the round's rules and her unlocks, the film's row; and,
    # when stored (not within two seconds of the last, as the measured second request is), its write
    "leader: film report": 4,
    "coordinator: rounds list": 4,
    # the round, its organisations and course, the release plan, the enrolment form's lists, the
    # enrolled count, the competence wheel
    "coordinator: round page": 10,
    "coordinator: round calendar": 7,
    # the settings, seats and attendees; the planner's input (the corresponding areas, workshop 1 and
    # its seats) read once for the evaluation and the tables' explanations
    "coordinator: table plan": 10,
    # Published: the round, its organisations, the assessment, every response's scores and goal
    # scores, the directory, the wheel's areas, the goals. In the bench's running round (day 60) the
    # start averages are not published yet (they wait for the end measurement to open): 4, the page
    # says when they will be. The published page: test_published_averages_read_every_response_….
    "coordinator: wheel averages": 13,
    "coordinator: service check counts": 5,
    "supporter: slots in the round": 3,
    # the person with her roles; the organisations, their providers, their policies (one statement
    # each, however many)
    "platform admin: sign-in settings": 4,
}

AVERAGES = "coordinator: wheel averages"
# The averages page once the start averages are published (the round's end measurement has opened):
# every completed response of the round is read and aggregated, in a fixed number of statements.
PUBLISHED = f"{AVERAGES} (published)"

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


def _grow_calendar(app, extra_groups: int) -> None:
    """More leader groups in the round's organisations (nobody in them yet), each with its meetings
    in the round's calendar: more events, and more groups for the averages to list."""
    with app.app_context():
        organisations = sorted(set(db.session.scalars(select(LeaderGroup.organisation_id))))
        meeting_modules = db.session.scalars(
            select(Module.id).where(Module.mode == ModuleMode.GROUP).order_by(Module.position)
        ).all()
        day = dt.datetime.now(dt.UTC) + dt.timedelta(days=20)
        for number in range(1, extra_groups + 1):
            group = LeaderGroup(
                organisation_id=organisations[number % len(organisations)],
                name=f"Ekstra ledergruppe {number}",
            )
            db.session.add(group)
            db.session.flush()
            for index, module_id in enumerate(meeting_modules):
                starts = day + dt.timedelta(days=number + 40 * index)
                db.session.add(
                    Event(
                        cohort_id=scenarios.COHORT_ID,
                        kind=EventKind.LEADER_MEETING,
                        group_id=group.id,
                        module_id=module_id,
                        title=f"Ledermøde {index + 1}",
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=2),
                    )
                )
        db.session.commit()


def _measure_often(app, fixture: scenarios.Fixture, times: int) -> None:
    """``times`` løbende measurements completed by the leader the benchmark signs in (leader 1), on
    top of her start measurement: her wheel and overview then have more of her own results."""
    with app.app_context():
        start = db.session.scalar(
            select(AssessmentResponse).where(
                AssessmentResponse.pseudonym == pseudonym(1, fixture.assessment_id, PSEUDONYM_KEY),
                AssessmentResponse.point == MeasurementPoint.START,
            )
        )
        assert start is not None and start.completed_on is not None, "leader 1 did the start"
        values = db.session.execute(
            select(AssessmentAnswer.item_id, AssessmentAnswer.value).where(
                AssessmentAnswer.response_id == start.id
            )
        ).all()
        for sequence in range(1, times + 1):
            response = AssessmentResponse(
                pseudonym=start.pseudonym,
                assessment_id=start.assessment_id,
                cohort_id=start.cohort_id,
                point=MeasurementPoint.ADHOC,
                sequence=sequence,
                organisation_id=start.organisation_id,
                area_id=start.area_id,
                group_id=start.group_id,
                completed_on=start.completed_on + dt.timedelta(days=sequence),
            )
            db.session.add(response)
            db.session.flush()
            db.session.add_all(
                AssessmentAnswer(
                    response_id=response.id, item_id=item_id, value=min(5, value + sequence % 2)
                )
                for item_id, value in values
            )
        db.session.commit()


def _publish_start_averages(app) -> None:
    """The round's last day in ten days: its end measurement has opened, so the start averages are
    published (over the start measurements completed before that day: all of them)."""
    with app.app_context():
        cohort = db.session.get(Cohort, scenarios.COHORT_ID)
        cohort.ends_on = dt.date.today() + dt.timedelta(days=10)
        db.session.commit()


def _costs(
    url: str,
    size: Size,
    *,
    extra_lessons: int = 0,
    extra_groups: int = 0,
    own_measurements: int = 1,
) -> dict[str, cost.Cost]:
    """Every endpoint's cost, and (``PUBLISHED``) the averages page's once they are published."""
    generate(url, size, seed=7)
    app = cost.cost_app(url)
    try:
        fixture = scenarios.read_fixture(url, size)
        _share_and_comment_everything(app)
        if extra_lessons:
            _grow_course(app, fixture.module_key, extra_lessons)
        if extra_groups:
            _grow_calendar(app, extra_groups)
        _measure_often(app, fixture, own_measurements)
        costs = cost.measure_endpoints(app, fixture)
        _publish_start_averages(app)
        costs[PUBLISHED] = cost.measure_endpoints(app, fixture, (AVERAGES,))[AVERAGES]
        return costs
    finally:
        db.engine(app).dispose()


@pytest.fixture(scope="module")
def measured(database_factory) -> tuple[dict[str, cost.Cost], dict[str, cost.Cost]]:
    # The generator scales the round with the people: LARGE has five times the workshop answers and
    # seats, service-check slots and bookings, and wheel responses of SMALL; 12 more groups give it
    # 24 more leader meetings, and the signed-in leader has four løbende measurements, not one.
    small = _costs(database_factory.create(), SMALL)
    large = _costs(
        database_factory.create(),
        LARGE,
        extra_lessons=12,
        extra_groups=12,
        own_measurements=4,
    )
    return small, large


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_statement_budget_holds_and_does_not_grow(measured, endpoint: str) -> None:
    small, large = measured
    assert small[endpoint].status in (200, 202, 204, 302), small[endpoint]
    assert large[endpoint].status in (200, 202, 204, 302), large[endpoint]
    assert small[endpoint].statements <= BUDGETS[endpoint], small[endpoint]
    # Groups of 5 vs 50, 20 vs 100 people, a course with 12 more lessons, a round with more events,
    # answers, seats, slots, bookings and responses: the same statements.
    assert large[endpoint].statements == small[endpoint].statements


def test_published_averages_read_every_response_in_the_same_statements(measured) -> None:
    small, large = measured
    assert small[PUBLISHED].status == large[PUBLISHED].status == 200
    assert small[PUBLISHED].statements <= BUDGETS[AVERAGES], small[PUBLISHED]
    # Five times the responses (and 12 more leader groups to slice by): the same statements.
    assert large[PUBLISHED].statements == small[PUBLISHED].statements
    assert large[PUBLISHED].rows > small[PUBLISHED].rows


def test_every_benchmarked_page_has_a_budget() -> None:
    assert set(BUDGETS) == {*scenarios.ENDPOINTS, cost.PROGRESS_EXPORT}
