"""Quiet hours (20:00–07:00 Copenhagen): a pure rule, checked in the nights the clocks change."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_app.notifications.quiet_hours import is_quiet, quiet_hours_release


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("at", "released"),
    [
        # An ordinary winter day (UTC+1): 07:00 is 06:00 UTC, 20:00 is 19:00 UTC.
        (utc(2026, 12, 7, 6, 0), utc(2026, 12, 7, 6, 0)),
        (utc(2026, 12, 7, 18, 59, 59), utc(2026, 12, 7, 18, 59, 59)),
        (utc(2026, 12, 7, 19, 0), utc(2026, 12, 8, 6, 0)),
        (utc(2026, 12, 7, 5, 59), utc(2026, 12, 7, 6, 0)),
        (utc(2026, 12, 7, 23, 30), utc(2026, 12, 8, 6, 0)),
        # Summer time ends on 25 October 2026 (03:00 CEST becomes 02:00 CET).
        (utc(2026, 10, 24, 5, 0), utc(2026, 10, 24, 5, 0)),  # 07:00 CEST
        (utc(2026, 10, 24, 4, 59), utc(2026, 10, 24, 5, 0)),
        (utc(2026, 10, 24, 19, 0), utc(2026, 10, 25, 6, 0)),  # 21:00 CEST → 07:00 CET
        (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 6, 0)),  # 02:30 CEST, the first of two
        (utc(2026, 10, 25, 1, 30), utc(2026, 10, 25, 6, 0)),  # 02:30 CET, the second
        (utc(2026, 10, 25, 5, 30), utc(2026, 10, 25, 6, 0)),  # 06:30 CET (07:30 the day before)
        (utc(2026, 10, 25, 6, 0), utc(2026, 10, 25, 6, 0)),
        (utc(2026, 10, 25, 18, 59), utc(2026, 10, 25, 18, 59)),
        (utc(2026, 10, 25, 19, 0), utc(2026, 10, 26, 6, 0)),  # 20:00 CET
        # Summer time starts on 28 March 2027 (02:00 CET becomes 03:00 CEST).
        (utc(2027, 3, 27, 19, 30), utc(2027, 3, 28, 5, 0)),  # 20:30 CET → 07:00 CEST
        (utc(2027, 3, 28, 1, 30), utc(2027, 3, 28, 5, 0)),  # 03:30 CEST, just after the jump
        (utc(2027, 3, 28, 4, 59), utc(2027, 3, 28, 5, 0)),  # 06:59 CEST
        (utc(2027, 3, 28, 5, 0), utc(2027, 3, 28, 5, 0)),
        (utc(2027, 3, 28, 17, 59, 59), utc(2027, 3, 28, 17, 59, 59)),
        (utc(2027, 3, 28, 18, 0), utc(2027, 3, 29, 5, 0)),  # 20:00 CEST
        # The year turns in the quiet hours.
        (utc(2026, 12, 31, 22, 0), utc(2027, 1, 1, 6, 0)),
    ],
)
def test_release(at, released):
    assert quiet_hours_release(at) == released
    assert quiet_hours_release(at).tzinfo is not None


def test_a_time_in_another_zone_is_read_as_the_moment_it_is():
    new_york = dt.timezone(dt.timedelta(hours=-5))
    at = dt.datetime(2026, 12, 7, 15, 0, tzinfo=new_york)  # 21:00 in Copenhagen
    assert is_quiet(at)
    assert quiet_hours_release(at) == utc(2026, 12, 8, 6, 0)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="naive"):
        quiet_hours_release(dt.datetime(2026, 12, 7, 12, 0))


@given(
    st.datetimes(
        min_value=dt.datetime(2025, 1, 1),
        max_value=dt.datetime(2035, 12, 31),
        timezones=st.just(dt.UTC),
    )
)
def test_release_is_the_first_moment_outside_the_quiet_hours(at):
    released = quiet_hours_release(at)
    assert released >= at and not is_quiet(released)
    assert released - at <= dt.timedelta(hours=12)  # the longest night is 11 hours (+1 in October)
    if released != at:
        assert is_quiet(released - dt.timedelta(microseconds=1))
