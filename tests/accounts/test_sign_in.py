"""Signing in and out, session revocation, passwords and the language switch."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

from course_app import create_app
from course_app.accounts import services as accounts
from course_app.config import DEFAULTS
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import post_form, sign_in

WRONG = "Forkert e-mail eller adgangskode"


def _post_sign_in(client, email: str, password: str, next_url: str = ""):
    token = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    return client.post(
        "/log-ind",
        data={"email": email, "password": password, "next": next_url, "csrf_token": token},
    )


def _signed_in(client) -> bool:
    response = client.get("/mit-forloeb")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind")
    return False


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)">', html)
    assert match
    return match.group(1)


@pytest.fixture
def leader(session):
    person = factories.user(email="lene.leder@test.example", name="Lene Leder")
    session.commit()
    return person


@pytest.fixture
def new_client(app: Flask, client):
    """A second browser (the ``client`` fixture sets the per-request app context class)."""
    return app.test_client


def test_right_password_goes_to_my_course(client, leader):
    response = sign_in(client, leader.email)
    assert response.status_code == 302
    # Every sign-in without a ``next`` goes home (home/choice.py); a leader's home is "Mit forløb".
    assert response.headers["Location"] == "/forside"
    assert client.get("/forside").headers["Location"] == "/mit-forloeb"
    assert _signed_in(client)


def test_sign_in_records_the_time(client, session, leader):
    assert leader.last_sign_in_at is None
    sign_in(client, leader.email)
    session.refresh(leader)
    assert leader.last_sign_in_at is not None


def test_wrong_password_is_refused_and_keeps_the_typed_email(client, leader):
    response = _post_sign_in(client, leader.email, "forkert kodeord 123")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert WRONG in html
    assert 'value="lene.leder@test.example"' in html
    assert "forkert kodeord 123" not in html
    assert not _signed_in(client)


def test_unknown_email_gets_the_same_message(client, leader):
    response = _post_sign_in(client, "ukendt@test.example", factories.PASSWORD)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert WRONG in html
    assert "ukendt@test.example" in html
    assert not _signed_in(client)


def test_empty_fields_are_refused_with_field_messages(client, leader):
    response = _post_sign_in(client, "", "")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Skriv din e-mailadresse." in html
    assert "Skriv din adgangskode." in html
    assert not _signed_in(client)


@pytest.mark.parametrize(
    "email", ["LENE.LEDER@TEST.EXAMPLE", "Lene.Leder@Test.Example", "  lene.leder@test.example "]
)
def test_email_is_case_insensitive(client, leader, email):
    response = _post_sign_in(client, email, factories.PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_email_is_stored_lower_case(session):
    person = factories.user(email="Mette.Hansen@Kommune.Example")
    assert person.email == "mette.hansen@kommune.example"
    assert accounts.find_user_by_email("METTE.HANSEN@kommune.example") == person


def test_next_from_the_login_redirect_brings_the_leader_back(client, session):
    org = factories.organisation()
    cohort = factories.cohort(factories.course(), orgs=[org])
    person, _ = factories.enrolled_leader(cohort, org=org)
    session.commit()
    module_url = f"/forloeb/{cohort.id}/moduler/modul-a"

    response = client.get(module_url)
    assert response.status_code == 302
    login = urlsplit(response.headers["Location"])
    assert login.path == "/log-ind"
    assert parse_qs(login.query)["next"] == [module_url]

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    hidden = re.search(r'<input id="next" name="next" type="hidden" value="([^"]*)"', page)
    assert hidden and html_lib.unescape(hidden.group(1)) == module_url
    response = client.post(
        "/log-ind",
        data={
            "email": person.email,
            "password": factories.PASSWORD,
            "next": module_url,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.headers["Location"] == module_url
    assert client.get(module_url).status_code == 200


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/%0d%0a"],
)
def test_next_to_another_site_is_ignored(client, leader, next_url):
    response = _post_sign_in(client, leader.email, factories.PASSWORD, next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/forside"


def test_deactivated_user_cannot_sign_in(client, session, leader):
    leader.deactivated_at = utcnow()
    session.commit()
    response = _post_sign_in(client, leader.email, factories.PASSWORD)
    assert response.status_code == 400
    assert WRONG in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_deactivation_ends_an_existing_session(client, session, leader):
    sign_in(client, leader.email)
    assert _signed_in(client)
    leader.deactivated_at = utcnow()
    session.commit()
    assert not _signed_in(client)


def test_sign_out_is_post_only_and_ends_the_session(client, leader):
    sign_in(client, leader.email)
    assert client.get("/log-ud").status_code == 405
    assert _signed_in(client)  # a GET (e.g. a prefetch or an <img>) signs nobody out

    response = post_form(client, "/mit-forloeb", "/log-ud", {})
    assert response.status_code == 302
    assert response.headers["Location"] == "/log-ind"
    assert "Du er logget ud." in client.get("/log-ind").get_data(as_text=True)
    assert not _signed_in(client)


def test_sign_out_without_csrf_token_is_refused(client, leader):
    sign_in(client, leader.email)
    response = client.post("/log-ud", data={})
    assert response.status_code == 400
    assert _signed_in(client)


def test_raising_session_version_revokes_existing_sessions(client, session, new_client, leader):
    sign_in(client, leader.email)
    assert _signed_in(client)
    leader.session_version += 1
    session.commit()
    assert not _signed_in(client)
    # Signing in again gives a session that works.
    other = new_client()
    sign_in(other, leader.email)
    assert _signed_in(other)


@pytest.mark.parametrize("forged", ["", "abc", "1", "1:", ":1", "999999:1", "x:y"])
def test_forged_or_unknown_session_ids_are_anonymous(app, session, forged):
    with app.test_request_context():
        assert accounts.load_user_from_session_id(forged) is None


def test_session_id_carries_the_version(session, leader):
    assert accounts.load_user_from_session_id(leader.get_id()) == leader
    assert accounts.load_user_from_session_id(f"{leader.id}:{leader.session_version + 1}") is None


# --- Passwords --------------------------------------------------------------------------------------


def test_password_is_stored_as_a_salted_hash(session, leader):
    other = factories.user()
    assert factories.PASSWORD not in leader.password_hash
    assert leader.password_hash != other.password_hash  # salted
    assert check_password_hash(leader.password_hash, factories.PASSWORD)
    assert not check_password_hash(leader.password_hash, factories.PASSWORD + "x")
    assert leader.password_hash.startswith("pbkdf2:sha256:1$")  # cheap, under test only


def test_production_hashes_with_scrypt(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_APP_PASSWORD_HASH_METHOD", raising=False)
    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt"
    app = create_app({"SECRET_KEY": "s", "DATABASE_URL": "sqlite://"}, instance_path=str(tmp_path))
    try:
        assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
        with app.app_context():
            hashed = accounts.hash_password("en lang adgangskode")
        assert hashed.startswith("scrypt:")
        assert check_password_hash(hashed, "en lang adgangskode")
    finally:
        db.engine(app).dispose()


def test_short_passwords_are_refused(session):
    with pytest.raises(ServiceError, match="mindst 12 tegn"):
        accounts.create_user(email="kort@test.example", name="Kort", password="elleve tegn")
    assert accounts.find_user_by_email("kort@test.example") is None


# --- Language ---------------------------------------------------------------------------------------


def test_language_switch_sets_english_and_remembers_it_on_the_user(
    client, session, new_client, leader
):
    sign_in(client, leader.email)
    assert _html_lang(client.get("/mit-forloeb").get_data(as_text=True)) == "da"
    response = post_form(
        client, "/mit-forloeb", "/sprog", {"language": "en", "next": "/mit-forloeb"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/mit-forloeb"
    assert _html_lang(client.get("/mit-forloeb").get_data(as_text=True)) == "en"
    session.refresh(leader)
    assert leader.locale == "en"
    # Another browser gets English after signing in, from the user's saved choice.
    other = new_client()
    sign_in(other, leader.email)
    assert _html_lang(other.get("/mit-forloeb").get_data(as_text=True)) == "en"


def test_anonymous_language_choice_survives_sign_in(client, session, leader):
    post_form(client, "/log-ind", "/sprog", {"language": "en", "next": "/log-ind"})
    assert _html_lang(client.get("/log-ind").get_data(as_text=True)) == "en"
    sign_in(client, leader.email)
    assert _html_lang(client.get("/mit-forloeb").get_data(as_text=True)) == "en"
    session.refresh(leader)
    assert leader.locale == "da"  # chosen before signing in: not saved on the user


def test_unknown_language_changes_nothing(client, session, leader):
    sign_in(client, leader.email)
    response = post_form(client, "/mit-forloeb", "/sprog", {"language": "xx", "next": ""})
    assert response.status_code == 302
    assert _html_lang(client.get("/mit-forloeb").get_data(as_text=True)) == "da"
    session.refresh(leader)
    assert leader.locale == "da"


def test_language_switch_ignores_an_outside_next(client, leader):
    response = post_form(
        client, "/log-ind", "/sprog", {"language": "en", "next": "https://evil.example"}
    )
    assert response.headers["Location"] == "/mit-forloeb"
