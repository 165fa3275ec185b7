"""The day-before reminder, queued by ``course-app schedule run``.

Each booking is reminded once: a conditional UPDATE sets ``reminded_at`` only where it is still
empty, and only the run whose UPDATE changed the row writes the e-mail (two schedulers at once: one
wins the row). The e-mail also carries an idempotency key (booking × its sequence), so the outbox
refuses a second one as well. Moving a booking clears ``reminded_at``: the new time gets its own.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.service_check.mails import LeaderMail, tell_leader
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot

# A booking is reminded when its time is at most this far ahead.
REMIND_AHEAD = dt.timedelta(hours=24)


def queue_due_reminders(now: dt.datetime) -> int:
    """Queue the reminder of every booking whose time starts within a day; the number queued. The
    caller commits."""
    due = db.session.scalars(
        select(ServiceCheckBooking)
        .join(ServiceCheckSlot, ServiceCheckSlot.id == ServiceCheckBooking.slot_id)
        .join(Cohort, Cohort.id == ServiceCheckBooking.cohort_id)
        .where(
            ServiceCheckBooking.reminded_at.is_(None),
            ServiceCheckSlot.cancelled_at.is_(None),
            ServiceCheckSlot.starts_at > now,
            ServiceCheckSlot.starts_at <= now + REMIND_AHEAD,
            Cohort.closed_at.is_(None),
        )
        .order_by(ServiceCheckBooking.id)
    ).all()
    queued = 0
    for booking in due:
        claimed = db.session.execute(
            update(ServiceCheckBooking)
            .where(
                ServiceCheckBooking.id == booking.id,
                ServiceCheckBooking.reminded_at.is_(None),
                ServiceCheckBooking.slot_id == booking.slot_id,
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        tell_leader(
            LeaderMail.REMINDER,
            booking.user,
            booking.slot,
            booking,
            idempotency_key=f"service-check-reminder:{booking.id}:{booking.sequence}",
        )
        queued += 1
    return queued
