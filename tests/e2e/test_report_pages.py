"""The report pages in real Chromium on the demo data: axe-core finds no violations, the report's
filters work without JavaScript, and at a phone's width the page itself does not scroll sideways (the
table scrolls inside its focusable region)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

CHAIR = "moedeleder@albertslund.example"
COORDINATOR = "koordinator@albertslund.example"
ADMIN = "admin@demo.example"
TABLE_REGION = "Fremdrift for hver deltager"


def open_first_group(page) -> None:
    page.goto("/ledergrupper")
    page.locator("table.data-table tbody th a").first.click()
    page.wait_for_url("**/ledergrupper/*")


@pytest.mark.parametrize("email", [CHAIR, COORDINATOR, ADMIN])
def test_group_pages_are_accessible(page, email):
    sign_in_as(page, email)
    page.goto("/ledergrupper")
    assert_accessible(page, f"the group list for {email}")
    open_first_group(page)
    assert page.get_by_role("region", name=TABLE_REGION).count() == 1
    assert_accessible(page, f"a group dashboard for {email}")


@pytest.mark.parametrize("email", [COORDINATOR, ADMIN])
def test_report_is_accessible_and_filters_without_javascript(page, email):
    sign_in_as(page, email)
    page.goto("/rapport")
    assert_accessible(page, f"the report for {email}")
    group = "Ledergruppe Børn og unge"
    label = f"Albertslund: {group}" if email == ADMIN else group
    page.get_by_label("Ledergruppe", exact=True).select_option(label=label)
    page.get_by_role("button", name="Vis rapport").click()
    page.wait_for_url("**/rapport?*group=*")
    assert_accessible(page, f"the filtered report for {email}")


def test_dashboard_at_phone_width(phone_page):
    page = phone_page
    sign_in_as(page, CHAIR)
    open_first_group(page)
    page.get_by_role("region", name=TABLE_REGION).focus()
    assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways at phone width"
    )
    assert_accessible(page, "the group dashboard at phone width")
