"""A home for every role (issue 11, point 2), in real Chromium on the demo data with axe-core.

Each demo person signs in and lands on her home: a leader on "Mit forløb", the facilitator on her
group, a coordinator on her organisation's overview, the platform admin on the admin home, and the
chair who is also a leader on one page with both. Nobody with a role reads "Du er ikke tilmeldt".
The facilitator then reaches a meeting note by clicking through the menu, as she would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from course_app.demo import PEOPLE
from tests.e2e.conftest import assert_accessible, sign_in_as

pytestmark = pytest.mark.e2e

FACILITATOR = "facilitator@demo.example"
CHAIR = "moedeleder@albertslund.example"
GROUP = "Ledergruppe Børn og unge"
MEETING = "Refleksioner i ledergruppen før workshop 1"
NOT_ENROLLED = "Du er ikke tilmeldt"

# e-mail → (the address she lands on, the page's heading)
STAFF_HOMES = {
    "admin@demo.example": (r"/admin/$", "Kurser"),
    "koordinator@albertslund.example": (r"/organisationer/\d+$", "Overblik over Albertslund"),
    "koordinator@glostrup.example": (r"/organisationer/\d+$", "Overblik over Glostrup"),
    FACILITATOR: (r"/ledergrupper/\d+$", GROUP),
    CHAIR: (r"/forside$", "Forside"),
    "supporter@demo.example": (r"/servicetjek/tider$", "Dine tider i forløbene"),
}
LEADER_HOME = (r"/mit-forloeb$", "Mit forløb")


def _menu(page):
    return page.get_by_role("navigation", name="Hovedmenu")


def test_each_demo_person_lands_on_her_home(page):
    checked_leader_page = False
    for person in PEOPLE:
        address, heading = STAFF_HOMES.get(person.email, LEADER_HOME)
        sign_in_as(page, person.email)
        expect(page).to_have_url(re.compile(address))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator("main")).not_to_contain_text(NOT_ENROLLED)
        if person.email in STAFF_HOMES:
            # staff who take part in no round have no "Mit forløb" in the menu
            has_own_course = person.email == CHAIR
            expect(_menu(page).get_by_role("link", name="Mit forløb")).to_have_count(
                1 if has_own_course else 0
            )
            assert_accessible(page, f"the home of {person.role_label}")
        elif not checked_leader_page:
            assert_accessible(page, "a leader's home")
            checked_leader_page = True
        # The site name leads back to the same home.
        page.locator("header a[href='/']").first.click()
        expect(page).to_have_url(re.compile(address))


def test_the_chair_who_is_also_a_leader_has_both_on_one_page(page):
    sign_in_as(page, CHAIR)
    expect(page).to_have_url(re.compile(r"/forside$"))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=2, name="Mit forløb")).to_be_visible()
    expect(main.get_by_role("heading", level=2, name="Dine ledergrupper")).to_be_visible()
    expect(main.locator("progress")).to_have_count(1)  # her own progress in the demo round
    main.get_by_role("link", name=GROUP).click()
    page.wait_for_url(re.compile(r"/grupper/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(GROUP)


def test_the_coordinator_finds_her_rounds_on_her_overview(page):
    sign_in_as(page, "koordinator@albertslund.example")
    table = page.get_by_role("table", name="Forløb, nyeste start først")
    row = table.get_by_role("row").filter(has_text="Digital ledelse – demohold")
    expect(row.locator("td.numeric")).to_have_text("5")  # Albertslund's five leaders
    row.get_by_role("link", name="Deltagere i Digital ledelse – demohold").click()
    page.wait_for_url(re.compile(r"/forloeb/\d+/deltagere$"))
    expect(page.locator("main")).to_contain_text("Lars Larsen")
    expect(page.locator("main")).not_to_contain_text("Jens Jensen")  # Glostrup's leader


def test_the_facilitator_reaches_a_meeting_note_through_the_menu(page):
    sign_in_as(page, FACILITATOR)
    _menu(page).get_by_role("link", name="Ledergrupper").click()
    page.wait_for_url(re.compile(r"/ledergrupper$"))
    page.get_by_role("link", name=GROUP).click()
    page.wait_for_url(re.compile(r"/ledergrupper/\d+$"))
    meetings = page.get_by_role("region", name="Ledermøder")
    meetings.get_by_role("link", name=f"Mødenoter: {MEETING}").click()
    page.wait_for_url(re.compile(r"/grupper/\d+/moeder/[\w-]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Mødenoter: {MEETING}")
    expect(page.locator("main")).to_contain_text("Mødelederen har ikke skrevet mødenoter")
    assert_accessible(page, "a meeting note for the facilitator")
    # and back to the group through the breadcrumb
    page.get_by_role("navigation", name="Brødkrummesti").get_by_role("link", name=GROUP).click()
    page.wait_for_url(re.compile(r"/ledergrupper/\d+$"))
