"""axe-core on the accessibility statement and the privacy notice, reached through the footer,
signed out and signed in, in Danish and in English: no violations allowed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e

PAGES = (("Tilgængelighedserklæring", "**/tilgaengelighed"), ("Privatlivspolitik", "**/privatliv"))


def _follow_footer_links(page, when: str) -> None:
    start = page.url
    for name, url in PAGES:
        page.goto(start)
        page.locator("footer").get_by_role("link", name=name).click()
        page.wait_for_url(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        assert_accessible(page, f"{name} ({when})")


def test_legal_pages_signed_out(page):
    page.goto("/log-ind")
    _follow_footer_links(page, "signed out")


def test_legal_pages_signed_in(page):
    sign_in(page, "leder1@glostrup.example")
    _follow_footer_links(page, "signed in")


def test_legal_pages_in_english(page):
    page.goto("/privatliv")
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_url("**/privatliv")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    assert_accessible(page, "the privacy notice in English")
    page.locator("footer").get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    assert_accessible(page, "the accessibility statement in English")
