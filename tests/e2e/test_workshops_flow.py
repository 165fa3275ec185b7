"""Issue 13's acceptance test for the joint workshops, in real Chromium at a phone's width with
axe-core on every workshop page: Albertslund's coordinator maps corresponding areas from the
navigation and assigns the facilitator; ten leaders from each municipality say "Jeg kommer" (one
of each through the form, the rest through the service); the facilitator makes a proposal,
publishes it, moves a person (the broken rule is named, the person marked "flyttet") and publishes
again despite the rule; a Glostrup leader sees her table and her Albertslund table mates with their
areas, and every page about another Albertslund person is 404 to her. The run sheet prints without
the navigation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import delete, select

from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core import clock
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.models import Area, LeaderGroup, Organisation
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops import signups
from course_app.workshops.models import (
    AreaCorrespondence,
    TableSeat,
    WorkshopFacilitator,
    WorkshopSettings,
    WorkshopSignup,
)
from tests.e2e.conftest import (
    PASSWORD,
    PHONE,
    assert_accessible,
    assert_no_problems,
    demo_app,
    new_page,
    serving,
    sign_in_as,
)

pytestmark = pytest.mark.e2e

COORDINATOR = "koordinator@albertslund.example"  # Karin Kristensen
FACILITATOR = "facilitator@demo.example"  # Frida Friis: the facilitator role, no organisation
HANNE = "leder2@glostrup.example"  # Hanne Holm, Glostrup: answers through the form
LOUISE = "leder2@albertslund.example"  # Louise Lund, Albertslund: answers through the form
WORKSHOP = "Fælles workshop 1"

# Ten leaders from each municipality come: the demo's leaders and these (name, area, group).
NEW_LEADERS = {
    "Albertslund": [
        ("Anja Aagaard", "Børn og unge", "Ledergruppe Børn og unge"),
        ("Bo Bertelsen", "Social og sundhed", "Ledergruppe Social og sundhed"),
        ("Camilla Clausen", "By, kultur og miljø", "Ledergruppe Social og sundhed"),
        ("Dennis Dahl", "Social og sundhed", "Ledergruppe Social og sundhed"),
        ("Eva Eriksen", "Børn og unge", "Ledergruppe Børn og unge"),
    ],
    "Glostrup": [
        ("Frederik Fog", "Børn og skole", "Ledergruppe Børn og skole"),
        ("Gitte Gram", "Sundhed og omsorg", "Ledergruppe Sundhed og omsorg"),
        ("Henrik Hald", "Teknik og miljø", "Ledergruppe Sundhed og omsorg"),
        ("Ida Iversen", "Børn og skole", "Ledergruppe Børn og skole"),
        ("Jonas Juhl", "Sundhed og omsorg", "Ledergruppe Sundhed og omsorg"),
        ("Karen Kjær", "Børn og skole", "Ledergruppe Børn og skole"),
    ],
}


@dataclass
class Served:
    app: Flask
    url: str
    cohort_id: int
    event_id: int


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory) -> Iterator[Served]:
    """The demo world with its calendar (workshop 1 three weeks ahead) and eleven more leaders."""
    app = demo_app(database_factory, tmp_path_factory, plan_events=True)
    with app.app_context():
        cohort = db.session.scalar(
            select(Cohort).where(Cohort.name == "Digital ledelse – demohold")
        )
        event = db.session.scalar(
            select(Event).where(
                Event.cohort_id == cohort.id, Event.kind == EventKind.WORKSHOP, Event.number == 1
            )
        )
        for organisation_name, people in NEW_LEADERS.items():
            organisation = db.session.scalar(
                select(Organisation).where(Organisation.name == organisation_name)
            )
            for number, (name, area_name, group_name) in enumerate(people, start=1):
                area = db.session.scalar(
                    select(Area).where(
                        Area.organisation_id == organisation.id, Area.name == area_name
                    )
                )
                group = db.session.scalar(select(LeaderGroup).where(LeaderGroup.name == group_name))
                user = accounts.create_user(
                    email=f"ws{number}@{organisation_name.lower()}.example",
                    name=name,
                    password=PASSWORD,
                    organisation_id=organisation.id,
                    area_id=area.id,
                )
                directory.move_to_group(user, group)
                cohorts.enrol(user, cohort)
        # Before anyone prepares the workshop: no area map, facilitator, answers or plan, whatever
        # the demo has made of them.
        db.session.execute(delete(AreaCorrespondence))
        for model in (WorkshopFacilitator, WorkshopSignup, TableSeat, WorkshopSettings):
            db.session.execute(delete(model).where(model.event_id == event.id))
        db.session.commit()
        ids = (cohort.id, event.id)
    with serving(app) as url:
        yield Served(app, url, *ids)


@pytest.fixture(scope="module")
def live_server(served: Served) -> str:
    return served.url


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=name, exact=True
    ).click()


def _answer_through_the_form(page, email: str) -> None:
    sign_in_as(page, email)
    _menu(page, "Workshops")
    page.wait_for_url("**/workshops")
    assert_accessible(page, "the workshop list (leader)")
    page.get_by_role("link", name=WORKSHOP).click()
    page.wait_for_url(re.compile(r"/workshops/\d+$"))
    expect(page.locator(".workshop-signup")).to_contain_text("Du har ikke svaret endnu.")
    assert_accessible(page, "the workshop page before answering")
    page.get_by_label("Jeg kommer", exact=True).check()
    page.get_by_role("button", name="Gem mit svar").click()
    expect(page.locator(".flash-messages")).to_contain_text("Du er meldt til workshoppen.")
    expect(page.locator(".workshop-signup")).to_contain_text("Dit svar: Jeg kommer")
    expect(page.locator("#dit-bord + p")).to_contain_text("Bordplanen er ikke klar endnu")


def _everyone_else_comes(served: Served) -> None:
    """The other leaders of the round answer "kommer" through the service (the form is the same)."""
    with served.app.app_context():
        event = db.session.get(Event, served.event_id)
        leaders = db.session.scalars(
            select(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(Enrolment.cohort_id == served.cohort_id, User.email.not_in([HANNE, LOUISE]))
        ).all()
        assert len(leaders) == 18
        for leader in leaders:
            signups.answer(event, leader, True, clock.now())
        db.session.commit()


def _seats(served: Served) -> dict[str, tuple[int, str]]:
    """Name → (published table, organisation) of everyone seated."""
    return {name: (table, org) for name, (table, org, _area) in _seated(served).items()}


def _seated(served: Served) -> dict[str, tuple[int, str, str]]:
    """Name → (published table, organisation, area) of everyone seated."""
    with served.app.app_context():
        rows = db.session.execute(
            select(User.name, TableSeat.published_table, Organisation.name, Area.name)
            .join(TableSeat, TableSeat.user_id == User.id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .join(Area, Area.id == User.area_id)
            .where(TableSeat.event_id == served.event_id)
        ).all()
        return {name: (table, org, area) for name, table, org, area in rows}


def _table_card(page, number: int):
    return page.locator(".table-card", has=page.get_by_role("heading", name=f"Bord {number}"))


def test_workshop_from_areas_to_table_mates(browser, served, browser_problems):
    context, page = new_page(browser, served.url, browser_problems, PHONE)
    try:
        _run(page, served, browser_problems)
    finally:
        context.close()
    assert_no_problems(browser_problems)


def _run(page, served: Served, browser_problems) -> None:
    workshop_path = f"/workshops/{served.event_id}"

    # Albertslund's coordinator maps two corresponding areas from the navigation.
    sign_in_as(page, COORDINATOR)
    _menu(page, "Workshops")
    page.wait_for_url("**/workshops")
    assert_accessible(page, "the workshop list (coordinator)")
    page.get_by_role("link", name="Tilsvarende områder").click()
    page.wait_for_url("**/workshops/omraader")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tilsvarende områder")
    assert_accessible(page, "the area map")
    for own, other in (
        ("Børn og unge", "Børn og skole"),
        ("Social og sundhed", "Sundhed og omsorg"),
        ("By, kultur og miljø", "Teknik og miljø"),
    ):
        page.get_by_label("Område", exact=True).select_option(label=own)
        page.get_by_label("Tilsvarende område", exact=True).select_option(label=other)
        page.get_by_role("button", name="Kobl områderne").click()
        expect(page.locator(".flash-messages")).to_contain_text("koblet som tilsvarende områder")
    albertslund = page.get_by_role("table", name=re.compile("Områder i Albertslund"))
    expect(albertslund.get_by_role("row", name=re.compile("^Børn og unge"))).to_contain_text(
        "Glostrup: Børn og skole"
    )
    glostrup = page.get_by_role("table", name=re.compile("Områder i Glostrup"))
    expect(glostrup.get_by_role("row", name=re.compile("^Sundhed og omsorg"))).to_contain_text(
        "Albertslund: Social og sundhed"
    )
    # One pair was a mistake: she removes it.
    glostrup.get_by_role(
        "button", name="Fjern koblingen Teknik og miljø ↔ By, kultur og miljø"
    ).click()
    expect(page.locator(".flash-messages")).to_contain_text("Koblingen er fjernet.")
    expect(glostrup.get_by_role("row", name=re.compile("^Teknik og miljø"))).to_contain_text(
        "Ikke koblet"
    )
    assert_accessible(page, "the area map with two pairs")

    # She assigns the facilitator to workshop 1 from the workshop's page.
    page.goto(workshop_path)
    assert_accessible(page, "the workshop page (coordinator)")
    page.get_by_role("link", name="Facilitatorer").click()
    page.wait_for_url("**/facilitatorer")
    expect(page.locator(".empty-state")).to_contain_text("ikke valgt nogen facilitatorer")
    assert_accessible(page, "the facilitators page")
    page.get_by_label("Facilitator", exact=True).select_option(label="Frida Friis")
    page.get_by_role("button", name="Tilføj", exact=True).click()
    expect(page.locator(".flash-messages")).to_contain_text("Facilitatoren er tilføjet.")
    expect(page.locator(".facilitator-list")).to_contain_text("Frida Friis")
    assert_accessible(page, "the facilitators page with a facilitator")

    # Ten leaders from each municipality come: one of each through the form.
    _answer_through_the_form(page, HANNE)
    _answer_through_the_form(page, LOUISE)
    _everyone_else_comes(served)

    # The facilitator finds the workshop, its attendance list and report, and the table plan.
    sign_in_as(page, FACILITATOR)
    _menu(page, "Workshops")
    page.get_by_role("link", name=WORKSHOP).click()
    page.wait_for_url(re.compile(r"/workshops/\d+$"))
    facts = page.locator("#afvikling + dl")
    expect(facts).to_contain_text("Kommer20")
    assert_accessible(page, "the workshop page (facilitator)")
    page.get_by_role("link", name="Fremmøde på dagen").click()
    page.wait_for_url("**/fremmoede")
    expect(page.locator("main")).to_contain_text("Hanne Holm")
    expect(page.locator("main")).to_contain_text("Louise Lund")
    assert_accessible(page, "the attendance list")
    page.goto(workshop_path)
    page.get_by_role("link", name=re.compile("^Tilmeldinger og fremmøde")).click()
    page.wait_for_url("**/tilmeldinger")
    assert_accessible(page, "the sign-up report")
    page.goto(workshop_path)
    page.get_by_role("link", name="Bordplan", exact=True).click()
    page.wait_for_url("**/bordplan")
    expect(page.locator(".empty-state")).to_contain_text("Der er ingen bordplan endnu")
    assert_accessible(page, "the table plan before a proposal")

    # A proposal: 20 people at four tables of five, two or more from each municipality at each.
    page.get_by_role("button", name="Lav forslag til bordplan").click()
    expect(page.locator(".flash-messages")).to_contain_text("Forslaget er lavet. Antal borde: 4.")
    expect(page.locator(".table-card")).to_have_count(4)
    expect(page.locator("#regler ~ p").first).to_contain_text("Planen holder alle faste regler")
    expect(page.locator("main")).to_contain_text("sidder sammen med en fra et tilsvarende område")
    assert_accessible(page, "the table plan with a proposal")
    page.get_by_role("button", name="Offentliggør bordplanen").click()
    expect(page.locator(".flash-messages")).to_contain_text("Bordplanen er offentliggjort.")
    seats = _seats(served)
    assert len(seats) == 20 and all(table is not None for table, _ in seats.values())

    # Moving one of table 1's two from a municipality breaks the mix rule: the page names it, and
    # the person is marked as moved since the publication.
    table_1 = {name: org for name, (table, org) in seats.items() if table == 1}
    minority = min(set(table_1.values()), key=lambda org: list(table_1.values()).count(org))
    moved = sorted(
        name for name, org in table_1.items() if org == minority and name != "Hanne Holm"
    )[0]
    card = _table_card(page, 1)
    card.get_by_label(f"Bord til {moved}").fill("2")
    card.get_by_role("button", name=f"Flyt {moved}").click()
    expect(page.locator(".flash-messages")).to_contain_text("Flyttet til bord 2.")
    expect(page.locator(".flash-messages")).to_contain_text("Planen bryder nu:")
    moved_row = _table_card(page, 2).locator("li", has_text=moved)
    expect(moved_row.locator(".badge")).to_have_text("flyttet")
    expect(
        page.locator(".alert-success", has_text="Bordplanen blev offentliggjort")
    ).to_contain_text("Flyttet siden da: 1.")
    expect(page.locator(".alert-warning")).to_contain_text("Regler, planen bryder")
    assert_accessible(page, "the table plan after a move that breaks a rule")

    # Publishing again needs "Offentliggør alligevel".
    browser_problems.expect_console_error("status of 400")
    page.get_by_role("button", name="Offentliggør bordplanen").click()
    expect(page.locator("main")).to_contain_text("alligevel")
    page.get_by_label(re.compile("^Offentliggør alligevel")).check()
    page.get_by_role("button", name="Offentliggør bordplanen").click()
    expect(page.locator(".flash-messages")).to_contain_text("Bordplanen er offentliggjort.")
    expect(page.locator(".badge")).to_have_count(0)
    assert _seats(served)[moved][0] == 2

    # The run sheet: every table with names, accessible, and printed without the navigation.
    page.get_by_role("link", name="Køreplan til dagen (til udskrift)").click()
    page.wait_for_url("**/koereplan")
    expect(page.get_by_role("heading", name="Bord 4", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(moved)
    assert_accessible(page, "the run sheet")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Hovedmenu")).to_be_hidden()
    expect(page.locator(".screen-only")).to_be_hidden()
    expect(page.get_by_role("heading", name="Bord 1", exact=True)).to_be_visible()
    page.emulate_media(media="screen")

    # Hanne sees her table and her table mates, Albertslund's with organisation and area.
    seats = _seats(served)
    hanne_table = seats["Hanne Holm"][0]
    mates = {name: org for name, (table, org) in seats.items() if table == hanne_table}
    mates.pop("Hanne Holm")
    assert "Albertslund" in mates.values()
    others = sorted(
        name for name, (table, org) in seats.items() if org == "Albertslund" and name not in mates
    )
    sign_in_as(page, HANNE)
    page.goto(workshop_path)
    expect(page.locator(".table-number")).to_have_text(f"Du sidder ved bord {hanne_table}.")
    mate_list = page.locator(".table-mates")
    expect(mate_list.locator("li")).to_have_count(len(mates))
    albertslund_mate = sorted(name for name, org in mates.items() if org == "Albertslund")[0]
    mate_line = mate_list.locator("li", has_text=albertslund_mate)
    expect(mate_line).to_contain_text(f"Albertslund · {_seated(served)[albertslund_mate][2]}")
    for name in others:
        expect(page.locator("main")).not_to_contain_text(name)
    assert_accessible(page, "the workshop page with her table")

    # Every page about another Albertslund person is 404 to her, her table mates' too.
    browser_problems.expect_console_error("status of 404")
    for path in _albertslund_pages(served, others[0], albertslund_mate):
        response = page.goto(path)
        assert response is not None and response.status == 404, path
    # The pages for those who run the workshop are 404 to a leader as well.
    for suffix in ("/bordplan", "/koereplan", "/fremmoede", "/tilmeldinger", "/facilitatorer"):
        response = page.goto(workshop_path + suffix)
        assert response is not None and response.status == 404, suffix


def _albertslund_pages(served: Served, *names: str) -> list[str]:
    """Pages about each named Albertslund person that her own group's members may open: her leader
    group's page, its first meeting, the meeting in the calendar. (The staff pages about a person
    are 403 to every leader, whoever the person is: they tell nothing about her.)"""
    paths = []
    with served.app.app_context():
        for name in names:
            user = db.session.scalar(select(User).where(User.name == name))
            group_id = directory.current_membership(user).group_id
            meeting = db.session.scalar(
                select(Event.id).where(
                    Event.group_id == group_id, Event.kind == EventKind.LEADER_MEETING
                )
            )
            paths += [
                f"/grupper/{group_id}",
                f"/grupper/{group_id}/moeder/ledergruppe-1",
                f"/kalender/{meeting}",
            ]
    return paths
