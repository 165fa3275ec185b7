"""The e-mails a round's events bring, for "Udsendelser": when each goes out and how many people in
the viewer's scope have been told so far (``schedule.due_notices`` decides the rest).

One row per event and reason: the kick-off invitation, and for each leader meeting about a question
set its question set, its reminders and the chair's note. A coordinator sees only the meetings of her
own organisation's groups, and counts only her own organisation's people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.organisations.models import LeaderGroup
from course_app.reports.options import ReportScope
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.models import Notice, NoticeReason

MAILING_LABELS = {
    NoticeReason.KICKOFF_INVITATION: _l("Invitation til kick-off"),
    NoticeReason.QUESTION_SET: _l("Spørgsmål til ledermødet"),
    NoticeReason.REMINDER: _l("Påmindelse om manglende svar"),
    NoticeReason.CHAIR_NOTE: _l("Skriv mødenotatet før workshoppen"),
}


@dataclass(frozen=True)
class PlannedMailing:
    reason: NoticeReason
    event: Event
    # From when it goes out (the chair's note: after the meeting; the invitation: at once).
    goes_out_from: dt.datetime | None
    told: int


def planned_mailings(cohort: Cohort, scope: ReportScope) -> list[PlannedMailing]:
    events = list(
        db.session.scalars(
            select(Event)
            .outerjoin(LeaderGroup, LeaderGroup.id == Event.group_id)
            .where(
                Event.cohort_id == cohort.id,
                or_(
                    Event.kind == EventKind.KICKOFF,
                    (Event.kind == EventKind.LEADER_MEETING)
                    & Event.module_id.is_not(None)
                    & scope.restrict(LeaderGroup.organisation_id),
                ),
            )
            .order_by(Event.starts_at, Event.id)
        )
    )
    told = {
        (reason, object_id): count
        for reason, object_id, count in db.session.execute(
            select(Notice.reason, Notice.object_id, func.count())
            .join(User, User.id == Notice.user_id)
            .where(
                Notice.cohort_id == cohort.id,
                Notice.notified_at.is_not(None),
                scope.restrict(User.organisation_id),
            )
            .group_by(Notice.reason, Notice.object_id)
        )
    }
    config = current_app.config
    question_set_ahead = dt.timedelta(days=config["QUESTION_SET_DAYS_BEFORE"])
    reminder_ahead = dt.timedelta(days=config["REMINDER_DAYS_BEFORE"])
    rows: list[PlannedMailing] = []
    for event in events:
        if event.kind == EventKind.KICKOFF:
            plan = [(NoticeReason.KICKOFF_INVITATION, None)]
        else:
            plan = [
                (NoticeReason.QUESTION_SET, event.starts_at - question_set_ahead),
                (NoticeReason.REMINDER, event.starts_at - reminder_ahead),
                (NoticeReason.CHAIR_NOTE, event.ends_at),
            ]
        rows.extend(
            PlannedMailing(reason, event, moment, told.get((reason, event.id), 0))
            for reason, moment in plan
        )
    return rows
