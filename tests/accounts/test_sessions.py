"""Revocable sessions and "Min konto": "Log ud" ends a copied cookie too, a password change ends
every other session, "Log ud på alle enheder"; a session ends 12 hours after the sign-in however
active, and after SESSION_IDLE_MINUTES without a request."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from werkzeug.security import check_password_hash

from course_app.accounts.models import User
from tests import factories
from tests.accounts.conftest import NOW
from tests.conftest import csrf_token_from
from tests.helpers import post_form, sign_in

NEW = "mit nye og lange kodeord"


@pytest.fixture
def leader(session):
    person = factories.user(email="sara.session@test.example", name="Sara Session")
    session.commit()
    return person


def _signed_in(client) -> bool:
    response = client.get("/mit-forloeb")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.headers["Location"].startswith("/log-ind")
    return False


def _copy(app: Flask, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    with client.session_transaction() as source, thief.session_transaction() as copy:
        copy.update(source)
    return thief


def _change(client, current: str, new: str, confirm: str | None = None):
    return post_form(
        client,
        "/konto/adgangskode",
        "/konto/adgangskode",
        {"current": current, "password": new, "confirm": new if confirm is None else confirm},
    )


# --- Sign-out and revocation --------------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_sign_out(app, client, leader, clock):
    sign_in(client, leader.email)
    thief = _copy(app, client)
    assert _signed_in(thief)
    post_form(client, "/mit-forloeb", "/log-ud", {})
    assert not _signed_in(client)
    assert not _signed_in(thief)


def test_sign_out_everywhere_ends_every_session(app, client, session, leader, clock):
    sign_in(client, leader.email)
    laptop = app.test_client()
    sign_in(laptop, leader.email)
    page = client.get("/konto").get_data(as_text=True)
    assert "Log ud på alle enheder" in page
    response = post_form(client, "/konto", "/konto/log-ud-alle-steder", {})
    assert response.status_code == 302 and response.headers["Location"] == "/log-ind"
    assert "Du er logget ud på alle enheder." in client.get("/log-ind").get_data(as_text=True)
    assert not _signed_in(client)
    assert not _signed_in(laptop)


def test_sign_out_everywhere_needs_the_csrf_token(client, leader, clock):
    sign_in(client, leader.email)
    assert client.post("/konto/log-ud-alle-steder").status_code == 400
    assert _signed_in(client)


# --- Min konto and the password change ----------------------------------------------------------------


def test_the_header_links_to_the_account_page(client, leader, clock):
    sign_in(client, leader.email)
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert 'href="/konto"' in page
    account = client.get("/konto").get_data(as_text=True)
    assert leader.email in account and 'href="/konto/adgangskode"' in account
    assert 'aria-current="page"' in account


def test_the_account_pages_need_a_sign_in(client):
    for path in ("/konto", "/konto/adgangskode"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/log-ind")


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    app, client, session, leader, clock
):
    sign_in(client, leader.email)
    phone = app.test_client()
    sign_in(phone, leader.email)
    response = _change(client, factories.PASSWORD, NEW)
    assert response.status_code == 302 and response.headers["Location"] == "/konto"
    assert "Din adgangskode er ændret." in client.get("/konto").get_data(as_text=True)
    assert _signed_in(client)
    assert not _signed_in(phone)
    session.expire_all()
    assert check_password_hash(session.get(User, leader.id).password_hash, NEW)
    other = app.test_client()
    assert sign_in(other, leader.email, NEW).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field_message"),
    [
        ("forkert kodeord 123", NEW, NEW, "Din nuværende adgangskode er ikke rigtig."),
        (factories.PASSWORD, "for kort", "for kort", "mindst 12 tegn"),
        (factories.PASSWORD, "Password123456", "Password123456", "for almindelig"),
        (factories.PASSWORD, NEW, NEW + "!", "De to adgangskoder er ikke ens."),
        (factories.PASSWORD, factories.PASSWORD, factories.PASSWORD, "en anden end den nuværende"),
        (factories.PASSWORD, "x" * 100_000, "x" * 100_000, "højst være 256 tegn"),
        ("", "", "", "Skriv din nuværende adgangskode."),
        ("\x00" * 3, NEW + "\x00", NEW + "\x00", "Skriv din nuværende adgangskode."),
        ("x" * 2000, NEW, NEW, "Din nuværende adgangskode er ikke rigtig."),
    ],
)
def test_a_refused_change_says_why_and_echoes_no_password(
    client, session, leader, clock, current, new, confirm, field_message
):
    sign_in(client, leader.email)
    response = _change(client, current, new, confirm)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_message in html
    assert "Adgangskoden blev ikke skiftet" in html  # the error summary
    for typed in {current, new, confirm} - {""}:
        assert typed.strip("\x00") == "" or typed not in html
    assert _signed_in(client)
    session.expire_all()
    assert check_password_hash(session.get(User, leader.id).password_hash, factories.PASSWORD)


def test_the_same_change_posted_twice(client, session, leader, clock):
    sign_in(client, leader.email)
    page = client.get("/konto/adgangskode").get_data(as_text=True)
    data = {
        "current": factories.PASSWORD,
        "password": NEW,
        "confirm": NEW,
        "csrf_token": csrf_token_from(page),
    }
    assert client.post("/konto/adgangskode", data=data).status_code == 302
    # The second one: the session has started afresh (its CSRF token is gone), nothing changes.
    second = client.post("/konto/adgangskode", data=data)
    assert second.status_code == 400
    assert _signed_in(client)
    session.expire_all()
    assert check_password_hash(session.get(User, leader.id).password_hash, NEW)


# --- Lifetime and idle timeout ------------------------------------------------------------------------


def test_the_session_ends_twelve_hours_after_sign_in_however_active(client, leader, clock):
    sign_in(client, leader.email)
    for minutes in range(0, 12 * 60, 60):  # a request every hour keeps it from idling
        clock.now = NOW + dt.timedelta(minutes=minutes)
        assert _signed_in(client), minutes
    clock.now = NOW + dt.timedelta(hours=12)
    assert not _signed_in(client)
    page = client.get("/log-ind").get_data(as_text=True)
    assert "Du er logget ud, fordi der er gået for lang tid." in page


def test_the_session_ends_after_the_idle_time(client, leader, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
    sign_in(client, leader.email)
    clock.now = NOW + dt.timedelta(minutes=29)
    assert _signed_in(client)
    clock.now += dt.timedelta(minutes=29)  # 29 minutes after the last request: still fine
    assert _signed_in(client)
    clock.now += dt.timedelta(minutes=30)
    assert not _signed_in(client)


def test_no_idle_timeout_when_set_to_zero(client, leader, clock, app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 0)
    sign_in(client, leader.email)
    clock.now = NOW + dt.timedelta(hours=11, minutes=59)
    assert _signed_in(client)


def test_a_session_without_a_sign_in_time_is_not_accepted(client, leader, clock):
    sign_in(client, leader.email)
    with client.session_transaction() as cookie:
        del cookie["signed_in_at"]
    assert not _signed_in(client)


def test_the_language_survives_an_ended_session(client, leader, clock):
    post_form(client, "/log-ind", "/sprog", {"language": "en", "next": "/log-ind"})
    sign_in(client, leader.email)
    clock.now = NOW + dt.timedelta(hours=13)
    assert not _signed_in(client)
    assert '<html lang="en">' in client.get("/log-ind").get_data(as_text=True)


def test_guessing_the_current_password_is_throttled_like_signing_in(client, session, leader, clock):
    """A session left open is no way round the sign-in limit: the 11th wrong current password is
    refused with 429 and Retry-After, even when it is right, and the password stays."""
    sign_in(client, leader.email)
    for _ in range(10):
        assert _change(client, "ikke min kode", NEW).status_code == 400
    refused = _change(client, factories.PASSWORD, NEW)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Du har prøvet for mange gange." in refused.get_data(as_text=True)
    session.expire_all()
    assert check_password_hash(session.get(User, leader.id).password_hash, factories.PASSWORD)
