"""The calendar in real Chromium on the demo data, with axe-core on every new page: the admin plans
the round's service check (a refused form first), the chair sets her group's meeting from the group
page, and a leader sees both on "Mit forløb", makes her calendar link and her calendar app's fetch
of it (no session) parses with icalendar in Copenhagen time."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from playwright.sync_api import expect

from course_app.core.i18n import COPENHAGEN
from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.example"
CHAIR = "moedeleder@albertslund.example"
LARS = "leder1@albertslund.example"
PETER = "leder3@albertslund.example"  # another group in the same organisation


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name=name).click()


def test_plan_events_see_them_and_subscribe(page, browser, browser_problems, live_server):
    today = dt.datetime.now(COPENHAGEN).date()
    check_day = today + dt.timedelta(days=10)
    meeting_day = today + dt.timedelta(days=7)

    # The admin plans the round's service check from her calendar page.
    sign_in_as(page, ADMIN)
    _menu(page, "Kalender")
    page.wait_for_url("**/kalender")
    assert_accessible(page, "the admin's calendar page")
    page.get_by_role("link", name="Digital ledelse – demohold").click()
    page.wait_for_url(re.compile(r"/kalender/forloeb/\d+$"))
    assert_accessible(page, "the round's calendar")
    page.get_by_role("link", name="Tilføj: Servicetjek").click()
    page.wait_for_url(re.compile(r"/ny/servicetjek$"))
    assert_accessible(page, "the new-event form")

    browser_problems.expect_console_error("status of 400")
    page.get_by_label("Titel").fill("")
    page.get_by_label("Dato", exact=True).fill(check_day.isoformat())
    page.get_by_label("Fra kl.").fill("09:00")
    page.get_by_label("Til kl.").fill("08:00")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator(".error-summary")).to_contain_text("Titel: Skriv en titel.")
    expect(page.locator(".error-summary")).to_contain_text("Slutningen skal ligge efter starten")
    assert_accessible(page, "the new-event form with errors")

    page.get_by_label("Titel").fill("Servicetjek: ingen spørgsmål er for små")
    page.get_by_label("Til kl.").fill("15:00")
    page.get_by_label("Slutdato (kun hvis den ikke er samme dag)").fill(
        (check_day + dt.timedelta(days=3)).isoformat()
    )
    page.get_by_label("Sted").fill("IT-caféen, Rådhuset")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(re.compile(r"/kalender/\d+$"))
    expect(page.locator(".flash-messages")).to_contain_text("Begivenheden er gemt.")
    expect(page.locator(".event-facts")).to_contain_text("kl. 09.00 – ")
    assert_accessible(page, "the event page (admin)")

    # The chair sets the date and place of her group's next meeting from the group page.
    sign_in_as(page, CHAIR)
    _menu(page, "Min ledergruppe")
    page.wait_for_url(re.compile(r"/grupper/\d+$"))
    page.get_by_role(
        "link", name=re.compile(r"^(Sæt tid og sted for mødet|Ret tid og sted)$")
    ).click()
    page.wait_for_url(re.compile(r"/kalender/"))
    assert_accessible(page, "the meeting form")
    page.get_by_label("Dato", exact=True).fill(meeting_day.isoformat())
    page.get_by_label("Fra kl.").fill("14:00")
    page.get_by_label("Til kl.").fill("15:30")
    page.get_by_label("Sted").fill("Mødelokale Lyngen")
    page.get_by_role("button", name="Gem").click()
    page.wait_for_url(re.compile(r"/kalender/\d+$"))
    meeting_url = page.url
    _menu(page, "Min ledergruppe")
    expect(page.locator(".meeting-date")).to_contain_text("kl. 14.00–15.30, Mødelokale Lyngen")
    assert_accessible(page, "the group page with the meeting's date")

    # A member sees both on "Mit forløb" and in her calendar, and subscribes.
    sign_in_as(page, LARS)
    expect(page.locator(".event-list")).to_contain_text("Mødelokale Lyngen")
    expect(page.locator(".event-list")).to_contain_text("IT-caféen, Rådhuset")
    assert_accessible(page, "Mit forløb with coming events")
    page.get_by_role("link", name="Se alle i din kalender").click()
    page.wait_for_url("**/kalender")
    page.get_by_role("button", name="Lav et kalenderlink").click()
    feed_url = page.get_by_label("Kopiér linket ind i din kalenderapp").input_value()
    assert_accessible(page, "the calendar page with a new link")
    page.goto(meeting_url)
    assert_accessible(page, "the meeting's event page (member)")

    # The calendar app fetches the feed without a session (a browser context of its own).
    app_context = browser.new_context()
    try:
        response = app_context.request.get(live_server + urlsplit(feed_url).path)
        body = response.body()
    finally:
        app_context.close()
    assert response.status == 200
    calendar = icalendar.Calendar.from_ical(body)
    by_place = {str(event.get("LOCATION", "")): event for event in calendar.walk("VEVENT")}
    meeting = by_place["Mødelokale Lyngen"]
    starts = meeting.decoded("dtstart")
    assert str(starts.tzinfo) == "Europe/Copenhagen"
    assert (starts.date(), starts.time()) == (meeting_day, dt.time(14))
    assert any(str(event["SUMMARY"]).endswith("åbner") for event in calendar.walk("VEVENT"))

    # Another group's leader does not reach the meeting.
    sign_in_as(page, PETER)
    browser_problems.expect_console_error("status of 404")
    response = page.goto(meeting_url)
    assert response is not None and response.status == 404
