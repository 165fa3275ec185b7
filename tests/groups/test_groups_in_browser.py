"""Sharing and the group pages in real Chromium on the demo data, with axe-core on every page.

Lars and Louise lead in "Ledergruppe Børn og unge" (chaired by Mette); Peter leads in another group.
Lars shares an answer, Louise reads it and comments, Peter cannot reach it by link, and the chair writes
the meeting note and opens the printable sheet (printed without menus and buttons).

Uses the e2e suite's live server and helpers. Its browser fixture holds Playwright's sync API on the
main thread for the whole session, so these checks drive a Playwright of their own on a worker thread.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e import conftest as e2e

pytestmark = pytest.mark.e2e

live_server = e2e.live_server  # the fixture, for this module

LARS = "leder1@albertslund.example"
LOUISE = "leder2@albertslund.example"
PETER = "leder3@albertslund.example"
CHAIR = "moedeleder@albertslund.example"
MEETING = "Refleksioner i ledergruppen før workshop 1"
QUESTION = "ledergruppe-1-hvor-bor-digital-ledelse"
LARS_ANSWER = "Hos os bor digital ledelse stadig mest i IT-afdelingen – det vil jeg lave om på."
COMMENT = "Genkendeligt, Lars – sådan er det også hos os."
NOTE = "Vi tager spørgsmålet om ansvar med til workshoppen."


def in_browser(
    live_server: str, check: Callable, *, expected_console_errors: tuple[str, ...] = ()
) -> None:
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
                for fragment in expected_console_errors:
                    problems.expect_console_error(fragment)
                context, page = e2e.new_page(chromium, live_server, problems, e2e.DESKTOP)
                try:
                    check(page)
                finally:
                    context.close()
                    chromium.close()
                e2e._assert_no_problems(problems)
        except BaseException as error:
            failure.append(error)

    worker = threading.Thread(target=run, name="groups-browser")
    worker.start()
    worker.join(timeout=180)
    assert not worker.is_alive(), "the browser check did not finish"
    if failure:
        raise failure[0]


def accessible(page, what: str) -> None:
    page.wait_for_load_state("load")
    results = Axe().run(page)
    assert results.violations_count == 0, f"axe on {what}:\n{results.generate_report()}"


def test_share_read_comment_isolate_and_print(live_server):
    review_path: list[str] = []

    def lars_shares(page) -> None:
        from playwright.sync_api import expect

        e2e.sign_in(page, LARS)
        e2e.open_module_from_dashboard(page, MEETING)
        private = page.locator(f"#synlighed-{QUESTION}-privat")
        expect(private).to_be_checked()  # private by default
        accessible(page, "the module page with the sharing choice")
        page.locator(f"#svar-{QUESTION}").fill(LARS_ANSWER)
        page.get_by_label("Delt med min ledergruppe (med mit navn)").first.check()
        page.locator(f"#indsend-{QUESTION}").click()
        expect(page.locator(".flash-messages")).to_contain_text("Dit svar er indsendt.")
        expect(page.locator(".flash-messages")).to_contain_text("delt med din ledergruppe")
        expect(page.locator(f"#synlighed-{QUESTION}-delt")).to_be_checked()
        expect(page.locator(f"#blok-{QUESTION}")).to_contain_text(
            "Dit svar er delt med Ledergruppe Børn og unge med dit navn."
        )

    def louise_reads_and_comments(page) -> None:
        from playwright.sync_api import expect

        e2e.sign_in(page, LOUISE)
        nav = page.get_by_role("navigation", name="Hovedmenu")
        nav.get_by_role("link", name="Min ledergruppe").click()
        page.wait_for_url(re.compile(r"/grupper/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Ledergruppe Børn og unge")
        expect(page.locator(".readiness-list")).to_contain_text("har gennemført")
        accessible(page, "the group page")
        page.get_by_role("link", name="Se de delte svar").first.click()
        page.wait_for_url(re.compile(rf"/spoergsmaal/{QUESTION}$"))
        review_path.append(page.url)
        expect(page.locator(".shared-answer")).to_contain_text(LARS_ANSWER)
        expect(page.locator(".shared-answer h2")).to_have_text("Lars Larsen")
        accessible(page, "the review page")
        page.get_by_label("Skriv en kommentar til Lars Larsen").fill(COMMENT)
        page.get_by_role("button", name="Send kommentar").click()
        expect(page.locator(".comment")).to_contain_text(COMMENT)
        accessible(page, "the review page with a comment")

    def peter_cannot_reach_it(page) -> None:
        from playwright.sync_api import expect

        e2e.sign_in(page, PETER)
        response = page.goto(review_path[0])
        assert response is not None and response.status == 404
        expect(page.locator("main")).not_to_contain_text(LARS_ANSWER)
        expect(page.locator("main")).not_to_contain_text(COMMENT)

    def chair_writes_the_note_and_prints(page) -> None:
        from playwright.sync_api import expect

        e2e.sign_in(page, CHAIR)
        page.goto(review_path[0].split("/spoergsmaal/")[0])
        page.get_by_role("link", name="Åbn mødenoterne").first.click()
        accessible(page, "the meeting note form")
        page.get_by_label("Det tager vi med til workshoppen").fill(NOTE)
        page.get_by_role("button", name="Gem mødenoter").click()
        expect(page.locator(".flash-messages")).to_contain_text("Mødenoterne er gemt.")
        page.get_by_role("link", name="Mødeforberedelse til udskrift").click()
        expect(page.locator(".meeting-sheet")).to_contain_text(LARS_ANSWER)
        expect(page.locator(".meeting-sheet")).to_contain_text(NOTE)
        accessible(page, "the meeting sheet")
        page.emulate_media(media="print")
        expect(page.locator(".site-header")).to_be_hidden()
        expect(page.locator(".screen-only").first).to_be_hidden()
        expect(page.locator(".meeting-sheet h1")).to_be_visible()

    in_browser(live_server, lars_shares)
    in_browser(live_server, louise_reads_and_comments)
    in_browser(live_server, peter_cannot_reach_it, expected_console_errors=("status of 404",))
    in_browser(live_server, chair_writes_the_note_and_prints)
