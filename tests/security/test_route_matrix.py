"""The authorisation matrix (issue 4, point 6): every route of the app × every role × every kind of
object, following the who-sees-what table in ``course_app/organisations/access.py`` (and, for the
authoring area, ``Viewer.may_author`` / ``Viewer.may_edit_course``).

One world, built once per module in a committed database of its own. Each test is one route, one
method and one object, tried by every role; each role's requests run in a savepoint of their own
inside the test's transaction, so every role meets the same world:

    organisation A: group G1 (leaders L1, L2, "moved", L5 and the chair, who is also a member),
                    group G2 (L3); facilitator of G1 (in A), coordinator of A
    organisation B: group H (L4); coordinator of B (and stale chair and facilitator roles for H,
                    left behind by G1's chair and facilitator, who once worked in B)
    no organisation: facilitator of G2 (platform staff), platform admin, course editor of course 1
    cohort C1 (A and B; course 1, with group-mode leader meetings): every leader is enrolled
    cohort C2 (B only, starts later; course 2): L4 is enrolled too

    calendar: C1's kick-off; leader meetings of G1, G2 and H (their places are markers); C2's
    kick-off (a marker); the course editor's calendar feed, with a known token

    L1: a PRIVATE submitted answer; L2, L3, L4: answers SHARED with G1, G2 and H; "moved" shared
    an answer with G2, then moved to G1 (the answer stays with G2); L5 shares nothing (her name
    is only for those who follow G1's progress); L1 comments on L2's answer, L3 and L4 on their
    own; the chair's meeting note for G1; course material, a learning goal (and a retired one)
    in each course.

Objects are named absolutely (``g1``, ``g2``, ``h``, ``g1/l2-answer``, ``course2/goal`` …); what an
object is to a role is relative: to L1, ``g1/l1-answer`` is its own, ``g1/l2-answer`` one of the
same group, ``g2/…`` one of another group and ``h/…`` one of the other organisation (failure messages
say which). Every response, allowed or refused, is searched for the marker texts the role may never
see (``MARKERS``). Every POST carries forged extra fields (``FORGED``: other people's group,
organisation, user and enrolment ids, a role): an allowed one is sent plain as well and must
change the database (every table's row count and the rows that matter, see ``snapshot``) exactly
alike; a refused one must leave it as it was.

A new route fails ``test_every_route_is_in_the_matrix`` until it is added to ``ROUTES``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, cast, func, inspect, literal, select, union_all
from sqlalchemy.engine import Connection
from werkzeug.test import TestResponse

import course_app.models  # noqa: F401 - every table in the metadata
from course_app import create_app
from course_app.accounts import invitations, sign_in_links, unsubscribe
from course_app.accounts import services as accounts
from course_app.accounts.identity_models import IdentityProvider
from course_app.accounts.models import Invitation, PasswordReset, SignInLink, User
from course_app.assessments.file_import import import_assessment
from course_app.audit.models import AuditEntry
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.core import migrate
from course_app.core.db import Base, db, make_engine, utcnow
from course_app.core.i18n import COPENHAGEN
from course_app.courses import goals as goal_services
from course_app.courses import lifecycle
from course_app.courses.file_export import export_zip
from course_app.courses.models import (
    Block,
    Course,
    LearningGoal,
    Lesson,
    Module,
    block_goals,
    lesson_goals,
    module_goals,
)
from course_app.learning import services as learning
from course_app.notifications.models import OutboxMessage
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import (
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    Role,
    RoleAssignment,
)
from course_app.paths import COURSES_DIR
from course_app.people.views import Upload, sign_upload
from course_app.progress.models import LessonProgress
from course_app.reflections import services as reflections
from course_app.reflections.models import Comment, MeetingNote, ReflectionAnswer
from course_app.resources import services as resources
from course_app.resources import storage
from course_app.resources.models import Resource
from course_app.rounds.forms import release_table_form
from course_app.rounds.release_table import release_table
from course_app.schedule import events as calendar_events
from course_app.schedule.event_models import CalendarFeed, Event, EventKind
from course_app.schedule.models import CohortRelease
from course_app.self_assessment import round_tools, taking
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
)
from course_app.self_assessment.pages import pages
from course_app.self_assessment.round_models import (
    AssessmentDispatch,
    RoundAssessment,
    WheelReflection,
)
from course_app.service_check import booking as service_check_booking
from course_app.service_check import overview as service_check_overview
from course_app.service_check import slots as service_check_slots
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from course_app.workshops.models import (
    AreaCorrespondence,
    TableSeat,
    WorkshopFacilitator,
    WorkshopSettings,
    WorkshopSignup,
)
from tests import factories
from tests.conftest import TEST_CONFIG, FreshContextClient, csrf_token_from
from tests.groups.conftest import build_course
from tests.helpers import sign_in

# --- Roles and markers -----------------------------------------------------------------------------

UNREACHABLE_ISSUER = "http://127.0.0.1:9/matrix"  # the discard port: refused at once
ROLES = (
    "anonymous",
    "l1",  # leader in G1
    "l2",  # another leader in G1
    "moved",  # a leader in G1 since recently: shared an answer while in G2 (it stays with G2)
    "l3",  # leader of another group (G2) in the same organisation
    "l4",  # leader in the other organisation (H)
    "chair",  # chair of G1, also a member of it
    "fac1",  # facilitator of G1 (organisation A)
    "fac2",  # facilitator of another group (G2; platform staff without an organisation)
    "coord_a",  # coordinator of organisation A
    "coord_b",  # coordinator of organisation B
    "admin",  # platform admin
    "editor",  # course editor of course 1 (platform staff): the authoring area, nothing else
    "sup",  # service-check supporter of organisation A
)
SIGNED_IN = ROLES[1:]
LEADERS = ("l1", "l2", "moved", "l3", "l4", "chair")
IMPORTERS = ("coord_a", "coord_b", "admin")
ROLE_GROUP = {"l1": "g1", "l2": "g1", "moved": "g1", "chair": "g1", "l3": "g2", "l4": "h"}
ROLE_ORG = dict.fromkeys(("l1", "l2", "moved", "l3", "chair", "fac1", "coord_a", "sup"), "a")
ROLE_ORG |= dict.fromkeys(("l4", "coord_b"), "b")
GROUP_ORG = {"g1": "a", "g2": "a", "h": "b"}

NAMES = {
    "l1": "Lykke Lindqvist",
    "l2": "Lasse Leerbeck",
    "moved": "Mads Mellemgaard",
    "l3": "Liva Lorentzen",
    "l4": "Loke Lykkeberg",
    "chair": "Cecilie Carstensen",
    "fac1": "Frede Fogh",
    "fac2": "Frida Fenger",
    "coord_a": "Karen Kjaer",
    "coord_b": "Kim Krabbe",
    "admin": "Ane Adler",
    "editor": "Erik Egholm",
    "sup": "Siri Supporter",
    "l5": "Sigrid Stille",  # a member of G1 who shares nothing: only progress followers see her
}
GROUP_NAMES = {"g1": "Ledergruppe Ahorn", "g2": "Ledergruppe Birk", "h": "Ledergruppe Hyld"}

L1_PRIVATE = "PRIVATE-L1-answer-7c1e"
L2_SHARED = "SHARED-L2-G1-answer-0b3d"
L3_SHARED = "SHARED-L3-G2-answer-5a2f"
L4_SHARED = "SHARED-L4-H-answer-9e4a"
MOVED_SHARED = "SHARED-moved-G2-answer-1f6b"  # shared while in G2; its author is now in G1
G1_COMMENT = "COMMENT-L1-on-L2-2d7b"
G2_COMMENT = "COMMENT-L3-G2-6f1c"
H_COMMENT = "COMMENT-L4-H-8a3e"
G1_NOTE = "NOTE-G1-meeting-4b8d"
RESOURCE_1 = "RESOURCE-course-1-3e9a"  # material of course 1: its title and its file's content
RESOURCE_2 = "RESOURCE-course-2-71d0"  # material of course 2
COURSE_2 = "COURSE-2-title-c5b2"  # the title of course 2
G1_PLACE = "PLACE-G1-meeting-3c7e"  # where G1's leader meeting is
G2_PLACE = "PLACE-G2-meeting-8d21"
H_PLACE = "PLACE-H-meeting-5b90"
C2_EVENT = "EVENT-C2-kickoff-e4f2"  # the title of C2's kick-off
SC_QUESTION = "SC-QUESTION-L1-6d2a"  # L1's question for her service check (service_check/access.py)
SC_NOTE = "SC-NOTE-L1-0c5e"  # the supporter's note on it
WHEEL_NOTE = "WHEEL-REFLECTION-L1-5e8b"  # L1's private reflection on her competence wheel
EXTERNAL_TOOL = "https://kompetencehjul.matrix.example/start"  # C2's external self-assessment
# The course editor's calendar-feed token (the world stores its hash, as the app does).
FEED_TOKEN = "matrix-calendar-feed-token-0123456789abcdef"
# A sign-in link G1's facilitator got before she became one (staff never sign in by link).
STAFF_LINK_TOKEN = "matrix-staff-sign-in-link-0123456789abcdefg"  # 43, as real ones
RESET_TOKEN = "matrix-password-reset-link-0123456789abcdef"  # the invitee's "Glemt adgangskode"

# marker → the only roles that may ever see it, on any page
MARKERS: dict[str, frozenset[str]] = {
    L1_PRIVATE: frozenset({"l1"}),
    L2_SHARED: frozenset({"l1", "l2", "moved", "chair"}),
    L3_SHARED: frozenset({"l3"}),
    L4_SHARED: frozenset({"l4"}),
    MOVED_SHARED: frozenset({"l3", "moved"}),
    G1_COMMENT: frozenset({"l1", "l2", "moved", "chair"}),
    G2_COMMENT: frozenset({"l3"}),
    H_COMMENT: frozenset({"l4"}),
    G1_NOTE: frozenset({"l1", "l2", "moved", "chair", "fac1"}),
    # People: their group (shared answers and comments carry names), whoever follows the group's
    # progress, and nobody from another organisation except platform admins.
    NAMES["l1"]: frozenset({"l1", "l2", "moved", "chair", "fac1", "coord_a", "admin", "sup"}),
    NAMES["l5"]: frozenset({"chair", "fac1", "coord_a", "admin"}),  # counts, never names
    NAMES["l3"]: frozenset({"l3", "fac2", "coord_a", "admin"}),
    NAMES["l4"]: frozenset({"l4", "coord_b", "admin"}),
    GROUP_NAMES["g1"]: frozenset({"l1", "l2", "moved", "chair", "fac1", "coord_a", "admin"}),
    # (and the leader who moved on: their answer says which group it is still shared with)
    GROUP_NAMES["g2"]: frozenset({"l3", "moved", "fac2", "coord_a", "admin"}),
    GROUP_NAMES["h"]: frozenset({"l4", "coord_b", "admin"}),
    # Courses: their editors, platform admins, the people enrolled and (course 2, which only
    # organisation B takes) B's coordinator.
    RESOURCE_1: frozenset({"editor", "admin", *LEADERS}),
    RESOURCE_2: frozenset({"admin", "l4"}),
    COURSE_2: frozenset({"admin", "l4", "coord_b"}),
    # Calendar (schedule/event_access.py): a group's meetings for its members, the staff who follow
    # it inside its organisation, its coordinator and platform admins; a round's own events for the
    # people enrolled in it and the staff of the organisations taking part.
    G1_PLACE: frozenset({"l1", "l2", "moved", "chair", "fac1", "coord_a", "admin"}),
    G2_PLACE: frozenset({"l3", "fac2", "coord_a", "admin"}),
    H_PLACE: frozenset({"l4", "coord_b", "admin"}),
    C2_EVENT: frozenset({"l4", "coord_b", "admin"}),
    # The service check: the leader and her supporter, nobody else (not admins, not coordinators).
    SC_QUESTION: frozenset({"l1", "sup"}),
    SC_NOTE: frozenset({"l1", "sup"}),
    # The competence wheel: her reflections are hers alone.
    WHEEL_NOTE: frozenset({"l1"}),
}


# --- The world --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    app: Flask = field(repr=False)
    org_a: int
    org_b: int
    org_names: dict[str, str]
    g1: int
    g2: int
    h: int
    c1: int
    c2: int
    users: dict[str, int]
    emails: dict[str, str]
    enrolments: dict[str, int]  # leader → enrolment in C1
    answers: dict[str, int]  # author → answer to lg-1-q1
    comments: dict[str, int]  # author → comment
    invitation_token: str
    sign_in_link_token: str  # L5's (a leader without a role; links are on in the matrix)
    unsubscribe_tokens: dict[str, str]  # l2 (reminders on), l3 (reminders stopped)
    courses: dict[str, int]  # course1 (C1's), course2 (C2's)
    modules: dict[str, int]  # course → a module's id (for goal tags)
    goals: dict[str, int]  # course1, course2 (active), course1-retired, course2-retired
    resources: dict[str, int]  # res1 (course 1), res2 (course 2)
    events: dict[str, int]  # c1 (kick-off), g1, g2, h (leader meetings in C1), c2 (kick-off)
    meeting_modules: dict[str, int]  # lg-1, lg-2 of course 1
    zips: dict[str, bytes] = field(repr=False)  # course → the course as a zip of its files
    files: dict[str, bytes] = field(repr=False)  # stored material: path → content
    # The service check: slots "open" (free) and "booked" (L1's), booking "l1", "day" (its date)
    service_check: dict[str, Any] = field(default_factory=dict)
    # Joint workshops (issue 13): areas a1 (A), b1 and b2 (B), the pair a1 ↔ b1.
    areas: dict[str, int] = field(default_factory=dict)
    # The competence wheel (issue 14): C1 uses the demo model (L1 completed its start measurement
    # and wrote a private reflection), C2 links out to an external tool.
    assessment: int = 0
    tool_versions: dict[str, str] = field(default_factory=dict)  # c1, c2: the settings page's token
    # Sign-in through an identity provider (issue 17): A's provider, at an address nobody answers.
    provider: int = 0

    def group(self, key: str) -> int:
        return {"g1": self.g1, "g2": self.g2, "h": self.h}[key]


def pdf(marker: str) -> bytes:
    return f"%PDF-1.4\n% {marker}\n%%EOF\n".encode()


def renamed_zip(data: bytes, slug: str) -> bytes:
    """A course zip as the files of a course that does not exist yet (another id)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    old = source.namelist()[0].split("/")[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name == f"{old}/course.yml":
                content = content.replace(f"id: {old}".encode(), f"id: {slug}".encode())
            target.writestr(name.replace(old, slug, 1), content)
    return buffer.getvalue()


def build_world(app: Flask) -> World:
    """Every role of the table, with marked data; built through the factories and services."""
    org_a = factories.organisation("Matrix Kommune A")
    org_b = factories.organisation("Matrix Kommune B")
    orgs = {"a": org_a, "b": org_b}
    course = build_course()
    c1 = factories.cohort(course, orgs=[org_a, org_b])
    course2 = factories.course()
    course2.title = COURSE_2
    course.summary = course2.summary = "Et kursus."  # the course files need one
    # Starts after C1, so C1 stays both organisations' current cohort.
    c2 = cohorts.create_cohort(
        course2, name="Senere hold", starts_on=dt.date(2099, 1, 5), organisations=[org_b]
    )
    groups = {key: factories.group(orgs[GROUP_ORG[key]], name) for key, name in GROUP_NAMES.items()}
    people: dict[str, User] = {}
    enrolments: dict[str, Enrolment] = {}
    for role in (*LEADERS, "l5"):
        people[role], enrolments[role] = factories.enrolled_leader(
            c1, org=orgs[ROLE_ORG.get(role, "a")], name=NAMES[role]
        )
        directory.move_to_group(
            people[role], groups["g2" if role == "moved" else ROLE_GROUP.get(role, "g1")]
        )
    learning.complete_lesson(enrolments["l5"], "film-1-lektion")
    film_lesson = db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.key == "film-2-lektion")
    )
    film = {"title": "Film 2", "url": "https://vimeo.com/12345", "duration_minutes": 10}
    db.session.add(
        Block(
            course_id=course.id,
            lesson_id=film_lesson.id,
            key="film-2-video",
            type="video",
            data=film,
        )
    )
    cohorts.enrol(people["l4"], c2)
    for role in ("fac1", "fac2", "coord_a", "coord_b", "admin", "editor", "sup"):
        people[role] = factories.user(org=orgs.get(ROLE_ORG.get(role, "")), name=NAMES[role])
    directory.assign_role(people["chair"], Role.CHAIR, group=groups["g1"])
    directory.assign_role(people["fac1"], Role.FACILITATOR, group=groups["g1"])
    directory.assign_role(people["fac2"], Role.FACILITATOR, group=groups["g2"])
    directory.assign_role(people["coord_a"], Role.COORDINATOR, organisation=org_a)
    directory.assign_role(people["coord_b"], Role.COORDINATOR, organisation=org_b)
    directory.assign_role(people["admin"], Role.PLATFORM_ADMIN)
    directory.assign_role(people["editor"], Role.COURSE_EDITOR, course_id=course.id)
    # The chair and the facilitator of G1 once worked in organisation B, and their roles for H
    # stayed behind: no role reaches across organisations (Viewer._inside_own_organisation).
    for role, kind in (("chair", Role.CHAIR), ("fac1", Role.FACILITATOR)):
        person = people[role]
        person.organisation_id = org_b.id
        directory.assign_role(person, kind, group=groups["h"])
        person.organisation_id = org_a.id

    answers = {}
    for role, text, share in (
        ("l1", L1_PRIVATE, False),
        ("l2", L2_SHARED, True),
        ("l3", L3_SHARED, True),
        ("l4", L4_SHARED, True),
        ("moved", MOVED_SHARED, True),
    ):
        answered = learning.answer_question(
            enrolments[role], "lg-1-q1", text, submit=True, share=share
        )
        answers[role] = answered.answer.id
    directory.move_to_group(people["moved"], groups["g1"])
    block_id = db.session.scalar(
        select(Block.id).where(Block.course_id == course.id, Block.key == "lg-1-q1")
    )
    comments = {}
    for author, group, answer_author, text in (
        ("l1", "g1", "l2", G1_COMMENT),
        ("l3", "g2", "l3", G2_COMMENT),
        ("l4", "h", "l4", H_COMMENT),
    ):
        comment = reflections.add_comment(
            viewer_for(people[author]), groups[group], c1.id, block_id, answers[answer_author], text
        )
        comments[author] = comment.id
    meeting_id = db.session.scalar(
        select(Module.id).where(Module.course_id == course.id, Module.key == "lg-1")
    )
    reflections.save_meeting_note(
        viewer_for(people["chair"]), groups["g1"], c1.id, meeting_id, G1_NOTE, seen_version=0
    )

    invitee = accounts.create_user(
        email="ida.inviteret@test.example", name="Ida Inviteret", organisation_id=org_a.id
    )
    invitations.invite(invitee)
    body = db.session.scalar(
        select(OutboxMessage.body_text).where(OutboxMessage.recipient == invitee.email)
    )
    token = re.search(r"/invitation/([A-Za-z0-9_-]+)", body or "")
    assert token, body

    # The authoring area: material, a learning goal and a retired one, a retired block per course.
    admin = people["admin"]
    by_key = {"course1": course, "course2": course2}
    stored, goals = {}, {}
    for key, owner, marker in (("res1", course, RESOURCE_1), ("res2", course2, RESOURCE_2)):
        stored[key] = resources.upload_resource(
            owner,
            resources.Upload(f"{key}.pdf", io.BytesIO(pdf(marker))),
            title=marker,
            actor=viewer_for(admin),
        )
    for key, owner in by_key.items():
        goals[key] = goal_services.create_goal(
            owner, goal_services.GoalInput(f"Mål i {key}"), actor=admin
        ).id
        retired = goal_services.create_goal(
            owner, goal_services.GoalInput(f"Udgået mål i {key}"), actor=admin
        )
        goal_services.retire_goal(retired, actor=admin)
        goals[f"{key}-retired"] = retired.id
    for owner, block_key in ((course, "lg-2-q1"), (course2, "forberedelse-1")):
        block = db.session.scalar(
            select(Block).where(Block.course_id == owner.id, Block.key == block_key)
        )
        lifecycle.retire_item(block, actor=admin, confirm_answers=True)
    world_events, meeting_modules = _calendar(people, groups, c1, c2, course)
    sign_in_link_token = sign_in_links.issue_token(people["l5"], utcnow())
    assert sign_in_link_token is not None
    db.session.add(
        SignInLink(
            user_id=people["fac1"].id,
            token_hash=hashlib.sha256(STAFF_LINK_TOKEN.encode()).hexdigest(),
            expires_at=utcnow() + dt.timedelta(days=1),
        )
    )
    db.session.add(
        PasswordReset(
            user_id=invitee.id,
            token_hash=hashlib.sha256(RESET_TOKEN.encode()).hexdigest(),
            expires_at=utcnow() + dt.timedelta(days=1),
        )
    )
    people["l3"].reminders_stopped_at = utcnow()
    world_events["ws"], world_areas = _workshop(people, orgs, c1)
    assessment, tool_versions = _competence_wheel(people, c1, c2)
    provider = IdentityProvider(
        organisation_id=org_a.id,
        slug="matrix-a",
        label="Log ind med Matrix Kommune A",
        issuer=UNREACHABLE_ISSUER,
        client_id="matrix",
        domains=["matrix-a.example"],
    )
    db.session.add(provider)
    db.session.flush()
    return World(
        app=app,
        org_a=org_a.id,
        org_b=org_b.id,
        org_names={"a": org_a.name, "b": org_b.name},
        g1=groups["g1"].id,
        g2=groups["g2"].id,
        h=groups["h"].id,
        c1=c1.id,
        c2=c2.id,
        users={role: person.id for role, person in people.items()},
        emails={role: person.email for role, person in people.items()},
        enrolments={role: enrolment.id for role, enrolment in enrolments.items()},
        answers=answers,
        comments=comments,
        invitation_token=token.group(1),
        sign_in_link_token=sign_in_link_token,
        unsubscribe_tokens={
            role: unsubscribe.unsubscribe_token(people[role]) for role in ("l2", "l3")
        },
        courses={key: owner.id for key, owner in by_key.items()},
        modules={
            key: db.session.scalar(
                select(Module.id).where(Module.course_id == owner.id, Module.key == module_key)
            )
            for (key, owner), module_key in zip(by_key.items(), ("lg-1", "modul-a"), strict=True)
        },
        goals=goals,
        provider=provider.id,
        resources={key: resource.id for key, resource in stored.items()},
        events=world_events,
        meeting_modules=meeting_modules,
        service_check=_service_check(people, c1),
        zips={
            **{key: export_zip(owner) for key, owner in by_key.items()},
            "new-course": renamed_zip(export_zip(course), "nyt-kursus-fra-filer"),
        },
        areas=world_areas,
        assessment=assessment,
        tool_versions=tool_versions,
        files={
            str(storage.path_of(resource.stored_name)): storage.path_of(
                resource.stored_name
            ).read_bytes()
            for resource in stored.values()
        },
    )


def _calendar(people, groups, c1, c2, course) -> tuple[dict[str, int], dict[str, int]]:
    """C1's kick-off, a leader meeting each for G1, G2 and H, C2's kick-off; the editor's feed."""
    admin = viewer_for(people["admin"])
    modules = {
        key: db.session.scalar(
            select(Module.id).where(Module.course_id == course.id, Module.key == key)
        )
        for key in ("lg-1", "lg-2")
    }

    def add(cohort, kind, title, place, **values) -> int:
        data = calendar_events.EventInput(
            title=title,
            place=place,
            day=cohort.starts_on + dt.timedelta(days=30),
            start=dt.time(10),
            end=dt.time(12),
            **values,
        )
        return calendar_events.create_event(cohort, kind, data, actor=admin).id

    made = {
        "c1": add(c1, EventKind.KICKOFF, "Kick off C1", "Rådhuset"),
        "c2": add(c2, EventKind.KICKOFF, C2_EVENT, "Rådhuset"),
    }
    for key, place in (("g1", G1_PLACE), ("g2", G2_PLACE), ("h", H_PLACE)):
        made[key] = add(
            c1,
            EventKind.LEADER_MEETING,
            "Ledermøde",
            place,
            group_id=groups[key].id,
            module_id=modules["lg-1"],
        )
    db.session.add(
        CalendarFeed(
            user_id=people["editor"].id,
            token_hash=hashlib.sha256(FEED_TOKEN.encode()).hexdigest(),
        )
    )
    return made, modules


def _workshop(people, orgs, c1) -> tuple[int, dict[str, int]]:
    """Workshop 2 of C1 (far ahead, so leaders may still answer; workshop 1 is left for the calendar
    routes to create), run by fac2 (platform staff, assigned); three areas and one pair of
    corresponding areas."""
    start = dt.datetime(2099, 3, 4, 9, tzinfo=dt.UTC)
    workshop = Event(
        cohort_id=c1.id,
        kind=EventKind.WORKSHOP,
        number=2,
        title="Workshop 2 C1",
        place="Rådhuset",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
    )
    db.session.add(workshop)
    db.session.flush()
    db.session.add(WorkshopFacilitator(event_id=workshop.id, user_id=people["fac2"].id))
    areas = {
        key: directory.get_or_create_area(orgs[key[0]], f"Matrix-område {key}")
        for key in ("a1", "b1", "b2")
    }
    db.session.add(AreaCorrespondence(first_area_id=areas["a1"].id, second_area_id=areas["b1"].id))
    # L1 (A) and L4 (B) come and sit at table 1 of the published plan: each other's table mates.
    for key in ("l1", "l4"):
        user_id = people[key].id
        db.session.add(WorkshopSignup(event_id=workshop.id, user_id=user_id, coming=True))
        db.session.add(
            TableSeat(event_id=workshop.id, user_id=user_id, table_number=1, published_table=1)
        )
    db.session.add(WorkshopSettings(event_id=workshop.id, version=0, published_at=start))
    return workshop.id, {key: area.id for key, area in areas.items()}


def _competence_wheel(people, c1, c2) -> tuple[int, dict[str, str]]:
    """C1 uses the shipped demo model: L1 completed her start measurement (all 4s) and wrote a
    private reflection; C2 links out to an external tool."""
    assessment = import_assessment(COURSES_DIR / "kompetencehjul").assessment
    round_tools.set_tool(c1, assessment=assessment)
    round_tools.set_tool(c2, external_url=EXTERNAL_TOOL)
    now = utcnow()
    leader = people["l1"]
    taking.start_or_resume(leader, c1, assessment, "start", now)
    for page in pages(assessment):
        taking.save_page(
            leader, c1, assessment, "start", page.number, dict.fromkeys(page.item_keys, 4), now
        )
    taking.complete(leader, c1, assessment, "start", now)
    db.session.add(
        WheelReflection(
            user_id=leader.id, assessment_id=assessment.id, prompt_key="vigtige", text=WHEEL_NOTE
        )
    )
    versions = {
        key: round_tools.tool_version(round_tools.tool_of(cohort))
        for key, cohort in (("c1", c1), ("c2", c2))
    }
    return assessment.id, versions


def _service_check(people, c1) -> dict[str, Any]:
    """Sup (organisation A's supporter) offers two times in C1 a month ahead; L1 booked one with a
    question, and Sup wrote a note."""
    supporter = people["sup"]
    directory.assign_role(
        supporter,
        Role.SUPPORTER,
        organisation=db.session.get(Organisation, supporter.organisation_id),
    )
    now = utcnow()
    day = (now + dt.timedelta(days=30)).astimezone(COPENHAGEN).date()
    made = {}
    for key, hour in (("open", 10), ("booked", 11)):
        made[key] = service_check_slots.create_slot(
            viewer_for(supporter),
            c1,
            service_check_slots.SlotInput(
                day=day, start=dt.time(hour), length_minutes=30, place="Rådhuset"
            ),
            now=now,
        ).id
    booked = service_check_booking.book(
        viewer_for(people["l1"]),
        db.session.get(ServiceCheckSlot, made["booked"]),
        SC_QUESTION,
        now=now,
    )
    service_check_overview.save_outcome(booked, SC_NOTE, False, now=now)
    return {**made, "l1": booked.id, "day": day.isoformat()}


@pytest.fixture(scope="module")
def matrix_app(database_factory, tmp_path_factory) -> Iterator[tuple[Flask, World]]:
    """The app on a database of this module's own, with the world committed once."""
    url = database_factory.create()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    instance = tmp_path_factory.mktemp("matrix-instance")
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": url, "MAIL_BACKEND": "console", "SIGN_IN_LINKS": True},
        instance_path=str(instance),
    )
    app.test_client_class = FreshContextClient
    with app.test_request_context():
        world = build_world(app)
        db.session.commit()
    try:
        yield app, world
    finally:
        db.engine(app).dispose()


@pytest.fixture
def connection(matrix_app) -> Iterator[Connection]:
    """Every request of the test joins one transaction, rolled back at the end."""
    app, world = matrix_app
    state = db.state(app)
    connection = state.engine.connect()
    transaction = connection.begin()
    state.connection = connection
    try:
        yield connection
    finally:
        state.connection = None
        transaction.rollback()
        connection.close()
        # Deleting material removes its file after the (rolled-back) commit: put it back.
        for path, content in world.files.items():
            if not os.path.exists(path):
                with open(path, "wb") as file:
                    file.write(content)


@pytest.fixture
def world(matrix_app, connection) -> World:
    return matrix_app[1]


@contextmanager
def savepoint(connection: Connection) -> Iterator[None]:
    """Whatever happens inside is undone (the requests' own sessions nest their savepoints in it)."""
    nested = connection.begin_nested()
    try:
        yield
    finally:
        nested.rollback()


# --- Browsers ---------------------------------------------------------------------------------------


@dataclass
class Browser:
    role: str
    client: FlaskClient
    token: str

    def get(self, url: str) -> TestResponse:
        return self.client.get(url)

    def post(self, url: str, data: dict[str, Any]) -> TestResponse:
        response = self.client.post(url, data={**data, "csrf_token": self.token})
        if response.status_code == 302:
            # The redirect's message waits in the session; drop it, so later pages stay comparable.
            with self.client.session_transaction() as session:
                session.pop("_flashes", None)
        return response


class Browsers:
    """One signed-in test client per role for the module (or a fresh one for routes that change the
    session), with a CSRF token taken from a page the client can load."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app = app
        self.world = world
        self.cache: dict[str, Browser] = {}

    def __call__(self, role: str, *, fresh: bool = False) -> Browser:
        if role not in self.cache:
            client = self.app.test_client()
            if role != "anonymous":
                assert sign_in(client, self.world.emails[role]).status_code == 302, role
            page = client.get("/log-ind" if role == "anonymous" else "/mit-forloeb")
            self.cache[role] = Browser(role, client, csrf_token_from(page.get_data(as_text=True)))
        cached = self.cache[role]
        if not fresh:
            return cached
        # A client of its own in the same signed-in session (signing out or switching language
        # there leaves the cached one as it was).
        client = self.app.test_client()
        with cached.client.session_transaction() as source, client.session_transaction() as copy:
            copy.update(source)
        return Browser(role, client, cached.token)


@pytest.fixture(scope="module")
def browsers(matrix_app) -> Browsers:
    return Browsers(*matrix_app)


# --- Expected outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: int
    writes: bool = False  # POST: the database must change (else: must not)
    location: str | None = None  # redirect: where to (a prefix)


PAGE = Outcome(200)
REDIRECT = Outcome(302)  # a redirect that changes nothing
WROTE = Outcome(302, writes=True)  # the change was made, then a redirect
SHOWN = Outcome(200, writes=True)  # the change was made, and a page says so
STORED = Outcome(
    204, writes=True
)  # the change was made, nothing to show (the film script's report)
INVALID = Outcome(400)
CONFLICT = Outcome(409)  # refused because of the state of things (a slot taken, a booking made)
FORBIDDEN = Outcome(403)  # a role-gated page with no object, or one whose object is not secret
HIDDEN = Outcome(404)  # an object that must not be revealed
LOGIN = Outcome(302, location="/log-ind")

Url = Callable[[World], str]
Data = Callable[[World, str, str], dict[str, Any]]


def given(outcome: Outcome, *roles: str) -> dict[str, Outcome]:
    return dict.fromkeys(roles, outcome)


@dataclass(frozen=True)
class Spec:
    """How to call one endpoint with one method: the URL of each object, what each role gets for it
    (roles not named get ``refused``; anonymous, unless named, ``anonymous``), and the form data."""

    objects: dict[str, Url]
    allowed: dict[str, dict[str, Outcome]]
    refused: Outcome = HIDDEN
    anonymous: Outcome = LOGIN
    data: Data | None = None
    fresh_client: bool = False  # the request changes the client's session (sign-in state, language)
    # marker → roles that may see it on this route besides MARKERS' (a workshop's whole roster for
    # those who run it, both organisations: workshops/access.py)
    shows: dict[str, frozenset[str]] = field(default_factory=dict)

    def outcome(self, obj: str, role: str) -> Outcome:
        named = self.allowed.get(obj, {})
        if role in named:
            return named[role]
        return self.anonymous if role == "anonymous" else self.refused


def fixed(url: str) -> dict[str, Url]:
    """A route without an object."""
    return {"-": lambda w: url}


def same(outcomes: dict[str, Outcome], *objects: str) -> dict[str, dict[str, Outcome]]:
    return dict.fromkeys(objects, outcomes)


def per_group(
    template: str, who: dict[str, tuple[str, ...]], outcome: Outcome = PAGE, **kw
) -> Spec:
    """A group route for G1, G2 and H; ``who`` names the roles allowed on each."""
    return Spec(
        {key: (lambda w, key=key: template.format(id=w.group(key))) for key in GROUP_ORG},
        {group: given(outcome, *roles) for group, roles in who.items()},
        **kw,
    )


GROUP_MEMBERS = {"g1": ("l1", "l2", "moved", "chair"), "g2": ("l3",), "h": ("l4",)}
NOTE_READERS = {"g1": (*GROUP_MEMBERS["g1"], "fac1"), "g2": ("l3", "fac2"), "h": ("l4",)}
PROGRESS_FOLLOWERS = {
    "g1": ("chair", "fac1", "coord_a", "admin"),
    "g2": ("fac2", "coord_a", "admin"),
    "h": ("coord_b", "admin"),
}
REVIEW = "/grupper/{id}/spoergsmaal/lg-1-q1"


def authoring_spec(
    template: str,
    objects: dict[str, dict[str, Any]],
    outcome: Outcome = PAGE,
    *,
    data: Data | None = None,
) -> Spec:
    """An authoring route on course 1 (the editor's) and course 2: the course's editors and platform
    admins get ``outcome``; everyone else 403 (courses are not secret; the role is what is checked).
    ``objects``: name → the URL's values (``course``: which course; callables get the world); a
    ``cross`` object names course 2's item through course 1, which is 404 for those allowed in."""

    def url(values: dict[str, Any]) -> Url:
        def build(w: World) -> str:
            filled = {k: v(w) if callable(v) else v for k, v in values.items() if k != "cross"}
            filled["course"] = w.courses[values["course"]]
            return template.format(**filled)

        return build

    allowed = {}
    for name, values in objects.items():
        editors = ("editor", "admin") if values["course"] == "course1" else ("admin",)
        allowed[name] = given(HIDDEN if values.get("cross") else outcome, *editors)
    return Spec(
        {name: url(values) for name, values in objects.items()},
        allowed,
        refused=FORBIDDEN,
        data=data,
    )


def both_courses(**per_course: tuple[Any, Any]) -> dict[str, dict[str, Any]]:
    """``course1`` and ``course2`` objects, each URL value given as (course 1's, course 2's)."""
    return {
        course: {"course": course, **{k: v[i] for k, v in per_course.items()}}
        for i, course in enumerate(("course1", "course2"))
    }


def with_cross(**per_course: tuple[Any, Any]) -> dict[str, dict[str, Any]]:
    objects = both_courses(**per_course)
    objects["course1/course2-item"] = {**objects["course2"], "course": "course1", "cross": True}
    return objects


def csv_file(org: str, email: str) -> str:
    return (
        "name;email;organisation;area;group;role\r\n"
        f"Nanna Ny;{email};{org};Ny afdeling;Ledergruppe Import;\r\n"
    )


IMPORT_FILES = {"org-a": ("a", "nanna.a@test.example"), "org-b": ("b", "nanna.b@test.example")}


def upload_data(w: World, role: str, obj: str) -> dict[str, Any]:
    org, email = IMPORT_FILES[obj]
    data = csv_file(w.org_names[org], email).encode("utf-8-sig")
    return {"file": (io.BytesIO(data), "deltagere.csv")}


def confirm_data(w: World, role: str, obj: str) -> dict[str, Any]:
    """The signed upload the preview would give (``forged``: one signed for someone else)."""
    org, email = IMPORT_FILES.get(obj, IMPORT_FILES["org-a"])
    signer = w.users.get(role, 0)
    if obj == "forged":
        signer = w.users["coord_a" if role == "admin" else "admin"]
    with w.app.app_context():
        token = sign_upload(Upload("deltagere.csv", csv_file(w.org_names[org], email)), signer)
    return {"upload": token}


def form(**values: str) -> Data:
    return lambda w, role, obj: dict(values)


def goal(key: str) -> Callable[[World], int]:
    return lambda w: w.goals[key]


def resource(key: str) -> Callable[[World], int]:
    return lambda w: w.resources[key]


PROGRAMME_FILTERS: dict[str, Callable[[World], str]] = {
    "-": lambda w: "",
    "g1": lambda w: f"?organisation={w.org_a}&group={w.g1}",
    "h": lambda w: f"?organisation={w.org_b}&group={w.h}",
    "c2": lambda w: f"?cohort={w.c2}",  # organisation B's cohort only
}
SIGN_IN_LINK_URLS = {
    "valid": lambda w: f"/log-ind/link/{w.sign_in_link_token}?next=/kalender",
    "staff": lambda w: f"/log-ind/link/{STAFF_LINK_TOKEN}?next=/kalender",
    "unknown": lambda w: f"/log-ind/link/{'A' * 43}?next=/kalender",
}
UNSUBSCRIBE = {
    "on": lambda w: f"/afmeld/{w.unsubscribe_tokens['l2']}",
    "off": lambda w: f"/afmeld/{w.unsubscribe_tokens['l3']}",
    "unknown": lambda w: "/afmeld/findes-ikke.0123456789abcdef",
}
PASSWORD_RESETS = {
    "valid": lambda w: f"/glemt-adgangskode/{RESET_TOKEN}",
    "unknown": lambda w: f"/glemt-adgangskode/{'A' * 43}",
}
INVITATIONS = {
    "valid": lambda w: f"/invitation/{w.invitation_token}",
    "unknown": lambda w: "/invitation/findes-ikke-0123456789abcdef",
}

# The e-mail preview's objects ({} is "" for the page, "/html" for the HTML it frames).
MAIL_PREVIEWS = {
    "reminder-da": "/admin/e-mails/paamindelse{}",
    "kickoff-en": "/admin/e-mails/invitation-til-kick-off{}?sprog=en",
    "invitation": "/admin/e-mails/invitation-til-platformen{}",
    "unknown": "/admin/e-mails/findes-ikke{}",
    "unknown-language": "/admin/e-mails/paamindelse{}?sprog=fr",
}

# The calendar: who sees each event of the world, who sets it (the others who see it get 403), and
# who plans each round's calendar.
EVENT_VIEWERS = {
    "c1": (*LEADERS, "fac1", "fac2", "coord_a", "coord_b", "admin"),
    "g1": ("l1", "l2", "moved", "chair", "fac1", "coord_a", "admin"),
    "g2": ("l3", "fac2", "coord_a", "admin"),
    "h": ("l4", "coord_b", "admin"),  # not G1's chair and facilitator with their stale H roles
    "c2": ("l4", "coord_b", "admin"),
}
EVENT_SETTERS = {
    "c1": ("coord_a", "coord_b", "admin"),
    "g1": ("chair", "coord_a", "admin"),
    "g2": ("coord_a", "admin"),
    "h": ("coord_b", "admin"),
    "c2": ("coord_b", "admin"),
}
ROUND_PLANNERS = {"c1": ("chair", "coord_a", "coord_b", "admin"), "c2": ("coord_b", "admin")}


def event_urls(suffix: str = "") -> dict[str, Url]:
    return {key: (lambda w, key=key: f"/kalender/{w.events[key]}{suffix}") for key in EVENT_VIEWERS}


def event_outcomes(outcome: Outcome, *, setters: bool = False) -> dict[str, dict[str, Outcome]]:
    """Viewers get ``outcome``; or, with ``setters``, those who set the event do and the rest of
    its viewers 403."""
    if not setters:
        return {key: given(outcome, *roles) for key, roles in EVENT_VIEWERS.items()}
    return {
        key: {**given(FORBIDDEN, *roles), **given(outcome, *EVENT_SETTERS[key])}
        for key, roles in EVENT_VIEWERS.items()
    }


def event_form(w: World, role: str, obj: str) -> dict[str, Any]:
    """A valid event form for the object: a day inside its round, its kind's own fields."""
    data = {
        "title": f"Planlagt af {role}",
        "day": "2099-02-10" if obj.startswith("c2") else "2026-06-10",
        "start": "09:00",
        "end": "11:00",
        "end_day": "",
        "place": "Et nyt sted",
        "description": "",
    }
    if obj in ("g1", "g2", "h"):
        data["module"] = str(w.meeting_modules["lg-1"])
    if obj.endswith("/workshop"):
        data["number"] = "1"
    if obj.endswith("/ledermoede"):
        data.update(group=str(w.g1), module=str(w.meeting_modules["lg-2"]))
    return data


# The rounds pages (cohorts/round_access.py): platform admins everything; coordinators the rounds their
# organisation takes part in (C1: both; C2: B only; else 404), their own organisation's people only,
# release tables only of rounds their organisation has alone; everyone else 403.
ERASE_URLS: dict[str, Url] = {
    "a/l5": lambda w: f"/personer/{w.users['l5']}/slet-data",
    "b/l4": lambda w: f"/personer/{w.users['l4']}/slet-data",
    "admin": lambda w: f"/personer/{w.users['admin']}/slet-data",
    "unknown": lambda w: "/personer/10000000/slet-data",
}
ROUND_STAFF = {"c1": ("coord_a", "coord_b", "admin"), "c2": ("coord_b", "admin")}
ROUNDS = {"c1": lambda w: w.c1, "c2": lambda w: w.c2}


def per_round(suffix: str, outcome: Outcome = PAGE, queries: dict[str, str] | None = None) -> Spec:
    """A rounds route on C1 and C2 (``queries``: more objects, a URL query on C1); 403 for people
    without a rounds role, 404 for a coordinator whose organisation is not in the round."""
    queries = queries or {}
    objects = {key: (lambda w, key=key: f"/forloeb/{ROUNDS[key](w)}{suffix}") for key in ROUNDS}
    objects |= {
        key: (lambda w, q=q: f"/forloeb/{w.c1}{suffix}{q.format(g1=w.g1, h=w.h)}")
        for key, q in queries.items()
    }
    allowed = {key: given(outcome, *ROUND_STAFF[key]) for key in ROUNDS}
    allowed |= {key: given(outcome, *ROUND_STAFF["c1"]) for key in queries}
    allowed["c2"]["coord_a"] = HIDDEN
    return Spec(objects, allowed, refused=FORBIDDEN)


def release_data(w: World, role: str, obj: str) -> dict[str, Any]:
    """The round's release form as its page fills it in, with one module two days after start."""
    with w.app.test_request_context():
        cohort = db.session.get(Cohort, ROUNDS[obj](w))
        form = release_table_form(release_table(cohort))
        data = {f.name: f.data or "" for f in form if f.name not in ("csrf_token", "save")}
    data |= {"rule-film-2" if obj == "c1" else "rule-modul-b": "days_after_start"}
    data |= {"days-film-2" if obj == "c1" else "days-modul-b": "2"}
    return data


def enrol_data(w: World, role: str, obj: str) -> dict[str, Any]:
    """Enrol by e-mail someone not yet in the round: A's facilitator in C1, B's coordinator in
    C2 (only B's people are for B's coordinator); a preview, or the confirmation."""
    email = w.emails["fac1" if obj.startswith("c1") else "coord_b"]
    button = {"preview": "Vis"} if obj.endswith("preview") else {"confirm": "Tilmeld"}
    return {"by": "emails", "emails": email, **button}


def new_round_data(w: World, role: str, obj: str) -> dict[str, Any]:
    return {
        "course": str(w.courses["course1"]),
        "name": "Et nyt forløb",
        "starts_on": "2030-01-07",
        "ends_on": "",
        "organisations": str(w.org_a),
    }


# Joint workshops (workshops/access.py): C1's workshop "ws" is run by platform admins, the round's
# coordinators (A and B) and its assigned facilitator fac2; its leaders answer; the rest get 404.
# Those who run it see its whole roster, both organisations (``ROSTER_SHOWN``). The area map:
# platform admins and coordinators.
WORKSHOP_LEADERS = ("l1", "l2", "moved", "l3", "l4", "chair")
WORKSHOP_RUNNERS = ("fac2", "coord_a", "coord_b", "admin")
WORKSHOP_ASSIGNERS = ("coord_a", "coord_b", "admin")
ROSTER_SHOWN = {
    marker: frozenset(WORKSHOP_RUNNERS)
    for marker in (
        NAMES["l1"],
        NAMES["l3"],
        NAMES["l4"],
        NAMES["l5"],
        *GROUP_NAMES.values(),
    )
}


# The one place a leader sees someone of the other organisation: her table mates at a published
# plan (L1 of A and L4 of B sit at table 1 of "ws").
TABLE_MATES = {NAMES["l4"]: frozenset({"l1"}), NAMES["l1"]: frozenset({"l4"})}
PLAN_VERSION = {"version": "0"}


def workshop_url(suffix: str = "") -> dict[str, Url]:
    return {"ws": lambda w: f"/workshops/{w.events['ws']}{suffix}"}


def pair_data(first: str, second: str) -> Data:
    return lambda w, role, obj: {"first": str(w.areas[first]), "second": str(w.areas[second])}


def area_file(w: World, role: str, obj: str) -> dict[str, Any]:
    text = (
        "organisation_1;område_1;organisation_2;område_2\r\n"
        f"{w.org_names['a']};Matrix-område a1;{w.org_names['b']};Matrix-område b2\r\n"
    )
    return {"file": (io.BytesIO(text.encode()), "omraader.csv")}


ROUTES: dict[str, dict[str, Spec]] = {
    "healthz": {"GET": Spec(fixed("/healthz"), same(given(PAGE, *ROLES), "-"))},
    # --- legal: public pages, the same for everyone ---
    "legal.accessibility_statement": {
        "GET": Spec(fixed("/tilgaengelighed"), same(given(PAGE, *ROLES), "-"))
    },
    "legal.was": {"GET": Spec(fixed("/was"), same(given(REDIRECT, *ROLES), "-"))},
    "legal.privacy_notice": {"GET": Spec(fixed("/privatliv"), same(given(PAGE, *ROLES), "-"))},
    # --- accounts ---
    "accounts.sign_in": {
        "GET": Spec(
            fixed("/log-ind"), same({"anonymous": PAGE, **given(REDIRECT, *SIGNED_IN)}, "-")
        ),
        "POST": Spec(
            fixed("/log-ind"),
            # A wrong password is refused and counted (accounts/throttle.py: sign_in_failures).
            same({"anonymous": Outcome(400, writes=True), **given(REDIRECT, *SIGNED_IN)}, "-"),
            data=lambda w, role, obj: {"email": w.emails["l1"], "password": "forkert kode"},
        ),
    },
    # --- sign-in through an organisation's identity provider (accounts/identity_views.py): off to
    # the provider (unreachable here: a page that says so), and back without a started flow ---
    "identity.start": {
        "GET": Spec(
            {
                "matrix-a": lambda w: "/log-ind/med/matrix-a",
                "unknown": lambda w: "/log-ind/med/ukendt",
            },
            {
                "matrix-a": {"anonymous": Outcome(502), **given(REDIRECT, *SIGNED_IN)},
                "unknown": given(HIDDEN, *ROLES),
            },
        )
    },
    "identity.finish": {
        "GET": Spec(
            {
                "matrix-a": lambda w: "/log-ind/med/matrix-a/retur?state=s&code=c",
                "unknown": lambda w: "/log-ind/med/ukendt/retur?state=s&code=c",
            },
            {"matrix-a": given(INVALID, *ROLES), "unknown": given(HIDDEN, *ROLES)},
        )
    },
    "accounts.sign_out": {
        "POST": Spec(
            fixed("/log-ud"),
            # Signing out raises the session version: a copied cookie stops working too.
            same(given(Outcome(302, writes=True, location="/log-ind"), *SIGNED_IN), "-"),
            data=form(),
            fresh_client=True,
        )
    },
    # Min konto: everyone signed in, for herself only (nothing in the URL or the form names a person).
    "accounts.account": {"GET": Spec(fixed("/konto"), same(given(PAGE, *SIGNED_IN), "-"))},
    # All her data as a zip (privacy/export.py): her own only, whatever the query says.
    "privacy.my_data": {
        "GET": Spec(fixed("/konto/mine-data.zip?user_id=1"), same(given(PAGE, *SIGNED_IN), "-"))
    },
    "accounts.change_password": {
        "GET": Spec(fixed("/konto/adgangskode"), same(given(PAGE, *SIGNED_IN), "-")),
        "POST": Spec(
            fixed("/konto/adgangskode"),
            same(given(Outcome(302, writes=True, location="/konto"), *SIGNED_IN), "-"),
            data=form(
                current=factories.PASSWORD,
                password="et helt nyt kodeord",
                confirm="et helt nyt kodeord",
            ),
            fresh_client=True,
        ),
    },
    "accounts.sign_out_everywhere": {
        "POST": Spec(
            fixed("/konto/log-ud-alle-steder"),
            same(given(Outcome(302, writes=True, location="/log-ind"), *SIGNED_IN), "-"),
            data=form(),
            fresh_client=True,
        )
    },
    # "Glemt adgangskode": anyone may ask (a known address gets a link, the answer is the same);
    # the token is the capability, as for invitations.
    "accounts.forgot_password": {
        "GET": Spec(fixed("/glemt-adgangskode"), same(given(PAGE, *ROLES), "-")),
        "POST": Spec(
            fixed("/glemt-adgangskode"),
            same(given(WROTE, *ROLES), "-"),
            data=lambda w, role, obj: {"email": w.emails["l1"]},
        ),
    },
    "accounts.reset_password": {
        "GET": Spec(
            PASSWORD_RESETS, {"valid": given(PAGE, *ROLES), "unknown": given(HIDDEN, *ROLES)}
        ),
        "POST": Spec(
            PASSWORD_RESETS,
            {"valid": given(WROTE, *ROLES), "unknown": given(HIDDEN, *ROLES)},
            data=form(password="et helt nyt kodeord", confirm="et helt nyt kodeord"),
            fresh_client=True,
        ),
    },
    "accounts.choose_language": {
        "POST": Spec(
            fixed("/sprog"),
            same({"anonymous": REDIRECT, **given(WROTE, *SIGNED_IN)}, "-"),
            data=form(language="en", next="/mit-forloeb"),
            fresh_client=True,
        )
    },
    # The token is the capability: whoever holds a valid one may choose the invitee's password.
    "accounts.accept_invitation": {
        "GET": Spec(INVITATIONS, {"valid": given(PAGE, *ROLES), "unknown": given(HIDDEN, *ROLES)}),
        "POST": Spec(
            INVITATIONS,
            {"valid": given(WROTE, *ROLES), "unknown": given(HIDDEN, *ROLES)},
            data=form(password="et nyt langt kodeord", confirm="et nyt langt kodeord"),
            fresh_client=True,
        ),
    },
    # Links in e-mails: the token is the key. A sign-in link signs in its leader for whoever
    # presses the button (opening it changes nothing); never a link issued to someone who now has
    # a role. The unsubscribe page stops (and restarts) its person's reminders.
    "accounts.sign_in_link": {
        "GET": Spec(SIGN_IN_LINK_URLS, {"valid": given(PAGE, *ROLES)}, anonymous=HIDDEN),
        "POST": Spec(
            SIGN_IN_LINK_URLS,
            {"valid": given(Outcome(302, writes=True, location="/kalender"), *ROLES)},
            anonymous=HIDDEN,
            data=form(),
            fresh_client=True,
        ),
    },
    "accounts.unsubscribe": {
        "GET": Spec(UNSUBSCRIBE, same(given(PAGE, *ROLES), "on", "off"), anonymous=HIDDEN),
        "POST": Spec(
            UNSUBSCRIBE,
            {"on": given(SHOWN, *ROLES), "off": given(PAGE, *ROLES)},  # the first time stays
            anonymous=HIDDEN,
            data=form(),
        ),
    },
    "accounts.resubscribe": {
        "POST": Spec(
            {key: (lambda w, url=url: f"{url(w)}/genoptag") for key, url in UNSUBSCRIBE.items()},
            {"on": given(REDIRECT, *ROLES), "off": given(WROTE, *ROLES)},
            anonymous=HIDDEN,
            data=form(),
        )
    },
    # --- learning: the signed-in person's own enrolment, through the cohort in the URL ---
    "learning.index": {"GET": Spec(fixed("/"), same(given(REDIRECT, *SIGNED_IN), "-"))},
    "learning.dashboard": {"GET": Spec(fixed("/mit-forloeb"), same(given(PAGE, *SIGNED_IN), "-"))},
    # --- home: each person's home (home/choice.py); one role goes straight on to its page, the
    # chair (a member of G1 too) has two and gets the page with both; her stale role for H is none.
    "home.index": {
        "GET": Spec(
            fixed("/forside"),
            same({**given(REDIRECT, *SIGNED_IN), "chair": PAGE}, "-"),
        )
    },
    # An organisation's overview: its coordinator and platform admins; another organisation's
    # coordinator is not told it exists, everyone else is refused by role.
    "home.organisation": {
        "GET": Spec(
            {
                "a": lambda w: f"/organisationer/{w.org_a}",
                "b": lambda w: f"/organisationer/{w.org_b}",
            },
            {
                "a": {"coord_a": PAGE, "admin": PAGE, "coord_b": HIDDEN},
                "b": {"coord_b": PAGE, "admin": PAGE, "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
        )
    },
    "learning.my_answers": {
        "GET": Spec(
            {
                "c1": lambda w: f"/forloeb/{w.c1}/mine-svar.csv",
                "c2": lambda w: f"/forloeb/{w.c2}/mine-svar.csv",
            },
            {"c1": given(PAGE, *LEADERS), "c2": given(PAGE, "l4")},
        )
    },
    "learning.module": {
        "GET": Spec(
            {
                "c1": lambda w: f"/forloeb/{w.c1}/moduler/lg-1",
                "c2": lambda w: f"/forloeb/{w.c2}/moduler/modul-a",
            },
            {"c1": given(PAGE, *LEADERS), "c2": given(PAGE, "l4")},
        )
    },
    "learning.answer": {
        "POST": Spec(
            {
                "c1": lambda w: f"/forloeb/{w.c1}/svar/lg-1-q1",
                "c2": lambda w: f"/forloeb/{w.c2}/svar/spoergsmaal-1",
            },
            {"c1": given(WROTE, *LEADERS), "c2": given(WROTE, "l4")},
            data=lambda w, role, obj: {
                "text": f"Nyt svar fra {role}",
                "visibility": "group",
                "submit_answer": "Indsend",
            },
        )
    },
    "learning.film_view": {
        "POST": Spec(
            {
                "c1": lambda w: f"/forloeb/{w.c1}/film/film-2-video",
                "c2": lambda w: f"/forloeb/{w.c2}/film/film-video",
            },
            {"c1": given(STORED, *LEADERS), "c2": given(STORED, "l4")},
            data=form(report='{"position": 12, "played": [[0, 12]], "duration": 600}'),
        )
    },
    "learning.complete": {
        "POST": Spec(
            {
                "c1": lambda w: f"/forloeb/{w.c1}/lektioner/lg-1-spoergsmaal/faerdig",
                "c2": lambda w: f"/forloeb/{w.c2}/lektioner/lektion-tekst/faerdig",
            },
            {"c1": given(WROTE, *LEADERS), "c2": given(WROTE, "l4")},
            data=form(),
        )
    },
    # --- the leader group's pages ---
    "groups.my_group": {
        "GET": Spec(
            fixed("/min-ledergruppe"),
            same({**given(PAGE, *SIGNED_IN), **given(REDIRECT, *LEADERS)}, "-"),
        )
    },
    "groups.group_page": {"GET": per_group("/grupper/{id}", GROUP_MEMBERS)},
    "groups.review": {"GET": per_group(REVIEW, GROUP_MEMBERS)},
    "groups.add_comment": {
        "POST": Spec(
            {
                f"{group}/{author}-answer": (
                    lambda w, group=group, author=author: (
                        REVIEW.format(id=w.group(group)) + f"/svar/{w.answers[author]}/kommentarer"
                    )
                )
                for group, author in (
                    ("g1", "l2"),
                    ("g1", "l1"),  # private: nobody may comment
                    ("g1", "l3"),  # shared with G2, addressed through G1
                    ("g2", "l3"),
                    ("h", "l4"),
                    ("g2", "moved"),  # shared with G2 by someone who has left it
                    ("g1", "moved"),  # ... and not with G1, where its author is now
                )
            },
            {
                "g1/l2-answer": given(WROTE, *GROUP_MEMBERS["g1"]),
                "g2/l3-answer": given(WROTE, "l3"),
                "g2/moved-answer": given(WROTE, "l3"),
                "h/l4-answer": given(WROTE, "l4"),
            },
            data=lambda w, role, obj: {"text": f"Kommentar fra {role}"},
        )
    },
    "groups.delete_comment": {
        "POST": Spec(
            {
                f"{group}/{author}-comment": (
                    lambda w, group=group, author=author: (
                        f"/grupper/{w.group(group)}/kommentarer/{w.comments[author]}/slet"
                    )
                )
                for group, author in (
                    ("g1", "l1"),
                    ("g1", "l3"),  # G2's comment, addressed through G1
                    ("g2", "l3"),
                    ("h", "l4"),
                )
            },
            {
                "g1/l1-comment": given(WROTE, "l1"),
                "g2/l3-comment": given(WROTE, "l3"),
                "h/l4-comment": given(WROTE, "l4"),
            },
            data=form(),
        )
    },
    "groups.meeting_note": {"GET": per_group("/grupper/{id}/moeder/lg-1", NOTE_READERS)},
    # Those who may read the note but not write it get 403; everyone else 404.
    "groups.save_meeting_note": {
        "POST": Spec(
            per_group("/grupper/{id}/moeder/lg-1", {}).objects,
            {
                group: {**given(FORBIDDEN, *readers), **({"chair": WROTE} if group == "g1" else {})}
                for group, readers in NOTE_READERS.items()
            },
            data=lambda w, role, obj: {
                "text": f"Mødenote fra {role}",
                "version": "1" if obj == "g1" else "0",
            },
        )
    },
    "groups.meeting_sheet": {"GET": per_group("/grupper/{id}/moeder/lg-1/print", GROUP_MEMBERS)},
    # --- reports ---
    "reports.group_list": {
        "GET": Spec(
            fixed("/ledergrupper"),
            same(given(PAGE, "chair", "fac1", "fac2", *IMPORTERS), "-"),
            refused=FORBIDDEN,
        )
    },
    "reports.group_dashboard": {"GET": per_group("/ledergrupper/{id}", PROGRESS_FOLLOWERS)},
    "reports.group_export": {
        "GET": per_group("/ledergrupper/{id}/eksport.csv", PROGRESS_FOLLOWERS)
    },
    # Filters naming another organisation's ids are dropped: the page is allowed, the data is not.
    **{
        endpoint: {
            "GET": Spec(
                {
                    key: (lambda w, url=url, query=query: url + query(w))
                    for key, query in PROGRAMME_FILTERS.items()
                },
                same(given(PAGE, *IMPORTERS), *PROGRAMME_FILTERS),
                refused=FORBIDDEN,
            )
        }
        for endpoint, url in (
            ("reports.programme", "/rapport"),
            ("reports.programme_export", "/rapport/eksport.csv"),
            ("reports.dispatch_list", "/rapport/udsendelser"),
        )
    },
    # One line per person and lesson, in every organisation: platform admins only.
    "reports.progress_export": {
        "GET": Spec(
            {
                key: (lambda w, query=query: "/rapport/lektioner.csv" + query(w))
                for key, query in PROGRAMME_FILTERS.items()
            },
            same({"admin": PAGE}, *PROGRAMME_FILTERS),
            refused=FORBIDDEN,
        )
    },
    # --- the e-mail preview (admin/mail_views.py): those who see "Udsendelser", 403 for the rest
    # (course editors too); an unknown e-mail or language, or the HTML of a text-only one, is 404 ---
    # --- sign-in settings (admin/sign_in_views.py): platform admins only, 403 for the rest ---
    "sign_in_admin.overview": {
        "GET": Spec(fixed("/admin/log-ind"), same(given(PAGE, "admin"), "-"), refused=FORBIDDEN)
    },
    "sign_in_admin.organisation_page": {
        "GET": Spec(
            {
                "a": lambda w: f"/admin/log-ind/organisationer/{w.org_a}",
                "unknown": lambda w: "/admin/log-ind/organisationer/999999",
            },
            {"a": given(PAGE, "admin"), "unknown": given(HIDDEN, "admin")},
            refused=FORBIDDEN,
        )
    },
    "sign_in_admin.new_provider": {
        "GET": Spec(
            fixed("/admin/log-ind/udbydere/ny"), same(given(PAGE, "admin"), "-"), refused=FORBIDDEN
        ),
        "POST": Spec(
            fixed("/admin/log-ind/udbydere/ny"),
            same(given(WROTE, "admin"), "-"),
            refused=FORBIDDEN,
            data=lambda w, role, obj: {
                "organisation": str(w.org_b),
                "slug": "matrix-b",
                "label": "Log ind med Matrix Kommune B",
                "issuer": "https://login.example.dk/matrix-b",
                "client_id": "matrix",
                "domains": "matrix-b.example",
                "active": "y",
            },
        ),
    },
    "sign_in_admin.edit_provider": {
        method: Spec(
            {
                "matrix-a": lambda w: f"/admin/log-ind/udbydere/{w.provider}",
                "unknown": lambda w: "/admin/log-ind/udbydere/999999",
            },
            {
                "matrix-a": given(PAGE if method == "GET" else WROTE, "admin"),
                "unknown": given(HIDDEN, "admin"),
            },
            refused=FORBIDDEN,
            data=form(
                label="Matrix A's knap",
                issuer=UNREACHABLE_ISSUER,
                client_id="matrix-2",
                domains="matrix-a.example",
                active="y",
            ),
        )
        for method in ("GET", "POST")
    },
    "sign_in_admin.test_provider": {
        "POST": Spec(
            {
                "matrix-a": lambda w: f"/admin/log-ind/udbydere/{w.provider}/test",
                "unknown": lambda w: "/admin/log-ind/udbydere/999999/test",
            },
            {"matrix-a": given(PAGE, "admin"), "unknown": given(HIDDEN, "admin")},
            refused=FORBIDDEN,
            data=form(),
        )
    },
    "sign_in_admin.set_policy": {
        "POST": Spec(
            {
                "a": lambda w: f"/admin/log-ind/organisationer/{w.org_a}/politik",
                "unknown": lambda w: "/admin/log-ind/organisationer/999999/politik",
            },
            {"a": given(WROTE, "admin"), "unknown": given(HIDDEN, "admin")},
            refused=FORBIDDEN,
            data=form(passwords_allowed="y", create_on_first_sign_in="y"),
        )
    },
    "emails.catalogue": {
        "GET": Spec(fixed("/admin/e-mails"), same(given(PAGE, *IMPORTERS), "-"), refused=FORBIDDEN)
    },
    **{
        endpoint: {
            "GET": Spec(
                {
                    key: (lambda w, url=url, suffix=suffix: url.format(suffix))
                    for key, url in MAIL_PREVIEWS.items()
                },
                {
                    **same(given(PAGE, *IMPORTERS), "reminder-da", "kickoff-en"),
                    "invitation": given(PAGE, *IMPORTERS),
                    **same(given(HIDDEN, *IMPORTERS), "unknown", "unknown-language"),
                },
                refused=FORBIDDEN,
            )
        }
        for endpoint, suffix in (("emails.preview", ""), ("emails.html_body", "/html"))
    },
    # --- importing people: coordinators (into their own organisation) and platform admins ---
    "people.import_people": {
        "GET": Spec(
            fixed("/deltagere/import"), same(given(PAGE, *IMPORTERS), "-"), refused=FORBIDDEN
        ),
        # The preview is a dry run and never writes; another organisation's row is a problem (400).
        "POST": Spec(
            {obj: (lambda w: "/deltagere/import") for obj in IMPORT_FILES},
            {
                "org-a": {**given(PAGE, "coord_a", "admin"), "coord_b": INVALID},
                "org-b": {**given(PAGE, "coord_b", "admin"), "coord_a": INVALID},
            },
            refused=FORBIDDEN,
            data=upload_data,
        ),
    },
    "people.confirm_import": {
        "POST": Spec(
            {obj: (lambda w: "/deltagere/import/gennemfoer") for obj in (*IMPORT_FILES, "forged")},
            {
                "org-a": {**given(WROTE, "coord_a", "admin"), "coord_b": INVALID},
                "org-b": {**given(WROTE, "coord_b", "admin"), "coord_a": INVALID},
                "forged": given(REDIRECT, *IMPORTERS),  # signed for someone else: start again
            },
            refused=FORBIDDEN,
            data=confirm_data,
        )
    },
    # --- material: the course's editors, platform admins and the leaders enrolled; else 404 ---
    "resources.download": {
        "GET": Spec(
            {
                key: (lambda w, key=key: f"/materialer/{w.resources[key]}/{key}.pdf")
                for key in ("res1", "res2")
            },
            {"res1": given(PAGE, "editor", "admin", *LEADERS), "res2": given(PAGE, "admin", "l4")},
        )
    },
    # --- the authoring area: platform admins and course editors (their courses); 403 for others ---
    "admin.home": {
        "GET": Spec(fixed("/admin/"), same(given(PAGE, "editor", "admin"), "-"), refused=FORBIDDEN)
    },
    "admin.audit_log": {
        "GET": Spec(
            {
                "-": lambda w: "/admin/log",
                "course1": lambda w: f"/admin/log?course_id={w.courses['course1']}",
                "course2": lambda w: f"/admin/log?course_id={w.courses['course2']}",
            },
            {
                "-": given(PAGE, "editor", "admin"),
                "course1": given(PAGE, "editor", "admin"),
                "course2": {"admin": PAGE},
            },
            refused=FORBIDDEN,
        )
    },
    "admin.course_new": {
        "GET": Spec(fixed("/admin/kurser/ny"), same({"admin": PAGE}, "-"), refused=FORBIDDEN),
        "POST": Spec(
            fixed("/admin/kurser/ny"),
            same({"admin": WROTE}, "-"),
            refused=FORBIDDEN,
            data=form(slug="nyt-kursus", title="Nyt kursus", language="da", summary="", save="Gem"),
        ),
    },
    "admin.course_upload": {
        "GET": Spec(
            fixed("/admin/kurser/upload"),
            same(given(PAGE, "editor", "admin"), "-"),
            refused=FORBIDDEN,
        ),
        # Updating a course from its files is for its editors, creating one for platform admins;
        # the role is checked once the files are valid, so another course's files are 403 even
        # for an editor.
        "POST": Spec(
            {
                obj: (lambda w: "/admin/kurser/upload")
                for obj in ("course1", "course2", "new-course")
            },
            {
                "course1": given(SHOWN, "editor", "admin"),
                "course2": {"admin": SHOWN, "editor": FORBIDDEN},
                "new-course": {"admin": SHOWN, "editor": FORBIDDEN},
            },
            refused=FORBIDDEN,
            data=lambda w, role, obj: {"file": (io.BytesIO(w.zips[obj]), f"{obj}.zip")},
        ),
    },
    "admin.course": {"GET": authoring_spec("/admin/kurser/{course}", both_courses())},
    "admin.course_edit": {
        method: authoring_spec(
            "/admin/kurser/{course}/rediger",
            both_courses(),
            outcome,
            data=form(title="Nyt navn", language="da", summary="Ny beskrivelse", save="Gem"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.course_status": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/status", both_courses(), WROTE, data=form(publish="0")
        )
    },
    "admin.course_download": {
        "GET": authoring_spec("/admin/kurser/{course}/download.zip", both_courses())
    },
    "admin.module_new": {
        method: authoring_spec(
            "/admin/kurser/{course}/nyt-modul",
            both_courses(),
            outcome,
            data=form(title="Nyt modul", mode="individual", intro="", save="Gem"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.module_edit": {
        method: authoring_spec(
            "/admin/kurser/{course}/moduler/{key}",
            with_cross(key=("lg-1", "modul-a"), mode=("group", "individual")),
            outcome,
            data=lambda w, role, obj: {
                "title": "Omdøbt modul",
                "mode": "individual" if obj == "course2" else "group",
                "intro": "",
                "save": "Gem",
            },
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.module_preview": {
        "GET": authoring_spec(
            "/admin/kurser/{course}/moduler/{key}/forhaandsvisning",
            with_cross(key=("lg-1", "modul-a")),
        )
    },
    "admin.lesson_new": {
        method: authoring_spec(
            "/admin/kurser/{course}/moduler/{key}/ny-lektion",
            with_cross(key=("lg-1", "modul-a")),
            outcome,
            data=form(title="Ny lektion", intro="", save="Gem"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.lesson_edit": {
        method: authoring_spec(
            "/admin/kurser/{course}/lektioner/{key}",
            with_cross(key=("lg-1-spoergsmaal", "lektion-film")),
            outcome,
            data=form(title="Omdøbt lektion", intro="", save="Gem"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.block_new": {
        method: authoring_spec(
            "/admin/kurser/{course}/lektioner/{key}/ny-blok/text",
            with_cross(key=("lg-1-spoergsmaal", "lektion-film")),
            outcome,
            data=form(body="Ny tekst", save="Gem"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.block_edit": {
        method: authoring_spec(
            "/admin/kurser/{course}/blokke/{key}",
            with_cross(key=("lg-1-q1", "spoergsmaal-1")),
            outcome,
            data=form(prompt="Nyt spørgsmål?", required="y", help="", save="Gem"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.item_move": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/moduler/{key}/flyt",
            with_cross(key=("lg-1", "modul-a")),
            WROTE,
            data=form(direction="down"),
        )
    },
    "admin.item_relocate": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/lektioner/{key}/flyt-til",
            with_cross(key=("film-2-lektion", "lektion-tekst")),
            WROTE,
            data=lambda w, role, obj: {"target": "modul-b" if "course2" in obj else "film-3"},
        )
    },
    "admin.item_status": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/moduler/{key}/status",
            with_cross(key=("lg-2", "modul-b")),
            WROTE,
            data=form(publish="0"),
        )
    },
    "admin.item_retire": {
        method: authoring_spec(
            "/admin/kurser/{course}/blokke/{key}/udfas",
            with_cross(key=("lg-1-q1", "spoergsmaal-1")),
            outcome,
            data=form(confirm_answers="y", submit="Udfas"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.item_delete": {
        method: authoring_spec(
            "/admin/kurser/{course}/blokke/{key}/slet",
            with_cross(key=("film-2-lektion-tekst", "tekst-2")),
            outcome,
            data=form(submit="Slet for altid"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.item_restore": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/blokke/{key}/genopret",
            with_cross(key=("lg-2-q1", "forberedelse-1")),
            WROTE,
            data=form(submit="Genopret"),
        )
    },
    "admin.goals": {"GET": authoring_spec("/admin/kurser/{course}/maal", both_courses())},
    "admin.goal_new": {
        method: authoring_spec(
            "/admin/kurser/{course}/maal/nyt",
            both_courses(),
            outcome,
            data=form(title="Nyt mål", description=""),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.goal_edit": {
        method: authoring_spec(
            "/admin/kurser/{course}/maal/{goal}",
            with_cross(goal=(goal("course1"), goal("course2"))),
            outcome,
            data=form(title="Omdøbt mål", description="Ny beskrivelse"),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.goal_tags": {
        method: authoring_spec(
            "/admin/kurser/{course}/maal/{goal}/indhold",
            with_cross(goal=(goal("course1"), goal("course2"))),
            outcome,
            data=lambda w, role, obj: {"modules": str(w.modules[obj.split("/")[0]])},
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.goal_retire": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/maal/{goal}/udgaa",
            with_cross(goal=(goal("course1"), goal("course2"))),
            WROTE,
            data=form(),
        )
    },
    "admin.goal_restore": {
        "POST": authoring_spec(
            "/admin/kurser/{course}/maal/{goal}/genopret",
            with_cross(goal=(goal("course1-retired"), goal("course2-retired"))),
            WROTE,
            data=form(),
        )
    },
    "admin.resources": {
        method: authoring_spec(
            "/admin/kurser/{course}/materialer",
            both_courses(),
            outcome,
            data=lambda w, role, obj: {
                "file": (io.BytesIO(pdf(f"upload by {role}")), "upload.pdf"),
                "title": f"Upload fra {role}",
            },
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "admin.resource_delete": {
        method: authoring_spec(
            "/admin/kurser/{course}/materialer/{resource}/slet",
            with_cross(resource=(resource("res1"), resource("res2"))),
            outcome,
            data=form(),
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    # --- the calendar (schedule/event_access.py): see table below; the feed's token is its key ---
    "calendar.my_calendar": {"GET": Spec(fixed("/kalender"), same(given(PAGE, *SIGNED_IN), "-"))},
    "calendar.renew_feed": {
        "POST": Spec(fixed("/kalender/link"), same(given(SHOWN, *SIGNED_IN), "-"), data=form())
    },
    "calendar.revoke_feed": {
        "POST": Spec(
            fixed("/kalender/link/slet"),
            same({**given(REDIRECT, *SIGNED_IN), "editor": WROTE}, "-"),  # only she has one
            data=form(),
        )
    },
    "calendar.feed": {
        "GET": Spec(
            {
                "valid": lambda w: f"/kalender/feed/{FEED_TOKEN}.ics",
                "unknown": lambda w: f"/kalender/feed/{'A' * 43}.ics",
            },
            {"valid": given(PAGE, *ROLES), "unknown": given(HIDDEN, *ROLES)},
        )
    },
    "calendar.event_page": {"GET": Spec(event_urls(), event_outcomes(PAGE))},
    "calendar.event_file": {"GET": Spec(event_urls(".ics"), event_outcomes(PAGE))},
    "calendar.round_events": {
        "GET": Spec(
            {
                "c1": lambda w: f"/kalender/forloeb/{w.c1}",
                "c2": lambda w: f"/kalender/forloeb/{w.c2}",
            },
            {key: given(PAGE, *roles) for key, roles in ROUND_PLANNERS.items()},
        )
    },
    "calendar.new_event": {
        method: Spec(
            {
                key: (lambda w, key=key: f"/kalender/forloeb/{getattr(w, key[:2])}/ny/{key[3:]}")
                for key in ("c1/workshop", "c1/ledermoede", "c2/workshop")
            },
            {
                "c1/workshop": {
                    **given(outcome, "coord_a", "coord_b", "admin"),
                    "chair": FORBIDDEN,
                },
                "c1/ledermoede": {
                    **given(outcome, "chair", "coord_a", "admin"),
                    "coord_b": PAGE if method == "GET" else INVALID,  # G1 is not hers to plan
                },
                "c2/workshop": given(outcome, "coord_b", "admin"),
            },
            data=event_form,
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "calendar.edit_event": {
        method: Spec(event_urls("/rediger"), event_outcomes(outcome, setters=True), data=event_form)
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    # --- joint workshops (workshops/): see WORKSHOP_RUNNERS above ---
    "workshops.areas": {
        "GET": Spec(fixed("/workshops/omraader"), same(given(PAGE, *IMPORTERS), "-")),
        "POST": Spec(
            fixed("/workshops/omraader"),
            same(given(WROTE, *IMPORTERS), "-"),
            data=pair_data("a1", "b2"),
        ),
    },
    "workshops.remove_area_pair": {
        "POST": Spec(
            fixed("/workshops/omraader/fjern"),
            same(given(WROTE, *IMPORTERS), "-"),
            data=pair_data("a1", "b1"),
        )
    },
    "workshops.areas_export": {
        "GET": Spec(fixed("/workshops/omraader.csv"), same(given(PAGE, *IMPORTERS), "-"))
    },
    "workshops.areas_import": {
        "POST": Spec(
            fixed("/workshops/omraader/import"),
            same(given(WROTE, *IMPORTERS), "-"),
            data=area_file,
        )
    },
    "workshops.workshop_list": {
        "GET": Spec(fixed("/workshops"), same(given(PAGE, *SIGNED_IN), "-"))
    },
    "workshops.workshop_page": {
        "GET": Spec(
            workshop_url(),
            same(given(PAGE, *WORKSHOP_LEADERS, *WORKSHOP_RUNNERS), "ws"),
            shows=TABLE_MATES,
        )
    },
    "workshops.table_plan": {
        "GET": Spec(
            workshop_url("/bordplan"),
            same(given(PAGE, *WORKSHOP_RUNNERS), "ws"),
            shows=ROSTER_SHOWN,
        )
    },
    "workshops.make_plan": {
        "POST": Spec(
            workshop_url("/bordplan/forslag"),
            same(given(WROTE, *WORKSHOP_RUNNERS), "ws"),
            data=form(min_size="4", max_size="6", group_policy="spread", seed="3", **PLAN_VERSION),
        )
    },
    "workshops.move_person": {
        "POST": Spec(
            workshop_url("/bordplan/flyt"),
            same(given(WROTE, *WORKSHOP_RUNNERS), "ws"),
            data=lambda w, role, obj: {"person": str(w.users["l4"]), "table": "2", **PLAN_VERSION},
        )
    },
    "workshops.publish_plan": {
        "POST": Spec(
            workshop_url("/bordplan/offentliggoer"),
            same(given(WROTE, *WORKSHOP_RUNNERS), "ws"),
            data=form(despite_violations="y", **PLAN_VERSION),
        )
    },
    "workshops.save_materials": {
        "POST": Spec(
            workshop_url("/materialer"),
            same(given(WROTE, *WORKSHOP_RUNNERS), "ws"),
            data=form(materials="Slides fra dagen", **PLAN_VERSION),
        )
    },
    "workshops.run_sheet_page": {
        "GET": Spec(
            workshop_url("/koereplan"),
            same(given(PAGE, *WORKSHOP_RUNNERS), "ws"),
            # the meeting notes of the groups whose members come (L1's G1), never an answer
            shows={**ROSTER_SHOWN, G1_NOTE: frozenset(WORKSHOP_RUNNERS)},
        )
    },
    "workshops.answer": {
        "POST": Spec(
            workshop_url("/svar"),
            {"ws": {**given(FORBIDDEN, *WORKSHOP_RUNNERS), **given(WROTE, *WORKSHOP_LEADERS)}},
            data=form(coming="kommer-ikke"),
        )
    },
    "workshops.attendance": {
        "GET": Spec(
            workshop_url("/fremmoede"),
            same(given(PAGE, *WORKSHOP_RUNNERS), "ws"),
            shows=ROSTER_SHOWN,
        ),
        "POST": Spec(
            workshop_url("/fremmoede"),
            same(given(WROTE, *WORKSHOP_RUNNERS), "ws"),
            data=lambda w, role, obj: {"came": str(w.users["l1"])},
            shows=ROSTER_SHOWN,
        ),
    },
    "workshops.signup_report": {
        "GET": Spec(
            workshop_url("/tilmeldinger"),
            same(given(PAGE, *WORKSHOP_RUNNERS), "ws"),
            shows=ROSTER_SHOWN,
        )
    },
    "workshops.signup_report_export": {
        "GET": Spec(
            workshop_url("/tilmeldinger.csv"),
            same(given(PAGE, *WORKSHOP_RUNNERS), "ws"),
            shows=ROSTER_SHOWN,
        )
    },
    "workshops.facilitators": {
        "GET": Spec(workshop_url("/facilitatorer"), same(given(PAGE, *WORKSHOP_RUNNERS), "ws")),
        "POST": Spec(
            workshop_url("/facilitatorer"),
            {"ws": {"fac2": FORBIDDEN, **given(WROTE, *WORKSHOP_ASSIGNERS)}},
            data=lambda w, role, obj: {"user": str(w.users["fac1"])},
        ),
    },
    "workshops.remove_facilitator": {
        "POST": Spec(
            workshop_url("/facilitatorer/fjern"),
            {"ws": {"fac2": FORBIDDEN, **given(WROTE, *WORKSHOP_ASSIGNERS)}},
            data=lambda w, role, obj: {"user": str(w.users["fac2"])},
        )
    },
    "calendar.delete_event": {
        "POST": Spec(event_urls("/slet"), event_outcomes(WROTE, setters=True), data=form())
    },
    # --- rounds (cohorts/round_access.py): see ROUND_STAFF above ---
    "rounds.round_list": {
        "GET": Spec(fixed("/forloeb"), same(given(PAGE, *IMPORTERS), "-"), refused=FORBIDDEN)
    },
    "rounds.round_new": {
        "GET": Spec(fixed("/forloeb/nyt"), same(given(PAGE, *IMPORTERS), "-"), refused=FORBIDDEN),
        # A coordinator's round is their own organisation's, whatever organisations are posted.
        "POST": Spec(
            fixed("/forloeb/nyt"),
            same(given(WROTE, *IMPORTERS), "-"),
            refused=FORBIDDEN,
            data=new_round_data,
        ),
    },
    "rounds.round_page": {"GET": per_round("")},
    "rounds.participants": {
        "GET": per_round("/deltagere", queries={"c1-g1": "?group={g1}", "c1-h": "?group={h}"})
    },
    "rounds.participants_export": {
        "GET": per_round("/deltagere.csv", queries={"c1-g1": "?group={g1}", "c1-h": "?group={h}"})
    },
    # A shared round's release table is for platform admins only; C2 is B's alone.
    "rounds.save_releases": {
        "POST": Spec(
            per_round("/aabninger").objects,
            {
                "c1": {"admin": WROTE, "coord_a": FORBIDDEN, "coord_b": FORBIDDEN},
                "c2": {"admin": WROTE, "coord_b": WROTE, "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
            data=release_data,
        )
    },
    # The preview writes nothing; someone of another organisation is a problem (400) for B's
    # coordinator in C1.
    "rounds.enrol": {
        "POST": Spec(
            {
                key: (lambda w, key=key: f"/forloeb/{ROUNDS[key[:2]](w)}/tilmeld")
                for key in ("c1/preview", "c1/confirm", "c2/confirm")
            },
            {
                "c1/preview": {**given(PAGE, "coord_a", "admin"), "coord_b": INVALID},
                "c1/confirm": {**given(WROTE, "coord_a", "admin"), "coord_b": INVALID},
                "c2/confirm": {**given(WROTE, "coord_b", "admin"), "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
            data=enrol_data,
        )
    },
    # Moving a participant: only within the viewer's part of the round (L2 is A's, L4 is B's).
    "rounds.move": {
        "GET": Spec(
            {
                "c1/l2": lambda w: f"/forloeb/{w.c1}/deltagere/{w.users['l2']}/ledergruppe",
                "c2/l4": lambda w: f"/forloeb/{w.c2}/deltagere/{w.users['l4']}/ledergruppe",
            },
            {
                "c1/l2": {**given(PAGE, "coord_a", "admin"), "coord_b": HIDDEN},
                "c2/l4": {**given(PAGE, "coord_b", "admin"), "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
        ),
        "POST": Spec(
            {"c1/l2": lambda w: f"/forloeb/{w.c1}/deltagere/{w.users['l2']}/ledergruppe"},
            {"c1/l2": {**given(WROTE, "coord_a", "admin"), "coord_b": HIDDEN}},
            refused=FORBIDDEN,
            data=lambda w, role, obj: {"group": str(w.g2)},
        ),
    },
    # Erasing a person (privacy/erasure.py): platform admins anyone but themselves, coordinators
    # their own organisation's people (not platform admins); a person out of reach answers 404 like
    # one who does not exist, every other role 403. The page erases nothing; the POST anonymises.
    **{
        "privacy.erase_person": {
            method: Spec(
                ERASE_URLS,
                {
                    "a/l5": {**given(outcome, "coord_a", "admin"), "coord_b": HIDDEN},
                    "b/l4": {**given(outcome, "coord_b", "admin"), "coord_a": HIDDEN},
                    "admin": {"admin": FORBIDDEN, **given(HIDDEN, "coord_a", "coord_b")},
                    "unknown": given(HIDDEN, "coord_a", "coord_b", "admin"),
                },
                refused=FORBIDDEN,
                data=form(confirm="y") if method == "POST" else None,
            )
            for method, outcome in (("GET", PAGE), ("POST", WROTE))
        }
    },
    # Closing (rounds/closing.py): platform admins, and coordinators of a round their organisation
    # runs alone (C1 is shared by A and B: not one coordinator's to close for the other);
    # reopening: platform admins only (the world's rounds are open: nothing to reopen).
    "rounds.close_round": {
        method: Spec(
            per_round("/luk").objects,
            {
                "c1": {"admin": outcome, "coord_a": FORBIDDEN, "coord_b": FORBIDDEN},
                "c2": {"admin": outcome, "coord_b": outcome, "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
            data=form() if method == "POST" else None,
        )
        for method, outcome in (("GET", PAGE), ("POST", WROTE))
    },
    "rounds.reopen_round": {
        "POST": Spec(
            per_round("/genaabn").objects,
            {
                "c1": {**given(FORBIDDEN, "coord_a", "coord_b"), "admin": REDIRECT},
                "c2": {"coord_b": FORBIDDEN, "coord_a": HIDDEN, "admin": REDIRECT},
            },
            refused=FORBIDDEN,
            data=form(),
        )
    },
    # An organisation's sender name, through a round it takes part in: a coordinator only her own
    # organisation's (another one of the round is 404, as its people are); admins every one taking
    # part; an organisation outside the round is 404 for everyone.
    "rounds.sender_name": {
        "POST": Spec(
            {
                key: (
                    lambda w, key=key: (
                        f"/forloeb/{ROUNDS[key[:2]](w)}/afsendernavn/"
                        f"{w.org_a if key.endswith('a') else w.org_b}"
                    )
                )
                for key in ("c1/a", "c1/b", "c2/b", "c2/a")
            },
            {
                "c1/a": {**given(WROTE, "coord_a", "admin"), "coord_b": HIDDEN},
                "c1/b": {**given(WROTE, "coord_b", "admin"), "coord_a": HIDDEN},
                "c2/b": {**given(WROTE, "coord_b", "admin"), "coord_a": HIDDEN},
                "c2/a": given(HIDDEN, "coord_a", "coord_b", "admin"),
            },
            refused=FORBIDDEN,
            data=form(sender_name="Direktionen i Matrix Kommune"),
        )
    },
}

# The service check (service_check/access.py): leaders book the slots of supporters serving their
# organisation in rounds they are in (Sup serves organisation A: L4 of B, and everyone not in C1, get
# 404); only L1 and Sup reach L1's booking; Sup's pages are 403 for everyone else; the counts are
# for coordinators (their organisations' rounds) and platform admins.
SC_BOOKERS = ("l2", "moved", "l3", "chair")  # in C1, organisation A, no booking yet
ROUND_COUNTERS = {"c1": ("coord_a", "coord_b", "admin"), "c2": ("coord_b", "admin")}


def sc_round(suffix: str) -> dict[str, Url]:
    return {
        key: (lambda w, key=key: f"/servicetjek/forloeb/{ROUNDS[key](w)}{suffix}") for key in ROUNDS
    }


def sc_booking(suffix: str) -> dict[str, Url]:
    return {"l1": lambda w: f"/servicetjek/booking/{w.service_check['l1']}{suffix}"}


def sc_slot_form(w: World, role: str, obj: str) -> dict[str, Any]:
    day = dt.date.fromisoformat(w.service_check["day"]) + dt.timedelta(days=3)
    return {
        "day": day.isoformat(),
        "start": "14:00",
        "length_minutes": "30",
        "place": "Lokale 9",
        "online_link": "",
    }


SERVICE_CHECK_ROUTES: dict[str, dict[str, Spec]] = {
    "service_check.home": {"GET": Spec(fixed("/servicetjek"), same(given(PAGE, *SIGNED_IN), "-"))},
    "service_check.book": {
        "POST": Spec(
            sc_round("/book"),
            {"c1": {**given(WROTE, *SC_BOOKERS), "l1": CONFLICT}},
            data=lambda w, role, obj: {"slot": str(w.service_check["open"]), "questions": "Hjælp"},
        )
    },
    "service_check.change": {
        "POST": Spec(
            sc_booking("/flyt"),
            {"l1": given(WROTE, "l1")},
            data=lambda w, role, obj: {"slot": str(w.service_check["open"])},
        )
    },
    "service_check.questions": {
        "POST": Spec(
            sc_booking("/spoergsmaal"), {"l1": given(WROTE, "l1")}, data=form(questions="Nyt")
        )
    },
    "service_check.cancel": {
        "POST": Spec(sc_booking("/aflys"), {"l1": given(WROTE, "l1")}, data=form())
    },
    "service_check.booking_file": {
        "GET": Spec(sc_booking(".ics"), {"l1": given(PAGE, "l1", "sup")})
    },
    "service_check.round_counts": {
        "GET": Spec(
            sc_round("/overblik"),
            {
                "c1": given(PAGE, *ROUND_COUNTERS["c1"]),
                "c2": {**given(PAGE, *ROUND_COUNTERS["c2"]), "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
        )
    },
    "service_check.supporter_rounds": {
        "GET": Spec(fixed("/servicetjek/tider"), same(given(PAGE, "sup"), "-"), refused=FORBIDDEN)
    },
    "service_check.round_slots": {
        "GET": Spec(
            sc_round("/tider"),
            {"c1": given(PAGE, "sup"), "c2": given(HIDDEN, "sup")},
            refused=FORBIDDEN,
        ),
        "POST": Spec(
            sc_round("/tider"),
            {"c1": given(WROTE, "sup"), "c2": given(HIDDEN, "sup")},
            refused=FORBIDDEN,
            data=sc_slot_form,
        ),
    },
    "service_check.cancel_slot": {
        "POST": Spec(
            {
                key: (lambda w, key=key: f"/servicetjek/tider/{w.service_check[key]}/aflys")
                for key in ("open", "booked")
            },
            {"open": given(WROTE, "sup"), "booked": given(WROTE, "sup")},
            refused=FORBIDDEN,
            data=form(),
        )
    },
    "service_check.day": {
        "GET": Spec(
            {"booked": lambda w: f"/servicetjek/dag?dato={w.service_check['day']}"},
            {"booked": given(PAGE, "sup")},
            refused=FORBIDDEN,
        )
    },
    "service_check.outcome": {
        "POST": Spec(
            sc_booking("/udfald"),
            {"l1": given(WROTE, "sup")},
            refused=FORBIDDEN,
            data=form(outcome_note="Ny note"),
        )
    },
}
ROUTES |= SERVICE_CHECK_ROUTES

# The competence wheel (self_assessment/): a leader's own measurements in the rounds she is in (C1
# uses the platform's assessment: every C1 leader; C2 links out to an external tool and starts in
# 2099: only L4, and its points are not open); her wheel for those whose rounds use the assessment;
# the averages for coordinators and platform admins (403 for everyone else); a round's choice of
# tool for round staff (coordinators change it only where their organisation is the round's only
# one). Nobody but L1 ever sees her reflection (WHEEL_NOTE).
C1_LEADERS = (*LEADERS, "l5")
C1_STARTERS = tuple(role for role in C1_LEADERS if role != "l1")  # L1 completed her start
POINTS = {
    "c1/start": lambda w: f"/kompetencehjul/{w.c1}/start",
    "c1/adhoc": lambda w: f"/kompetencehjul/{w.c1}/adhoc",
    "c1/end": lambda w: f"/kompetencehjul/{w.c1}/end",
    "c2/start": lambda w: f"/kompetencehjul/{w.c2}/start",
}


def wheel_point(suffix: str, *keys: str) -> dict[str, Url]:
    return {key: (lambda w, key=key: POINTS[key](w) + suffix) for key in keys}


def averages_urls(suffix: str) -> dict[str, Url]:
    """The averages of the default round, and of C2 chosen in the query (organisation B's only)."""
    return {
        "-": lambda w: f"/kompetencehjul/gennemsnit{suffix}",
        "c2": lambda w: f"/kompetencehjul/gennemsnit{suffix}?cohort={w.c2}",
    }


AVERAGES_READERS = {
    "-": given(PAGE, "coord_a", "coord_b", "admin"),
    "c2": {**given(PAGE, "coord_b", "admin"), "coord_a": HIDDEN},
}


def wheel_reflections(w: World, role: str, obj: str) -> dict[str, Any]:
    return {
        "refleksion-vigtige-text": "Ny tanke",
        "refleksion-vigtige-version": "1" if role == "l1" else "0",
    }


def round_tool_form(w: World, role: str, obj: str) -> dict[str, Any]:
    return {
        "tool": "external",
        "assessment": "",
        "external_url": "https://andet-vaerktoej.matrix.example/",
        "version": w.tool_versions[obj],
    }


SELF_ASSESSMENT_ROUTES: dict[str, dict[str, Spec]] = {
    "self_assessment.overview": {
        "GET": Spec(fixed("/kompetencehjul"), same(given(PAGE, *SIGNED_IN), "-"))
    },
    "self_assessment.intro": {
        "GET": Spec(
            wheel_point("", "c1/start", "c1/adhoc", "c1/end", "c2/start"),
            {
                **same(given(PAGE, *C1_LEADERS), "c1/start", "c1/adhoc", "c1/end"),
                "c2/start": given(HIDDEN, "l4"),
            },
        ),
        "POST": Spec(
            wheel_point("", "c1/start", "c1/adhoc", "c1/end", "c2/start"),
            {
                "c1/start": {**given(WROTE, *C1_STARTERS), "l1": CONFLICT},
                "c1/adhoc": given(WROTE, *C1_LEADERS),
                "c1/end": given(CONFLICT, *C1_LEADERS),  # C1 has no last day: not open
            },
            data=form(),
        ),
    },
    "self_assessment.page": {
        "GET": Spec(wheel_point("/side/1", "c1/start"), {"c1/start": given(REDIRECT, *C1_LEADERS)}),
        "POST": Spec(
            wheel_point("/side/1", "c1/start"),
            {"c1/start": given(CONFLICT, *C1_LEADERS)},
            data=form(sequence="0", action="next"),
        ),
    },
    "self_assessment.finish": {
        "GET": Spec(wheel_point("/afslut", "c1/start"), {"c1/start": given(REDIRECT, *C1_LEADERS)}),
        "POST": Spec(
            wheel_point("/afslut", "c1/start"),
            # L1 completed hers: a second "Afslut" (a double click) takes her to her wheel.
            {"c1/start": {**given(CONFLICT, *C1_STARTERS), **given(REDIRECT, "l1")}},
            data=form(sequence="0"),
        ),
    },
    "self_assessment.dispatch": {
        "POST": Spec(
            wheel_point("/ekstern", "c1/start", "c2/start"),
            {"c2/start": given(REDIRECT, "l4")},
            data=form(),
        )
    },
    "self_assessment.wheel": {
        "GET": Spec(
            {"kompetencehjul": lambda w: f"/kompetencehjul/hjul/{w.assessment}"},
            {"kompetencehjul": given(PAGE, *C1_LEADERS)},
        )
    },
    "self_assessment.save_reflections": {
        "POST": Spec(
            {"kompetencehjul": lambda w: f"/kompetencehjul/hjul/{w.assessment}/refleksioner"},
            {"kompetencehjul": given(WROTE, *C1_LEADERS)},
            data=wheel_reflections,
        )
    },
    "self_assessment.averages": {
        "GET": Spec(
            averages_urls(""),
            AVERAGES_READERS,
            refused=FORBIDDEN,
        )
    },
    "self_assessment.averages_csv": {
        "GET": Spec(
            averages_urls(".csv"),
            AVERAGES_READERS,
            refused=FORBIDDEN,
        )
    },
    "self_assessment.round_settings": {
        "GET": Spec(
            {
                key: (lambda w, key=key: f"/forloeb/{ROUNDS[key](w)}/kompetencehjul")
                for key in ROUNDS
            },
            {
                "c1": given(PAGE, "coord_a", "coord_b", "admin"),
                "c2": {**given(PAGE, "coord_b", "admin"), "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
        ),
        "POST": Spec(
            {
                key: (lambda w, key=key: f"/forloeb/{ROUNDS[key](w)}/kompetencehjul")
                for key in ROUNDS
            },
            {
                "c1": {**given(WROTE, "admin"), **given(FORBIDDEN, "coord_a", "coord_b")},
                "c2": {**given(WROTE, "coord_b", "admin"), "coord_a": HIDDEN},
            },
            refused=FORBIDDEN,
            data=round_tool_form,
        ),
    },
}
ROUTES |= SELF_ASSESSMENT_ROUTES

# GET routes addressed by a group id, walked by the enumeration test (the matrix has the rest).
GROUP_ROUTES = {
    "groups.group_page": "/grupper/{id}",
    "groups.review": REVIEW,
    "groups.meeting_note": "/grupper/{id}/moeder/lg-1",
    "reports.group_dashboard": "/ledergrupper/{id}",
}


def forged_fields(w: World, role: str) -> dict[str, str]:
    """Extra fields naming someone else's objects (the other organisation's, where the role has
    one): every route must ignore them."""
    victim = "l1" if ROLE_ORG.get(role) == "b" else "l4"
    return {
        "group_id": str(w.group(ROLE_GROUP[victim])),
        "shared_group_id": str(w.group(ROLE_GROUP[victim])),
        "organisation_id": str(w.org_a if victim == "l1" else w.org_b),
        "user_id": str(w.users[victim]),
        "author_id": str(w.users[victim]),
        "enrolment_id": str(w.enrolments[victim]),
        "cohort_id": str(w.c2),
        "course_id": str(w.courses["course2"]),
        "answer_id": str(w.answers[victim]),
        "role": "platform_admin",
        "is_admin": "1",
    }


FORGED = ("group_id", "role", "organisation_id", "user_id", "shared_group_id", "enrolment_id")


# --- Checking a response ------------------------------------------------------------------------------


def relation(role: str, obj: str) -> str:
    """What the object is to the role, for failure messages."""
    group = obj.split("/")[0]
    if group not in GROUP_ORG or role == "anonymous":
        return obj
    if ROLE_GROUP.get(role) == group:
        return f"{obj}: own group"
    if ROLE_ORG.get(role) == GROUP_ORG[group]:
        return f"{obj}: other group, same organisation"
    if role not in ROLE_ORG:
        return f"{obj}: role without organisation"
    return f"{obj}: other organisation"


def leaks(
    response: TestResponse, role: str, shows: dict[str, frozenset[str]] | None = None
) -> list[str]:
    text = response.get_data().decode("utf-8", "replace") + str(response.headers)
    shows = shows or {}
    return [
        marker
        for marker, who in MARKERS.items()
        if role not in who and role not in shows.get(marker, ()) and marker in text
    ]


def check(
    response: TestResponse,
    expected: Outcome,
    role: str,
    what: str,
    shows: dict[str, frozenset[str]] | None = None,
) -> None:
    # Read and close the body first: a streamed response (the CSV exports) holds its request, and
    # its database session, open until then.
    found = leaks(response, role, shows)
    response.close()
    assert response.status_code == expected.status, (
        f"{what}: expected {expected.status}, got {response.status_code}"
    )
    if expected.location is not None:
        assert response.headers["Location"].startswith(expected.location), what
    assert not found, f"{what}: {role} sees {found}"


# --- The database, before and after -------------------------------------------------------------------

author = User.__table__.alias("author")


def _detail_queries() -> dict[str, Any]:
    """The rows a route could change, without surrogate ids of new rows or timestamps (so two runs
    in separate savepoints compare equal, also where PostgreSQL's sequences move on)."""
    return {
        "users": select(
            User.email,
            User.name,
            User.locale,
            User.organisation_id,
            Area.name,  # an import may create the area: its id differs between savepoints
            User.password_hash.is_not(None),
            User.session_version,
            User.deactivated_at.is_not(None),
            User.reminders_stopped_at.is_not(None),
        ).outerjoin(Area, Area.id == User.area_id),
        "invitations": select(User.email, Invitation.used_at.is_not(None)).join(
            User, User.id == Invitation.user_id
        ),
        "sign_in_links": select(User.email, SignInLink.used_at.is_not(None)).join(
            User, User.id == SignInLink.user_id
        ),
        "password_resets": select(User.email, PasswordReset.used_at.is_not(None)).join(
            User, User.id == PasswordReset.user_id
        ),
        "outbox": select(
            OutboxMessage.recipient, OutboxMessage.kind, OutboxMessage.sent_at.is_not(None)
        ),
        "organisations": select(
            Organisation.name, Organisation.slug, Organisation.mail_sender_name
        ),
        "areas": select(Organisation.name, Area.name).join(
            Organisation, Organisation.id == Area.organisation_id
        ),
        "groups": select(Organisation.name, LeaderGroup.name).join(
            Organisation, Organisation.id == LeaderGroup.organisation_id
        ),
        "memberships": select(
            User.email, LeaderGroup.name, GroupMembership.valid_until.is_not(None)
        )
        .join(User, User.id == GroupMembership.user_id)
        .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id),
        "roles": select(
            User.email,
            RoleAssignment.role,
            RoleAssignment.organisation_id,
            RoleAssignment.course_id,
            LeaderGroup.name,
        )
        .join(User, User.id == RoleAssignment.user_id)
        .outerjoin(LeaderGroup, LeaderGroup.id == RoleAssignment.group_id),
        "enrolments": select(User.email, Enrolment.cohort_id).join(
            User, User.id == Enrolment.user_id
        ),
        "cohorts": select(
            Cohort.name,
            Cohort.course_id,
            Cohort.starts_on,
            Cohort.ends_on,
            Cohort.closed_at.is_not(None),
        ),
        "cohort_organisations": select(Cohort.name, cohort_organisations.c.organisation_id).join(
            Cohort, Cohort.id == cohort_organisations.c.cohort_id
        ),
        "releases": select(
            CohortRelease.cohort_id, Module.key, cast(CohortRelease.rule, String)
        ).join(Module, Module.id == CohortRelease.module_id),
        "answers": select(
            User.email,
            Enrolment.cohort_id,
            ReflectionAnswer.block_id,
            ReflectionAnswer.text,
            ReflectionAnswer.status,
            ReflectionAnswer.visibility,
            ReflectionAnswer.shared_group_id,
            ReflectionAnswer.version,
        )
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .join(User, User.id == Enrolment.user_id),
        "comments": select(
            Comment.answer_id, author.c.email, Comment.text, Comment.deleted_at.is_not(None)
        ).join(author, author.c.id == Comment.author_id),
        "notes": select(
            MeetingNote.group_id,
            MeetingNote.cohort_id,
            MeetingNote.module_id,
            MeetingNote.text,
            MeetingNote.version,
            author.c.email,
        ).join(author, author.c.id == MeetingNote.author_id),
        "progress": select(
            LessonProgress.enrolment_id,
            LessonProgress.lesson_id,
            LessonProgress.state,
            LessonProgress.completed_at.is_not(None),
        ),
        "courses": select(
            Course.slug,
            Course.title,
            Course.summary,
            Course.language,
            Course.status,
            Course.retired_at.is_not(None),
        ),
        # Course content by course slug and keys: a course made from files has ids of its own.
        "modules": select(
            Course.slug,
            Module.key,
            Module.title,
            Module.intro,
            Module.mode,
            Module.position,
            Module.status,
            Module.retired_at.is_not(None),
        ).join(Course, Course.id == Module.course_id),
        "lessons": select(
            Course.slug,
            Module.key,
            Lesson.key,
            Lesson.title,
            Lesson.intro,
            Lesson.position,
            Lesson.status,
            Lesson.retired_at.is_not(None),
        )
        .join(Course, Course.id == Lesson.course_id)
        .join(Module, Module.id == Lesson.module_id),
        "blocks": select(
            Course.slug,
            Lesson.key,
            Block.key,
            Block.type,
            Block.position,
            Block.data,
            Block.retired_at.is_not(None),
        )
        .join(Course, Course.id == Block.course_id)
        .join(Lesson, Lesson.id == Block.lesson_id),
        "goals": select(
            Course.slug,
            LearningGoal.key,
            LearningGoal.title,
            LearningGoal.description,
            LearningGoal.position,
            LearningGoal.retired_at.is_not(None),
        ).join(Course, Course.id == LearningGoal.course_id),
        **{
            table.name: select(Course.slug, model.key, LearningGoal.key)
            .select_from(table)
            .join(model, model.id == column)
            .join(Course, Course.id == model.course_id)
            .join(LearningGoal, LearningGoal.id == table.c.goal_id)
            for table, model, column in (
                (module_goals, Module, module_goals.c.module_id),
                (lesson_goals, Lesson, lesson_goals.c.lesson_id),
                (block_goals, Block, block_goals.c.block_id),
            )
        },
        "audit": select(  # no ids of new rows (object_key, a new course's id)
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.object_type,
            Course.slug,
            AuditEntry.summary,
        ).outerjoin(Course, Course.id == AuditEntry.course_id),
        "resources": select(
            Resource.course_id,
            Resource.title,
            Resource.original_filename,
            Resource.content_type,
            Resource.sha256,
            Resource.uploaded_by_id,
            Resource.deleted_at.is_not(None),
        ),
        "events": select(  # not updated_at: the real clock differs between two runs
            Event.cohort_id,
            Event.kind,
            Event.number,
            Event.group_id,
            Event.module_id,
            Event.title,
            Event.place,
            Event.starts_at,
            Event.ends_at,
            Event.sequence,
        ),
        # Renewing a feed changes only its hash: whether it is still the world's known one shows it.
        "service_check_slots": select(
            ServiceCheckSlot.cohort_id,
            ServiceCheckSlot.supporter_id,
            ServiceCheckSlot.starts_at,
            ServiceCheckSlot.length_minutes,
            ServiceCheckSlot.place,
            ServiceCheckSlot.online_link,
            ServiceCheckSlot.cancelled_at.is_not(None),
        ),
        "service_check_bookings": select(
            ServiceCheckBooking.user_id,
            ServiceCheckBooking.cohort_id,
            ServiceCheckSlot.starts_at,
            ServiceCheckBooking.questions,
            ServiceCheckBooking.outcome_note,
            ServiceCheckBooking.held_at.is_not(None),
            ServiceCheckBooking.sequence,
        ).join(ServiceCheckSlot, ServiceCheckSlot.id == ServiceCheckBooking.slot_id),
        "workshop_settings": select(
            WorkshopSettings.event_id,
            WorkshopSettings.version,
            WorkshopSettings.seed,
            WorkshopSettings.materials,
            WorkshopSettings.published_at.is_not(None),
        ),
        "workshop_signups": select(
            WorkshopSignup.event_id,
            WorkshopSignup.user_id,
            WorkshopSignup.coming,
            WorkshopSignup.attended,
        ),
        "table_seats": select(
            TableSeat.event_id, TableSeat.user_id, TableSeat.table_number, TableSeat.published_table
        ),
        "round_assessments": select(
            RoundAssessment.cohort_id, RoundAssessment.assessment_id, RoundAssessment.external_url
        ),
        "assessment_dispatches": select(
            AssessmentDispatch.user_id, AssessmentDispatch.cohort_id, AssessmentDispatch.point
        ),
        "assessment_participations": select(
            AssessmentParticipation.user_id,
            AssessmentParticipation.cohort_id,
            AssessmentParticipation.point,
            AssessmentParticipation.completed,
        ),
        "assessment_responses": select(
            AssessmentResponse.cohort_id,
            AssessmentResponse.point,
            AssessmentResponse.sequence,
            AssessmentResponse.completed_on.is_not(None),
        ),
        "assessment_answers": select(func.sum(AssessmentAnswer.value)),
        "wheel_reflections": select(
            WheelReflection.user_id,
            WheelReflection.prompt_key,
            WheelReflection.text,
            WheelReflection.version,
        ),
        "calendar_feeds": select(
            CalendarFeed.user_id,
            CalendarFeed.token_hash == hashlib.sha256(FEED_TOKEN.encode()).hexdigest(),
        ),
    }


_SQL: dict[str, str] = {}  # dialect → the snapshot query


def _text(column: Any) -> Any:
    return func.coalesce(cast(column, String), "-")


def _snapshot_query(connection: Connection) -> str:
    """One query for the whole snapshot: every table's row count and every detail row, each row as
    one text (table name, then its columns joined by ``|``), sorted."""
    existing = set(inspect(connection).get_table_names())
    parts = [
        select(literal(f"count {table.name}", String), _text(func.count())).select_from(table)
        for table in Base.metadata.sorted_tables
        if table.name in existing
    ]
    for name, query in _detail_queries().items():
        first, *rest = query.selected_columns
        row = _text(first)
        for column in rest:
            row = row + "|" + _text(column)
        parts.append(query.with_only_columns(literal(name, String), row))
    query = union_all(*parts).compile(
        dialect=connection.dialect, compile_kwargs={"literal_binds": True}
    )
    return f"{query} ORDER BY 1, 2"


def snapshot(connection: Connection) -> dict[str, list[str]]:
    """Every table's row count and the rows that matter, per table (one query)."""
    dialect = connection.dialect.name
    if dialect not in _SQL:
        _SQL[dialect] = _snapshot_query(connection)
    result: dict[str, list[str]] = {}
    for table, row in connection.exec_driver_sql(_SQL[dialect]):
        result.setdefault(table, []).append(row)
    return result


def changes(before: dict[str, list[str]], after: dict[str, list[str]]) -> dict[str, Any]:
    """What differs, per table: the rows gone and the rows new."""
    result = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key, []), after.get(key, [])
        if old != new:
            result[key] = {"gone": sorted(set(old) - set(new)), "new": sorted(set(new) - set(old))}
    return result


# --- The matrix ---------------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(matrix_app):
    app, world = matrix_app
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    in_app = {rule.endpoint for rule in rules}
    missing, stale = in_app - set(ROUTES), set(ROUTES) - in_app
    assert not missing and not stale, (
        f"Routes not in the authorisation matrix: {sorted(missing)}; in the matrix but gone from "
        f"the app: {sorted(stale)}. Add every new route to ROUTES in "
        "tests/security/test_route_matrix.py, with its objects and the expected outcome for every "
        "role (organisations/access.py)."
    )
    for rule in rules:
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        assert methods == set(ROUTES[rule.endpoint]), (
            f"{rule.endpoint} ({rule.rule}) accepts {sorted(methods)} but the authorisation "
            f"matrix tries {sorted(ROUTES[rule.endpoint])}: add the missing method to ROUTES in "
            "tests/security/test_route_matrix.py"
        )
    assert set(FORGED) <= set(forged_fields(world, "l1"))


CASES = [
    pytest.param(endpoint, method, obj, id=f"{method} {endpoint} {obj}")
    for endpoint, methods in ROUTES.items()
    for method, spec in methods.items()
    for obj in spec.objects
]


def _try_get(browsers: Browsers, spec: Spec, url: str, role: str, expected: Outcome, what: str):
    check(browsers(role, fresh=spec.fresh_client).get(url), expected, role, what, spec.shows)


def _try_post(
    browsers: Browsers,
    connection: Connection,
    world: World,
    spec: Spec,
    obj: str,
    url: str,
    role: str,
    expected: Outcome,
    what: str,
    before: dict[str, Any],
) -> None:
    """A request that may change something is sent plain, then with forged extra fields, each in a
    savepoint of its own: the same answer and the same change. One that must change nothing (refused,
    or a redirect with nothing to do) is sent once, with the forged fields, which must not help it
    either: the same answer, and the database as it was."""
    assert spec.data is not None, what
    forged = forged_fields(world, role)
    afters = []
    for extra in ({}, forged) if expected.writes else (forged,):
        with savepoint(connection):
            browser = browsers(role, fresh=spec.fresh_client)
            response = browser.post(url, {**spec.data(world, role, obj), **extra})
            afters.append(snapshot(connection))
        check(
            response, expected, role, f"{what}{' with forged fields' if extra else ''}", spec.shows
        )
    if not expected.writes:
        assert afters[0] == before, (
            f"{what}: refused, but the database changed: {changes(before, afters[0])}"
        )
        return
    after, forged_after = afters
    assert after != before, f"{what}: allowed, but nothing changed"
    assert forged_after == after, (
        f"{what}: the extra fields {sorted(forged)} changed the effect: "
        f"{changes(after, forged_after)}"
    )


@pytest.mark.parametrize(("endpoint", "method", "obj"), CASES)
def test_route_for_every_role(world, connection, browsers, endpoint, method, obj):
    """Every role on one route and object: the expected status, never a marker it may not see, and
    a POST changes the database exactly as allowed, forged extra fields or not."""
    spec = ROUTES[endpoint][method]
    url = spec.objects[obj](world)
    before = snapshot(connection) if method == "POST" else None
    failures = []
    for role in ROLES:
        expected = spec.outcome(obj, role)
        what = f"{method} {endpoint} [{relation(role, obj)}] as {role} ({url})"
        try:
            if before is None:
                with savepoint(connection):
                    _try_get(browsers, spec, url, role, expected, what)
            else:
                _try_post(browsers, connection, world, spec, obj, url, role, expected, what, before)
        except AssertionError as error:
            failures.append(str(error).split("\nassert ")[0])
    assert not failures, "\n".join(failures)


# --- Every marker is really there for someone (else the leak checks prove nothing) ---------------------

SHOWN_TO = [
    ("l1", "learning.module", "c1", L1_PRIVATE),
    ("l2", "groups.review", "g1", L2_SHARED),
    ("l1", "groups.review", "g1", G1_COMMENT),
    ("chair", "groups.review", "g1", L2_SHARED),
    ("l3", "groups.review", "g2", L3_SHARED),
    ("l3", "groups.review", "g2", G2_COMMENT),
    ("l4", "groups.review", "h", L4_SHARED),
    ("l3", "groups.review", "g2", MOVED_SHARED),
    ("chair", "reports.group_dashboard", "g1", NAMES["l5"]),
    ("l4", "groups.review", "h", H_COMMENT),
    ("fac1", "groups.meeting_note", "g1", G1_NOTE),
    ("l2", "groups.meeting_note", "g1", G1_NOTE),
    ("l1", "groups.meeting_sheet", "g1", L2_SHARED),
    ("fac1", "reports.group_dashboard", "g1", NAMES["l1"]),
    ("fac1", "reports.group_dashboard", "g1", GROUP_NAMES["g1"]),
    ("coord_a", "reports.group_export", "g1", NAMES["l1"]),
    ("fac2", "reports.group_dashboard", "g2", NAMES["l3"]),
    ("fac2", "reports.group_dashboard", "g2", GROUP_NAMES["g2"]),
    ("coord_b", "reports.group_dashboard", "h", NAMES["l4"]),
    ("admin", "reports.group_dashboard", "h", GROUP_NAMES["h"]),
    ("coord_b", "reports.programme", "-", GROUP_NAMES["h"]),
    ("coord_b", "rounds.participants", "c1", NAMES["l4"]),
    ("coord_a", "rounds.participants", "c1", NAMES["l5"]),
    ("l3", "resources.download", "res1", RESOURCE_1),
    ("editor", "admin.resources", "course1", RESOURCE_1),
    ("l4", "resources.download", "res2", RESOURCE_2),
    ("l4", "learning.dashboard", "-", COURSE_2),
    ("admin", "admin.course", "course2", COURSE_2),
    ("l1", "calendar.event_page", "g1", G1_PLACE),
    ("fac2", "calendar.event_page", "g2", G2_PLACE),
    ("coord_b", "calendar.event_page", "h", H_PLACE),
    ("l4", "calendar.event_page", "c2", C2_EVENT),
    ("l1", "service_check.home", "-", SC_QUESTION),
    ("l1", "service_check.home", "-", SC_NOTE),
    ("sup", "service_check.day", "booked", SC_QUESTION),
    ("l1", "self_assessment.wheel", "kompetencehjul", WHEEL_NOTE),
]


def test_every_marker_is_shown_where_the_table_allows_it(world, browsers):
    assert {marker for *_, marker in SHOWN_TO} == set(MARKERS)
    for role, endpoint, obj, marker in SHOWN_TO:
        assert role in MARKERS[marker]
        url = ROUTES[endpoint]["GET"].objects[obj](world)
        response = browsers(role).get(url)
        assert response.status_code == 200, (role, url)
        assert marker in response.get_data(as_text=True), (role, url, marker)


# --- Sequential ids cannot be enumerated into data -----------------------------------------------------


def _normalised(html: str, path: str) -> str:
    """A page without what differs per request anyway: the CSRF token and the page's own path."""
    html = re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", html)
    return html.replace(path, "PATH")


@pytest.mark.parametrize("role", SIGNED_IN)
def test_sequential_ids_cannot_be_enumerated_into_data(world, connection, browsers, role):
    """Walking group, cohort, material, answer and comment ids finds only what the matrix allows the
    role; every other id answers 404, exactly like an id that does not exist, and changes nothing."""
    browser = browsers(role)
    top = {
        name: (connection.scalar(select(func.max(column))) or 0) + 3
        for name, column in (
            ("group", LeaderGroup.id),
            ("cohort", Cohort.id),
            ("resource", Resource.id),
            ("answer", ReflectionAnswer.id),
            ("comment", Comment.id),
        )
    }
    group_keys = {world.g1: "g1", world.g2: "g2", world.h: "h"}
    for endpoint, template in GROUP_ROUTES.items():
        spec = ROUTES[endpoint]["GET"]
        refused_pages = set()
        for group_id in [*range(1, top["group"]), 10_000_000]:
            key = group_keys.get(group_id)
            url = template.format(id=group_id)
            response = browser.get(url)
            check(response, spec.outcome(key, role) if key else HIDDEN, role, f"{url} as {role}")
            if response.status_code == 404:
                refused_pages.add(_normalised(response.get_data(as_text=True), url))
        assert len(refused_pages) <= 1, f"{endpoint}: a foreign id answers unlike a missing one"

    for cohort_id in range(1, top["cohort"]):
        url = f"/forloeb/{cohort_id}/moduler/lg-1"  # course 2 has no such module: 404 there
        expected = PAGE if cohort_id == world.c1 and role in LEADERS else HIDDEN
        check(browser.get(url), expected, role, f"{url} as {role}")

    download = ROUTES["resources.download"]["GET"]
    resource_keys = {value: key for key, value in world.resources.items()}
    for resource_id in range(1, top["resource"]):
        url = f"/materialer/{resource_id}/fil.pdf"
        key = resource_keys.get(resource_id)
        check(browser.get(url), download.outcome(key, role) if key else HIDDEN, role, url)

    # Comments and deletions on the role's own group (or G1, for roles without one): only answers
    # shared with that group, and only one's own comments in it.
    group = ROLE_GROUP.get(role, "g1")
    may_review = ROUTES["groups.review"]["GET"].outcome(group, role) == PAGE
    shared_with = {world.answers[role]: ROLE_GROUP[role] for role in ("l2", "l3", "l4")}
    shared_with[world.answers["moved"]] = "g2"
    comment_in = {world.comments["l1"]: "g1", world.comments["l3"]: "g2", world.comments["l4"]: "h"}
    base = f"/grupper/{world.group(group)}"
    probes = [
        (
            f"{base}/spoergsmaal/lg-1-q1/svar/{answer_id}/kommentarer",
            {"text": "Gættet id"},
            may_review and shared_with.get(answer_id) == group,
        )
        for answer_id in range(1, top["answer"])
    ] + [
        (
            f"{base}/kommentarer/{comment_id}/slet",
            {},
            may_review
            and comment_in.get(comment_id) == group
            and world.comments.get(role) == comment_id,
        )
        for comment_id in range(1, top["comment"])
    ]
    before = snapshot(connection)
    for url, data, allowed in probes:
        with savepoint(connection):
            response = browser.post(url, {**data, **forged_fields(world, role)})
            after = snapshot(connection)
        check(response, WROTE if allowed else HIDDEN, role, f"POST {url} as {role}")
        assert (after != before) == allowed, (url, role, changes(before, after))
