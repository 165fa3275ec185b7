"""The benchmark's dataset (``bench/dataset.py``), generated into real databases of their own.

Datasets are generated once per module (XS and S take about a second each) and only read by the tests
that share them; the tests that write get a database of their own.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, func, select

from bench import sizes, texts
from bench.dataset import COURSE_SLUG, Counts, DatasetError, generate
from bench.round_dataset import PSEUDONYM_KEY
from course_app import create_app
from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core import migrate
from course_app.core.db import db, make_engine, utcnow
from course_app.core.i18n import today_local
from course_app.courses.models import (
    QUESTION_TYPES,
    Block,
    Course,
    Lesson,
    Module,
    ModuleMode,
    PublicationStatus,
)
from course_app.organisations.access import viewer_for
from course_app.organisations.models import (
    GroupMembership,
    LeaderGroup,
    Organisation,
    Role,
    RoleAssignment,
)
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import (
    ANSWER_MAX_LENGTH,
    AnswerStatus,
    Comment,
    ReflectionAnswer,
    Visibility,
)
from course_app.reports.options import ReportFilters, report_options, report_scope
from course_app.reports.programme import programme_report
from course_app.schedule.event_models import Event, EventKind
from course_app.self_assessment import round_tools
from course_app.self_assessment.models import MeasurementPoint
from course_app.self_assessment.results import my_results, results_for_aggregates
from course_app.self_assessment.taking import start_or_resume
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from course_app.workshops.models import TableSeat, WorkshopSettings, WorkshopSignup
from tests.helpers import sign_in

XS = sizes.SIZES["XS"]
S = sizes.SIZES["S"]
PUBLISHED = PublicationStatus.PUBLISHED


@dataclass
class Dataset:
    url: str
    counts: Counts
    engine: Engine

    def rows(self, statement) -> list[tuple]:
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(statement)]

    def scalar(self, statement):
        with self.engine.connect() as connection:
            return connection.scalar(statement)


@pytest.fixture(scope="module")
def make_dataset(database_factory) -> Iterator:
    """``make_dataset(size, seed)``: a new database of its own holding a generated dataset."""
    made: list[Dataset] = []

    def make(size: sizes.Size, seed: int = 1) -> Dataset:
        url = database_factory.create()
        dataset = Dataset(url, generate(url, size, seed=seed), make_engine(url))
        made.append(dataset)
        return dataset

    yield make
    for dataset in made:
        dataset.engine.dispose()


@pytest.fixture(scope="module")
def xs(make_dataset) -> Dataset:
    return make_dataset(XS)


@pytest.fixture(scope="module")
def s(make_dataset) -> Dataset:
    return make_dataset(S)


def published_lessons():
    """The shipped course's lessons a leader sees (id, module id), in course order."""
    return (
        select(Lesson.id, Lesson.module_id)
        .join(Module, Module.id == Lesson.module_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(
            Course.slug == COURSE_SLUG,
            Course.status == PUBLISHED,
            Course.retired_at.is_(None),
            Module.status == PUBLISHED,
            Module.retired_at.is_(None),
            Lesson.status == PUBLISHED,
            Lesson.retired_at.is_(None),
        )
        .order_by(Module.position, Module.id, Lesson.position, Lesson.id)
    )


def current_groups(dataset: Dataset) -> list[tuple[int, int]]:
    """(user id, group id) of every membership in force now."""
    return dataset.rows(
        select(GroupMembership.user_id, GroupMembership.group_id).where(
            GroupMembership.current_at(utcnow())
        )
    )


def role_rows(dataset: Dataset, role: Role) -> list[tuple]:
    return dataset.rows(
        select(
            RoleAssignment.user_id,
            RoleAssignment.group_id,
            RoleAssignment.organisation_id,
            User.organisation_id,
        )
        .join(User, User.id == RoleAssignment.user_id)
        .where(RoleAssignment.role == role)
    )


# -- XS: who is in it --------------------------------------------------------------------------------


def test_xs_enrols_ten_leaders_and_no_staff(xs):
    enrolled = xs.rows(
        select(User.id, User.email).join(Enrolment, Enrolment.user_id == User.id).order_by(User.id)
    )
    assert {email for _id, email in enrolled} == {
        sizes.leader_email(number) for number in range(1, XS.leaders + 1)
    }
    staff = {
        user_id
        for (user_id,) in xs.rows(
            select(RoleAssignment.user_id).where(RoleAssignment.role != Role.CHAIR)
        )
    }
    assert staff, "the dataset has facilitators, coordinators, an admin and an editor"
    assert staff.isdisjoint(user_id for user_id, _email in enrolled)
    assert xs.counts.tables["enrolments"] == XS.leaders


def test_xs_has_a_progress_row_for_every_leader_and_published_lesson(xs):
    lessons = [lesson_id for lesson_id, _module in xs.rows(published_lessons())]
    enrolments = [enrolment_id for (enrolment_id,) in xs.rows(select(Enrolment.id))]
    assert len(lessons) > 1
    progress = xs.rows(select(LessonProgress.enrolment_id, LessonProgress.lesson_id))
    assert len(progress) == XS.leaders * len(lessons)
    assert set(progress) == {(e, lesson) for e in enrolments for lesson in lessons}
    assert xs.counts.tables["lesson_progress"] == len(progress)


def test_xs_each_leader_is_done_then_in_progress_then_not_started(xs):
    """In course order: done lessons, at most one in progress, then lessons not started; only done
    lessons have a completion time."""
    order = {lesson_id: index for index, (lesson_id, _m) in enumerate(xs.rows(published_lessons()))}
    letters = {
        ProgressState.DONE: "D",
        ProgressState.IN_PROGRESS: "I",
        ProgressState.NOT_STARTED: "N",
    }
    sequences: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for enrolment_id, lesson_id, state, completed_at in xs.rows(
        select(
            LessonProgress.enrolment_id,
            LessonProgress.lesson_id,
            LessonProgress.state,
            LessonProgress.completed_at,
        )
    ):
        sequences[enrolment_id].append((order[lesson_id], letters[state]))
        assert (completed_at is not None) == (state == ProgressState.DONE)
    for enrolment_id, sequence in sequences.items():
        states = "".join(letter for _index, letter in sorted(sequence))
        assert re.fullmatch("D*I?N*", states), (enrolment_id, states)


def test_xs_groups_have_about_ten_leaders_each_a_current_membership(xs):
    memberships = current_groups(xs)
    assert sorted(user_id for user_id, _group in memberships) == list(range(1, XS.leaders + 1))
    group_ids = {group_id for (group_id,) in xs.rows(select(LeaderGroup.id))}
    assert len(group_ids) == XS.groups
    sizes_of = Counter(group_id for _user, group_id in memberships)
    assert set(sizes_of) == group_ids
    # XS: ten leaders in two organisations, so two groups of five (S has groups of ten).
    assert max(sizes_of.values()) - min(sizes_of.values()) <= 1
    assert max(sizes_of.values()) <= XS.group_size


def test_xs_every_group_has_one_chair_who_is_a_member(xs):
    member_of = dict(current_groups(xs))
    chairs = role_rows(xs, Role.CHAIR)
    group_ids = {group_id for (group_id,) in xs.rows(select(LeaderGroup.id))}
    assert sorted(group_id for _u, group_id, _o, _uo in chairs) == sorted(group_ids)
    for user_id, group_id, _organisation, _user_organisation in chairs:
        assert member_of[user_id] == group_id


def test_xs_facilitators_cover_every_group_of_their_own_organisation(xs):
    organisation_of_group = dict(xs.rows(select(LeaderGroup.id, LeaderGroup.organisation_id)))
    facilitators = role_rows(xs, Role.FACILITATOR)
    assert sorted(group_id for _u, group_id, _o, _uo in facilitators) == sorted(
        organisation_of_group
    )
    for _user_id, group_id, _organisation, user_organisation in facilitators:
        assert user_organisation is not None
        assert organisation_of_group[group_id] == user_organisation
    emails = {email for (email,) in xs.rows(select(User.email))}
    facilitator_ids = {user_id for user_id, *_rest in facilitators}
    assert {sizes.facilitator_email(n) for n in range(1, len(facilitator_ids) + 1)} <= emails


def test_xs_has_a_coordinator_per_organisation(xs):
    organisation_ids = sorted(id_ for (id_,) in xs.rows(select(Organisation.id)))
    assert len(organisation_ids) == XS.organisations
    coordinators = role_rows(xs, Role.COORDINATOR)
    assert sorted(organisation for _u, _g, organisation, _uo in coordinators) == organisation_ids
    for user_id, _group, organisation, user_organisation in coordinators:
        assert user_organisation == organisation
        assert xs.scalar(select(User.email).where(User.id == user_id)) == (
            sizes.coordinator_email(organisation)
        )


def test_xs_answers_follow_progress_and_shares_stay_in_the_group(xs):
    """Submitted answers to every question of a done lesson, drafts in the lesson in progress, nothing
    in lessons not started; shared answers are submitted and shared with the author's group, and
    only members of that group comment on them."""
    state_of = {
        (enrolment_id, lesson_id): state
        for enrolment_id, lesson_id, state in xs.rows(
            select(LessonProgress.enrolment_id, LessonProgress.lesson_id, LessonProgress.state)
        )
    }
    questions_of: dict[int, set[int]] = defaultdict(set)
    answered: dict[tuple[int, int], set[int]] = defaultdict(set)
    group_of = dict(current_groups(xs))
    answers = xs.rows(
        select(
            ReflectionAnswer.id,
            ReflectionAnswer.enrolment_id,
            Enrolment.user_id,
            Block.id,
            Block.lesson_id,
            ReflectionAnswer.status,
            ReflectionAnswer.visibility,
            ReflectionAnswer.shared_group_id,
        )
        .join(Block, Block.id == ReflectionAnswer.block_id)
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
    )
    assert answers
    shared_with: dict[int, int] = {}
    for answer_id, enrolment_id, user_id, block_id, lesson_id, status, visibility, group in answers:
        state = state_of[(enrolment_id, lesson_id)]
        assert state != ProgressState.NOT_STARTED
        assert (status == AnswerStatus.SUBMITTED) == (state == ProgressState.DONE)
        if state == ProgressState.DONE:
            answered[(enrolment_id, lesson_id)].add(block_id)
        if visibility == Visibility.GROUP:
            assert status == AnswerStatus.SUBMITTED
            assert group == group_of[user_id]
            shared_with[answer_id] = group
    assert shared_with, "some answers are shared"
    for block_id, lesson_id in xs.rows(
        select(Block.id, Block.lesson_id).where(Block.type.in_(list(QUESTION_TYPES)))
    ):
        questions_of[lesson_id].add(block_id)
    for (enrolment_id, lesson_id), state in state_of.items():
        if state == ProgressState.DONE:
            assert answered[(enrolment_id, lesson_id)] == questions_of[lesson_id]
    for answer_id, author_id in xs.rows(select(Comment.answer_id, Comment.author_id)):
        assert group_of[author_id] == shared_with[answer_id]


# -- determinism and refusal --------------------------------------------------------------------------


def snapshot(dataset: Dataset) -> dict[str, list[tuple]]:
    """Everything a seed decides, in a fixed order, without ids or dates."""
    return {
        "users": dataset.rows(select(User.email, User.name).order_by(User.email)),
        "memberships": dataset.rows(
            select(User.email, LeaderGroup.name)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
            .order_by(User.email)
        ),
        "progress": dataset.rows(
            select(User.email, Lesson.key, LessonProgress.state)
            .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
            .join(User, User.id == Enrolment.user_id)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .order_by(User.email, Lesson.key)
        ),
        "answers": dataset.rows(
            select(
                User.email,
                Block.key,
                ReflectionAnswer.text,
                ReflectionAnswer.status,
                ReflectionAnswer.visibility,
            )
            .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
            .join(User, User.id == Enrolment.user_id)
            .join(Block, Block.id == ReflectionAnswer.block_id)
            .order_by(User.email, Block.key)
        ),
        "comments": dataset.rows(
            select(User.email, Comment.text)
            .join(User, User.id == Comment.author_id)
            .order_by(Comment.answer_id, Comment.id)
        ),
    }


def test_same_size_and_seed_give_identical_data(xs, make_dataset):
    again = make_dataset(XS, seed=1)
    first, second = snapshot(xs), snapshot(again)
    for part in first:
        assert first[part], part
        assert second[part] == first[part], part
    assert again.counts.tables == xs.counts.tables


def test_another_seed_gives_other_texts(xs, make_dataset):
    other = make_dataset(XS, seed=2)
    first = [text for _e, _b, text, _s, _v in snapshot(xs)["answers"]]
    second = [text for _e, _b, text, _s, _v in snapshot(other)["answers"]]
    assert first
    assert second
    assert set(first).isdisjoint(second)


def test_generating_into_the_dataset_again_is_refused_and_changes_nothing(xs):
    before = snapshot(xs)
    people = xs.counts.tables["users"]
    with pytest.raises(DatasetError, match=f"already holds {people} people"):
        generate(xs.url, XS)
    assert snapshot(xs) == before


def test_people_added_by_the_app_are_refused_then_replaced(fresh_database_url, tmp_path):
    url = fresh_database_url
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url}, instance_path=str(tmp_path)
    )
    try:
        with app.app_context():
            db.session.add(User(email="someone@example.org", name="Nogen"))
            db.session.commit()

        with pytest.raises(DatasetError, match="already holds 1 people"):
            generate(url, XS)
        counts = generate(url, XS, replace=True)

        with app.app_context():
            emails = set(db.session.scalars(select(User.email)))
            assert "someone@example.org" not in emails
            assert len(emails) == counts.tables["users"]
            # Ids were written explicitly: the app's own inserts must still get fresh ones.
            organisation = Organisation(slug="ny", name="Ny organisation")
            db.session.add(organisation)
            group = LeaderGroup(organisation=organisation, name="Ny gruppe")
            db.session.add(group)
            db.session.commit()
            assert organisation.id > XS.organisations
            assert group.id > XS.groups
    finally:
        db.engine(app).dispose()


# -- S: texts and group sizes --------------------------------------------------------------------------


def test_s_answers_are_realistic_and_about_two_percent_adversarial(s):
    answers = [text for (text,) in s.rows(select(ReflectionAnswer.text))]
    assert len(answers) > 1000
    adversarial = sum(any(payload in text for payload in texts.ADVERSARIAL) for text in answers)
    assert 0.005 <= adversarial / len(answers) <= 0.05
    # Every adversarial string generated came back from the database byte for byte.
    assert adversarial == s.counts.adversarial_answers
    assert 400 <= statistics.median(len(text) for text in answers) <= 900
    assert max(len(text) for text in answers) <= ANSWER_MAX_LENGTH
    assert s.scalar(select(func.max(func.length(Comment.text)))) <= 1000


def test_s_groups_have_about_ten_leaders(s):
    sizes_of = Counter(group_id for _user, group_id in current_groups(s))
    assert len(sizes_of) == S.groups
    assert sum(sizes_of.values()) == S.leaders
    assert all(8 <= size <= 12 for size in sizes_of.values()), sizes_of


# -- the app reads not_started rows as no row ----------------------------------------------------------


def first_module_expectation(dataset: Dataset, organisation_id: int) -> tuple[int, int, int, int]:
    """By direct SQL, for the organisation's enrolled leaders and the course's first module:
    (enrolled, leaders with any progress row, leaders with a row that is not "not_started",
    leaders with every lesson done)."""
    lessons = dataset.rows(published_lessons())
    first_module = lessons[0][1]
    module_lessons = {lesson_id for lesson_id, module_id in lessons if module_id == first_module}
    enrolled = dataset.scalar(
        select(func.count())
        .select_from(Enrolment)
        .join(User, User.id == Enrolment.user_id)
        .where(User.organisation_id == organisation_id, User.deactivated_at.is_(None))
    )
    rows = dataset.rows(
        select(LessonProgress.enrolment_id, LessonProgress.lesson_id, LessonProgress.state)
        .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .where(
            User.organisation_id == organisation_id,
            User.deactivated_at.is_(None),
            LessonProgress.lesson_id.in_(module_lessons),
        )
    )
    with_row = {enrolment_id for enrolment_id, _lesson, _state in rows}
    started = {e for e, _lesson, state in rows if state != ProgressState.NOT_STARTED}
    done_lessons: dict[int, set[int]] = defaultdict(set)
    for enrolment_id, lesson_id, state in rows:
        if state == ProgressState.DONE:
            done_lessons[enrolment_id].add(lesson_id)
    done = sum(lessons == module_lessons for lessons in done_lessons.values())
    return enrolled, len(with_row), len(started), done


def test_programme_report_counts_not_started_rows_as_no_row(s, tmp_path):
    email = sizes.coordinator_email(1)
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": s.url}, instance_path=str(tmp_path)
    )
    try:
        with app.app_context():
            coordinator = db.session.scalar(select(User).where(User.email == email))
            organisation_id = coordinator.organisation_id
            options = report_options(
                report_scope(viewer_for(coordinator)), None, today=today_local()
            )
            report = programme_report(options, ReportFilters())
            first = report.funnel[0]
            service = (first.enrolled, first.started, first.done)

        enrolled, with_row, started, done = first_module_expectation(s, organisation_id)
        # Every leader has a row for every lesson; the ones who have not begun have only
        # "not_started" rows, and they must not count as started.
        assert with_row == enrolled
        assert 0 < started < enrolled
        assert service == (enrolled, started, done)

        client = app.test_client()
        signed_in = sign_in(client, email, sizes.BENCH_PASSWORD)
        assert signed_in.status_code == 302
        page = client.get("/rapport")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        modules_table = html.split('id="moduler-tabel"', 1)[1].split("</tbody>", 1)[0]
        first_row = modules_table.split("<tbody>", 1)[1].split("</tr>", 1)[0]
        shown = tuple(int(n) for n in re.findall(r'<td class="numeric">(\d+)', first_row))
        assert shown == (enrolled, started, done)
    finally:
        db.engine(app).dispose()


# -- the round around the course: calendar, workshops, service check, competence wheel -------------------


def test_s_calendar_has_the_round_events_and_a_meeting_per_group_and_question_set(s):
    events = s.rows(select(Event.kind, Event.number, Event.group_id, Event.module_id))
    kinds = Counter(kind for kind, _number, _group, _module in events)
    group_modules = s.scalar(
        select(func.count()).select_from(Module).where(Module.mode == ModuleMode.GROUP)
    )
    assert kinds == {
        EventKind.KICKOFF: 1,
        EventKind.WORKSHOP: 2,
        EventKind.SERVICE_CHECK: 1,
        EventKind.ROUND_END: 1,
        EventKind.LEADER_MEETING: S.groups * group_modules,
    }
    assert {number for kind, number, _g, _m in events if kind == EventKind.WORKSHOP} == {1, 2}
    meetings = {(group, module) for kind, _n, group, module in events if group is not None}
    assert len(meetings) == S.groups * group_modules


def test_s_workshop_seats_keep_the_hard_rules_and_only_seat_who_comes(s):
    for event_id, over in s.rows(
        select(Event.id, Event.number == 1).where(Event.kind == EventKind.WORKSHOP)
    ):
        coming = {
            user_id
            for (user_id,) in s.rows(
                select(WorkshopSignup.user_id).where(
                    WorkshopSignup.event_id == event_id, WorkshopSignup.coming.is_(True)
                )
            )
        }
        seats = s.rows(
            select(TableSeat.table_number, TableSeat.published_table, User.organisation_id)
            .join(User, User.id == TableSeat.user_id)
            .where(TableSeat.event_id == event_id)
        )
        assert len(seats) == len(coming) > 0
        tables: dict[int, Counter] = defaultdict(Counter)
        for table, published, organisation in seats:
            assert published == table  # published, nobody moved since
            tables[table][organisation] += 1
        for table, sides in tables.items():
            assert 4 <= sum(sides.values()) <= 6, (table, sides)
            assert len(sides) == 2 and min(sides.values()) >= 2, (table, sides)
        settings = s.scalar(
            select(WorkshopSettings.published_at).where(WorkshopSettings.event_id == event_id)
        )
        assert settings is not None
        attended = s.rows(
            select(WorkshopSignup.attended).where(
                WorkshopSignup.event_id == event_id, WorkshopSignup.coming.is_(True)
            )
        )
        assert all((came is not None) == over for (came,) in attended)
    # The leader the benchmark signs in comes to both and sits at a table.
    assert s.scalar(select(func.count()).select_from(TableSeat).where(TableSeat.user_id == 1)) == 2


def test_s_bookings_are_one_per_slot_and_leader_with_a_supporter_of_her_organisation(s):
    rows = s.rows(
        select(
            ServiceCheckBooking.slot_id,
            ServiceCheckBooking.user_id,
            User.organisation_id,
            RoleAssignment.organisation_id,
        )
        .join(ServiceCheckSlot, ServiceCheckSlot.id == ServiceCheckBooking.slot_id)
        .join(User, User.id == ServiceCheckBooking.user_id)
        .join(
            RoleAssignment,
            (RoleAssignment.user_id == ServiceCheckSlot.supporter_id)
            & (RoleAssignment.role == Role.SUPPORTER),
        )
    )
    assert len(rows) == S.leaders * 3 // 10
    assert len({slot for slot, *_ in rows}) == len({user for _s, user, *_ in rows}) == len(rows)
    assert all(leader_org == supporter_org for _s, _u, leader_org, supporter_org in rows)
    slots = s.scalar(select(func.count()).select_from(ServiceCheckSlot))
    assert slots > len(rows)  # free times left to book


def test_s_wheel_responses_are_found_by_the_app_under_the_benchmarks_key(s, tmp_path):
    """The responses were written directly: the app's own services must read them as theirs."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "DATABASE_URL": s.url,
            "ASSESSMENT_PSEUDONYM_KEY": PSEUDONYM_KEY,
        },
        instance_path=str(tmp_path),
    )
    try:
        with app.app_context():
            cohort = db.session.get(Cohort, 1)
            tool = round_tools.tool_of(cohort)
            assert tool is not None and tool.assessment is not None
            assessment = tool.assessment
            leader = db.session.get(User, 1)  # completed the start measurement
            assert [result.point for result in my_results(leader, assessment)] == [
                MeasurementPoint.START
            ]
            begun = db.session.get(User, 4)  # begun, a third answered
            taking = start_or_resume(begun, cohort, assessment, "start", utcnow())
            assert 0 < taking.answered < taking.total and taking.next_page is not None
            db.session.rollback()
            results = results_for_aggregates(assessment, [cohort.id])
            assert len(results) == S.leaders * 3 // 5
    finally:
        db.engine(app).dispose()
