"""What the benchmark asks of the app: the endpoints, who asks, and the scripted loops.

Every virtual user signs in once (``client.sign_in``: the form's CSRF token, then the POST) before the
load starts; the loops then reuse the session, so the load measures pages, not password hashing.
Sign-in itself is measured on its own (``sign_in_users``).
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from bench import client, sizes
from bench.client import SignedIn
from bench.dataset import PLAYABLE_FILM
from bench.load import Step, VirtualUser
from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core.db import make_engine
from course_app.courses.models import QUESTION_TYPES, Block, Lesson, Module
from course_app.organisations.models import GroupMembership, Role, RoleAssignment
from course_app.schedule.event_models import Event, EventKind
from course_app.self_assessment.round_models import RoundAssessment

COHORT_ID = 1  # the generator's one cohort
WORKSHOP_NUMBER = 2  # the workshop ahead: answers open, a published plan (``bench.dataset``)
FILM_REPORT = json.dumps({"position": 610, "played": [[0, 610]], "duration": 2400})


@dataclass(frozen=True)
class Fixture:
    """The parts of the generated dataset the requests name."""

    course_id: int
    module_key: str
    lesson_key: str
    block_key: str
    lesson_keys: tuple[str, ...]
    leader_groups: dict[int, int]  # leader number (= user id) -> group id
    chairs: dict[int, int]  # leader number of a group's chair -> group id
    facilitator_groups: dict[str, tuple[int, ...]]  # e-mail -> the groups they facilitate
    organisations: int
    workshop_id: int  # the round's workshop 2 (an event id)
    assessment_id: int  # the round's competence wheel
    supporter_email: str  # the first supporter of organisation 1


def read_fixture(database: str, size: sizes.Size) -> Fixture:
    """The first question in course order (its lesson and module), each leader's group, the chairs
    and the facilitators' groups; the round's workshop 2, its competence wheel and a supporter."""
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            course_id = connection.scalar(select(Cohort.course_id).where(Cohort.id == COHORT_ID))
            if course_id is None:
                raise client.BenchmarkError(
                    f"No benchmark dataset in {database}: run `python -m bench generate --size "
                    f"{size.name}` with the same --database first."
                )
            first = connection.execute(
                select(Module.key, Lesson.key, Block.key)
                .join(Lesson, Lesson.id == Block.lesson_id)
                .join(Module, Module.id == Lesson.module_id)
                .where(Block.course_id == course_id, Block.type.in_(list(QUESTION_TYPES)))
                .order_by(Module.position, Lesson.position, Block.position)
                .limit(1)
            ).one()
            lesson_keys = tuple(
                connection.scalars(
                    select(Lesson.key)
                    .join(Module, Module.id == Lesson.module_id)
                    .where(Lesson.course_id == course_id)
                    .order_by(Module.position, Lesson.position)
                )
            )
            memberships = connection.execute(
                select(GroupMembership.user_id, GroupMembership.group_id).where(
                    GroupMembership.user_id <= size.leaders
                )
            ).all()
            roles = connection.execute(
                select(
                    User.email, RoleAssignment.user_id, RoleAssignment.role, RoleAssignment.group_id
                )
                .join(User, User.id == RoleAssignment.user_id)
                .where(RoleAssignment.role.in_([Role.CHAIR, Role.FACILITATOR]))
                .order_by(RoleAssignment.user_id, RoleAssignment.group_id)
            ).all()
            workshop_id = connection.scalar(
                select(Event.id).where(
                    Event.cohort_id == COHORT_ID,
                    Event.kind == EventKind.WORKSHOP,
                    Event.number == WORKSHOP_NUMBER,
                )
            )
            assessment_id = connection.scalar(
                select(RoundAssessment.assessment_id).where(RoundAssessment.cohort_id == COHORT_ID)
            )
            supporter_email = connection.scalar(
                select(User.email)
                .join(RoleAssignment, RoleAssignment.user_id == User.id)
                .where(RoleAssignment.role == Role.SUPPORTER, RoleAssignment.organisation_id == 1)
                .order_by(User.id)
                .limit(1)
            )
    finally:
        engine.dispose()
    if workshop_id is None or assessment_id is None or supporter_email is None:
        raise client.BenchmarkError(
            f"The benchmark dataset in {database} has no workshops, competence wheel or service "
            f"check (it was generated before they were added): run `python -m bench generate "
            f"--size {size.name} --replace` with the same --database."
        )
    facilitator_groups: dict[str, list[int]] = {}
    for email, _user_id, role, group_id in roles:
        if role == Role.FACILITATOR:
            facilitator_groups.setdefault(email, []).append(group_id)
    return Fixture(
        course_id=course_id,
        module_key=first[0],
        lesson_key=first[1],
        block_key=first[2],
        lesson_keys=lesson_keys,
        leader_groups=dict(memberships),
        chairs={user_id: group_id for _e, user_id, role, group_id in roles if role == Role.CHAIR},
        facilitator_groups={email: tuple(ids) for email, ids in facilitator_groups.items()},
        organisations=size.organisations,
        workshop_id=workshop_id,
        assessment_id=assessment_id,
        supporter_email=supporter_email,
    )


def _form(**fields: str) -> str:
    return urllib.parse.urlencode(fields)


# -- each role's steps ----------------------------------------------------------------------------


def leader_steps(fixture: Fixture, user: SignedIn, group_id: int) -> dict[str, Step]:
    cohort = f"/forloeb/{COHORT_ID}"
    reflection = (
        "Jeg vil inddrage medarbejderne tidligere, når vi indfører nye digitale løsninger. " * 7
    )
    return {
        "leader: dashboard": Step("dashboard", "/mit-forloeb"),
        "leader: module page": Step("module", f"{cohort}/moduler/{fixture.module_key}"),
        "leader: save reflection": Step(
            "save reflection",
            f"{cohort}/svar/{fixture.block_key}",
            "POST",
            _form(
                csrf_token=user.csrf_token,
                text=reflection,
                visibility="private",
                submit_answer="Indsend",
            ),
            302,
        ),
        "leader: mark done": Step(
            "mark done",
            f"{cohort}/lektioner/{fixture.lesson_key}/faerdig",
            "POST",
            _form(csrf_token=user.csrf_token),
            302,
        ),
        "leader: group page": Step("group page", f"/grupper/{group_id}"),
        # The round around the course: her calendar, the workshop ahead (her answer and table), the
        # service check (her booking and the free times), her competence wheel and its page.
        "leader: calendar": Step("calendar", "/kalender"),
        "leader: workshop page": Step("workshop", f"/workshops/{fixture.workshop_id}"),
        "leader: service check": Step("service check", "/servicetjek"),
        "leader: competence wheel": Step("wheel overview", "/kompetencehjul"),
        "leader: her wheel": Step("her wheel", f"/kompetencehjul/hjul/{fixture.assessment_id}"),
        # The film script's report while she watches (every ten seconds in real life; in the loop
        # most come within two seconds of her last and are dropped: 202).
        "leader: film report": Step(
            "film report",
            f"{cohort}/film/{PLAYABLE_FILM}",
            "POST",
            _form(csrf_token=user.csrf_token, report=FILM_REPORT),
            204,
            also=(202,),
        ),
    }


def facilitator_steps(group_id: int) -> dict[str, Step]:
    return {
        "facilitator: group dashboard": Step("group dashboard", f"/ledergrupper/{group_id}"),
        "facilitator: group CSV export": Step("group csv", f"/ledergrupper/{group_id}/eksport.csv"),
    }


def chair_steps(fixture: Fixture, group_id: int, chair: SignedIn) -> dict[str, Step]:
    """Shared reflections are read by the group and its chair; facilitators see only progress."""
    return {
        "chair: reflections review": Step(
            "review",
            f"/grupper/{group_id}/spoergsmaal/{fixture.block_key}",
            cookie=chair.cookie,
        ),
    }


def coordinator_steps(fixture: Fixture, supporter: SignedIn) -> dict[str, Step]:
    """The programme report; and running the round: the rounds, the round's page with its release
    table, its calendar, the workshop's table plan, the wheel's averages and the service check's
    counts. A supporter's slots in the round are requested with the supporter's session."""
    cohort = f"/forloeb/{COHORT_ID}"
    return {
        "coordinator: programme report": Step("report", "/rapport"),
        "coordinator: rounds list": Step("rounds", "/forloeb"),
        "coordinator: round page": Step("round page", cohort),
        "coordinator: round calendar": Step("round calendar", f"/kalender{cohort}"),
        "coordinator: table plan": Step("table plan", f"/workshops/{fixture.workshop_id}/bordplan"),
        "coordinator: wheel averages": Step("wheel averages", "/kompetencehjul/gennemsnit"),
        "coordinator: service check counts": Step(
            "service check counts", f"/servicetjek{cohort}/overblik"
        ),
        "supporter: slots in the round": Step(
            "supporter slots", f"/servicetjek{cohort}/tider", cookie=supporter.cookie
        ),
    }


def admin_steps(
    base_url: str, fixture: Fixture, user: SignedIn, lesson_key: str
) -> dict[str, Step]:
    """Save a lesson with the values its edit form shows (a real edit, audited as one)."""
    path = f"/admin/kurser/{fixture.course_id}/lektioner/{lesson_key}"
    page = client.request(base_url, "GET", path, cookie=user.cookie)
    fields = client.form_fields(page.body, path)
    return {
        "admin: edit lesson": Step("edit lesson", path, "POST", urllib.parse.urlencode(fields), 302)
    }


def platform_admin_steps() -> dict[str, Step]:
    """The sign-in settings (issue 17): the organisations, 25 a page, each with its providers and
    policy."""
    return {"platform admin: sign-in settings": Step("sign-in settings", "/admin/log-ind")}


# -- virtual users ----------------------------------------------------------------------------------


@dataclass
class Cast:
    """Signed-in virtual users per role, made once per run and reused by every measurement."""

    base_url: str
    fixture: Fixture
    connections: int

    def __post_init__(self) -> None:
        fixture = self.fixture

        def sign_in(email: str) -> SignedIn:
            return client.sign_in(self.base_url, email, sizes.BENCH_PASSWORD)

        wanted = self.connections
        self.leaders = [
            sign_in(sizes.leader_email(n)) for n in sorted(fixture.leader_groups)[:wanted]
        ]
        self._sign_in = sign_in
        self._chairs: dict[int, SignedIn] = {}
        self.facilitators = [
            (sign_in(email), groups)
            for email, groups in sorted(fixture.facilitator_groups.items())[:wanted]
        ]
        self.coordinators = [
            sign_in(sizes.coordinator_email(number))
            for number in range(1, min(fixture.organisations, wanted) + 1)
        ]
        self.editor = sign_in(sizes.EDITOR_EMAIL)
        self.admin = sign_in(sizes.ADMIN_EMAIL)
        self.supporter = sign_in(fixture.supporter_email)

    def _leader_user(self, index: int, names: list[str]) -> VirtualUser:
        user = self.leaders[index % len(self.leaders)]
        number = index % len(self.leaders) + 1
        steps = leader_steps(self.fixture, user, self.fixture.leader_groups[number])
        return VirtualUser(user.cookie, tuple(steps[name] for name in names))

    def _facilitator_user(self, index: int, names: list[str]) -> VirtualUser:
        """Facilitator ``index`` (in turn) with one of their groups; the review step is requested
        by that group's chair."""
        user, groups = self.facilitators[index % len(self.facilitators)]
        group_id = groups[(index // len(self.facilitators)) % len(groups)]
        steps = facilitator_steps(group_id)
        steps.update(chair_steps(self.fixture, group_id, self.chair_of(group_id)))
        return VirtualUser(user.cookie, tuple(steps[name] for name in names))

    def chair_of(self, group_id: int) -> SignedIn:
        """The group's chair, signed in the first time they are needed."""
        if group_id not in self._chairs:
            number = next(n for n, group in self.fixture.chairs.items() if group == group_id)
            self._chairs[group_id] = self._sign_in(sizes.leader_email(number))
        return self._chairs[group_id]

    def _coordinator_user(self, index: int, names: list[str]) -> VirtualUser:
        steps = coordinator_steps(self.fixture, self.supporter)
        user = self.coordinators[index % len(self.coordinators)]
        return VirtualUser(user.cookie, tuple(steps[name] for name in names))

    def _editor_user(self, index: int, names: list[str]) -> VirtualUser:
        lesson_key = self.fixture.lesson_keys[index % len(self.fixture.lesson_keys)]
        steps = admin_steps(self.base_url, self.fixture, self.editor, lesson_key)
        return VirtualUser(self.editor.cookie, tuple(steps[name] for name in names))

    def _platform_admin_user(self, _index: int, names: list[str]) -> VirtualUser:
        steps = platform_admin_steps()
        return VirtualUser(self.admin.cookie, tuple(steps[name] for name in names))

    def users_for(self, endpoint: str, count: int) -> list[VirtualUser]:
        """``count`` virtual users who all request ``endpoint`` only."""
        make = self._maker(endpoint)
        return [make(index, [endpoint]) for index in range(count)]

    def _maker(self, endpoint: str) -> Callable[[int, list[str]], VirtualUser]:
        role = endpoint.split(":", 1)[0]
        return {
            "leader": self._leader_user,
            "facilitator": self._facilitator_user,
            "chair": self._facilitator_user,
            "coordinator": self._coordinator_user,
            "supporter": self._coordinator_user,  # the step carries the supporter's session
            "admin": self._editor_user,
            "platform admin": self._platform_admin_user,
        }[role]

    def scripted_loops(self) -> list[VirtualUser]:
        """The mixed load: most connections are leaders, one a facilitator, one an author and (from
        four connections) one a coordinator running the round."""
        leaders = max(1, self.connections - 3)
        users = [self._leader_user(index, list(LEADER_LOOP)) for index in range(leaders)]
        users.append(self._facilitator_user(0, list(FACILITATOR_LOOP)))
        if self.connections > 2:
            users.append(self._editor_user(0, list(ADMIN_LOOP)))
        if self.connections > 3:
            users.append(self._coordinator_user(0, list(COORDINATOR_LOOP)))
        return users[: self.connections]

    def progress_export_user(self) -> VirtualUser:
        return VirtualUser(
            self.admin.cookie,
            (Step("progress csv", "/rapport/lektioner.csv"),),
        )


LEADER_LOOP = (
    "leader: dashboard",
    "leader: module page",
    "leader: save reflection",
    "leader: mark done",
    "leader: group page",
    "leader: calendar",
    "leader: workshop page",
    "leader: service check",
    "leader: competence wheel",
    "leader: her wheel",
    "leader: film report",
)
FACILITATOR_LOOP = (
    "facilitator: group dashboard",
    "chair: reflections review",
    "facilitator: group CSV export",
)
ADMIN_LOOP = ("admin: edit lesson",)
COORDINATOR_LOOP = (
    "coordinator: rounds list",
    "coordinator: round page",
    "coordinator: round calendar",
    "coordinator: table plan",
    "coordinator: wheel averages",
    "coordinator: service check counts",
    "supporter: slots in the round",
)
# The endpoints driven alone, in the order of the report (the pages added with the round's calendar,
# workshops, service check and competence wheel come after the earlier ones, whose rows keep their
# names and places).
ENDPOINTS = (
    *LEADER_LOOP[:5],
    *FACILITATOR_LOOP,
    "coordinator: programme report",
    *ADMIN_LOOP,
    *LEADER_LOOP[5:],
    *COORDINATOR_LOOP,
    "platform admin: sign-in settings",  # a page for the few, driven alone (in no loop)
)


def sign_in_users(base_url: str, count: int) -> list[VirtualUser]:
    """Virtual users who post the sign-in form again and again (each post checks the password)."""
    users = []
    for number in range(1, count + 1):
        page = client.request(base_url, "GET", "/log-ind")
        body = _form(
            email=sizes.leader_email(number),
            password=sizes.BENCH_PASSWORD,
            csrf_token=client.csrf_token(page.body),
        )
        users.append(
            VirtualUser(
                client.session_cookie(page),
                (Step("sign in", "/log-ind", "POST", body, 302),),
                keeps_cookies=False,
            )
        )
    return users
