"""Issue 13's acceptance test for the one-to-one service check, in real Chromium at a phone's width
with axe-core on every service-check page: the demo's supporter offers a time from the navigation;
a Glostrup leader books it with a question; the supporter reads the question on her day's list;
Glostrup's coordinator sees only the counts (never the question, never a name), and a leader never
reaches another leader's booking."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.core import clock
from course_app.core.db import db
from course_app.core.i18n import today_local
from course_app.organisations.access import viewer_for
from course_app.service_check import booking
from course_app.service_check.models import ServiceCheckSlot
from tests.e2e.conftest import (
    PHONE,
    assert_accessible,
    assert_no_problems,
    demo_app,
    new_page,
    serving,
    sign_in_as,
)

pytestmark = pytest.mark.e2e

SUPPORTER = (
    "supporter@demo.example"  # Sofie Support, the platform's supporter (both municipalities)
)
LEADER = "leder1@glostrup.example"  # Jens Jensen
OTHER_LEADER = "leder1@albertslund.example"  # Lars Larsen: books a demo time in the setup
COORDINATOR = "koordinator@glostrup.example"  # Kasper Krogh
ROUND = "Digital ledelse – demohold"
PLACE = "IT-caféen, Glostrup Bibliotek"
QUESTION = "Markør-7731: min Teams-kalender viser ikke møderne fra Outlook"


@dataclass
class Served:
    app: Flask
    url: str
    other_booking_id: int
    offered: int  # the demo's times in the round


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory) -> Iterator[Served]:
    """The demo world with its calendar and service-check times; an Albertslund leader has booked
    the first of them."""
    app = demo_app(database_factory, tmp_path_factory, plan_events=True)
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == ROUND))
        lars = db.session.scalar(select(User).where(User.email == OTHER_LEADER))
        first = db.session.scalar(
            select(ServiceCheckSlot)
            .where(ServiceCheckSlot.cohort_id == cohort.id)
            .order_by(ServiceCheckSlot.starts_at, ServiceCheckSlot.id)
        )
        offered = len(
            db.session.scalars(
                select(ServiceCheckSlot.id).where(
                    ServiceCheckSlot.cohort_id == cohort.id, ServiceCheckSlot.cancelled_at.is_(None)
                )
            ).all()
        )
        made = booking.book(viewer_for(lars), first, "Lars' eget spørgsmål", now=clock.now())
        db.session.commit()
        other_booking_id = made.id
    with serving(app) as url:
        yield Served(app, url, other_booking_id, offered)


@pytest.fixture(scope="module")
def live_server(served: Served) -> str:
    return served.url


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=name, exact=True
    ).click()


def test_book_a_service_check_with_a_question(browser, served, browser_problems):
    context, page = new_page(browser, served.url, browser_problems, PHONE)
    try:
        _run(page, served, browser_problems)
    finally:
        context.close()
    assert_no_problems(browser_problems)


def _run(page, served: Served, browser_problems) -> None:
    day = today_local() + dt.timedelta(days=10)

    # The supporter offers a time in the demo round, from the navigation.
    sign_in_as(page, SUPPORTER)
    _menu(page, "Servicetjek")
    page.wait_for_url("**/servicetjek")
    assert_accessible(page, "the service check hub (supporter)")
    page.get_by_role("link", name="Dine tider i forløbene").click()
    page.wait_for_url("**/servicetjek/tider")
    assert_accessible(page, "the supporter's rounds")
    page.get_by_role("link", name=ROUND).click()
    page.wait_for_url(re.compile(r"/servicetjek/forloeb/\d+/tider$"))
    assert_accessible(page, "the supporter's times in a round")
    page.get_by_label("Dato").fill(day.isoformat())
    page.get_by_label("Kl.").fill("11:00")
    page.get_by_label("Varighed i minutter").fill("45")
    page.get_by_label(re.compile("^Sted")).fill(PLACE)
    page.get_by_role("button", name="Opret tiden").click()
    expect(page.locator(".flash-messages")).to_contain_text("er oprettet og kan nu bookes")
    new_row = page.get_by_role("row", name=re.compile(PLACE))
    expect(new_row).to_contain_text("Ledig")
    expect(page.get_by_role("row", name=re.compile("Booket af Lars Larsen"))).to_have_count(1)
    assert_accessible(page, "the supporter's times with a new one")

    # A Glostrup leader books it with a question.
    sign_in_as(page, LEADER)
    _menu(page, "Servicetjek")
    page.wait_for_url("**/servicetjek")
    expect(page.get_by_role("heading", level=2, name=ROUND)).to_be_visible()
    assert_accessible(page, "the service check hub (leader, before booking)")
    # The demo round has free times on other days: she chooses the day, then the time.
    page.get_by_label("Vis ledige tider den").select_option(day.isoformat())
    page.get_by_role("button", name="Vis tider").click()
    page.wait_for_url(re.compile(r"/servicetjek\?dato=" + day.isoformat()))
    expect(page.get_by_text(re.compile("^Ledige tider "))).to_contain_text(str(day.day))
    assert_accessible(page, "the service check hub (leader, a chosen day)")
    page.get_by_label(re.compile(PLACE)).check()
    page.get_by_label("Dine spørgsmål (kan være tomme)").fill(QUESTION)
    page.get_by_role("button", name="Book tiden").click()
    expect(page.locator(".flash-messages")).to_contain_text("Din tid er booket")
    facts = page.locator(".round-facts")
    expect(facts).to_contain_text(PLACE)
    expect(facts).to_contain_text("Sofie Support")
    expect(page.get_by_label("Dine spørgsmål", exact=True)).to_have_value(QUESTION)
    assert_accessible(page, "the service check hub (leader, booked)")

    # Another leader's booking, of the other municipality, is 404 to her.
    browser_problems.expect_console_error("status of 404")
    response = page.goto(f"/servicetjek/booking/{served.other_booking_id}.ics")
    assert response is not None and response.status == 404

    # The supporter reads the question on her list of the day, from her times.
    sign_in_as(page, SUPPORTER)
    page.goto("/servicetjek/tider")
    page.get_by_role("link", name=ROUND).click()
    page.get_by_role("row", name=re.compile(PLACE)).get_by_role("link", name="Se aftalen").click()
    page.wait_for_url(re.compile(r"/servicetjek/dag\?dato=" + day.isoformat()))
    booked = page.locator(".service-check-booking", has_text="Jens Jensen")
    expect(booked).to_contain_text("11.00 · Jens Jensen")
    expect(booked.locator(".user-text")).to_have_text(QUESTION)
    assert_accessible(page, "the supporter's day")
    _menu(page, "Servicetjek")
    page.get_by_role("link", name="Dagens aftaler").click()
    page.wait_for_url("**/servicetjek/dag")
    expect(page.locator("main")).not_to_contain_text(QUESTION)
    assert_accessible(page, "the supporter's day without bookings")

    # Glostrup's coordinator sees counts only: Glostrup's booking, not Albertslund's; no question.
    sign_in_as(page, COORDINATOR)
    _menu(page, "Servicetjek")
    page.wait_for_url("**/servicetjek")
    assert_accessible(page, "the service check hub (coordinator)")
    page.get_by_role("link", name=ROUND).click()
    page.wait_for_url(re.compile(r"/servicetjek/forloeb/\d+/overblik$"))
    counts = page.get_by_role("table", name="Antal")
    expect(counts.locator("tbody td")).to_have_text([str(served.offered + 1), "1", "0"])
    main = page.locator("main")
    for secret in (QUESTION, "Jens Jensen", "Lars Larsen", PLACE):
        expect(main).not_to_contain_text(secret)
    assert_accessible(page, "the service check counts")

    # Neither the supporter's pages nor the booking reach her.
    browser_problems.expect_console_error("status of 403")
    response = page.goto(f"/servicetjek/dag?dato={day.isoformat()}")
    assert response is not None and response.status == 403
    assert QUESTION not in page.content()
    response = page.goto(f"/servicetjek/booking/{served.other_booking_id}.ics")
    assert response is not None and response.status == 404
