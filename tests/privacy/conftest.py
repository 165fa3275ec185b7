"""A world for the privacy tests: Anna has data of every kind; Bo (her group), Dorte (the other
organisation) have some too, with canary texts that must never reach Anna's export.

Albertslund (A): area Børn; groups Ahorn and Birk. Anna was in Ahorn, moved to Birk, chairs Birk;
    Bo is in Birk. Coordinator Karin. Glostrup (B): Dorte; coordinator Kasper.
Platform admin Adam (no organisation).
One round ("Forår", course with a required question and a workshop-prep task): Anna, Bo, Dorte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from course_app.accounts.models import Invitation, PasswordReset, SignInLink, User
from course_app.audit import services as audit
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db, utcnow
from course_app.courses.models import Block, BlockType, Lesson, Module
from course_app.notifications.models import OutboxMessage
from course_app.organisations import services as directory
from course_app.organisations.models import GroupMembership, LeaderGroup, Role
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import (
    AnswerStatus,
    Comment,
    MeetingNote,
    ReflectionAnswer,
    Visibility,
)
from course_app.resources.models import Resource
from course_app.schedule.event_models import CalendarFeed, Event, EventKind
from course_app.schedule.models import ModuleUnlock, Notice, NoticeReason
from tests import factories

ANNA_PRIVATE = "ANNA-PRIVATE-answer-1a2b"
ANNA_SHARED = "ANNA-SHARED-answer-3c4d"
ANNA_COMMENT = "ANNA-COMMENT-on-Bo-5e6f"
ANNA_NOTE = "ANNA-NOTE-Birk-7a8b"
ANNA_MAIL = "ANNA-MAIL-subject-9c0d"
ANNA_AUDIT = "ANNA-AUDIT-summary-1e2f"
ANNA_EVENT = "ANNA-EVENT-title-3a4b"
ANNA_RESOURCE = "ANNA-RESOURCE-title-5c6d"
# Other people's data: never in Anna's export.
BO_SHARED = "BO-SHARED-answer-canary-7e8f"
BO_COMMENT = "BO-COMMENT-on-Anna-canary-9a0b"
BO_MAIL = "BO-MAIL-canary-1c2d"
DORTE_PRIVATE = "DORTE-PRIVATE-canary-3e4f"
CANARIES = (BO_SHARED, BO_COMMENT, BO_MAIL, DORTE_PRIVATE, "bo@test.example", "Bo Birkholm")


@dataclass
class World:
    anna: User
    bo: User
    dorte: User
    karin: User
    kasper: User
    adam: User
    cohort: Cohort
    ahorn: LeaderGroup
    birk: LeaderGroup
    enrolments: dict[str, Enrolment]


def _answer(enrolment: Enrolment, block: Block, text: str, group: LeaderGroup | None = None):
    answer = ReflectionAnswer(
        enrolment_id=enrolment.id,
        block_id=block.id,
        text=text,
        status=AnswerStatus.SUBMITTED,
        submitted_at=utcnow(),
        visibility=Visibility.GROUP if group else Visibility.PRIVATE,
        shared_group_id=group.id if group else None,
    )
    db.session.add(answer)
    db.session.flush()
    return answer


def build_world(*, ends_on: dt.date | None = None) -> World:
    """The world above; ``ends_on``: the round's last day."""
    albertslund = factories.organisation("Albertslund")
    glostrup = factories.organisation("Glostrup")
    course = factories.course()
    cohort = cohorts.create_cohort(
        course,
        name="Forår",
        starts_on=(ends_on or dt.date(2026, 6, 30)) - dt.timedelta(days=120),
        ends_on=ends_on,
        organisations=[albertslund, glostrup],
    )
    anna = factories.user(email="anna@test.example", name="Anna Andersen", org=albertslund)
    anna.area_id = directory.get_or_create_area(albertslund, "Børn").id
    bo = factories.user(email="bo@test.example", name="Bo Birkholm", org=albertslund)
    dorte = factories.user(email="dorte@test.example", name="Dorte Dahl", org=glostrup)
    karin = factories.user(email="karin@test.example", name="Karin Koordinator", org=albertslund)
    kasper = factories.user(email="kasper@test.example", name="Kasper Koordinator", org=glostrup)
    adam = factories.user(email="adam@test.example", name="Adam Admin")
    directory.assign_role(karin, Role.COORDINATOR, organisation=albertslund)
    directory.assign_role(kasper, Role.COORDINATOR, organisation=glostrup)
    directory.assign_role(adam, Role.PLATFORM_ADMIN)
    ahorn = directory.get_or_create_group(albertslund, "Ahorn")
    birk = directory.get_or_create_group(albertslund, "Birk")
    dorte_group = directory.get_or_create_group(glostrup, "Hyld")
    db.session.add(
        GroupMembership(
            user_id=anna.id,
            group_id=ahorn.id,
            valid_from=utcnow() - dt.timedelta(days=30),
            valid_until=utcnow() - dt.timedelta(days=10),
        )
    )
    db.session.add(
        GroupMembership(
            user_id=anna.id, group_id=birk.id, valid_from=utcnow() - dt.timedelta(days=10)
        )
    )
    directory.move_to_group(bo, birk)
    directory.move_to_group(dorte, dorte_group)
    directory.assign_role(anna, Role.CHAIR, group=birk)
    enrolments = {
        name: cohorts.enrol(person, cohort)
        for name, person in (("anna", anna), ("bo", bo), ("dorte", dorte))
    }

    question = db.session.scalar(
        select(Block).where(Block.course_id == course.id, Block.type == BlockType.REFLECTION)
    )
    prep = db.session.scalar(
        select(Block).where(Block.course_id == course.id, Block.type == BlockType.WORKSHOP_PREP)
    )
    lesson = db.session.get(Lesson, question.lesson_id)
    module = db.session.get(Module, lesson.module_id)
    _answer(enrolments["anna"], prep, ANNA_PRIVATE)
    anna_shared = _answer(enrolments["anna"], question, ANNA_SHARED, birk)
    bo_shared = _answer(enrolments["bo"], question, BO_SHARED, birk)
    _answer(enrolments["dorte"], question, DORTE_PRIVATE)
    db.session.add_all(
        [
            Comment(answer_id=bo_shared.id, author_id=anna.id, text=ANNA_COMMENT),
            Comment(answer_id=anna_shared.id, author_id=bo.id, text=BO_COMMENT),
            MeetingNote(
                group_id=birk.id,
                cohort_id=cohort.id,
                module_id=module.id,
                text=ANNA_NOTE,
                author_id=anna.id,
            ),
            LessonProgress(
                enrolment_id=enrolments["anna"].id,
                lesson_id=lesson.id,
                state=ProgressState.DONE,
                completed_at=utcnow(),
            ),
            LessonProgress(enrolment_id=enrolments["bo"].id, lesson_id=lesson.id),
            ModuleUnlock(
                enrolment_id=enrolments["anna"].id, module_id=module.id, unlocked_at=utcnow()
            ),
            Notice(user_id=anna.id, cohort_id=cohort.id, reason=NoticeReason.REMINDER, object_id=1),
            OutboxMessage(
                recipient=anna.email,
                subject=ANNA_MAIL,
                body_text="Hej Anna",
                kind="digest",
                user_id=anna.id,
            ),
            OutboxMessage(
                recipient=bo.email,
                subject=BO_MAIL,
                body_text="Hej Bo",
                kind="digest",
                user_id=bo.id,
            ),
            CalendarFeed(user_id=anna.id, token_hash="a" * 64),
            Invitation(user_id=anna.id, token_hash="b" * 64, expires_at=utcnow()),
            SignInLink(user_id=anna.id, token_hash="c" * 64, expires_at=utcnow()),
            PasswordReset(user_id=anna.id, token_hash="d" * 64, expires_at=utcnow()),
            PasswordReset(user_id=bo.id, token_hash="e" * 64, expires_at=utcnow()),
            Event(
                cohort_id=cohort.id,
                kind=EventKind.KICKOFF,
                title=ANNA_EVENT,
                starts_at=utcnow(),
                ends_at=utcnow() + dt.timedelta(hours=2),
                updated_by_id=anna.id,
            ),
            Resource(
                course_id=course.id,
                title=ANNA_RESOURCE,
                original_filename="slides.pdf",
                stored_name="f" * 32,
                content_type="application/pdf",
                size_bytes=10,
                sha256="0" * 64,
                uploaded_by_id=anna.id,
            ),
        ]
    )
    audit.record(
        actor_id=anna.id, action="changed", object_type="cohort", object_key="x", summary=ANNA_AUDIT
    )
    db.session.flush()
    return World(anna, bo, dorte, karin, kasper, adam, cohort, ahorn, birk, enrolments)


@pytest.fixture
def world(session) -> World:
    return build_world()
