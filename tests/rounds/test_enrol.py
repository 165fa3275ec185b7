"""Enrolling from the round's page: a preview that writes nothing, then the confirmation; by
organisation, area, group or e-mails; coordinators only within their own organisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from tests.conftest import csrf_token_from


def _enrolled(session, cohort) -> set[str]:
    return set(
        session.scalars(select(User.name).join(Enrolment).where(Enrolment.cohort_id == cohort.id))
    )


def _post(client, cohort, **data):
    page = client.get(f"/forloeb/{cohort.id}").get_data(as_text=True)
    return client.post(
        f"/forloeb/{cohort.id}/tilmeld", data={"csrf_token": csrf_token_from(page), **data}
    )


def test_preview_then_confirm_by_organisation(session, world, browser):
    client = browser(world.people.adam)
    before = _enrolled(session, world.shared)
    preview = _post(
        client, world.shared, by="directory", organisation=str(world.orgs["a"].id), preview="x"
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "1 person ville blive tilmeldt forløbet »Forår 2027«" in page
    assert "2 var allerede tilmeldt." in page
    assert "1 koordinator, facilitator eller administrator er ikke valgt" in page  # Karin
    assert _enrolled(session, world.shared) == before
    confirm = client.post(
        f"/forloeb/{world.shared.id}/tilmeld",
        data={
            "csrf_token": csrf_token_from(page),
            "by": "directory",
            "organisation": str(world.orgs["a"].id),
            "area": "",
            "group": "",
            "confirm": "Tilmeld",
        },
    )
    assert confirm.status_code == 302
    assert confirm.headers["Location"].endswith("#tilmeld")
    assert _enrolled(session, world.shared) == before | {"Ida"}
    page = client.get(confirm.headers["Location"]).get_data(as_text=True)
    assert "1 ny tilmelding til forløbet" in page


@pytest.mark.parametrize(
    ("field", "key", "new"),
    [("area", "children", {"Ida"}), ("group", "ga1", {"Ida"}), ("group", "ga2", set())],
)
def test_by_area_or_group(session, world, browser, field, key, new):
    row = (world.areas if field == "area" else world.groups)[key]
    before = _enrolled(session, world.shared)
    response = _post(
        browser(world.people.adam),
        world.shared,
        by="directory",
        confirm="Tilmeld",
        **{field: row.id},
    )
    assert response.status_code == 302
    assert _enrolled(session, world.shared) == before | new


def test_by_pasted_emails(session, world, browser):
    response = _post(
        browser(world.people.adam),
        world.shared,
        by="emails",
        emails="ida@test.example;\r\n  KARIN@test.example , ida@test.example",
        confirm="Tilmeld",
    )
    assert response.status_code == 302
    assert {"Ida", "Karin"} <= _enrolled(session, world.shared)


def test_a_coordinator_enrols_only_their_own_organisations_people(session, world, browser):
    client = browser(world.people.karin)
    before = _enrolled(session, world.shared)
    # No organisation chosen: their own (Glostrup's Dorte is already in; nobody of Glostrup added).
    assert _post(client, world.shared, by="directory", confirm="Tilmeld").status_code == 302
    assert _enrolled(session, world.shared) == before | {"Ida"}

    # Someone of another organisation, or nobody at all: the same words, nobody enrolled.
    response = _post(
        client,
        world.shared,
        by="emails",
        emails="kasper@test.example ingen@test.example",
        confirm="Tilmeld",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "kasper@test.example: ingen person i din organisation har den e-mail." in page
    assert "ingen@test.example: ingen person i din organisation har den e-mail." in page
    assert "Kasper" not in _enrolled(session, world.shared)

    # Another organisation's id, or its group's: refused; a forged organisation_id: ignored.
    for data in (
        {"organisation": world.orgs["b"].id},
        {"group": world.groups["gb"].id},
    ):
        response = _post(client, world.shared, by="directory", confirm="Tilmeld", **data)
        assert response.status_code == 400
        assert "Vælg fra listerne på siden." in response.get_data(as_text=True)
    response = _post(
        client,
        world.shared,
        by="directory",
        organisation_id=world.orgs["b"].id,
        confirm="Tilmeld",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"by": "emails", "emails": "  \n "}, "Der er ingen e-mailadresser at tilmelde."),
        ({"by": "emails", "emails": "x" * 10_000}, "er for lang til at være en e-mailadresse"),
        ({"by": "emails", "emails": "a\x00b@test.example"}, "ingen person har den e-mail"),
        ({"by": "emails", "emails": "cecilie@test.example"}, "hører ikke til forløbets"),
        ({"by": "directory"}, "Vælg en organisation, et område eller en ledergruppe."),
        ({"by": "directory", "organisation": "\x00"}, "Vælg en organisation, et område"),
        ({"by": "directory", "area": "x" * 10_000}, "Vælg en organisation, et område"),
    ],
)
def test_bad_input_enrols_nobody(session, world, browser, data, message):
    before = _enrolled(session, world.shared)
    response = _post(browser(world.people.adam), world.shared, confirm="Tilmeld", **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _enrolled(session, world.shared) == before


def test_an_area_of_another_organisation_than_the_chosen_one_is_refused(session, world, browser):
    response = _post(
        browser(world.people.adam),
        world.shared,
        by="directory",
        organisation=world.orgs["b"].id,
        area=world.areas["children"].id,
        confirm="Tilmeld",
    )
    assert response.status_code == 400
    assert "Området og ledergruppen skal høre til den valgte organisation." in response.get_data(
        as_text=True
    )
