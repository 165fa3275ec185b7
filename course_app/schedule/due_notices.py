"""What has fallen due for whom, besides modules opening: written down as ``Notice`` rows, once each.

Run by ``course-app schedule run`` before the e-mails are written. Each rule below is one query over
the round's events (a few queries in all, whatever the number of people) and an INSERT that skips
what another scheduler already wrote (unique person × reason × event):

- **kick-off invitation**: everyone enrolled in a round whose kick-off is ahead;
- **question set**: the members of a leader group whose meeting (about a question set) is at most
  ``QUESTION_SET_DAYS_BEFORE`` days ahead; the question set's module opens for them then;
- **chair's note**: the chair of a group whose meeting is over, while the first workshop after it is
  still ahead and the meeting note is not written;
- **reminder**: a member whose meeting is at most ``REMINDER_DAYS_BEFORE`` days ahead and who has not
  submitted every required answer of its question set, at least ``REMINDER_GAP`` after the question
  set was sent, never more than ``REMINDERS_PER_WEEK`` in seven days, and not to people who
  unsubscribed from reminders.

Closed rounds, and rounds ended more than ``GRACE_AFTER_END`` ago, are left alone. Deactivated people
get nothing.

Packages on higher floors add their own notices through a ``NoticeSource`` plugged into the app
(``add_notice_source``): the competence wheel's calls to measure (``self_assessment.reminders``),
whose data this floor cannot read. Each source answers which notices are due (a few queries, like
the rules above) and, when the e-mail is written, which of them still hold and how to tell them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.core.sql import insert_ignoring_duplicates
from course_app.courses.models import Module
from course_app.courses.outlines import course_outline
from course_app.organisations.models import GroupMembership, Role, RoleAssignment
from course_app.reflections.models import AnswerStatus, MeetingNote, ReflectionAnswer
from course_app.schedule.digest import AssessmentCall
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.models import ModuleUnlock, Notice, NoticeReason

GRACE_AFTER_END = dt.timedelta(days=30)
REMINDER_GAP = dt.timedelta(days=2)
WEEK = dt.timedelta(days=7)
# The competence wheel's one reminder comes this long after its call to measure (if still not done).
ASSESSMENT_REMINDER_AFTER = dt.timedelta(days=7)
_SOURCES = "course_app.notice_sources"


class NoticeSource(Protocol):
    """Notices of a higher floor's making, whose object is the round (``Notice.object_id``)."""

    reasons: frozenset[NoticeReason]

    def due(
        self, cohort_ids: list[int], now: dt.datetime
    ) -> Iterable[tuple[NoticeReason, int, int]]:
        """(reason, person, round) for every notice due at ``now`` in these rounds and not written
        yet (not closed, not long over)."""

    def still_due(
        self, notices: Sequence[Notice], now: dt.datetime
    ) -> Mapping[int, AssessmentCall]:
        """Notice id → what the e-mail tells (its ``link`` left empty), for those of ``notices``
        (all of this source's reasons) whose reason still holds at ``now``."""


def add_notice_source(app: Flask, source: NoticeSource) -> None:
    app.extensions.setdefault(_SOURCES, []).append(source)


def notice_sources() -> Sequence[NoticeSource]:
    return current_app.extensions.get(_SOURCES, ())


def record_due_notices(now: dt.datetime) -> int:
    """Write a notice for everything due at ``now`` that is not written yet; how many were new."""
    cohort_ids = list(db.session.scalars(_open_cohorts(now)))
    if not cohort_ids:
        return 0
    config = current_app.config
    written = _insert(NoticeReason.KICKOFF_INVITATION, _kickoff_invitations(cohort_ids, now), now)
    question_set_until = now + dt.timedelta(days=config["QUESTION_SET_DAYS_BEFORE"])
    written += _question_sets(cohort_ids, now, question_set_until)
    written += _insert(NoticeReason.CHAIR_NOTE, _chairs_without_note(cohort_ids, now), now)
    written += _insert(NoticeReason.REMINDER, _reminders(cohort_ids, now), now)
    for source in notice_sources():
        by_reason: dict[NoticeReason, list[tuple[int, int, int]]] = defaultdict(list)
        for reason, user_id, cohort_id in source.due(cohort_ids, now):
            by_reason[reason].append((user_id, cohort_id, cohort_id))
        for reason, rows in by_reason.items():
            written += _insert(reason, rows, now)
    return written


def _open_cohorts(now: dt.datetime) -> Select[tuple[int]]:
    """Rounds not closed and not long over (rounds still ahead included: they invite)."""
    today = local_day(now)
    return select(Cohort.id).where(
        Cohort.closed_at.is_(None),
        Cohort.ends_on.is_(None) | (Cohort.ends_on >= today - GRACE_AFTER_END),
    )


def _insert(reason: NoticeReason, rows: Iterable[tuple[int, int, int]], now: dt.datetime) -> int:
    """Insert (person, round, object) notices of one reason, skipping those already written."""
    values = [
        {
            "user_id": user_id,
            "cohort_id": cohort_id,
            "object_id": event_id,
            "reason": reason,
            "created_at": now,
        }
        for user_id, cohort_id, event_id in rows
    ]
    if not values:
        return 0
    result = db.session.execute(insert_ignoring_duplicates(Notice).returning(Notice.id), values)
    return len(result.all())


def _not_yet(reason: NoticeReason, user_id, event_id):
    return ~exists().where(
        Notice.user_id == user_id, Notice.reason == reason, Notice.object_id == event_id
    )


def _kickoff_invitations(cohort_ids: list[int], now: dt.datetime) -> list[tuple[int, int, int]]:
    query = (
        select(Enrolment.user_id, Event.cohort_id, Event.id)
        .join(Enrolment, Enrolment.cohort_id == Event.cohort_id)
        .join(User, User.id == Enrolment.user_id)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.kind == EventKind.KICKOFF,
            Event.starts_at > now,
            User.deactivated_at.is_(None),
            _not_yet(NoticeReason.KICKOFF_INVITATION, Enrolment.user_id, Event.id),
        )
    )
    return [tuple(row) for row in db.session.execute(query)]


def _meeting_members_query(cohort_ids: list[int], now: dt.datetime, until: dt.datetime):
    """Members (enrolled in the round, active) of groups meeting about a question set in
    (now, until]: (person, round, meeting, enrolment, question-set module)."""
    return (
        select(GroupMembership.user_id, Event.cohort_id, Event.id, Enrolment.id, Event.module_id)
        .join(GroupMembership, GroupMembership.group_id == Event.group_id)
        .join(
            Enrolment,
            and_(
                Enrolment.cohort_id == Event.cohort_id,
                Enrolment.user_id == GroupMembership.user_id,
            ),
        )
        .join(User, User.id == GroupMembership.user_id)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.kind == EventKind.LEADER_MEETING,
            Event.module_id.is_not(None),
            Event.starts_at > now,
            Event.starts_at <= until,
            GroupMembership.current_at(now),
            User.deactivated_at.is_(None),
        )
    )


def _question_sets(cohort_ids: list[int], now: dt.datetime, until: dt.datetime) -> int:
    """Notices for the members not yet sent their meeting's question set; the question set opens
    for each of them now (an unlock already told by this e-mail), whatever its release rule says:
    the group needs its questions before it meets."""
    query = _meeting_members_query(cohort_ids, now, until).where(
        _not_yet(NoticeReason.QUESTION_SET, GroupMembership.user_id, Event.id)
    )
    rows = db.session.execute(query).all()
    unlocks = [
        {
            "enrolment_id": enrolment_id,
            "module_id": module_id,
            "unlocked_at": now,
            "notified_at": now,
        }
        for enrolment_id, module_id in {(row[3], row[4]) for row in rows}
    ]
    if unlocks:
        db.session.execute(insert_ignoring_duplicates(ModuleUnlock), unlocks)
    return _insert(NoticeReason.QUESTION_SET, [row[:3] for row in rows], now)


def _chairs_without_note(cohort_ids: list[int], now: dt.datetime) -> list[tuple[int, int, int]]:
    workshop = aliased(Event)
    earlier_workshop = aliased(Event)
    next_workshop_ahead = exists().where(
        workshop.cohort_id == Event.cohort_id,
        workshop.kind == EventKind.WORKSHOP,
        workshop.starts_at > now,
        workshop.starts_at >= Event.ends_at,
        # … and no workshop has been held between the meeting and now: this is the one it prepares.
        ~exists().where(
            earlier_workshop.cohort_id == Event.cohort_id,
            earlier_workshop.kind == EventKind.WORKSHOP,
            earlier_workshop.starts_at >= Event.ends_at,
            earlier_workshop.starts_at <= now,
        ),
    )
    note_written = exists().where(
        MeetingNote.group_id == Event.group_id,
        MeetingNote.cohort_id == Event.cohort_id,
        MeetingNote.module_id == Event.module_id,
        func.length(func.trim(MeetingNote.text)) > 0,
    )
    query = (
        select(RoleAssignment.user_id, Event.cohort_id, Event.id)
        .join(
            RoleAssignment,
            and_(RoleAssignment.role == Role.CHAIR, RoleAssignment.group_id == Event.group_id),
        )
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            Event.cohort_id.in_(cohort_ids),
            Event.kind == EventKind.LEADER_MEETING,
            Event.module_id.is_not(None),
            Event.ends_at <= now,
            next_workshop_ahead,
            ~note_written,
            User.deactivated_at.is_(None),
            _not_yet(NoticeReason.CHAIR_NOTE, RoleAssignment.user_id, Event.id),
        )
    )
    return [tuple(row) for row in db.session.execute(query)]


def _reminders(cohort_ids: list[int], now: dt.datetime) -> list[tuple[int, int, int]]:
    config = current_app.config
    until = now + dt.timedelta(days=config["REMINDER_DAYS_BEFORE"])
    question_set_sent_early = exists().where(
        Notice.user_id == GroupMembership.user_id,
        Notice.reason == NoticeReason.QUESTION_SET,
        Notice.object_id == Event.id,
        Notice.notified_at <= now - REMINDER_GAP,
    )
    query = _meeting_members_query(cohort_ids, now, until).where(
        User.reminders_stopped_at.is_(None),
        question_set_sent_early,
        _not_yet(NoticeReason.REMINDER, GroupMembership.user_id, Event.id),
    )
    candidates = db.session.execute(query).all()
    if not candidates:
        return []
    missing = _missing_answers({(row[3], row[4]) for row in candidates})
    allowance = _reminders_left({row[0] for row in candidates}, now)
    due = []
    for user_id, cohort_id, event_id, enrolment_id, module_id in candidates:
        if (enrolment_id, module_id) in missing and allowance[user_id] > 0:
            allowance[user_id] -= 1
            due.append((user_id, cohort_id, event_id))
    return due


def _missing_answers(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """The (enrolment, module) pairs lacking a submitted answer to one of the module's required
    questions."""
    module_ids = {module_id for _, module_id in pairs}
    required: dict[int, set[int]] = {module_id: set() for module_id in module_ids}
    courses = {
        module.course
        for module in db.session.scalars(select(Module).where(Module.id.in_(module_ids)))
    }
    for course in courses:
        for outline in course_outline(course):
            if outline.module.id in required:
                required[outline.module.id] = {
                    block.id for lesson in outline.lessons for block in lesson.required_questions
                }
    block_ids = set().union(*required.values())
    submitted: dict[int, set[int]] = {}
    if block_ids:
        rows = db.session.execute(
            select(ReflectionAnswer.enrolment_id, ReflectionAnswer.block_id).where(
                ReflectionAnswer.enrolment_id.in_({enrolment_id for enrolment_id, _ in pairs}),
                ReflectionAnswer.block_id.in_(block_ids),
                ReflectionAnswer.status == AnswerStatus.SUBMITTED,
            )
        )
        for enrolment_id, block_id in rows:
            submitted.setdefault(enrolment_id, set()).add(block_id)
    return {
        (enrolment_id, module_id)
        for enrolment_id, module_id in pairs
        if required[module_id] - submitted.get(enrolment_id, set())
    }


def _reminders_left(user_ids: set[int], now: dt.datetime) -> Counter[int]:
    """How many more reminders each person may get in the seven days up to ``now``."""
    per_week = current_app.config["REMINDERS_PER_WEEK"]
    sent = Counter(
        dict(
            db.session.execute(
                select(Notice.user_id, func.count())
                .where(
                    Notice.user_id.in_(user_ids),
                    Notice.reason == NoticeReason.REMINDER,
                    Notice.created_at > now - WEEK,
                )
                .group_by(Notice.user_id)
            ).all()
        )
    )
    return Counter({user_id: max(per_week - sent[user_id], 0) for user_id in user_ids})
