"""Sharing and the group pages in real Chromium on the demo data, with axe-core on every page.

Lars and Louise lead in "Ledergruppe Børn og unge" (chaired by Mette); Peter leads in another group.
Lars shares an answer, Louise reads it and comments, Peter cannot reach it by link, and the chair writes
the meeting note and opens the printable sheet (printed without menus and buttons).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, open_module_from_dashboard, sign_in_as

pytestmark = pytest.mark.e2e

LARS = "leder1@albertslund.example"
LOUISE = "leder2@albertslund.example"
PETER = "leder3@albertslund.example"
CHAIR = "moedeleder@albertslund.example"
MEETING = "Refleksioner i ledergruppen før workshop 1"
QUESTION = "ledergruppe-1-hvor-bor-digital-ledelse"
LARS_ANSWER = "Hos os bor digital ledelse stadig mest i IT-afdelingen – det vil jeg lave om på."
COMMENT = "Genkendeligt, Lars – sådan er det også hos os."
NOTE = "Vi tager spørgsmålet om ansvar med til workshoppen."


def test_share_read_comment_isolate_and_print(page, browser_problems):
    # Lars shares his answer with the group.
    sign_in_as(page, LARS)
    open_module_from_dashboard(page, MEETING)
    expect(page.locator(f"#synlighed-{QUESTION}-privat")).to_be_checked()  # private by default
    assert_accessible(page, "the module page with the sharing choice")
    page.locator(f"#svar-{QUESTION}").fill(LARS_ANSWER)
    page.get_by_label("Delt med min ledergruppe (med mit navn)").first.check()
    page.locator(f"#indsend-{QUESTION}").click()
    expect(page.locator(".flash-messages")).to_contain_text("Dit svar er indsendt.")
    expect(page.locator(".flash-messages")).to_contain_text("delt med din ledergruppe")
    expect(page.locator(f"#synlighed-{QUESTION}-delt")).to_be_checked()
    expect(page.locator(f"#blok-{QUESTION}")).to_contain_text(
        "Dit svar er delt med Ledergruppe Børn og unge med dit navn."
    )

    # Louise finds it through her group page and comments.
    sign_in_as(page, LOUISE)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Min ledergruppe"
    ).click()
    page.wait_for_url(re.compile(r"/grupper/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ledergruppe Børn og unge")
    expect(page.locator(".readiness-list")).to_contain_text("har gennemført")
    assert_accessible(page, "the group page")
    page.get_by_role("link", name="Se de delte svar").first.click()
    page.wait_for_url(re.compile(rf"/spoergsmaal/{QUESTION}$"))
    review_url = page.url
    expect(page.locator(".shared-answer")).to_contain_text(LARS_ANSWER)
    expect(page.locator(".shared-answer h2")).to_have_text("Lars Larsen")
    assert_accessible(page, "the review page")
    page.get_by_label("Skriv en kommentar til Lars Larsen").fill(COMMENT)
    page.get_by_role("button", name="Send kommentar").click()
    expect(page.locator(".comment")).to_contain_text(COMMENT)
    assert_accessible(page, "the review page with a comment")

    # Peter, in another group, cannot reach it by link.
    sign_in_as(page, PETER)
    browser_problems.expect_console_error("status of 404")
    response = page.goto(review_url)
    assert response is not None and response.status == 404
    expect(page.locator("main")).not_to_contain_text(LARS_ANSWER)
    expect(page.locator("main")).not_to_contain_text(COMMENT)

    # The chair sees Lars's progress in the group dashboard …
    sign_in_as(page, CHAIR)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Ledergrupper"
    ).click()
    page.get_by_role("link", name="Ledergruppe Børn og unge").click()
    lars_row = page.locator("tr", has=page.get_by_role("rowheader", name="Lars Larsen"))
    expect(lars_row).to_contain_text("I gang")
    assert_accessible(page, "the group dashboard")

    # … writes the meeting note and prints the preparation sheet.
    page.goto(review_url.split("/spoergsmaal/")[0])
    page.get_by_role("link", name="Åbn mødenoterne").first.click()
    assert_accessible(page, "the meeting note form")
    page.get_by_label("Det tager vi med til workshoppen").fill(NOTE)
    page.get_by_role("button", name="Gem mødenoter").click()
    expect(page.locator(".flash-messages")).to_contain_text("Mødenoterne er gemt.")
    page.get_by_role("link", name="Mødeforberedelse til udskrift").click()
    expect(page.locator(".meeting-sheet")).to_contain_text(LARS_ANSWER)
    expect(page.locator(".meeting-sheet")).to_contain_text(NOTE)
    assert_accessible(page, "the meeting sheet")
    page.emulate_media(media="print")
    for screen_only in (".site-header", ".site-footer", ".skip-link", ".screen-only", ".button"):
        expect(page.locator(screen_only).first).to_be_hidden()
    expect(page.locator(".meeting-sheet h1")).to_be_visible()
    expect(page.locator(".sheet-answer").filter(has_text=LARS_ANSWER)).to_be_visible()
    # DKFDS's colours and fonts do not break printing: Chromium prints the sheet to a PDF
    assert page.pdf(format="A4").startswith(b"%PDF")
