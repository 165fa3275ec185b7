"""Each person's calendar feed: a secret address made on the "Kalender" page, shown once, stored only
as a hash, renewed (the old one stops) or deleted; fetched without a session; a wrong token finds
nothing and changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import icalendar
import pytest
from sqlalchemy import select

from course_app.courses.models import Module
from course_app.schedule import feeds
from course_app.schedule.event_models import CalendarFeed, Event
from course_app.schedule.ics import calendar_file
from course_app.schedule.models import CohortRelease
from tests.calendar.conftest import copenhagen
from tests.conftest import csrf_token_from

FEED_URL = re.compile(
    r'value="(https://kalender\.test\.example/kalender/feed/([A-Za-z0-9_-]+)\.ics)"'
)


def _make_link(client) -> tuple[str, str]:
    token = csrf_token_from(client.get("/kalender").get_data(as_text=True))
    response = client.post("/kalender/link", data={"csrf_token": token})
    assert response.status_code == 200
    match = FEED_URL.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1), match.group(2)


def _feed_rows(session) -> list[tuple]:
    session.expire_all()
    return list(session.execute(select(CalendarFeed.user_id, CalendarFeed.token_hash)))


def _summaries(body: bytes) -> list[str]:
    return sorted(
        str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")
    )


def test_the_link_is_shown_once_and_only_its_hash_is_stored(world, session, browser, client):
    person = browser(world.a)
    url, token = _make_link(person)
    assert len(token) == 43
    assert _feed_rows(session) == [(world.a.id, hashlib.sha256(token.encode()).hexdigest())]
    page = person.get("/kalender").get_data(as_text=True)
    assert token not in page and "kan vi ikke vise det igen" in page
    assert token not in str(session.execute(select(CalendarFeed.__table__)).all())
    # No session needed: the calendar app fetches it as an anonymous client.
    response = client.get(url.removeprefix("https://kalender.test.example"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Set-Cookie" not in response.headers


def test_the_feed_holds_the_persons_events_and_release_days(world, plan, session, browser, client):
    assert (
        session.scalar(select(CohortRelease).where(CohortRelease.cohort_id == world.round.id))
        is None
    )
    film_2 = session.scalar(
        select(Module).where(Module.course_id == world.round.course_id, Module.key == "film-2")
    )
    film_2.release = {"days_after_start": 14}
    session.commit()
    url, _token = _make_link(browser(world.a))
    body = client.get(url.removeprefix("https://kalender.test.example")).data
    calendar = icalendar.Calendar.from_ical(body)
    assert _summaries(body) == [
        "Film 2 åbner",
        "Kick off",
        "Ledermøde i Ahorn",
        "Workshop 1 i Glostrup",
    ]
    release = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Film 2 åbner")
    assert release.decoded("dtstart") == dt.date(2026, 9, 15)  # an all-day event
    assert release["URL"] == (
        f"https://kalender.test.example/forloeb/{world.round.id}/moduler/film-2"
    )
    meeting = next(e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Ledermøde i Ahorn")
    assert str(meeting.decoded("dtstart").tzinfo) == "Europe/Copenhagen"
    assert meeting.decoded("dtstart").astimezone(dt.UTC) == copenhagen(2026, 10, 6, 10)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Copenhagen"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("d", ["Kick off", "Ledermøde i Hyld", "Workshop 1 i Glostrup"]),
        ("e", ["Kick off kun A"]),  # leader of round A only
        ("h", ["Kick off", "Kick off kun A", "Ledermøde i Ahorn", "Workshop 1 i Glostrup"]),
        ("f", ["Kick off", "Kick off kun A", "Ledermøde i Ahorn", "Workshop 1 i Glostrup"]),
        ("ka", ["Kick off", "Kick off kun A", "Ledermøde i Ahorn", "Workshop 1 i Glostrup"]),
        ("kb", ["Kick off", "Ledermøde i Hyld", "Workshop 1 i Glostrup"]),
        # Platform admins follow every round's own events, not every group's meetings.
        ("ad", ["Kick off", "Kick off kun A", "Workshop 1 i Glostrup"]),
    ],
)
def test_each_role_follows_what_the_table_says(world, plan, session, key, expected):
    person = world.people[key]
    body = feeds_body(person)
    assert _summaries(body) == expected


def feeds_body(person) -> bytes:
    events = feeds.followed_events(person, copenhagen(2026, 1, 1))
    return calendar_file(events, lambda e: f"https://x/{e.id}", now=copenhagen(2026, 9, 1))


def test_renewing_revokes_the_old_link_and_deleting_revokes_all(
    world, plan, session, browser, client
):
    person = browser(world.a)
    old_url, old_token = _make_link(person)
    new_url, new_token = _make_link(person)
    assert old_token != new_token
    assert len(_feed_rows(session)) == 1
    assert client.get(old_url.removeprefix("https://kalender.test.example")).status_code == 404
    assert client.get(new_url.removeprefix("https://kalender.test.example")).status_code == 200
    token = csrf_token_from(person.get("/kalender").get_data(as_text=True))
    response = person.post("/kalender/link/slet", data={"csrf_token": token})
    assert response.status_code == 302
    assert _feed_rows(session) == []
    assert client.get(new_url.removeprefix("https://kalender.test.example")).status_code == 404
    assert "Du har ikke et kalenderlink endnu." in person.get("/kalender").get_data(as_text=True)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: token[:-1],
        lambda token: token + "A",
        lambda token: token.upper(),
        lambda token: "",
        lambda token: "%00" * 43,
        lambda token: token[:20] + "%00" + token[21:],
        lambda token: "A" * 43,
        lambda token: "x" * 10_000,
        lambda token: "../" + token,
    ],
)
def test_a_tampered_token_is_404_and_changes_nothing(world, plan, session, browser, client, tamper):
    _url, token = _make_link(browser(world.a))
    before = _feed_rows(session)
    events_before = session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1))
    response = client.get(f"/kalender/feed/{tamper(token)}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.data
    assert world.a.name not in response.get_data(as_text=True)
    assert _feed_rows(session) == before
    assert session.scalar(select(Event.id).order_by(Event.id.desc()).limit(1)) == events_before


def test_a_deactivated_persons_feed_is_gone(world, session, browser, client):
    url, _token = _make_link(browser(world.a))
    world.a.deactivated_at = copenhagen(2026, 9, 2)
    session.commit()
    assert client.get(url.removeprefix("https://kalender.test.example")).status_code == 404


def test_making_a_link_needs_a_session_and_csrf(world, session, client, browser):
    assert client.post("/kalender/link").status_code == 400  # CSRF runs first
    assert browser(world.a).post("/kalender/link", data={}).status_code == 400
    assert _feed_rows(session) == []
