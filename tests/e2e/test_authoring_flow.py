"""Issue 3's acceptance in real Chromium: an admin builds a module with a film and two reflection
questions and publishes it; a leader answers; the admin edits the lesson text; the answer stays.
axe-core checks every authoring page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, open_module_from_dashboard, sign_in_as

pytestmark = pytest.mark.e2e

ADMIN = "admin@demo.example"
LEADER = "leder1@albertslund.example"
MODULE = "Digital ledelse i praksis"
LESSON = "Film og refleksion om data"
ANSWER = "Vi bruger data fra borgerservice til at planlægge bemanding."


def _save(page) -> None:
    page.get_by_role("button", name="Gem", exact=True).click()


def test_admin_builds_and_edits_a_module_and_the_leaders_answer_stays(page, browser_problems):
    sign_in_as(page, ADMIN)
    page.goto("/admin/")
    assert_accessible(page, "the admin course list")
    page.get_by_role("link", name="Digital ledelse", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Digital ledelse")
    assert_accessible(page, "the course outline")

    # a module, rejected once (no title) so the error page is checked too
    browser_problems.expect_console_error("status of 400")
    page.get_by_role("link", name="Tilføj modul").click()
    page.get_by_label("Introduktion").fill("Om at **lede** med data.")
    _save(page)
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Introduktion")).to_have_value("Om at **lede** med data.")
    assert_accessible(page, "the module form with an error")
    page.get_by_label("Titel").fill(MODULE)
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator(".preview-box strong")).to_have_text("lede")
    assert_accessible(page, "the module form with a Markdown preview")
    _save(page)
    expect(page.locator(".flash-messages")).to_contain_text("Modulet er oprettet som kladde.")

    module = page.locator(".outline-module").filter(has_text=MODULE)
    module.get_by_role("link", name=re.compile("Tilføj lektion")).click()
    page.get_by_label("Titel").fill(LESSON)
    page.get_by_label("Introduktion").fill("Se filmen først.")
    _save(page)
    lesson = page.locator(".outline-lesson").filter(has_text=LESSON)

    lesson.locator(".add-links").get_by_role("link", name="Film", exact=True).click()
    page.get_by_label("Titel").fill("Film om data")
    page.get_by_label("Adresse (URL)").fill("https://vimeo.com/76979871")
    page.get_by_label("Varighed i minutter").fill("12")
    page.get_by_label("Kapitler").fill("00:00 Indledning\n05:30 Eksempler")
    assert_accessible(page, "the video block form")
    _save(page)
    for prompt in ("Hvilke data bruger du i dag?", "Hvad vil du prøve næste gang?"):
        lesson.locator(".add-links").get_by_role(
            "link", name="Refleksionsspørgsmål", exact=True
        ).click()
        expect(page.get_by_label("Skal besvares, før lektionen er færdig")).to_be_checked()
        page.get_by_label("Spørgsmål").fill(prompt)
        _save(page)
        expect(page.locator(".flash-messages")).to_contain_text("Blokken er oprettet.")

    lesson.get_by_role("button", name=re.compile("^Offentliggør")).click()
    module.get_by_role("button", name=re.compile("^Offentliggør")).first.click()
    expect(module.locator(".outline-row").first.locator(".badge")).to_have_text("Offentliggjort")
    assert_accessible(page, "the course outline with the new module")

    module.get_by_role("link", name=re.compile("Forhåndsvis som deltager")).click()
    expect(page.locator(".preview-banner")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE)
    expect(page.locator("textarea").first).to_be_disabled()
    assert_accessible(page, "the preview as leader")

    # the leader sees it and answers
    sign_in_as(page, LEADER)
    open_module_from_dashboard(page, MODULE)
    expect(page.get_by_text("Se filmen først.")).to_be_visible()
    question = page.locator(".block-question").first
    question.locator("textarea").fill(ANSWER)
    question.get_by_role("button", name="Indsend").click()
    expect(page.locator(".flash-messages")).to_contain_text("Dit svar er indsendt.")
    module_url = page.url.split("#")[0]

    # the admin edits the lesson text
    sign_in_as(page, ADMIN)
    page.goto("/admin/")
    page.get_by_role("link", name="Digital ledelse", exact=True).click()
    page.get_by_role("link", name=LESSON, exact=True).click()
    expect(page.locator(".alert")).to_contain_text("Lektionen er offentliggjort")
    assert_accessible(page, "the lesson form of a published lesson")
    page.get_by_label("Introduktion").fill("Se filmen, og læs så teksten.")
    _save(page)
    expect(page.locator(".flash-messages")).to_contain_text("Lektionen er gemt.")

    # retiring an answered question asks first
    page.locator(".outline-block").filter(has_text="Hvilke data bruger du i dag?").get_by_role(
        "link", name=re.compile("^Udfas")
    ).click()
    expect(page.get_by_text("Der er 1 svar")).to_be_visible()
    assert_accessible(page, "the retire confirmation")
    page.get_by_role("link", name="Annullér").click()

    # the leader's answer is still there, under the new text
    sign_in_as(page, LEADER)
    page.goto(module_url)
    expect(page.get_by_text("Se filmen, og læs så teksten.")).to_be_visible()
    expect(page.locator(".block-question").first.locator("textarea")).to_have_value(ANSWER)
