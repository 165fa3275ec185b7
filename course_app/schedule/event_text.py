"""How an event reads: its kind's name and its time in Copenhagen ("torsdag 29. oktober 2026 kl.
10.00–12.00"), in the current locale (a page's, or the one a calendar file is made in)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from course_app.core.i18n import COPENHAGEN, WEEKDAY_DATE, format_day, is_english, locale_name
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.upcoming import UpcomingEvent

ListedEvent = Event | UpcomingEvent  # what a list shows: an event, or its row

KIND_LABELS = {
    EventKind.KICKOFF: _l("Kick off"),
    EventKind.LEADER_MEETING: _l("Ledermøde"),
    EventKind.WORKSHOP: _l("Fælles workshop"),
    EventKind.SERVICE_CHECK: _l("Servicetjek"),
    EventKind.ROUND_END: _l("Forløbets afslutning"),
}


def kind_label(event: ListedEvent) -> str:
    number = event.number if event.kind == EventKind.WORKSHOP else None
    return _kind_label(event.kind, number or None, locale_name())


@lru_cache(maxsize=64)
def _kind_label(kind: EventKind, number: int | None, _locale: str) -> str:
    """Worked out once per locale (``_locale`` is the current one, the key): a page lists many
    events, and each lazy text looks its catalogue up anew."""
    if number:
        return str(_l("Fælles workshop %(number)s", number=number))
    return str(KIND_LABELS[kind])


def _danish() -> bool:
    return not is_english(locale_name())


def day_text(moment: dt.datetime) -> str:
    """The Copenhagen day of an instant: "torsdag 29. oktober 2026"."""
    return _day(moment.astimezone(COPENHAGEN))


def clock_text(moment: dt.datetime) -> str:
    """The Copenhagen wall time of an instant: "10.00" (Danish) or "10:00"."""
    return _clock(moment.astimezone(COPENHAGEN), _danish())


def _day(local: dt.datetime) -> str:
    return format_day(local.date(), WEEKDAY_DATE)


def _clock(local: dt.datetime, danish: bool) -> str:
    return local.strftime("%H.%M" if danish else "%H:%M")


def when_text(event: ListedEvent) -> str:
    """Start and end in Copenhagen time, the day said once when both fall on it."""
    start, end = event.starts_at.astimezone(COPENHAGEN), event.ends_at.astimezone(COPENHAGEN)
    danish = _danish()
    if start.date() == end.date():
        times = f"{_clock(start, danish)}–{_clock(end, danish)}"
        return f"{_day(start)} kl. {times}" if danish else f"{_day(start)}, {times}"
    if danish:
        return f"{_day(start)} kl. {_clock(start, danish)} – {_day(end)} kl. {_clock(end, danish)}"
    return f"{_day(start)}, {_clock(start, danish)} – {_day(end)}, {_clock(end, danish)}"
