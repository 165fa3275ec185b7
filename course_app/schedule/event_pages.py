"""A round's events a page at a time, once there are many.

A round of a large municipality has a leader meeting per group and module: two thousand events at
500 groups, and they cluster (every group meets in the weeks before a workshop), so not even a month
at a time is short. Up to ``PER_PAGE`` events the round's page lists them all; beyond, it lists
``PER_PAGE`` in time order, starting with the page that holds the first event not yet over. Only the
shown page's events are loaded whole; the count needs the events' kinds and end times only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select

from course_app.core.db import db
from course_app.core.paging import Paged, page_number
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.events import events_where

PER_PAGE = 100


@dataclass(frozen=True)
class EventListing:
    page: Paged[Event]
    kinds: frozenset[EventKind]  # every kind the listing has, on any page


def listing(
    condition: ColumnElement[bool], now: dt.datetime, requested: str | None
) -> EventListing:
    """The events matching ``condition``, a page of them: ``requested`` (a page number from the URL,
    clamped), or without one the page with the first event not over at ``now``."""
    rows = db.session.execute(select(Event.kind, Event.ends_at).where(condition)).all()
    kinds = frozenset(kind for kind, _ends_at in rows)
    total = len(rows)
    pages = max(1, -(-total // PER_PAGE))
    if requested is None:
        over = sum(1 for _kind, ends_at in rows if ends_at <= now)
        number = min(over // PER_PAGE + 1, pages)
    else:
        number = min(max(page_number(requested), 1), pages)
    start = (number - 1) * PER_PAGE
    events = events_where(condition, limit=PER_PAGE, offset=start) if total else []
    return EventListing(Paged(events, number, pages, total, start + 1 if events else 0), kinds)
