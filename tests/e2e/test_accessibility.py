"""axe-core on the leader's pages, in Danish and in English: no violations allowed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, open_module_from_dashboard, sign_in

pytestmark = pytest.mark.e2e

FILM_1 = "Film 1: Anja Pors"
LEDERGRUPPE_1 = "Refleksioner i ledergruppen før workshop 1"


def test_sign_in_page(page, browser_problems):
    page.goto("/log-ind")
    expect(page.locator("html")).to_have_attribute("lang", "da")
    assert_accessible(page, "the sign-in page")

    browser_problems.expect_console_error("status of 400")
    page.get_by_label("E-mail").fill("leder1@glostrup.example")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator("#password-fejl")).to_be_visible()
    assert_accessible(page, "the sign-in page with an error")


def test_dashboard_and_module_pages_in_danish(page, browser_problems):
    sign_in(page, "leder1@glostrup.example")
    assert_accessible(page, "Mit forløb")

    open_module_from_dashboard(page, FILM_1)
    assert_accessible(page, "the film-1 module page")

    browser_problems.expect_console_error("status of 400")
    page.locator("#indsend-film-1-refleksion-1").click()
    expect(page.locator("#film-1-refleksion-1-fejl")).to_be_visible()
    assert_accessible(page, "the film-1 module page with a rejected answer")

    open_module_from_dashboard(page, LEDERGRUPPE_1)
    assert_accessible(page, "the ledergruppe-1 (group) module page")


def test_pages_after_switching_to_english(page):
    sign_in(page, "leder2@glostrup.example")
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_url("**/mit-forloeb")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "the dashboard in English")

    open_module_from_dashboard(page, FILM_1)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "the film-1 module page in English")


def test_competence_wheel_pages_in_english(page):
    """The competence wheel's overview and a measurement's intro, after switching to English."""
    sign_in(page, "leder4@glostrup.example")
    page.locator("#language-select").select_option("en")
    page.locator(".language-form button[type=submit]").click()
    page.wait_for_url("**/mit-forloeb")
    page.goto("/kompetencehjul")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "the competence wheel overview in English")

    page.locator("main").get_by_role("link", name=re.compile(r"^Start\b")).first.click()
    page.wait_for_url(re.compile(r"/kompetencehjul/\d+/start$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page, "the start measurement's intro in English")
