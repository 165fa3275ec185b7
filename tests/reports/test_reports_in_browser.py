"""The report pages in real Chromium on the demo data: axe-core finds no violations, the report's
filters work without JavaScript, and at a phone's width the page itself does not scroll sideways (the
table scrolls inside its focusable region).

Uses the e2e suite's live server and helpers. Its browser fixture holds Playwright's sync API on the
main thread for the whole session, so these checks drive a Playwright of their own on a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e import conftest as e2e

pytestmark = pytest.mark.e2e

live_server = e2e.live_server  # the fixture, for this module

CHAIR = "moedeleder@albertslund.example"
COORDINATOR = "koordinator@albertslund.example"
ADMIN = "admin@demo.example"
TABLE_REGION = "Fremdrift for hver deltager"


def in_browser(live_server: str, viewport: dict[str, int], check: Callable) -> None:
    """Run ``check(page)`` in a fresh Chromium on a worker thread; re-raise what it raised."""
    if not Path(e2e.CHROMIUM).is_file():
        e2e._no_browser(e2e.MISSING_CHROMIUM)
    failure: list[BaseException] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(
                    executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS
                )
                problems = e2e.BrowserProblems()
                context, page = e2e.new_page(chromium, live_server, problems, viewport)
                try:
                    check(page)
                finally:
                    context.close()
                    chromium.close()
                e2e._assert_no_problems(problems)
        except BaseException as error:
            failure.append(error)

    worker = threading.Thread(target=run, name="reports-browser")
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the browser check did not finish"
    if failure:
        raise failure[0]


def accessible(page, what: str) -> None:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    assert results.violations_count == 0, f"axe on {what}:\n{results.generate_report()}"


def open_first_group(page) -> None:
    page.goto("/ledergrupper")
    page.locator("table.data-table tbody th a").first.click()
    page.wait_for_url("**/ledergrupper/*")


@pytest.mark.parametrize("email", [CHAIR, COORDINATOR, ADMIN])
def test_group_pages_are_accessible(live_server, email):
    def check(page) -> None:
        e2e.sign_in(page, email)
        page.goto("/ledergrupper")
        accessible(page, f"the group list for {email}")
        open_first_group(page)
        assert page.get_by_role("region", name=TABLE_REGION).count() == 1
        accessible(page, f"a group dashboard for {email}")

    in_browser(live_server, e2e.DESKTOP, check)


@pytest.mark.parametrize("email", [COORDINATOR, ADMIN])
def test_report_is_accessible_and_filters_without_javascript(live_server, email):
    def check(page) -> None:
        e2e.sign_in(page, email)
        page.goto("/rapport")
        accessible(page, f"the report for {email}")
        group = "Ledergruppe Børn og unge"
        label = f"Albertslund: {group}" if email == ADMIN else group
        page.get_by_label("Ledergruppe", exact=True).select_option(label=label)
        page.get_by_role("button", name="Vis rapport").click()
        page.wait_for_url("**/rapport?*group=*")
        accessible(page, f"the filtered report for {email}")

    in_browser(live_server, e2e.DESKTOP, check)


def test_dashboard_at_phone_width(live_server):
    def check(page) -> None:
        e2e.sign_in(page, CHAIR)
        open_first_group(page)
        page.get_by_role("region", name=TABLE_REGION).focus()
        assert page.evaluate("document.activeElement.classList.contains('table-scroll')")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            "the page scrolls sideways at phone width"
        )
        accessible(page, "the group dashboard at phone width")

    in_browser(live_server, e2e.PHONE, check)
