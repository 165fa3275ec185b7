"""Moving a participant to another leader group, in Chromium: reachable from the participants
page, accessible (also with an error), and the move shows in the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

COORDINATOR = "koordinator@albertslund.example"


def test_a_coordinator_moves_a_leader_to_another_group(page, browser_problems):
    sign_in_as(page, COORDINATOR)
    page.get_by_role("navigation").get_by_role("link", name="Forløb", exact=True).click()
    page.get_by_role("link", name="Digital ledelse – demohold").click()
    page.get_by_role("link", name="Se deltagerne").click()
    page.get_by_role("link", name="Skift ledergruppe (Lars Larsen)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skift ledergruppe for Lars Larsen")
    assert_accessible(page, "the move form")

    browser_problems.expect_console_error("status of 400")
    page.evaluate(
        "document.querySelector('select[name=group]').add(new Option('Fremmed gruppe', '999999'))"
    )
    page.get_by_label("Ny ledergruppe").select_option("999999")
    page.get_by_role("button", name="Flyt deltageren").click()
    expect(page.locator(".error-summary")).to_contain_text("Vælg en af ledergrupperne i listen.")
    assert_accessible(page, "the move form with an error")

    page.get_by_label("Ny ledergruppe").select_option(label="Ledergruppe Social og sundhed")
    page.get_by_role("button", name="Flyt deltageren").click()
    page.wait_for_url("**/deltagere")
    expect(page.locator(".alert-success")).to_contain_text("Lars Larsen er flyttet")
    row = page.get_by_role("row").filter(has_text="Lars Larsen")
    expect(row).to_contain_text("Ledergruppe Social og sundhed")
