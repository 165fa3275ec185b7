"""Deterministic datasets: organisations, areas, leader groups of about ten, one cohort of the shipped
course, every leader's progress through every lesson, reflections (2 % adversarial), shares, comments;
and the round around it: its calendar, two joint workshops with answers and table plans, the
one-to-one service check, and the shipped competence wheel with the start measurement.

The same seed and size give the same people, groups, states and texts; dates are relative to the day of
generation, so the cohort is always running. Rows are written with bulk inserts in chunks (no ORM
objects), and every person shares one password hash computed once.

The round around the course (calendar, workshops, service check, competence wheel) is written by
``round_dataset.RoundRows``; its docstring says which leader does what.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, Integer, Table, func, insert, select, text
from werkzeug.security import generate_password_hash

from bench import sizes, texts
from bench.round_dataset import RoundRows
from bench.sizes import Size
from course_app import create_app
from course_app.accounts.models import User
from course_app.assessments.file_import import import_assessment
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.core import migrate
from course_app.core.db import Base, db, make_engine
from course_app.courses.file_import import import_course
from course_app.courses.models import Block, Course
from course_app.courses.outlines import course_outline
from course_app.organisations.models import (
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    Role,
    RoleAssignment,
)
from course_app.paths import COURSES_DIR
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import AnswerStatus, Comment, ReflectionAnswer, Visibility
from course_app.self_assessment import wheel_reflections
from course_app.self_assessment.pages import pages

COURSE_SLUG = "digital-ledelse"
PLAYABLE_FILM = "film-1-video"  # made playable (``_make_playable``); module film-1 opens on day 7
PLAYABLE_FILM_URL = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
ASSESSMENT_SLUG = "kompetencehjul"  # the shipped competence wheel (a demo model)
CHUNK = 5_000
SHARE_RATE = 0.2  # of submitted answers, shared with the group
COMMENT_RATE = 0.3  # of shared answers, commented on by a group mate


class DatasetError(RuntimeError):
    """The database cannot take a dataset (it holds data already, or the course is invalid)."""


@dataclass(frozen=True)
class LessonPlan:
    lesson_id: int
    module_id: int
    question_ids: tuple[int, ...]


@dataclass
class Counts:
    """What was written, for the command's summary and the tests."""

    tables: dict[str, int] = field(default_factory=dict)
    adversarial_answers: int = 0
    seconds: float = 0.0

    def add(self, table: str, number: int) -> None:
        self.tables[table] = self.tables.get(table, 0) + number


def generate(url: str, size: Size, *, seed: int = 1, replace: bool = False) -> Counts:
    """Fill the database at ``url`` (migrated here) with a dataset of ``size``."""
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        if replace:
            _drop_everything(engine)
        migrate.upgrade(engine)
        _refuse_data(engine)
        content = _import_content(url)
        counts = _Writer(engine, size, seed, content).write()
    finally:
        engine.dispose()
    counts.seconds = time.perf_counter() - started
    return counts


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _refuse_data(engine: Engine) -> None:
    with engine.connect() as connection:
        people = connection.scalar(select(func.count()).select_from(User.__table__))
    if people:
        raise DatasetError(
            f"The database already holds {people} people. Use an empty database or --replace."
        )


@dataclass(frozen=True)
class Content:
    """The imported course and competence wheel, as the writer needs them."""

    course_id: int
    plan: list[LessonPlan]  # the course's lessons and their questions, in course order
    modules: dict[str, tuple[int, str]]  # module key -> (id, mode), the course's visible modules
    assessment_id: int
    item_ids: tuple[int, ...]  # the wheel's active statements, in the order of its pages
    scale: tuple[int, int]  # the wheel's lowest and highest value
    prompt_keys: tuple[str, ...]  # the wheel page's reflection prompts


def _import_content(url: str) -> Content:
    """The shipped course and the shipped competence wheel, imported the normal way; the course's
    lessons and questions in course order, the wheel's statements."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        import_course(COURSES_DIR / COURSE_SLUG)
        assessment = import_assessment(COURSES_DIR / ASSESSMENT_SLUG).assessment
        db.session.commit()
        course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
        assert course is not None
        _make_playable(course.id)
        outline = course_outline(course)
        plan = [
            LessonPlan(
                lesson.lesson.id,
                module.module.id,
                tuple(block.id for block in lesson.questions),
            )
            for module in outline
            for lesson in module.lessons
        ]
        content = Content(
            course_id=course.id,
            plan=plan,
            modules={
                module.module.key: (module.module.id, module.module.mode.value)
                for module in outline
            },
            assessment_id=assessment.id,
            item_ids=tuple(item.id for page in pages(assessment) for item in page.items),
            scale=(assessment.scale_min, assessment.scale_max),
            prompt_keys=tuple(prompt.key for prompt in wheel_reflections.prompts(assessment)),
        )
    db.engine(app).dispose()
    return content


def _make_playable(course_id: int) -> None:
    """The shipped course's films are placeholders (nothing to play, so nothing to report); the
    benchmark gives the first one an address, so its leaders' players report where they are."""
    film = db.session.scalar(
        select(Block).where(Block.course_id == course_id, Block.key == PLAYABLE_FILM)
    )
    assert film is not None, PLAYABLE_FILM
    data = {key: value for key, value in film.data.items() if key != "placeholder"}
    film.data = {**data, "url": PLAYABLE_FILM_URL}
    db.session.commit()


class _Writer(RoundRows):
    """Writes one dataset; ids are assigned here so every row is known without reading back."""

    def __init__(self, engine: Engine, size: Size, seed: int, content: Content) -> None:
        self.engine = engine
        self.size = size
        self.rng = random.Random(seed)
        # The round's calendar, workshops, service check and wheel draw from their own generator, so
        # adding them left every row written before them as it was for the same seed.
        self.round_rng = random.Random(f"{seed}:round")
        self.content = content
        self.course_id = content.course_id
        self.plan = content.plan
        self.counts = Counts()
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.starts = self.now - dt.timedelta(days=60)
        self.password_hash = generate_password_hash(sizes.BENCH_PASSWORD, method="scrypt")

    def write(self) -> Counts:
        with self.engine.begin() as connection:
            self.connection = connection
            self._directory()
            self._people()
            self._cohort()
            self._learning()
            self._calendar()
            self._workshops()
            self._service_check()
            self._wheel()
            if connection.dialect.name == "postgresql":
                self._advance_sequences()
        if self.engine.dialect.name == "postgresql":
            # As autovacuum leaves a database after a bulk load: statistics for the planner, and the
            # visibility map that lets an index-only scan skip the table's rows.
            with self.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        return self.counts

    def _insert(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= CHUNK:
                self.connection.execute(insert(table), batch)
                self.counts.add(table.name, len(batch))
                batch = []
        if batch:
            self.connection.execute(insert(table), batch)
            self.counts.add(table.name, len(batch))

    # -- directory: organisations, areas, groups --------------------------------------------------
    def _directory(self) -> None:
        size = self.size
        self.organisation_ids = list(range(1, size.organisations + 1))
        self._insert(
            Organisation.__table__,
            (
                {
                    "id": number,
                    "slug": f"bench-{number}",
                    "name": texts.MUNICIPALITIES[number - 1] + " (bench)",
                    "created_at": self.starts,
                }
                for number in self.organisation_ids
            ),
        )
        areas = []
        self.areas_of: dict[int, list[int]] = {}
        for organisation_id in self.organisation_ids:
            for index in range(size.areas_per_organisation):
                area_id = len(areas) + 1
                areas.append(
                    {"id": area_id, "organisation_id": organisation_id, "name": texts.AREAS[index]}
                )
                self.areas_of.setdefault(organisation_id, []).append(area_id)
        self._insert(Area.__table__, areas)
        # Groups are spread over organisations in turn; each sits in one of its organisation's areas.
        self.groups: list[tuple[int, int, int]] = []  # (group id, organisation id, area id)
        for index in range(size.groups):
            organisation_id = self.organisation_ids[index % size.organisations]
            area_ids = self.areas_of[organisation_id]
            self.groups.append((index + 1, organisation_id, area_ids[index % len(area_ids)]))
        self.group_of = {group_id: (org, area) for group_id, org, area in self.groups}
        self._insert(
            LeaderGroup.__table__,
            (
                {
                    "id": group_id,
                    "organisation_id": organisation_id,
                    "area_id": area_id,
                    "name": f"Ledergruppe {group_id}",
                    "created_at": self.starts,
                }
                for group_id, organisation_id, area_id in self.groups
            ),
        )

    # -- people: leaders (group members, the first of each group chairs it), staff -----------------
    def _person(
        self,
        user_id: int,
        email: str,
        organisation_id: int | None,
        area_id: int | None,
        rng: random.Random | None = None,
    ):
        rng = rng or self.rng
        name = f"{rng.choice(texts.FIRST_NAMES)} {rng.choice(texts.LAST_NAMES)}"
        return {
            "id": user_id,
            "email": email,
            "name": name,
            "password_hash": self.password_hash,
            "locale": "da",
            "organisation_id": organisation_id,
            "area_id": area_id,
            "session_version": 1,
            "created_at": self.starts,
        }

    def _people(self) -> None:
        size = self.size
        people: list[dict[str, Any]] = []
        memberships: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        self.leaders: list[tuple[int, int]] = []  # (user id, group id)
        for number in range(1, size.leaders + 1):
            group_id, organisation_id, area_id = self.groups[(number - 1) % len(self.groups)]
            user_id = len(people) + 1
            people.append(
                self._person(user_id, sizes.leader_email(number), organisation_id, area_id)
            )
            memberships.append(
                {
                    "id": len(memberships) + 1,
                    "user_id": user_id,
                    "group_id": group_id,
                    "valid_from": self.starts - dt.timedelta(days=1),
                }
            )
            if number <= len(self.groups):
                roles.append(self._role(len(roles) + 1, user_id, Role.CHAIR, group_id=group_id))
            self.leaders.append((user_id, group_id))
        # A facilitator for every five groups of an organisation; a coordinator per organisation;
        # a platform admin and a course editor.
        facilitators = 0
        for organisation_id in self.organisation_ids:
            own = [group for group in self.groups if group[1] == organisation_id]
            for index in range(0, len(own), 5):
                facilitators += 1
                user_id = len(people) + 1
                people.append(
                    self._person(
                        user_id, sizes.facilitator_email(facilitators), organisation_id, None
                    )
                )
                for group_id, _organisation, _area in own[index : index + 5]:
                    roles.append(
                        self._role(len(roles) + 1, user_id, Role.FACILITATOR, group_id=group_id)
                    )
        for organisation_id in self.organisation_ids:
            user_id = len(people) + 1
            people.append(
                self._person(
                    user_id, sizes.coordinator_email(organisation_id), organisation_id, None
                )
            )
            roles.append(
                self._role(
                    len(roles) + 1, user_id, Role.COORDINATOR, organisation_id=organisation_id
                )
            )
        admin_id = len(people) + 1
        people.append(self._person(admin_id, sizes.ADMIN_EMAIL, None, None))
        roles.append(self._role(len(roles) + 1, admin_id, Role.PLATFORM_ADMIN))
        editor_id = len(people) + 1
        people.append(self._person(editor_id, sizes.EDITOR_EMAIL, None, None))
        roles.append(
            self._role(len(roles) + 1, editor_id, Role.COURSE_EDITOR, course_id=self.course_id)
        )
        self._insert(User.__table__, people)
        self._insert(GroupMembership.__table__, memberships)
        self._insert(RoleAssignment.__table__, roles)
        self.admin_id = admin_id
        self.people_written = len(people)
        self.roles_written = len(roles)
        self.facilitators_of = {
            organisation_id: sorted(
                {
                    role["user_id"]
                    for role in roles
                    if role["role"] == Role.FACILITATOR.value
                    and self.group_of[role["group_id"]][0] == organisation_id
                }
            )
            for organisation_id in self.organisation_ids
        }

    def _role(self, role_id: int, user_id: int, role: Role, **scope: int) -> dict[str, Any]:
        return {
            "id": role_id,
            "user_id": user_id,
            "role": role.value,
            "organisation_id": scope.get("organisation_id"),
            "course_id": scope.get("course_id"),
            "group_id": scope.get("group_id"),
            "created_at": self.starts,
        }

    # -- cohort and enrolments ----------------------------------------------------------------------
    def _cohort(self) -> None:
        self._insert(
            Cohort.__table__,
            [
                {
                    "id": 1,
                    "course_id": self.course_id,
                    "name": "Digital ledelse – benchmarkhold",
                    "starts_on": self.starts.date(),
                    "ends_on": (self.starts + dt.timedelta(days=365)).date(),
                    "created_at": self.starts,
                }
            ],
        )
        self._insert(
            cohort_organisations,
            ({"cohort_id": 1, "organisation_id": o} for o in self.organisation_ids),
        )
        self._insert(
            Enrolment.__table__,
            (
                {"id": user_id, "cohort_id": 1, "user_id": user_id, "enrolled_at": self.starts}
                for user_id, _group in self.leaders
            ),
        )

    # -- progress, answers, shares, comments ----------------------------------------------------------
    def _reached(self) -> int:
        """How many lessons a leader has begun: some not at all, most part-way, some all of them."""
        lessons = len(self.plan)
        draw = self.rng.random()
        if draw < 0.1:
            return 0
        if draw < 0.25:
            return lessons
        return max(1, round(self.rng.betavariate(2, 2) * lessons))

    def _learning(self) -> None:
        self._insert(LessonProgress.__table__, self._progress_rows())
        self._insert(ReflectionAnswer.__table__, self._answer_rows())
        self._insert(Comment.__table__, self._comment_rows())

    def _progress_rows(self) -> Iterator[dict[str, Any]]:
        """A row for every leader × lesson: done up to the leader's reach, the next one in progress,
        the rest not started."""
        self.reach: dict[int, int] = {}
        row_id = 0
        for enrolment_id, _group in self.leaders:
            reached = self._reached()
            self.reach[enrolment_id] = reached
            for index, lesson in enumerate(self.plan):
                row_id += 1
                started = self.starts + dt.timedelta(
                    days=index * 1.5, minutes=self.rng.randrange(600)
                )
                if index < reached - 1 or (reached == len(self.plan) and index < reached):
                    state, completed = ProgressState.DONE, started + dt.timedelta(minutes=40)
                elif index == reached - 1:
                    state, completed = ProgressState.IN_PROGRESS, None
                else:
                    state, completed = ProgressState.NOT_STARTED, None
                yield {
                    "id": row_id,
                    "enrolment_id": enrolment_id,
                    "lesson_id": lesson.lesson_id,
                    "state": state.value,
                    "started_at": started,
                    "completed_at": completed,
                    "updated_at": completed or started,
                }

    def _answer_rows(self) -> Iterator[dict[str, Any]]:
        """Answers to the questions of every lesson a leader has reached; shared ones remembered."""
        self.shared: list[tuple[int, int]] = []  # (answer id, group id)
        answer_id = 0
        for enrolment_id, group_id in self.leaders:
            reached = self.reach[enrolment_id]
            for index, lesson in enumerate(self.plan[:reached]):
                submitted = index < reached - 1 or reached == len(self.plan)
                for block_id in lesson.question_ids:
                    answer_id += 1
                    body, adversarial = texts.answer_text(self.rng)
                    self.counts.adversarial_answers += adversarial
                    shared = submitted and self.rng.random() < SHARE_RATE
                    if shared:
                        self.shared.append((answer_id, group_id))
                    at = self.starts + dt.timedelta(days=index * 1.5, hours=1)
                    yield {
                        "id": answer_id,
                        "enrolment_id": enrolment_id,
                        "block_id": block_id,
                        "text": body,
                        "status": (
                            AnswerStatus.SUBMITTED if submitted else AnswerStatus.DRAFT
                        ).value,
                        "version": 1,
                        "visibility": (Visibility.GROUP if shared else Visibility.PRIVATE).value,
                        "shared_group_id": group_id if shared else None,
                        "created_at": at,
                        "updated_at": at,
                        "submitted_at": at if submitted else None,
                    }

    def _comment_rows(self) -> Iterator[dict[str, Any]]:
        members: dict[int, list[int]] = {}
        for user_id, group_id in self.leaders:
            members.setdefault(group_id, []).append(user_id)
        comment_id = 0
        for answer_id, group_id in self.shared:
            if self.rng.random() >= COMMENT_RATE:
                continue
            comment_id += 1
            body, _adversarial = texts.answer_text(self.rng)
            at = self.now - dt.timedelta(days=1)
            yield {
                "id": comment_id,
                "answer_id": answer_id,
                "author_id": self.rng.choice(members[group_id]),
                "text": body[:1000],
                "created_at": at,
                "updated_at": at,
            }

    def _advance_sequences(self) -> None:
        """Ids were given explicitly: move PostgreSQL's sequences past them for the app's inserts."""
        for table in Base.metadata.sorted_tables:
            if (
                "id" in table.c
                and table.c.id.primary_key
                and table.c.id.autoincrement is not False
                and isinstance(table.c.id.type, Integer)  # not a random key (assessment responses)
            ):
                self.connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
