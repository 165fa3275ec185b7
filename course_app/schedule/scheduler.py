"""``course-app schedule run``: what has fallen due, written down once.

Run from cron every minute. Each run (1) opens, for every leader of a running round, the modules
whose date has come (an unlock row each, never revoked), (2) writes down the other things that fell
due (``due_notices``: kick-off invitations, question sets, the chair's note, reminders), and (3)
tells each person what opened or fell due for her and nobody has told her of yet, in one e-mail per
person per run (``announcements``): three modules opening on one day, or a leader who joins a
running round, get one message listing them. Closed rounds are left alone.

Every step is idempotent and safe to run twice at once: unlocks and notices are inserted with ON
CONFLICT DO NOTHING; the announcement claims a person's pending rows with FOR UPDATE SKIP LOCKED
(PostgreSQL; SQLite serialises writers), and its e-mail carries an idempotency key made from the rows
it tells, which the outbox refuses to write twice. (Two schedulers that each claim part of one
person's rows in the same minute write her two e-mails, each telling different things; nothing is
told twice.) Like ``deliver_outbox``, this worker commits per
batch, so one long run never holds locks for long and a crash loses nothing already done.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, union, update

from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.clock import local_day
from course_app.core.db import db, writes_from_the_start
from course_app.core.sql import insert_ignoring_duplicates
from course_app.courses.outlines import course_outline
from course_app.courses.release_rules import ReleaseKind
from course_app.schedule.announcements import PersonDue, announce
from course_app.schedule.due_notices import GRACE_AFTER_END, record_due_notices
from course_app.schedule.models import ModuleUnlock, Notice
from course_app.schedule.releases import open_by_rule, release_plan

BATCH_SIZE = 500
INSERT_CHUNK = 1000
# Rules the clock decides; "after module" rules open when the leader finishes that module (a POST).
_CLOCK_RULES = (ReleaseKind.ALWAYS, ReleaseKind.ON_DATE, ReleaseKind.DAYS_AFTER_START)
# A round keeps releasing (e.g. the handbook at the end) until this long after its end date.


@dataclass(frozen=True)
class ScheduleReport:
    unlocked: int
    emails: int
    notices: int = 0


def run_schedule(now: dt.datetime, *, batch_size: int = BATCH_SIZE) -> ScheduleReport:
    """Open what is due at ``now`` and queue the e-mails saying so; commits per batch."""
    db.session.commit()  # from here on, every transaction of this worker writes
    writes_from_the_start()
    today = local_day(now)
    unlocked = 0
    for cohort in running_cohorts(today):
        unlocked += _open_due_modules(cohort, today, now)
        db.session.commit()
    notices = record_due_notices(now)
    db.session.commit()
    emails = 0
    while True:
        written, claimed = _announce_batch(now, batch_size)
        db.session.commit()
        emails += written
        if claimed < batch_size:
            return ScheduleReport(unlocked, emails, notices)


def running_cohorts(today: dt.date) -> list[Cohort]:
    """Rounds the clock still acts on: open, started, and not past their end by more than a grace."""
    return list(
        db.session.scalars(
            select(Cohort)
            .where(
                Cohort.closed_at.is_(None),
                Cohort.starts_on <= today,
                (Cohort.ends_on.is_(None)) | (Cohort.ends_on >= today - GRACE_AFTER_END),
            )
            .order_by(Cohort.id)
        )
    )


def _open_due_modules(cohort: Cohort, today: dt.date, now: dt.datetime) -> int:
    """An unlock for every enrolment × module whose clock rule holds today (four queries and the
    inserts, whatever the number of leaders)."""
    modules = [module.module for module in course_outline(cohort.course)]
    plan = release_plan(cohort, modules)
    due = [
        module.id
        for module in modules
        if plan[module.id].kind in _CLOCK_RULES
        and open_by_rule(plan[module.id], cohort, today, set())
    ]
    if not due:
        return 0
    enrolment_ids = list(
        db.session.scalars(select(Enrolment.id).where(Enrolment.cohort_id == cohort.id))
    )
    existing = set(
        db.session.execute(
            select(ModuleUnlock.enrolment_id, ModuleUnlock.module_id)
            .join(Enrolment, Enrolment.id == ModuleUnlock.enrolment_id)
            .where(Enrolment.cohort_id == cohort.id, ModuleUnlock.module_id.in_(due))
        ).all()
    )
    rows = [
        {"enrolment_id": enrolment_id, "module_id": module_id, "unlocked_at": now}
        for enrolment_id in enrolment_ids
        for module_id in due
        if (enrolment_id, module_id) not in existing
    ]
    inserted = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        result = db.session.execute(
            insert_ignoring_duplicates(ModuleUnlock).returning(ModuleUnlock.id), chunk
        )
        inserted += len(result.all())
    return inserted


def _announce_batch(now: dt.datetime, batch_size: int) -> tuple[int, int]:
    """Tell up to ``batch_size`` people what fell due for them; (e-mails written, people)."""
    pending_unlocks = (
        select(Enrolment.user_id.label("user_id"))
        .join(ModuleUnlock, ModuleUnlock.enrolment_id == Enrolment.id)
        .where(ModuleUnlock.notified_at.is_(None))
    )
    pending_notices = select(Notice.user_id.label("user_id")).where(Notice.notified_at.is_(None))
    pending = union(pending_unlocks, pending_notices).subquery()
    user_ids = list(
        db.session.scalars(select(pending.c.user_id).order_by(pending.c.user_id).limit(batch_size))
    )
    if not user_ids:
        return 0, 0
    due: dict[int, PersonDue] = defaultdict(PersonDue)
    unlocks = db.session.execute(
        select(ModuleUnlock, Enrolment.user_id)
        .join(Enrolment, Enrolment.id == ModuleUnlock.enrolment_id)
        .where(Enrolment.user_id.in_(user_ids), ModuleUnlock.notified_at.is_(None))
        .order_by(ModuleUnlock.id)
        .with_for_update(skip_locked=True, of=ModuleUnlock)
    ).all()
    for unlock, user_id in unlocks:
        due[user_id].unlocks.append(unlock)
    notices = db.session.scalars(
        select(Notice)
        .where(Notice.user_id.in_(user_ids), Notice.notified_at.is_(None))
        .order_by(Notice.id)
        .with_for_update(skip_locked=True)
    ).all()
    for notice in notices:
        due[notice.user_id].notices.append(notice)
    if not due:  # another scheduler holds them: it tells them
        return 0, 0
    written = announce(due, now)
    if unlocks:
        db.session.execute(
            update(ModuleUnlock)
            .where(ModuleUnlock.id.in_([unlock.id for unlock, _ in unlocks]))
            .values(notified_at=now)
        )
    if notices:
        db.session.execute(
            update(Notice)
            .where(Notice.id.in_([notice.id for notice in notices]))
            .values(notified_at=now)
        )
    return written, len(user_ids)
