"""How an event reads: its kind's name and its time in Copenhagen ("torsdag 29. oktober 2026 kl.
10.00–12.00"), in the current locale (a page's, or the one a calendar file is made in)."""

from __future__ import annotations

import datetime as dt

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from course_app.core.i18n import COPENHAGEN, format_day
from course_app.schedule.event_models import Event, EventKind

KIND_LABELS = {
    EventKind.KICKOFF: _l("Kick off"),
    EventKind.LEADER_MEETING: _l("Ledermøde"),
    EventKind.WORKSHOP: _l("Fælles workshop"),
    EventKind.SERVICE_CHECK: _l("Servicetjek"),
    EventKind.ROUND_END: _l("Forløbets afslutning"),
}


def kind_label(event: Event) -> str:
    if event.kind == EventKind.WORKSHOP and event.number:
        return str(_l("Fælles workshop %(number)s", number=event.number))
    return str(KIND_LABELS[event.kind])


def _danish() -> bool:
    locale = get_locale()
    return locale is None or locale.language != "en"


def day_text(moment: dt.datetime) -> str:
    """The Copenhagen day of an instant: "torsdag 29. oktober 2026"."""
    local = moment.astimezone(COPENHAGEN)
    return format_day(local.date(), "EEEE d. MMMM y" if _danish() else "EEEE d MMMM y")


def clock_text(moment: dt.datetime) -> str:
    """The Copenhagen wall time of an instant: "10.00" (Danish) or "10:00"."""
    local = moment.astimezone(COPENHAGEN)
    return local.strftime("%H.%M" if _danish() else "%H:%M")


def when_text(event: Event) -> str:
    """Start and end in Copenhagen time, the day said once when both fall on it."""
    start, end = event.starts_at, event.ends_at
    same_day = start.astimezone(COPENHAGEN).date() == end.astimezone(COPENHAGEN).date()
    if _danish():
        if same_day:
            return f"{day_text(start)} kl. {clock_text(start)}–{clock_text(end)}"
        return f"{day_text(start)} kl. {clock_text(start)} – {day_text(end)} kl. {clock_text(end)}"
    if same_day:
        return f"{day_text(start)}, {clock_text(start)}–{clock_text(end)}"
    return f"{day_text(start)}, {clock_text(start)} – {day_text(end)}, {clock_text(end)}"
