"""Publishing a table plan, and what a leader sees of it: her table and her table mates.

Leaders see the plan as last published (``TableSeat.published_table``), never a draft. Publishing
again after changes e-mails each person whose table changed, or who got a seat since: one e-mail
per person and publication, in her language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts import emails
from course_app.accounts.models import User
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.links import absolute_url
from course_app.notifications import services as notifications
from course_app.organisations.access import Viewer
from course_app.schedule.event_models import Event
from course_app.workshops import roster, tables
from course_app.workshops.models import TableSeat
from course_app.workshops.roster import Person

KIND = "workshop_seat"


@dataclass(frozen=True)
class Published:
    notified: int  # people told about a new or changed seat
    violations: int  # hard rules the published plan breaks (published on purpose)


def publish(
    event: Event,
    *,
    seen_version: int,
    despite_violations: bool,
    actor: Viewer,
    now: dt.datetime,
) -> Published:
    settings = tables.settings_of(event)
    seats = tables.seats_of(event)
    if not seats:
        raise ServiceError(
            _l("Der er ingen bordplan at offentliggøre endnu. Lav et forslag først.")
        )
    evaluation = tables.evaluate(tables.plan_request(event, settings, roster.coming(event)), seats)
    if evaluation.violations and not despite_violations:
        raise ServiceError(
            _l(
                "Planen bryder regler (se listen). Ret planen, eller sæt kryds ved "
                "\u201dOffentliggør alligevel\u201d."
            )
        )
    settings = tables.claim_version(event, seen_version, actor, now)
    first_time = settings.published_at is None
    changed = [
        seat
        for seat in seats
        if seat.published_table != seat.table_number
        and (seat.published_table is not None or not first_time)
    ]
    for seat in seats:
        seat.published_table = seat.table_number
    settings.published_at = now
    _notify(event, changed, settings.version)
    tables.audit_change(
        event,
        actor,
        "workshop.publish",
        f"{len(seats)} pladser, {len(changed)} flyttet, {len(evaluation.violations)} brud",
    )
    db.session.flush()
    return Published(notified=len(changed), violations=len(evaluation.violations))


def _notify(event: Event, changed: list[TableSeat], version: int) -> None:
    if not changed:
        return
    table_of = {seat.user_id: seat.table_number for seat in changed}
    link = absolute_url("workshops.workshop_page", event_id=event.id)
    for user in db.session.scalars(
        select(User).where(User.id.in_(sorted(table_of)), User.deactivated_at.is_(None))
    ):
        subject, text, html = emails.compose(
            user.locale,
            _l("Ny bordplads til %(title)s", title=event.title),
            "seat_changed",
            folder="workshops/emails",
            user=user,
            event=event,
            table=table_of[user.id],
            link=link,
        )
        notifications.enqueue(
            recipient=user.email,
            subject=subject,
            body_text=text,
            body_html=html,
            kind=KIND,
            user_id=user.id,
            idempotency_key=f"{KIND}:{event.id}:{user.id}:{version}",
        )


@dataclass(frozen=True)
class MyTable:
    number: int
    mates: list[Person]  # the others at her table: names, organisations, areas, nothing more


def my_table(event: Event, user_id: int) -> MyTable | None:
    """Her table at the published plan, or None (no plan published, or no seat in it)."""
    number = db.session.scalar(
        select(TableSeat.published_table).where(
            TableSeat.event_id == event.id, TableSeat.user_id == user_id
        )
    )
    if number is None:
        return None
    mate_ids = db.session.scalars(
        select(TableSeat.user_id).where(
            TableSeat.event_id == event.id,
            TableSeat.published_table == number,
            TableSeat.user_id != user_id,
        )
    ).all()
    return MyTable(number, roster.people(mate_ids))
