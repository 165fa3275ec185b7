"""The rounds list and creating a round: who sees which rounds (and which part of them), every field
checked with its message at the field, what was typed kept, and no twins."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.cohorts.models import Cohort
from course_app.core.errors import NotAllowed
from course_app.organisations.access import viewer_for
from course_app.rounds import services
from tests import factories
from tests.helpers import post_form


def _new(client, **values):
    return post_form(client, "/forloeb/nyt", "/forloeb/nyt", values)


def _rounds(session) -> int:
    return session.scalar(select(func.count()).select_from(Cohort))


def test_admin_sees_every_round_coordinators_their_organisations_part(session, world):
    admin = services.round_lines(viewer_for(world.people.adam))
    assert [line.name for line in admin] == ["Glostrup alene", "Forår 2027"]
    assert admin[1].organisations == ("Albertslund", "Glostrup")
    assert admin[1].enrolled == 3

    karin = services.round_lines(viewer_for(world.people.karin))
    assert [(line.name, line.organisations, line.enrolled) for line in karin] == [
        ("Forår 2027", ("Albertslund",), 2)
    ]
    kasper = services.round_lines(viewer_for(world.people.kasper))
    assert [(line.name, line.enrolled) for line in kasper] == [
        ("Glostrup alene", 1),
        ("Forår 2027", 1),
    ]
    assert services.round_lines(viewer_for(world.people.carl)) == []
    for person in (world.people.anna, world.people.frida, world.people.erik):
        with pytest.raises(NotAllowed):
            services.round_lines(viewer_for(person))


def test_list_page_columns_and_empty_state(session, world, browser):
    page = browser(world.people.adam).get("/forloeb").get_data(as_text=True)
    for text in ("Forår 2027", "Gruppekursus", "11. januar 2027 – 30. juni 2027", "Albertslund"):
        assert text in page
    assert 'href="/forloeb/nyt"' in page
    empty = browser(world.people.carl).get("/forloeb").get_data(as_text=True)
    assert "Der er ingen forløb endnu. Opret et forløb" in empty


def test_the_menu_shows_rounds_to_admins_and_coordinators_only(session, world, browser):
    for person, shown in (
        (world.people.adam, True),
        (world.people.karin, True),
        (world.people.anna, False),
    ):
        page = browser(person).get("/mit-forloeb").get_data(as_text=True)
        assert ('href="/forloeb"' in page) == shown, person.email


def test_admin_creates_a_round_of_chosen_organisations(session, world, browser, clock):
    client = browser(world.people.adam)
    form = client.get("/forloeb/nyt").get_data(as_text=True)
    assert 'value="2027-01-11"' in form  # the clock's today
    response = _new(
        client,
        course=str(world.course.id),
        name="  Efterår 2027 ",
        starts_on="2027-09-01",
        ends_on="",
        organisations=[str(world.orgs["a"].id), str(world.orgs["c"].id)],
    )
    assert response.status_code == 302
    cohort = session.scalar(select(Cohort).where(Cohort.name == "Efterår 2027"))
    assert response.headers["Location"] == f"/forloeb/{cohort.id}"
    assert (cohort.starts_on, cohort.ends_on) == (dt.date(2027, 9, 1), None)
    assert [o.name for o in cohort.organisations] == ["Albertslund", "Ballerup"]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_type == "cohort"))
    assert entry.action == "created" and entry.actor_id == world.people.adam.id


def test_a_coordinators_round_is_their_organisation_alone_whatever_is_posted(
    session, world, browser
):
    response = _new(
        browser(world.people.karin),
        course=str(world.course.id),
        name="Albertslunds eget",
        starts_on="2027-02-01",
        organisations=[str(world.orgs["b"].id), str(world.orgs["c"].id)],
        organisation_id=str(world.orgs["b"].id),
    )
    assert response.status_code == 302
    cohort = session.scalar(select(Cohort).where(Cohort.name == "Albertslunds eget"))
    assert [o.name for o in cohort.organisations] == ["Albertslund"]
    page = browser(world.people.karin).get("/forloeb/nyt").get_data(as_text=True)
    assert "Forløbet bliver for din organisation: Albertslund" in page
    assert 'name="organisations"' not in page


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"ends_on": "2027-01-01"}, "ends_on", "Slutdatoen 2027-01-01 ligger før startdatoen"),
        ({"name": "Nul\x00tegn"}, "name", "styretegn"),
        ({"name": "Linje\nskift"}, "name", "styretegn"),
        ({"name": "x" * 10_000}, "name", "højst være 200 tegn"),
        ({"name": "   "}, "name", "Skriv forløbets navn."),
        ({"course": "999999"}, "course", "Vælg et kursus fra listen."),
        ({"course": "99999999999999999999999"}, "course", "Vælg et kursus fra listen."),
        ({"course": "\x00"}, "course", "Vælg et kursus fra listen."),
        ({"starts_on": ""}, "starts_on", "Skriv startdatoen."),
        ({"starts_on": "99999-01-01"}, "starts_on", "Skriv datoen som åååå-mm-dd"),
        ({"starts_on": "2027-02-30"}, "starts_on", "Skriv datoen som åååå-mm-dd"),
        ({"starts_on": "\x00"}, "starts_on", "Skriv datoen som åååå-mm-dd"),
        ({"ends_on": "31-12-2027"}, "ends_on", "Skriv datoen som åååå-mm-dd"),
        ({"organisations": ["999999"]}, "organisations", "Vælg mindst én organisation"),
        ({"organisations": []}, "organisations", "Vælg mindst én organisation"),
    ],
)
def test_a_rejected_form_names_the_field_and_keeps_what_was_typed(
    session, world, browser, values, field, message
):
    before = _rounds(session)
    typed = {
        "course": str(world.course.id),
        "name": "Mit forløb",
        "starts_on": "2027-03-01",
        "ends_on": "2027-05-31",
        "organisations": [str(world.orgs["a"].id)],
        **values,
    }
    response = _new(browser(world.people.adam), **typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-fejl"' in page or f'id="{field}"' in page
    assert _rounds(session) == before
    if field != "name":
        assert 'value="Mit forløb"' in page
    if field != "starts_on":
        assert 'value="2027-03-01"' in page


def test_a_twin_round_is_refused(session, world, browser):
    client = browser(world.people.adam)
    values = {
        "course": str(world.course.id),
        "name": "Forår 2027",
        "starts_on": "2027-01-11",
        "organisations": [str(world.orgs["a"].id)],
    }
    response = _new(client, **values)
    assert response.status_code == 400
    assert "Kurset har allerede et forløb med det navn, der starter 2027-01-11" in (
        response.get_data(as_text=True)
    )
    assert _new(client, **{**values, "starts_on": "2027-01-12"}).status_code == 302


def test_a_retired_or_draft_course_cannot_get_a_round(session, world, browser):
    draft = factories.course(published=False)
    retired = factories.course()
    retired.retired_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    session.commit()
    client = browser(world.people.adam)
    options = client.get("/forloeb/nyt").get_data(as_text=True)
    assert draft.title not in options and retired.title not in options
    for course in (draft, retired):
        response = _new(
            client,
            course=str(course.id),
            name="Nej",
            starts_on="2027-03-01",
            organisations=[str(world.orgs["a"].id)],
        )
        assert response.status_code == 400


def test_a_coordinator_chooses_among_the_courses_their_organisation_takes(session, world, browser):
    other = factories.course()
    session.commit()
    assert other.title in browser(world.people.adam).get("/forloeb/nyt").get_data(as_text=True)
    client = browser(world.people.karin)
    page = client.get("/forloeb/nyt").get_data(as_text=True)
    assert world.course.title in page and other.title not in page
    response = _new(client, course=str(other.id), name="Nyt kursus", starts_on="2027-03-01")
    assert response.status_code == 400
    assert "Vælg et kursus fra listen." in response.get_data(as_text=True)
    # Ballerup takes no course yet: its coordinator waits for a platform admin's first round.
    assert world.course.title not in browser(world.people.carl).get("/forloeb/nyt").get_data(
        as_text=True
    )
