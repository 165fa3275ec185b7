"""The sender name of each organisation's kick-off invitation, set on the round's page: trimmed, at
most 120 characters, no line breaks or other control characters (it goes into an e-mail header);
coordinators only their own organisation's, platform admins every organisation of the round; an
audit entry per change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.core.errors import NotAllowed, ServiceError
from course_app.organisations.access import viewer_for
from course_app.organisations.models import MAIL_SENDER_NAME_LENGTH, Organisation
from course_app.organisations.sender_name import checked_sender_name, set_sender_name
from course_app.rounds import closing
from tests.conftest import csrf_token_from
from tests.helpers import copenhagen, post_form

NAME = "Direktionen i Albertslund Kommune"


def _url(world, org: str, cohort=None) -> str:
    return f"/forloeb/{(cohort or world.shared).id}/afsendernavn/{world.orgs[org].id}"


def _stored(session, world, org: str) -> str:
    session.expire_all()
    return session.get(Organisation, world.orgs[org].id).mail_sender_name


def _entries(session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.object_type == "organisation")))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (f"  {NAME}  ", NAME),
        ("", ""),
        ("   ", ""),
        ("Æble & Ørsted <direktion>", "Æble & Ørsted <direktion>"),
        ("x" * MAIL_SENDER_NAME_LENGTH, "x" * MAIL_SENDER_NAME_LENGTH),
    ],
)
def test_a_name_is_trimmed(typed, stored):
    assert checked_sender_name(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "Direktionen\r\nBcc: alle@example.com",
        "Direktionen\nBcc",
        "Direktionen\x00",
        "Di\trektionen",
        "Direktionen\u2028Bcc",
        "Direktionen\x85Bcc",
        "Direktionen\x1b[0m",
        "Direktionen\ud800",
    ],
)
def test_line_breaks_and_control_characters_are_refused(typed):
    with pytest.raises(ServiceError, match="linjeskift eller andre styretegn"):
        checked_sender_name(typed)


def test_too_long_is_refused_with_the_length():
    with pytest.raises(ServiceError, match="højst være 120 tegn langt; det er 121"):
        checked_sender_name("x" * 121)


def test_coordinators_set_only_their_own_organisations_name(session, world):
    karin = viewer_for(world.people.karin)
    assert set_sender_name(world.orgs["a"], f" {NAME} ", actor=karin) is True
    assert world.orgs["a"].mail_sender_name == NAME
    assert set_sender_name(world.orgs["a"], NAME, actor=karin) is False  # unchanged: no entry
    [entry] = _entries(session)
    assert entry.actor_id == world.people.karin.id and entry.details == {
        "mail_sender_name": ["", NAME]
    }
    for who, org in (("karin", "b"), ("kasper", "a"), ("anna", "a"), ("frida", "a")):
        with pytest.raises(NotAllowed):
            set_sender_name(world.orgs[org], "Ond", actor=viewer_for(world.people[who]))
    assert world.orgs["b"].mail_sender_name == ""
    assert set_sender_name(world.orgs["b"], "Glostrup", actor=viewer_for(world.people.adam))
    assert len(_entries(session)) == 2


def test_a_coordinator_sets_her_organisations_name_on_the_round_page(session, world, browser):
    client = browser(world.people.karin)
    page = client.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert "Afsendernavn på invitationen til kick-off" in page
    assert "Lad feltet være tomt for at bruge platformens navn." in page
    assert _url(world, "a") in page and _url(world, "b") not in page  # only her own
    response = post_form(
        client, f"/forloeb/{world.shared.id}", _url(world, "a"), {"sender_name": f"  {NAME} "}
    )
    assert response.status_code == 302 and response.location.endswith("#afsender")
    page = client.get(response.location).get_data(as_text=True)
    assert "Afsendernavnet for Albertslund er gemt." in page
    assert f'value="{NAME}"' in page
    assert _stored(session, world, "a") == NAME
    assert len(_entries(session)) == 1
    # The same again: nothing to save, no second entry.
    again = post_form(
        client, f"/forloeb/{world.shared.id}", _url(world, "a"), {"sender_name": NAME}
    )
    assert "Der var ingen ændringer at gemme." in client.get(again.location).get_data(as_text=True)
    assert len(_entries(session)) == 1


def test_a_platform_admin_sets_every_participating_organisations_name(session, world, browser):
    client = browser(world.people.adam)
    page = client.get(f"/forloeb/{world.shared.id}").get_data(as_text=True)
    assert _url(world, "a") in page and _url(world, "b") in page
    response = post_form(
        client, f"/forloeb/{world.shared.id}", _url(world, "b"), {"sender_name": "Glostrup"}
    )
    assert response.status_code == 302
    assert _stored(session, world, "b") == "Glostrup"


@pytest.mark.parametrize(
    ("who", "org", "round_", "status"),
    [
        ("karin", "b", "shared", 404),  # another organisation of the round
        ("kasper", "a", "shared", 404),
        ("karin", "a", "glostrup", 404),  # her organisation, through a round she is not in
        ("kasper", "a", "glostrup", 404),  # an organisation outside the round
        ("adam", "c", "shared", 404),  # Ballerup takes no part in the round
        ("carl", "c", "shared", 404),  # Ballerup's coordinator, on a round Ballerup is not in
        ("anna", "a", "shared", 403),
        ("frida", "a", "shared", 403),
        ("erik", "a", "shared", 403),
    ],
)
def test_others_cannot_set_a_name(session, world, browser, who, org, round_, status):
    client = browser(world.people[who])
    token = csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))
    url = _url(world, org, getattr(world, round_))
    response = client.post(url, data={"csrf_token": token, "sender_name": "Ond afsender"})
    assert response.status_code == status
    assert all(_stored(session, world, key) == "" for key in "abc")
    assert _entries(session) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Direktionen\x00", "må ikke indeholde linjeskift eller andre styretegn"),
        ("Direktionen\r\nBcc: alle@example.com", "må ikke indeholde linjeskift"),
        ("x" * 10_000, "højst være 120 tegn langt; det er 10000"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_the_typed_text_stays(
    session, world, browser, typed, message
):
    client = browser(world.people.karin)
    response = post_form(
        client, f"/forloeb/{world.shared.id}", _url(world, "a"), {"sender_name": typed}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert 'aria-invalid="true"' in html and f'id="afsendernavn-{world.orgs["a"].id}"' in html
    if "\x00" not in typed and "\r" not in typed:
        assert typed in html  # what was typed stays in the field
    assert _stored(session, world, "a") == ""
    assert _entries(session) == []


def test_a_closed_rounds_page_still_sets_the_organisations_name(session, world, browser):
    """The sender name is the organisation's (it serves its next rounds too), not the round's."""
    closing.close_round(world.shared, by=None, now=copenhagen(2027, 6, 30))
    session.commit()
    client = browser(world.people.karin)
    response = post_form(
        client, f"/forloeb/{world.shared.id}", _url(world, "a"), {"sender_name": NAME}
    )
    assert response.status_code == 302
    assert _stored(session, world, "a") == NAME
