"""The pages the links in e-mails open, in real Chromium with axe-core: a single-use sign-in link
(asks for one click, signs in, then no longer works) and the page that stops and restarts
reminders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course_app.accounts import sign_in_links, unsubscribe
from course_app.accounts.models import User
from course_app.core.db import db
from tests.e2e.conftest import assert_accessible, demo_app, serving

pytestmark = pytest.mark.e2e

LEADER = "leder1@glostrup.example"


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory) -> Iterator[tuple[object, str]]:
    app = demo_app(database_factory, tmp_path_factory, SIGN_IN_LINKS=True)
    with serving(app) as url:
        app.config["BASE_URL"] = url
        yield app, url


@pytest.fixture(scope="module")
def live_server(served) -> str:
    return served[1]


def _leader(app) -> User:
    return db.session.scalar(select(User).where(User.email == LEADER))


def test_a_sign_in_link_asks_once_signs_in_and_then_stops_working(page, served, browser_problems):
    app, url = served
    with app.app_context():
        link = sign_in_links.link_for(_leader(app), "learning.dashboard", dt.datetime.now(dt.UTC))
        db.session.commit()
        db.session.remove()
    assert link.startswith(f"{url}/log-ind/link/")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind med linket")
    assert_accessible(page, "the sign-in-link page")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url("**/mit-forloeb")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.context.clear_cookies()
    browser_problems.expect_console_error("status of 404")
    page.goto(link)
    expect(page.get_by_role("link", name="Log ind")).to_be_visible()
    assert_accessible(page, "the page of a used sign-in link")


def test_the_reminder_page_stops_and_restarts_reminders(page, served):
    app, _ = served
    with app.app_context():
        address = unsubscribe.unsubscribe_url(_leader(app))
        db.session.remove()

    page.goto(address)
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmeld påmindelser")
    assert_accessible(page, "the unsubscribe page")
    page.get_by_role("button", name="Afmeld påmindelser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er afmeldt påmindelser")
    assert_accessible(page, "the unsubscribed page")
    with app.app_context():
        assert _leader(app).reminders_stopped_at is not None
        db.session.remove()

    page.get_by_role("button", name="Slå påmindelser til igen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Afmeld påmindelser")
    assert_accessible(page, "the unsubscribe page after restarting reminders")
    with app.app_context():
        assert _leader(app).reminders_stopped_at is None
        db.session.remove()
