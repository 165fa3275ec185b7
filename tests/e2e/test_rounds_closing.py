"""Closing a round and the sender name, in Chromium: a coordinator sets her organisation's sender
name (the shared demo round is not hers to close); the admin closes it from its page through the
confirmation page; a leader then reads
her round with the notice and no working forms; the chair's meeting note is read-only; the admin
reopens it. axe-core checks every page on the way, also with an error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from course_app.demo import ADMIN_EMAIL
from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

COORDINATOR = "koordinator@albertslund.example"
LEADER = "leder1@albertslund.example"
CHAIR = "moedeleder@albertslund.example"
ROUND = "Digital ledelse – demohold"


def _round_page(page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Forløb", exact=True).click()
    page.get_by_role("link", name=ROUND).click()


def test_a_coordinator_names_the_sender_and_the_admin_closes_the_round(page, browser_problems):
    sign_in_as(page, COORDINATOR)
    _round_page(page)
    sender = page.get_by_label("Afsendernavn på invitationen til kick-off")
    expect(sender).to_have_count(1)  # only her own organisation's
    browser_problems.expect_console_error("status of 400")
    page.evaluate("document.querySelector('input[name=sender_name]').removeAttribute('maxlength')")
    sender.fill("x" * 130)
    page.get_by_role("button", name="Gem afsendernavnet").click()
    expect(page.locator(".field-errors")).to_contain_text("højst være 120 tegn langt")
    assert_accessible(page, "the round page with a refused sender name")
    page.get_by_label("Afsendernavn på invitationen til kick-off").fill(
        "Direktionen i Albertslund Kommune"
    )
    page.get_by_role("button", name="Gem afsendernavnet").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Afsendernavnet for Albertslund er gemt."
    )

    # The demo round is shared by Albertslund and Glostrup: closing it is not hers to decide.
    expect(page.get_by_role("link", name="Luk forløbet")).to_have_count(0)

    sign_in_as(page, ADMIN_EMAIL)
    _round_page(page)
    page.get_by_role("link", name="Luk forløbet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Luk forløbet")
    expect(page.locator("main")).to_contain_text("sendes der ikke flere e-mails om forløbet")
    assert_accessible(page, "the confirmation page for closing a round")
    page.get_by_role("button", name="Luk forløbet").click()
    expect(page.locator(".alert-success")).to_contain_text("er lukket")
    expect(page.locator(".round-facts")).to_contain_text("Lukket")
    expect(page.get_by_role("button", name="Gem åbningerne")).to_have_count(0)
    assert_accessible(page, "a closed round's page for an admin")

    sign_in_as(page, LEADER)
    expect(page.locator("main")).to_contain_text("Forløbet er lukket.")
    assert_accessible(page, "Mit forløb in a closed round")
    page.get_by_role("link").filter(has_text="Film 1").first.click()
    expect(page.locator("main")).to_contain_text("Forløbet er lukket.")
    for button in page.locator("main button[type=submit], main input[type=submit]").all():
        expect(button).to_be_disabled()
    assert_accessible(page, "a module page in a closed round")

    sign_in_as(page, CHAIR)
    page.goto("/min-ledergruppe")
    expect(page.locator("main")).to_contain_text("Forløbet er lukket.")
    assert_accessible(page, "the group page in a closed round")

    sign_in_as(page, ADMIN_EMAIL)
    _round_page(page)
    page.get_by_role("button", name="Genåbn forløbet").click()
    expect(page.locator(".alert-success")).to_contain_text("er åbnet igen")
    expect(page.get_by_role("button", name="Gem åbningerne")).to_have_count(1)
