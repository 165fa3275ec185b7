"""GDPR in the browser: a leader downloads all her data from "Min konto" (a real download, its zip
read back), and a platform admin anonymises a person from a round's participants page, through the
confirmation page with its box; both pages pass axe-core."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from tests.e2e.conftest import assert_accessible, sign_in, sign_in_as

pytestmark = pytest.mark.e2e


def test_leader_downloads_all_her_data(page):
    sign_in(page, "leder1@albertslund.example")
    page.goto("/konto")
    assert_accessible(page, "Min konto")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Hent alle mine data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("mine-data-")
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
        assert sorted(archive.namelist()) == ["persondata.html", "persondata.json"]
        data = json.loads(archive.read("persondata.json"))
        html = archive.read("persondata.html").decode()
    assert data["person"][0]["email"] == "leder1@albertslund.example"
    assert data["enrolments"] and "password_hash" not in data["person"][0]
    assert "Lars Larsen" in html and "Louise Lund" not in html


def test_admin_anonymises_a_person(page, browser_problems):
    sign_in_as(page, "admin@demo.example")
    page.goto("/forloeb")
    page.locator("main").get_by_role("link").filter(has_text="Digital").first.click()
    page.get_by_role("link", name="Se deltagerne").click()
    page.wait_for_url("**/deltagere*")
    page.get_by_role("link", name="Slet persondata (Peter Poulsen)").click()
    page.wait_for_url("**/slet-data**")
    assert page.get_by_role("heading", name="Slet en persons data").is_visible()
    assert_accessible(page, "the erasure's confirmation page")
    browser_problems.expect_console_error("status of 400")  # the form without the box: 400
    page.get_by_role("button", name="Slet personens data").click()
    assert page.locator(".error-summary").is_visible()  # the box was not ticked
    assert_accessible(page, "the confirmation page with its error")
    page.get_by_label("Jeg forstår").check()
    page.get_by_role("button", name="Slet personens data").click()
    page.wait_for_url("**/deltagere*")
    assert page.get_by_text("Personens data er slettet").is_visible()
    assert page.get_by_text("Peter Poulsen").count() == 0
    assert page.get_by_text("Slettet person").count() >= 1
