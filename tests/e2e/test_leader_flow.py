"""The leader's path in real Chromium: sign in, watch (placeholder) film, answer, complete, come back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, open_module_from_dashboard, sign_in

pytestmark = pytest.mark.e2e

FILM_1 = "Film 1: Anja Pors"
LESSON = "film-1-anja-pors"
REQUIRED_QUESTIONS = {
    "film-1-refleksion-1": "Digital ledelse er for mig at sætte retning for, hvordan vi bruger IT.",
    "film-1-refleksion-2": "I dag bor den mest i IT-afdelingen, men den burde bo i ledergruppen.",
}


def _progress_value(page) -> int:
    return int(page.locator("progress.progress-bar").first.get_attribute("value"))


def test_leader_answers_completes_a_lesson_and_finds_the_answer_again(page):
    sign_in(page, "leder1@albertslund.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit forløb")
    assert _progress_value(page) == 0

    open_module_from_dashboard(page, FILM_1)
    expect(page.get_by_role("heading", level=1)).to_have_text(FILM_1)
    placeholder = page.locator(f"#lektion-{LESSON} .video-placeholder")
    expect(placeholder).to_be_visible()
    expect(placeholder).to_contain_text("Filmen er ikke lagt ind på platformen endnu")
    assert page.locator("iframe").count() == 0

    for block_key, text in REQUIRED_QUESTIONS.items():
        page.locator(f"#svar-{block_key}").fill(text)
        page.locator(f"#indsend-{block_key}").click()
        expect(page.locator(".flash-messages")).to_contain_text("Dit svar er indsendt.")
        expect(page.locator(f"#svar-{block_key}")).to_have_value(text)

    lesson = page.locator(f"#lektion-{LESSON}")
    lesson.get_by_role("button", name="Markér som færdig").click()
    expect(page.locator(".flash-messages")).to_contain_text("Lektionen er markeret som færdig.")
    expect(lesson.locator(".lesson-footer")).to_contain_text("Du har gennemført lektionen.")

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Mit forløb").click()
    page.wait_for_url("**/mit-forloeb")
    assert _progress_value(page) > 0
    module_item = page.locator(".module-item").filter(
        has=page.get_by_role("link", name=FILM_1, exact=True)
    )
    expect(module_item.locator(".badge")).to_have_text("I gang")

    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/log-ind")
    expect(page.locator(".flash-messages")).to_contain_text("Du er logget ud.")
    page.goto("/mit-forloeb")
    expect(page).to_have_url(re.compile(r"/log-ind"))

    sign_in(page, "leder1@albertslund.example")
    open_module_from_dashboard(page, FILM_1)
    for block_key, text in REQUIRED_QUESTIONS.items():
        expect(page.locator(f"#svar-{block_key}")).to_have_value(text)


def test_rejected_answers_keep_the_typed_text(page, browser_problems):
    # The server answers a rejected form with 400, which Chromium logs to the console.
    browser_problems.expect_console_error("status of 400")
    block_key = "film-1-refleksion-1"
    sign_in(page, "leder4@albertslund.example")
    open_module_from_dashboard(page, FILM_1)

    page.locator(f"#indsend-{block_key}").click()
    error = page.locator(f"#{block_key}-fejl")
    expect(error).to_have_text("Skriv dit svar, før du indsender det.")
    field = page.locator(f"#svar-{block_key}")
    # The page comes back at the question, not at the top: the leader sees the error at once.
    expect(field).to_be_focused()
    expect(error).to_be_in_viewport()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", f"{block_key}-hint {block_key}-fejl")

    too_long = "Mange tanker. " * 1500  # 21.000 characters, over the 20.000 limit
    field.fill(too_long)
    page.locator(f"#indsend-{block_key}").click()
    expect(error).to_contain_text("Dit svar er for langt")
    expect(field).to_be_focused()
    assert field.input_value() == too_long.replace("\r\n", "\n")


def test_keyboard_only_skip_link_and_sign_in(page):
    page.goto("/log-ind")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert "skip-link" in focused, f"first Tab stop is {focused!r}, not the skip link"
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("leder2@albertslund.example")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Log ind")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/mit-forloeb")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit forløb")


def _assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal scroll at phone width: {widths}"


def test_phone_width_has_no_horizontal_scroll(phone_page):
    page = phone_page
    sign_in(page, "leder3@albertslund.example")
    _assert_no_horizontal_scroll(page)
    open_module_from_dashboard(page, FILM_1)
    expect(page.get_by_role("heading", level=1)).to_have_text(FILM_1)
    _assert_no_horizontal_scroll(page)
