"""The e-mail preview in real Chromium on the demo data, reached from the main menu as a coordinator or
an admin would: axe-core finds no violations on the list and on a preview in either language, and the
sandboxed frame really shows the e-mail's HTML (its own policy lets the preview page frame it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

COORDINATOR = "koordinator@albertslund.example"
ADMIN = "admin@demo.example"


def open_the_list(page) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Udsendelser").click()
    page.wait_for_url("**/rapport/udsendelser*")
    page.get_by_role("link", name="Se hvordan e-mailene ser ud").click()
    page.wait_for_url("**/admin/e-mails")


@pytest.mark.parametrize("email", [COORDINATOR, ADMIN])
def test_list_and_preview_are_accessible(page, email):
    sign_in_as(page, email)
    open_the_list(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sådan ser e-mailene ud")
    assert_accessible(page, f"the e-mail list for {email}")

    page.get_by_role("link", name="Påmindelse", exact=True).click()
    page.wait_for_url("**/admin/e-mails/paamindelse")
    expect(page.locator("pre.mail-text")).to_contain_text("Kære Lene Jensen")
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_text("Kære Lene Jensen")).to_be_visible()
    expect(frame.get_by_role("link", name="Afmeld påmindelser")).to_be_visible()
    assert_accessible(page, f"the reminder preview in Danish for {email}")

    page.get_by_role("navigation", name="Modtagerens sprog").get_by_role(
        "link", name="English"
    ).click()
    page.wait_for_url("**/admin/e-mails/paamindelse?sprog=en")
    expect(page.locator("pre.mail-text")).to_contain_text("Dear Lene Jensen")
    expect(frame.get_by_text("Dear Lene Jensen")).to_be_visible()
    assert_accessible(page, f"the reminder preview in English for {email}")


def test_the_text_wraps_at_phone_width(phone_page):
    page = phone_page
    sign_in_as(page, COORDINATOR)
    page.goto("/admin/e-mails/samlet-e-mail")
    expect(page.locator("pre.mail-text")).to_contain_text("Lene Jensen")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the preview scrolls sideways at phone width"
    )
    assert_accessible(page, "the combined e-mail's preview at phone width")


def test_the_account_invitation_shows_both_parts(page):
    sign_in_as(page, ADMIN)
    page.goto("/admin/e-mails/invitation-til-platformen?sprog=en")
    expect(page.locator("pre.mail-text")).to_contain_text("Dear Lene Jensen")
    frame = page.frame_locator("iframe.mail-frame")
    expect(frame.get_by_role("link", name="Choose your password")).to_be_visible()
    assert_accessible(page, "the account invitation's preview")
