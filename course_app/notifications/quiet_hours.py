"""Quiet hours: nothing scheduled leaves between 20:00 and 07:00 Copenhagen time."""

from __future__ import annotations

import datetime as dt

from course_app.core.i18n import COPENHAGEN

DAY_STARTS = dt.time(7)
EVENING_STARTS = dt.time(20)


def is_quiet(at: dt.datetime) -> bool:
    """Whether ``at`` (timezone-aware) falls in the quiet hours, 20:00 to 07:00 Copenhagen time."""
    if at.tzinfo is None:
        raise ValueError("naive datetime given; use an aware datetime (UTC)")
    return not DAY_STARTS <= at.astimezone(COPENHAGEN).time() < EVENING_STARTS


def quiet_hours_release(at: dt.datetime) -> dt.datetime:
    """``at`` itself outside the quiet hours, else the next 07:00 in Copenhagen (aware UTC).

    Summer and winter time come from the time-zone database: 07:00 is 05:00 UTC in summer and
    06:00 UTC in winter, also in the nights the clocks change.
    """
    if not is_quiet(at):
        return at
    local = at.astimezone(COPENHAGEN)
    day = local.date()
    if local.time() >= EVENING_STARTS:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, DAY_STARTS, tzinfo=COPENHAGEN).astimezone(dt.UTC)
