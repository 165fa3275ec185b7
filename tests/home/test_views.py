"""Every person's home (issue 11, point 2): where signing in and the site name lead for each role,
the home page of a person with several roles, a coordinator's overview of her organisation (and
nobody else's), "Mit forløb" for staff, and the menu and links that reach each role's pages."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import func, select

from course_app.core.db import db
from course_app.courses.file_import import import_missing_courses
from course_app.demo import demo_sign_ins, ensure_demo_data
from course_app.organisations import services as directory
from course_app.organisations.models import LeaderGroup, Organisation, Role
from course_app.paths import COURSES_DIR
from tests import factories
from tests.conftest import csrf_token_from
from tests.groups.conftest import World, make_world
from tests.helpers import sign_in

NOT_ENROLLED = "Du er ikke tilmeldt"


@pytest.fixture
def world(session, client) -> World:
    """The group pages' world; every ``app.test_client()`` below is a browser of its own (the
    ``client`` fixture gives each request a fresh app context)."""
    return make_world(session)


def _landing(client, email: str) -> tuple[str, str]:
    """Sign in; (where sign-in sends, where that page sends: the home)."""
    response = sign_in(client, email)
    assert response.status_code == 302
    first = response.headers["Location"]
    assert first == "/forside"
    home = client.get(first)
    if home.status_code == 302:
        return first, home.headers["Location"]
    assert home.status_code == 200
    return first, first


def _nav(html: str) -> list[str]:
    menu = re.search(r'<nav[^>]*aria-label="Hovedmenu".*?</nav>', html, re.S)
    assert menu, "no main menu"
    return re.findall(r'href="([^"]+)"', menu.group(0))


def test_each_role_lands_on_its_home(app: Flask, world: World):
    expected = {
        "a": "/mit-forloeb",  # a leader
        "h": f"/grupper/{world.g1.id}",  # the chair of G1 (not a member)
        "f": f"/ledergrupper/{world.g1.id}",  # the facilitator of G1
        "ka": f"/organisationer/{world.albertslund.id}",
        "kb": f"/organisationer/{world.glostrup.id}",
        "ad": "/admin/",
    }
    for person, home in expected.items():
        client = app.test_client()
        assert _landing(client, world.people[person].email)[1] == home, person
        page = client.get(home)
        assert page.status_code == 200, person
        assert NOT_ENROLLED not in page.get_data(as_text=True), person


def test_a_chair_who_is_also_a_leader_has_one_home_with_both(app: Flask, session, world: World):
    directory.assign_role(world.a, Role.CHAIR, group=world.g1)
    session.commit()
    client = app.test_client()
    assert _landing(client, world.a.email) == ("/forside", "/forside")
    html = client.get("/forside").get_data(as_text=True)
    assert '<h2 id="hjem-forloeb">Mit forløb</h2>' in html
    assert world.course.title in html  # her course and her progress
    assert 'aria-label="Din fremdrift i' in html
    assert f'href="/grupper/{world.g1.id}"' in html  # her group
    assert "hjem-organisation" not in html and "hjem-admin" not in html


def test_a_facilitator_who_also_coordinates_gets_both_sections(app: Flask, session, world):
    directory.assign_role(world.f, Role.COORDINATOR, organisation=world.albertslund)
    session.commit()
    client = app.test_client()
    assert _landing(client, world.f.email)[1] == "/forside"
    html = client.get("/forside").get_data(as_text=True)
    assert f'href="/ledergrupper/{world.g1.id}"' in html
    assert f'href="/organisationer/{world.albertslund.id}"' in html
    assert "hjem-forloeb" not in html  # she takes part in no round herself


def test_a_supporter_in_no_round_lands_on_her_times(app: Flask, session, world: World):
    supporter = factories.user(org=world.albertslund, name="Sofie Support")
    directory.assign_role(supporter, Role.SUPPORTER, organisation=world.albertslund)
    session.commit()
    client = app.test_client()
    assert _landing(client, supporter.email)[1] == "/servicetjek/tider"
    html = client.get("/servicetjek/tider").get_data(as_text=True)
    assert "Dine tider i forløbene" in html and NOT_ENROLLED not in html


def test_a_coordinator_who_also_supports_gets_both_sections(app: Flask, session, world: World):
    directory.assign_role(world.ka, Role.SUPPORTER, organisation=world.albertslund)
    session.commit()
    client = app.test_client()
    assert _landing(client, world.ka.email)[1] == "/forside"
    html = client.get("/forside").get_data(as_text=True)
    assert f'href="/organisationer/{world.albertslund.id}"' in html
    assert "hjem-servicetjek" in html
    assert 'href="/servicetjek/tider"' in html and 'href="/servicetjek/dag"' in html


def test_a_role_left_behind_in_another_organisation_leads_nowhere(app, session, world: World):
    """H chairs G1; an old chair role for G3 (Glostrup) stays behind from a time she worked there."""
    h = world.h
    h.organisation_id = world.glostrup.id
    directory.assign_role(h, Role.CHAIR, group=world.g3)
    h.organisation_id = world.albertslund.id
    session.commit()
    assert _landing(app.test_client(), h.email)[1] == f"/grupper/{world.g1.id}"


def test_the_site_name_leads_home(app: Flask, world: World):
    client = app.test_client()
    sign_in(client, world.f.email)
    assert client.get("/").headers["Location"] == "/forside"
    assert client.get("/forside").headers["Location"] == f"/ledergrupper/{world.g1.id}"


def test_anonymous_people_are_sent_to_sign_in(client):
    assert client.get("/forside").headers["Location"].startswith("/log-ind")
    assert client.get("/").headers["Location"] == "/log-ind"


def test_a_safe_next_still_wins(app: Flask, world: World):
    client = app.test_client()
    page = client.get("/log-ind?next=/kalender").get_data(as_text=True)
    response = client.post(
        "/log-ind",
        data={
            "email": world.ka.email,
            "password": factories.PASSWORD,
            "next": "/kalender",
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.headers["Location"] == "/kalender"


# --- "Mit forløb" for staff -------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["h", "f", "ka", "ad"])
def test_staff_never_read_you_are_not_enrolled(app: Flask, world: World, person: str):
    client = app.test_client()
    sign_in(client, world.people[person].email)
    html = client.get("/mit-forloeb").get_data(as_text=True)
    assert NOT_ENROLLED not in html
    assert 'href="/forside"' in html  # the way to her own pages


def test_a_person_without_any_role_still_reads_how_to_get_enrolled(app: Flask, session, client):
    person = factories.user(org=factories.organisation())
    session.commit()
    client = app.test_client()
    assert _landing(client, person.email)[1] == "/mit-forloeb"
    assert NOT_ENROLLED in client.get("/mit-forloeb").get_data(as_text=True)


# --- The menu and the links to each role's pages ----------------------------------------------------


def test_the_menu_of_each_role(app: Flask, world: World):
    menus = {}
    for person in ("a", "h", "f", "ka", "ad"):
        client = app.test_client()
        sign_in(client, world.people[person].email)
        menus[person] = _nav(client.get("/kalender").get_data(as_text=True))
    assert "/mit-forloeb" in menus["a"] and "/ledergrupper" not in menus["a"]
    for staff in ("h", "f", "ka", "ad"):  # none of them takes part in a round herself
        assert "/mit-forloeb" not in menus[staff], staff
        assert "/ledergrupper" in menus[staff], staff
    assert f"/organisationer/{world.albertslund.id}" in menus["ka"]
    assert not any(url.startswith("/organisationer/") for url in menus["ad"] + menus["f"])
    assert "/forloeb" in menus["ka"] and "/forloeb" not in menus["f"]


def test_a_facilitator_reaches_the_meeting_notes_from_the_group_dashboard(app: Flask, world):
    client = app.test_client()
    sign_in(client, world.f.email)
    html = client.get(f"/ledergrupper/{world.g1.id}").get_data(as_text=True)
    for key in ("lg-1", "lg-2"):
        url = f"/grupper/{world.g1.id}/moeder/{key}"
        assert f'href="{url}"' in html
        note = client.get(url)
        assert note.status_code == 200
        # and back through the groups she follows
        assert f'href="/ledergrupper/{world.g1.id}"' in note.get_data(as_text=True)
    assert f'href="/grupper/{world.g1.id}"' not in html  # the members' page is not hers


def test_the_chair_reaches_her_group_page_and_notes_from_the_dashboard(app: Flask, world):
    client = app.test_client()
    sign_in(client, world.h.email)
    html = client.get(f"/ledergrupper/{world.g1.id}").get_data(as_text=True)
    assert f'href="/grupper/{world.g1.id}"' in html
    assert f'href="/grupper/{world.g1.id}/moeder/lg-1"' in html


@pytest.mark.parametrize("person", ["ka", "ad"])
def test_coordinators_and_admins_get_no_meeting_note_links(app: Flask, world, person):
    client = app.test_client()
    sign_in(client, world.people[person].email)
    html = client.get(f"/ledergrupper/{world.g1.id}").get_data(as_text=True)
    assert "/moeder/" not in html


# --- The organisation overview ----------------------------------------------------------------------


def test_the_overview_shows_the_rounds_with_dates_counts_and_links(app: Flask, session, world):
    later = factories.cohort(factories.course(), orgs=[world.glostrup])  # not Albertslund's
    session.commit()
    client = app.test_client()
    sign_in(client, world.ka.email)
    html = client.get(f"/organisationer/{world.albertslund.id}").get_data(as_text=True)
    cohort = world.cohort
    assert world.albertslund.name in html and cohort.name in html
    row = re.search(rf'<tr>\s*<th scope="row"><a href="/forloeb/{cohort.id}">.*?</tr>', html, re.S)
    assert row, html
    assert '<td class="numeric">3</td>' in row.group(0)  # A, B and C; not Glostrup's D
    for link in (
        f"/forloeb/{cohort.id}/deltagere",
        f"/rapport?cohort={cohort.id}",
        f"/rapport/udsendelser?cohort={cohort.id}",
        f"/deltagere/import?forloeb={cohort.id}",
    ):
        assert f'href="{link}"' in row.group(0), link
    assert f"/forloeb/{later.id}" not in html


@pytest.mark.parametrize(
    ("person", "organisation", "status"),
    [
        ("ka", "albertslund", 200),
        ("ka", "glostrup", 404),  # another organisation's overview is not revealed
        ("kb", "albertslund", 404),
        ("kb", "glostrup", 200),
        ("ad", "albertslund", 200),
        ("ad", "glostrup", 200),
        ("a", "albertslund", 403),  # neither coordinator nor admin
        ("h", "albertslund", 403),
        ("f", "albertslund", 403),
    ],
)
def test_only_its_coordinators_and_admins_see_an_overview(app, world, person, organisation, status):
    client = app.test_client()
    sign_in(client, world.people[person].email)
    response = client.get(f"/organisationer/{getattr(world, organisation).id}")
    assert response.status_code == status
    if status != 200:
        assert getattr(world, organisation).name not in response.get_data(as_text=True)


def test_an_unknown_organisation_is_404(app: Flask, world: World):
    client = app.test_client()
    sign_in(client, world.ad.email)
    missing = (db.session.scalar(select(func.max(Organisation.id))) or 0) + 1
    assert client.get(f"/organisationer/{missing}").status_code == 404


def test_the_overview_without_rounds(app: Flask, session, client):
    organisation = factories.organisation()
    coordinator = factories.user(org=organisation)
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=organisation)
    session.commit()
    client = app.test_client()
    sign_in(client, coordinator.email)
    html = client.get(f"/organisationer/{organisation.id}").get_data(as_text=True)
    assert "deltager ikke i et forløb endnu" in html


# --- The demo people -------------------------------------------------------------------------------


def test_every_demo_person_lands_on_a_home_of_her_own(app: Flask, session, client):
    import_missing_courses(COURSES_DIR)
    ensure_demo_data(factories.PASSWORD, plan_events=False)
    session.commit()
    group = {g.name: g.id for g in db.session.query(LeaderGroup)}
    orgs = {o.name: o.id for o in db.session.query(Organisation)}
    expected = {
        "admin@demo.example": "/admin/",
        "koordinator@albertslund.example": f"/organisationer/{orgs['Albertslund']}",
        "koordinator@glostrup.example": f"/organisationer/{orgs['Glostrup']}",
        "facilitator@demo.example": f"/ledergrupper/{group['Ledergruppe Børn og unge']}",
        "moedeleder@albertslund.example": "/forside",  # chair and leader: both on one page
        "supporter@demo.example": "/servicetjek/tider",  # the platform's supporter: her times
    }
    for _role, _name, email in demo_sign_ins():
        client = app.test_client()
        home = _landing(client, email)[1]
        assert home == expected.get(email, "/mit-forloeb"), email
        html = client.get(home).get_data(as_text=True)
        assert NOT_ENROLLED not in html, email
