"""axe-core on the authoring area's management pages, reached by links as an admin would."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.example"


def open_shipped_course(page) -> None:
    page.goto("/admin/")
    page.get_by_role("link", name="Digital ledelse", exact=True).click()
    page.wait_for_url("**/admin/kurser/*")


@pytest.mark.parametrize(
    ("link", "what"),
    [
        ("Læringsmål og dækning", "the goal coverage page"),
        ("Materialer (filer)", "the resources page"),
        ("Ændringslog for kurset", "the course's change log"),
    ],
)
def test_course_management_pages_are_accessible(page, link, what):
    sign_in_as(page, ADMIN)
    open_shipped_course(page)
    page.get_by_role("link", name=link).click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, what)


def test_course_upload_and_change_log_pages_are_accessible(page):
    sign_in_as(page, ADMIN)
    page.goto("/admin/")
    page.get_by_role("link", name="Indlæs kursusfiler (zip)").click()
    assert_accessible(page, "the course upload page")
    page.goto("/admin/")
    page.get_by_role("link", name="Ændringslog").click()
    expect(page.locator("main")).to_contain_text("digital-ledelse")  # the start-up import is logged
    assert_accessible(page, "the change log")


def test_goal_coverage_flags_goals_and_lists_content(page):
    sign_in_as(page, ADMIN)
    open_shipped_course(page)
    page.get_by_role("link", name="Læringsmål og dækning").click()
    # The shipped course tags every one of the seven goals, so none is flagged as uncovered.
    expect(page.locator("main")).not_to_contain_text("Intet indhold understøtter dette mål endnu")
    expect(page.locator("main")).to_contain_text(
        "har lyst og motivation til at arbejde med digital ledelse"
    )


def test_goal_forms_are_accessible(page):
    sign_in_as(page, ADMIN)
    open_shipped_course(page)
    page.get_by_role("link", name="Læringsmål og dækning").click()
    page.get_by_role("link", name="Opret et læringsmål").click()
    assert_accessible(page, "the new-goal form")
    page.go_back()
    page.locator("a", has_text="Vælg indhold").first.click()
    assert_accessible(page, "a goal's content tagging form")
    page.go_back()
    page.locator("a", has_text="Ret eller fjern målet").first.click()
    assert_accessible(page, "a goal's edit form")


def test_course_and_block_forms_are_accessible(page, browser_problems):
    browser_problems.expect_console_error("status of 400")  # the deliberately empty form
    sign_in_as(page, ADMIN)
    page.goto("/admin/")
    page.get_by_role("link", name="Opret kursus").click()
    assert_accessible(page, "the new-course form")
    page.get_by_role(
        "button", name="Gem"
    ).first.click()  # empty: the error summary and field errors
    assert_accessible(page, "the new-course form with errors")
    open_shipped_course(page)
    page.get_by_role("link", name="Ret kurset").click()
    assert_accessible(page, "the course edit form")
    open_shipped_course(page)
    course_url = page.url
    for label in ("Tekst", "Refleksionsspørgsmål", "Forberedelsesopgave", "Materiale"):
        page.goto(course_url)
        page.locator(".add-links").first.get_by_role("link", name=label, exact=True).click()
        assert_accessible(page, f"the new {label} block form")


def test_delete_confirmation_is_accessible(page):
    sign_in_as(page, ADMIN)
    open_shipped_course(page)
    page.locator("a", has_text="Slet").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page, "a delete confirmation")
