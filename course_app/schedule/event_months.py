"""A round's events a month at a time, once there are many.

A round of a large municipality has a leader meeting per group and module: a thousand events at 500
groups, too many for one page to read or send. Up to ``MONTHS_FROM`` events the round's page lists
them all; beyond, it lists one Copenhagen month and offers the others with their counts. Choosing
needs only the events' start times (one light query); the chosen month's events are then loaded whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.core.i18n import COPENHAGEN
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.events import events_where

MONTHS_FROM = 100


@dataclass(frozen=True)
class EventMonth:
    month: dt.date  # its first day
    count: int


@dataclass(frozen=True)
class EventListing:
    """The events to list; with ``months``, those of ``month`` only (the round has many)."""

    events: list[Event]
    kinds: frozenset[EventKind]  # every kind the round has, in any month
    months: list[EventMonth]
    month: dt.date | None


def listing(condition: ColumnElement[bool], today: dt.date, wanted: dt.date | None) -> EventListing:
    """The events matching ``condition``: all of them, or of one month when there are more than
    ``MONTHS_FROM``: ``wanted`` if it has events, else today's month, else the next month with
    events, else the last."""
    rows = db.session.execute(
        select(Event.starts_at, Event.kind).where(condition).order_by(Event.starts_at)
    ).all()
    kinds = frozenset(kind for _starts_at, kind in rows)
    if len(rows) <= MONTHS_FROM:
        return EventListing(events_where(condition) if rows else [], kinds, [], None)
    counts: dict[dt.date, int] = {}
    for starts_at, _kind in rows:
        month = local_day(starts_at).replace(day=1)
        counts[month] = counts.get(month, 0) + 1
    months = [EventMonth(month, count) for month, count in counts.items()]
    month = _chosen(list(counts), today.replace(day=1), wanted)
    start, end = month_bounds(month)
    events = events_where(condition & (Event.starts_at >= start) & (Event.starts_at < end))
    return EventListing(events, kinds, months, month)


def _chosen(months: list[dt.date], this_month: dt.date, wanted: dt.date | None) -> dt.date:
    if wanted is not None and wanted.replace(day=1) in months:
        return wanted.replace(day=1)
    coming = [month for month in months if month >= this_month]
    return coming[0] if coming else months[-1]


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of a Copenhagen month and of the next, in UTC."""
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (
        dt.datetime.combine(month, dt.time(), tzinfo=COPENHAGEN).astimezone(dt.UTC),
        dt.datetime.combine(following, dt.time(), tzinfo=COPENHAGEN).astimezone(dt.UTC),
    )
