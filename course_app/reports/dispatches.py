""" "Udsendelser": a round's e-mails for its coordinators and admins — what is planned (the days modules
open, and how many participants each has opened for so far) and every message written to the round's
participants, with its delivery state. In the demo, where e-mail only goes to the log, this page is
where a newcomer sees them.

Coordinators see only their own organisation's participants and their messages (``ReportScope``).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import case, func, select

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.courses.models import Module
from course_app.courses.release_rules import ReleaseKind, ReleaseRule
from course_app.notifications.models import OutboxMessage
from course_app.notifications.quiet_hours import quiet_hours_release
from course_app.reports.options import ReportOptions
from course_app.reports.planned_mails import PlannedMailing, planned_mailings
from course_app.schedule.models import ModuleUnlock
from course_app.schedule.releases import describe_rule, opening_day, release_plan

PAGE_SIZE = 100


class DeliveryState(enum.StrEnum):
    WAITING = "waiting"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class PlannedRelease:
    module: Module
    rule: ReleaseRule
    rule_words: str  # e.g. "7 dage efter start"
    opens_on: dt.date | None
    opened_for: int  # participants in scope it has opened for


@dataclass(frozen=True)
class WrittenMessage:
    message: OutboxMessage
    recipient_name: str

    @property
    def earliest(self) -> dt.datetime | None:
        """When a waiting message may leave at the earliest: its own time, moved out of the quiet
        hours."""
        not_before = self.message.not_before
        return None if not_before is None else quiet_hours_release(not_before)

    @property
    def state(self) -> DeliveryState:
        if self.message.sent_at is not None:
            return DeliveryState.SENT
        if self.message.failed_at is not None:
            return DeliveryState.FAILED
        return DeliveryState.WAITING


@dataclass(frozen=True)
class Dispatches:
    participants: int
    planned: list[PlannedRelease]
    mailings: list[PlannedMailing]
    messages: list[WrittenMessage]
    older_before_id: int | None  # the next page's ``before_id``; None on the last page
    counts: dict[DeliveryState, int]


def dispatches(options: ReportOptions, *, before_id: int | None = None) -> Dispatches | None:
    """The round of ``options`` (None when there is none), newest messages first, a page at a time."""
    cohort = options.cohort
    if cohort is None:
        return None
    in_scope = (
        select(Enrolment.id, Enrolment.user_id)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort.id, options.scope.restrict(User.organisation_id))
        .subquery()
    )
    participants = db.session.scalar(select(func.count()).select_from(in_scope))
    modules = options.modules
    plan = release_plan(cohort, modules)
    opened = dict(
        db.session.execute(
            select(ModuleUnlock.module_id, func.count())
            .where(ModuleUnlock.enrolment_id.in_(select(in_scope.c.id)))
            .group_by(ModuleUnlock.module_id)
        ).all()
    )
    titles = {module.key: module.title for module in modules}
    planned = [
        PlannedRelease(
            module,
            plan[module.id],
            describe_rule(plan[module.id], titles),
            opening_day(plan[module.id], cohort),
            opened.get(module.id, 0),
        )
        for module in modules
        if plan[module.id].kind != ReleaseKind.ALWAYS
    ]
    to_participants = OutboxMessage.user_id.in_(select(in_scope.c.user_id))
    query = (
        select(OutboxMessage, User.name)
        .join(User, User.id == OutboxMessage.user_id)
        .where(to_participants)
        .order_by(OutboxMessage.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if before_id is not None:
        query = query.where(OutboxMessage.id < before_id)
    rows = [WrittenMessage(message, name) for message, name in db.session.execute(query)]
    state = (
        func.sum(_flag(OutboxMessage.sent_at.is_not(None))),
        func.sum(_flag(OutboxMessage.failed_at.is_not(None))),
        func.count(),
    )
    sent, failed, total = db.session.execute(select(*state).where(to_participants)).one()
    sent, failed = sent or 0, failed or 0
    return Dispatches(
        participants=participants,
        planned=planned,
        mailings=planned_mailings(cohort, options.scope),
        messages=rows[:PAGE_SIZE],
        older_before_id=rows[PAGE_SIZE - 1].message.id if len(rows) > PAGE_SIZE else None,
        counts={
            DeliveryState.SENT: sent,
            DeliveryState.FAILED: failed,
            DeliveryState.WAITING: total - sent - failed,
        },
    )


def _flag(condition):
    return case((condition, 1), else_=0)
