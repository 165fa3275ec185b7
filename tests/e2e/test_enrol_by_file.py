"""Enrolling by CSV file from a round, in real Chromium with axe-core: the coordinator follows
"Tilmeld med CSV-fil" from the round's participants, the import page has the round chosen, the
preview says what will happen, and the result says who was enrolled. "Udsendelser" is checked too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

COORDINATOR = "koordinator@albertslund.example"
CSV = (
    "name;email;organisation;area;group;role\r\n"
    "Nina Ny;nina.ny@albertslund.example;Albertslund;Børn og unge;Ledergruppe Børn og unge;leader\r\n"
    "Lars Larsen;leder1@albertslund.example;Albertslund;Børn og unge;Ledergruppe Børn og unge;\r\n"
)


def test_a_coordinator_enrols_a_file_into_her_round(page):
    sign_in_as(page, COORDINATOR)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Forløb", exact=True
    ).click()
    page.wait_for_url("**/forloeb")
    page.locator("main table").get_by_role("rowheader").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r".*/forloeb/\d+$"))
    round_name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Tilmeld med CSV-fil").click()
    page.wait_for_url("**/deltagere/import?forloeb=*")
    expect(page.get_by_label("Tilmeld forløb")).to_have_value(re.compile(r"\d+"))
    assert_accessible(page, "the people import with a round chosen")

    page.get_by_label("CSV-fil med deltagere").set_input_files(
        files=[{"name": "deltagere.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.get_by_role("button", name="Vis hvad der vil ske").click()
    expect(page.locator("main")).to_contain_text(round_name)
    assert_accessible(page, "the import preview with enrolment")
    page.get_by_role("button", name="Gennemfør import").click()
    expect(page.locator("main")).to_contain_text("1 ny tilmelding")
    expect(page.locator("main")).to_contain_text("1 var allerede tilmeldt")
    assert_accessible(page, "the import result")

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Udsendelser").click()
    page.wait_for_url("**/rapport/udsendelser*")
    expect(
        page.get_by_role("heading", level=2, name="Planlagte e-mails om kick-off og ledermøder")
    ).to_be_visible()
    assert_accessible(page, "Udsendelser")
