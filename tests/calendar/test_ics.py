"""Calendar files parse with ``icalendar`` and carry Copenhagen times, right across daylight saving:
the week summer time ends (25 October 2026, including the hour that happens twice) and the night it
starts (28 March 2027)."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from course_app.core.i18n import COPENHAGEN
from course_app.schedule.event_models import EventKind
from course_app.schedule.ics import calendar_file, exported_time
from tests.calendar.conftest import add_event, copenhagen


def _parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def _only_event(calendar: icalendar.Calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


def _file(event, *, url="https://kalender.test.example/kalender/1") -> bytes:
    return calendar_file([event], lambda _e: url, now=copenhagen(2026, 9, 1))


@pytest.mark.parametrize(
    ("day", "start", "end", "utc_start", "utc_end"),
    [
        # The week summer time ends: before (+02:00) and after (+01:00) the change.
        (dt.date(2026, 10, 23), dt.time(10), dt.time(12), (8, 0), (10, 0)),
        (dt.date(2026, 10, 29), dt.time(10), dt.time(12), (9, 0), (11, 0)),
        # Sunday 25 October: 01.30 and 03.30 straddle the repeated hour; 02.30 is its first round.
        (dt.date(2026, 10, 25), dt.time(1, 30), dt.time(3, 30), (23, 30), (2, 30)),
        (dt.date(2026, 10, 25), dt.time(2, 30), dt.time(3, 30), (0, 30), (2, 30)),
        # The night summer time starts: 01.30 (+01:00) to 03.30 (+02:00) is one hour.
        (dt.date(2027, 3, 28), dt.time(1, 30), dt.time(3, 30), (0, 30), (1, 30)),
        (dt.date(2027, 3, 29), dt.time(10), dt.time(12), (8, 0), (10, 0)),
    ],
)
def test_dst_an_event_parses_back_to_its_copenhagen_wall_time_and_utc_instant(
    world, day, start, end, utc_start, utc_end
):
    event = add_event(world, EventKind.KICKOFF, day=day, start=start, end=end)
    body = _file(event)
    text = body.decode()
    assert f"DTSTART;TZID=Europe/Copenhagen:{day:%Y%m%d}T{start:%H%M%S}" in text
    parsed = _only_event(_parse(body))
    starts, ends = parsed.decoded("dtstart"), parsed.decoded("dtend")
    assert str(starts.tzinfo) == "Europe/Copenhagen"
    assert (starts.date(), starts.time()) == (day, start)
    assert ends.time() == end
    start_day = day - dt.timedelta(days=1) if utc_start[0] == 23 else day
    assert starts.astimezone(dt.UTC) == dt.datetime.combine(start_day, dt.time(*utc_start), dt.UTC)
    assert ends.astimezone(dt.UTC) == dt.datetime.combine(day, dt.time(*utc_end), dt.UTC)
    assert starts.astimezone(dt.UTC) == event.starts_at


def test_dst_the_vtimezone_itself_gives_the_right_offsets(world):
    """A calendar that does not know the zone by name uses the file's VTIMEZONE: its rules must hold
    for the change of 25 October 2026 and 28 March 2027."""
    event = add_event(world, EventKind.KICKOFF, day=dt.date(2026, 10, 29))
    (zone,) = _parse(_file(event)).walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Copenhagen"
    rules = zone.to_tz()
    for local, offset in (
        (dt.datetime(2026, 10, 24, 12), 2),
        (dt.datetime(2026, 10, 25, 2, 30), 2),  # the first round of the repeated hour
        (dt.datetime(2026, 10, 25, 4), 1),
        (dt.datetime(2026, 10, 29, 10), 1),
        (dt.datetime(2027, 3, 28, 1, 30), 1),
        (dt.datetime(2027, 3, 28, 4), 2),
    ):
        moment = local.replace(tzinfo=rules)
        assert moment.utcoffset() == dt.timedelta(hours=offset), local


def test_dst_the_second_round_of_the_repeated_hour_is_written_in_utc():
    """01.30 UTC on 25 October 2026 is 02.30 winter time, the repeated hour's second round: a TZID
    time would be read as the first round, an hour early, so it goes out in UTC."""
    second = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    assert exported_time(second) == second and exported_time(second).tzinfo == dt.UTC
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert exported_time(first).tzinfo == COPENHAGEN
    assert exported_time(first).replace(tzinfo=None) == dt.datetime(2026, 10, 25, 2, 30)


def test_dst_a_stored_second_round_parses_back_to_the_same_instant(world):
    event = add_event(world, EventKind.KICKOFF, day=dt.date(2026, 10, 25), start=dt.time(1))
    event.ends_at = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)  # 02.30 winter time
    parsed = _only_event(_parse(_file(event)))
    assert parsed.decoded("dtend") == event.ends_at
    assert "DTEND:20261025T013000Z" in _file(event).decode()


def test_an_event_file_has_a_stable_uid_location_url_summary_and_description(world, session):
    event = add_event(
        world,
        EventKind.WORKSHOP,
        number=2,
        title="Workshop 2; fælles, med Glostrup",
        place="Rådhuset, Nørregade 1; sal 2",
        description="Medbring jeres mødenoter.\nVi starter præcis.",
    )
    first = _only_event(_parse(_file(event)))
    event.place = "Et andet sted"
    event.sequence += 1
    second = _only_event(_parse(_file(event)))
    assert first["UID"] == second["UID"] == f"event-{event.id}@kalender.test.example"
    assert first["SUMMARY"] == "Workshop 2; fælles, med Glostrup"
    assert first["LOCATION"] == "Rådhuset, Nørregade 1; sal 2"
    assert first["URL"] == "https://kalender.test.example/kalender/1"
    assert "Medbring jeres mødenoter.\nVi starter præcis." in first["DESCRIPTION"]
    assert "Fælles workshop 2" in first["DESCRIPTION"]
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert _parse(_file(event))["PRODID"]


def test_the_event_download_is_an_ics_for_those_who_see_the_event(world, plan, browser):
    event = plan["g1"]
    response = browser(world.a).get(f"/kalender/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    parsed = _only_event(_parse(response.data))
    assert parsed["SUMMARY"] == "Ledermøde i Ahorn"
    assert parsed["LOCATION"] == "Mødelokale Ahorn"
    assert parsed["URL"] == f"https://kalender.test.example/kalender/{event.id}"
    assert "Ledergruppe Ahorn" in parsed["DESCRIPTION"]
    starts = parsed.decoded("dtstart")
    assert str(starts.tzinfo) == "Europe/Copenhagen"
    assert starts.replace(tzinfo=None) == dt.datetime(2026, 10, 6, 10)
    assert "BEGIN:VTIMEZONE" in response.get_data(as_text=True)
