"""``course-app schedule run``: what has fallen due, written down once.

Run from cron every minute. Each run (1) opens, for every leader of a running round, the modules
whose date has come (an unlock row each, never revoked), and (2) tells each leader about the modules
that opened for her and nobody has told her of yet, in one e-mail per person per run: three modules
opening on one day, or a leader who joins a running round, get one message listing them.

Both steps are idempotent and safe to run twice at once: unlocks are inserted with ON CONFLICT DO
NOTHING; the announcement claims a person's pending unlocks with FOR UPDATE SKIP LOCKED (PostgreSQL;
SQLite serialises writers), and its e-mail carries an idempotency key made from the unlocks it
announces, which the outbox refuses to write twice. Like ``deliver_outbox``, this worker commits per
batch, so one long run never holds locks for long and a crash loses nothing already done.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.clock import local_day
from course_app.core.db import db, writes_from_the_start
from course_app.courses.outlines import course_outline
from course_app.courses.release_rules import ReleaseKind
from course_app.schedule.announcements import announce_opened_modules
from course_app.schedule.models import ModuleUnlock
from course_app.schedule.releases import open_by_rule, release_plan

BATCH_SIZE = 500
INSERT_CHUNK = 1000
# Rules the clock decides; "after module" rules open when the leader finishes that module (a POST).
_CLOCK_RULES = (ReleaseKind.ALWAYS, ReleaseKind.ON_DATE, ReleaseKind.DAYS_AFTER_START)
# A round keeps releasing (e.g. the handbook at the end) until this long after its end date.
GRACE_AFTER_END = dt.timedelta(days=30)


@dataclass(frozen=True)
class ScheduleReport:
    unlocked: int
    emails: int


def run_schedule(now: dt.datetime, *, batch_size: int = BATCH_SIZE) -> ScheduleReport:
    """Open what is due at ``now`` and queue the e-mails saying so; commits per batch."""
    db.session.commit()  # from here on, every transaction of this worker writes
    writes_from_the_start()
    today = local_day(now)
    unlocked = 0
    for cohort in _running_cohorts(today):
        unlocked += _open_due_modules(cohort, today, now)
        db.session.commit()
    emails = 0
    while True:
        written, claimed = _announce_batch(now, batch_size)
        db.session.commit()
        emails += written
        if claimed < batch_size:
            return ScheduleReport(unlocked, emails)


def _running_cohorts(today: dt.date) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort)
            .where(
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
        result = db.session.execute(_insert_unlocks_once().returning(ModuleUnlock.id), chunk)
        inserted += len(result.all())
    return inserted


def _insert_unlocks_once():
    """INSERT that skips an unlock another scheduler wrote in the meantime."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(ModuleUnlock).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(ModuleUnlock).on_conflict_do_nothing()
    return insert(ModuleUnlock)


def _announce_batch(now: dt.datetime, batch_size: int) -> tuple[int, int]:
    """Announce the pending unlocks of up to ``batch_size`` people; (e-mails written, people)."""
    enrolment_ids = list(
        db.session.scalars(
            select(ModuleUnlock.enrolment_id)
            .where(ModuleUnlock.notified_at.is_(None))
            .group_by(ModuleUnlock.enrolment_id)
            .order_by(ModuleUnlock.enrolment_id)
            .limit(batch_size)
        )
    )
    if not enrolment_ids:
        return 0, 0
    claimed = list(
        db.session.scalars(
            select(ModuleUnlock)
            .where(
                ModuleUnlock.enrolment_id.in_(enrolment_ids),
                ModuleUnlock.notified_at.is_(None),
            )
            .order_by(ModuleUnlock.enrolment_id, ModuleUnlock.id)
            .with_for_update(skip_locked=True)
        )
    )
    by_enrolment: dict[int, list[ModuleUnlock]] = defaultdict(list)
    for unlock in claimed:
        by_enrolment[unlock.enrolment_id].append(unlock)
    if not claimed:  # another scheduler holds them: it announces them
        return 0, 0
    written = announce_opened_modules(by_enrolment, now, key_of=_idempotency_key)
    if claimed:
        db.session.execute(
            update(ModuleUnlock)
            .where(ModuleUnlock.id.in_([unlock.id for unlock in claimed]))
            .values(notified_at=now)
        )
    return written, len(enrolment_ids)


def _idempotency_key(enrolment_id: int, unlocks: list[ModuleUnlock]) -> str:
    """The same person and the same unlocks give the same key, so a message is written only once."""
    ids = ",".join(str(unlock.id) for unlock in sorted(unlocks, key=lambda unlock: unlock.id))
    return f"modules-opened:{enrolment_id}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"
