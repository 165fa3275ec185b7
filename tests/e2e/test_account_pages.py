"""Min konto and "Glemt adgangskode" in real Chromium, with the e-mail through a real SMTP server:
forgot password → e-mail → link → new password → signed in; a copied cookie stops working after
"Log ud" and after a password change; axe-core finds nothing on any of the new pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from course_app.notifications.services import deliver_outbox
from tests.e2e.conftest import (
    DESKTOP,
    PASSWORD,
    assert_accessible,
    demo_app,
    new_page,
    serving,
    sign_in,
)
from tests.mail import Mailbox

NEW = "en ny og lang sætning om kaffe"


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory, smtp_server: Mailbox) -> Iterator[tuple]:
    mail = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port}
    app = demo_app(database_factory, tmp_path_factory, **mail)
    with serving(app) as url:
        app.config["BASE_URL"] = url  # e-mail links lead to this server
        yield app, url


@pytest.fixture(scope="module")
def live_server(served) -> str:
    return served[1]


@pytest.fixture
def other_page(browser, live_server, browser_problems):
    """A second browser (a context of its own)."""
    context, page = new_page(browser, live_server, browser_problems, DESKTOP)
    yield page
    context.close()


def _path(page) -> str:
    return urlsplit(page.url).path


def test_forgotten_password_by_email(page, served, mailbox, browser_problems):
    browser_problems.expect_console_error("status of 400")
    browser_problems.expect_console_error("status of 404")
    app, url = served
    email = "leder2@albertslund.example"
    page.goto("/log-ind")
    page.get_by_role("link", name="Glemt adgangskode?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glemt adgangskode")
    assert_accessible(page, "the forgotten-password page")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send link").click()
    expect(page.locator(".alert-info")).to_contain_text("Hvis adressen findes hos os")
    assert_accessible(page, "the forgotten-password page after asking")

    with app.app_context():
        deliver_outbox()
    [mail] = [m for m in mailbox.messages() if email in m.recipients]
    link = re.search(re.escape(url) + r"/glemt-adgangskode/[A-Za-z0-9_-]+", mail.body).group(0)
    assert f'href="{link}"' in (mail.html or "")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Vælg en ny adgangskode")
    assert_accessible(page, "the choose-a-new-password page")
    page.get_by_label("Ny adgangskode").fill("adgangskode2024")
    page.get_by_label("Gentag adgangskoden").fill("adgangskode2024")
    page.get_by_role("button", name="Gem adgangskode").click()
    expect(page.locator(".field-errors")).to_contain_text("for almindelig")
    assert_accessible(page, "the choose-a-new-password page with an error")

    page.get_by_label("Ny adgangskode").fill(NEW)
    page.get_by_label("Gentag adgangskoden").fill(NEW)
    page.get_by_role("button", name="Gem adgangskode").click()
    page.wait_for_url(lambda address: "/glemt-adgangskode" not in address)
    expect(page.locator(".alert-success")).to_contain_text("Din nye adgangskode er gemt")
    page.goto("/konto")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min konto")

    page.goto(link)  # used: a clear page with the way to ask again
    expect(page.get_by_role("heading", level=1)).to_have_text("Linket virker ikke")
    assert_accessible(page, "the used-link page")
    page.get_by_role("link", name="Bed om et nyt link").click()
    assert _path(page) == "/glemt-adgangskode"

    page.context.clear_cookies()
    sign_in(page, email, NEW)
    assert _path(page) != "/log-ind"


def test_a_copied_cookie_stops_working_after_sign_out(page, other_page):
    sign_in(page, "leder3@albertslund.example")
    other_page.context.add_cookies(page.context.cookies())
    other_page.goto("/konto")
    expect(other_page.get_by_role("heading", level=1)).to_have_text("Min konto")

    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/log-ind")
    other_page.goto("/konto")
    assert _path(other_page) == "/log-ind"


def test_changing_the_password_from_the_header_ends_the_other_sessions(
    page, other_page, browser_problems
):
    browser_problems.expect_console_error("status of 400")
    email = "leder4@albertslund.example"
    sign_in(other_page, email)
    sign_in(page, email)
    page.get_by_role("link", name="Min konto").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Min konto")
    assert_accessible(page, "the account page")
    page.get_by_role("link", name="Skift adgangskode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skift adgangskode")
    assert_accessible(page, "the change-password page")

    page.get_by_label("Nuværende adgangskode").fill("ikke min adgangskode")
    page.get_by_label("Ny adgangskode").fill(NEW)
    page.get_by_label("Gentag adgangskoden").fill(NEW)
    page.get_by_role("button", name="Skift adgangskode").click()
    expect(page.locator(".error-summary")).to_contain_text("ikke rigtig")
    assert_accessible(page, "the change-password page with an error")

    page.get_by_label("Nuværende adgangskode").fill(PASSWORD)
    page.get_by_label("Ny adgangskode").fill(NEW)
    page.get_by_label("Gentag adgangskoden").fill(NEW)
    page.get_by_role("button", name="Skift adgangskode").click()
    page.wait_for_url("**/konto")
    expect(page.locator(".alert-success")).to_contain_text("Din adgangskode er ændret")

    other_page.goto("/konto")
    assert _path(other_page) == "/log-ind"
    page.goto("/mit-forloeb")
    assert _path(page) == "/mit-forloeb"


def test_sign_out_on_all_devices(page, other_page):
    email = "leder1@glostrup.example"
    sign_in(other_page, email)
    sign_in(page, email)
    page.goto("/konto")
    page.get_by_role("button", name="Log ud på alle enheder").click()
    page.wait_for_url("**/log-ind")
    expect(page.locator(".alert-info")).to_contain_text("Du er logget ud på alle enheder.")
    other_page.goto("/mit-forloeb")
    assert _path(other_page) == "/log-ind"
