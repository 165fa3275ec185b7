"""Glemt adgangskode ("forgot password"): the same answer for every address, one e-mail (with a hashed, single-use,
expiring link) only to active people and never more than three an hour; the link's page lets her
choose a new password, ends all her sessions and signs her in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from course_app.accounts import password_resets, tokens
from course_app.accounts.models import PasswordReset, User
from course_app.notifications.models import OutboxMessage
from tests import factories
from tests.accounts.conftest import NOW
from tests.conftest import csrf_token_from
from tests.helpers import sign_in

SAME_ANSWER = "Hvis adressen findes hos os, har vi sendt en e-mail"
NEW = "en helt ny og lang sætning"
LINK = re.compile(r"/glemt-adgangskode/([A-Za-z0-9_-]{43})")
INVALID = "Linket virker ikke"


@pytest.fixture
def leader(session):
    person = factories.user(email="glemsom@test.example", name="Gitte Glemsom")
    session.commit()
    return person


def _ask(client, email: str):
    page = client.get("/glemt-adgangskode").get_data(as_text=True)
    return client.post(
        "/glemt-adgangskode", data={"email": email, "csrf_token": csrf_token_from(page)}
    )


def _mails(session) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password_reset")).all()
    )


def _path(message: OutboxMessage) -> str:
    match = LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(0)


def _choose(client, path: str, password: str = NEW, confirm: str | None = None):
    page = client.get(path)
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(
        path,
        data={
            "password": password,
            "confirm": password if confirm is None else confirm,
            "csrf_token": token,
        },
    )


def _signed_in(client) -> bool:
    return client.get("/konto").status_code == 200


def test_the_sign_in_page_links_to_it(client):
    assert 'href="/glemt-adgangskode"' in client.get("/log-ind").get_data(as_text=True)


def test_known_and_unknown_addresses_get_the_same_answer(client, session, leader, clock):
    answers = []
    for email in (leader.email, "ukendt@test.example", leader.email.upper()):
        response = _ask(client, email)
        assert response.status_code == 302
        assert response.headers["Location"] == "/glemt-adgangskode"
        page = client.get("/glemt-adgangskode").get_data(as_text=True)
        # A CSRF token carries the second it was signed in: the only part that may differ (the
        # form's and the layout's language form's, whatever the order of their attributes).
        answers.append(re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*"', r'\1"', page))
    assert all(SAME_ANSWER in answer for answer in answers)
    assert answers[0] == answers[1] == answers[2]
    session.expire_all()
    assert [m.recipient for m in _mails(session)] == [leader.email, leader.email]
    assert session.scalar(select(func.count(PasswordReset.id))) == 2


def test_the_email_is_in_the_persons_language_with_text_and_html(client, session, leader, clock):
    leader.locale = "en"
    session.commit()
    _ask(client, leader.email)
    [mail] = _mails(session)
    assert mail.subject == "Choose a new password for the programme platform"
    assert "expires in 2 hours" in mail.body_text
    assert f'href="http://127.0.0.1:5000{_path(mail)}"' in (mail.body_html or "")
    assert mail.user_id == leader.id


def test_only_a_hash_of_the_token_is_stored(client, session, leader, clock):
    _ask(client, leader.email)
    token = _path(_mails(session)[0]).rsplit("/", 1)[1]
    reset = session.scalars(select(PasswordReset)).one()
    assert reset.token_hash == tokens.hash_token(token) != token
    assert token not in str(reset.__dict__)
    assert reset.expires_at == NOW + dt.timedelta(hours=2)


def test_deactivated_people_get_no_email(client, session, leader, clock):
    leader.deactivated_at = NOW
    session.commit()
    response = _ask(client, leader.email)
    assert response.status_code == 302
    assert SAME_ANSWER in client.get("/glemt-adgangskode").get_data(as_text=True)
    assert _mails(session) == []


def test_at_most_three_emails_an_hour(client, session, leader, clock):
    for _ in range(5):
        assert _ask(client, leader.email).status_code == 302
    assert len(_mails(session)) == 3
    clock.now = NOW + dt.timedelta(minutes=61)
    _ask(client, leader.email)
    assert len(_mails(session)) == 4


@pytest.mark.parametrize("email", ["", "x" * 300 + "@test.example", "a\x00b@test.example"])
def test_bad_input_is_a_form_error_not_a_crash(client, session, email, clock):
    response = _ask(client, email)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        html = response.get_data(as_text=True)
        assert "Skriv din e-mailadresse." in html or "højst 254 tegn" in html
    assert _mails(session) == []


def test_the_typed_email_is_kept_on_an_error(client, session, clock):
    response = _ask(client, "x" * 300 + "@test.example")
    assert response.status_code == 400
    assert 'value="' + "x" * 300 in response.get_data(as_text=True)


def test_the_link_sets_a_new_password_ends_other_sessions_and_signs_in(
    app, client, session, leader, clock
):
    other = app.test_client()
    sign_in(other, leader.email)
    assert _signed_in(other)
    _ask(client, leader.email)
    path = _path(_mails(session)[0])

    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = _choose(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/forside"
    assert _signed_in(client)
    assert not _signed_in(other)
    session.expire_all()
    user = session.get(User, leader.id)
    assert check_password_hash(user.password_hash, NEW)
    assert session.scalars(select(PasswordReset)).one().used_at == NOW


def test_the_link_works_once(client, session, leader, clock):
    _ask(client, leader.email)
    path = _path(_mails(session)[0])
    page = client.get(path).get_data(as_text=True)
    data = {"password": NEW, "confirm": NEW, "csrf_token": csrf_token_from(page)}
    assert client.post(path, data=data).status_code == 302
    # The same POST again: its CSRF token belonged to the session before the sign-in.
    assert client.post(path, data=data).status_code == 400
    # With a token of the new session: the link is used up.
    data["csrf_token"] = csrf_token_from(client.get("/konto").get_data(as_text=True))
    again = client.post(path, data=data)
    assert again.status_code == 404
    assert INVALID in again.get_data(as_text=True)
    assert 'href="/glemt-adgangskode"' in again.get_data(as_text=True)
    assert client.get(path).status_code == 404


def test_a_new_password_uses_up_every_other_link(client, session, leader, clock):
    _ask(client, leader.email)
    _ask(client, leader.email)
    first, second = (_path(mail) for mail in _mails(session))
    assert _choose(client, second).status_code == 302
    assert client.get(first).status_code == 404


def test_an_expired_link_shows_the_page_to_ask_again(client, session, leader, clock):
    _ask(client, leader.email)
    path = _path(_mails(session)[0])
    clock.now = NOW + dt.timedelta(hours=2)
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert INVALID in html and "Bed om et nyt link" in html


def test_a_deactivated_persons_link_stops_working(client, session, leader, clock):
    _ask(client, leader.email)
    path = _path(_mails(session)[0])
    leader.deactivated_at = NOW
    session.commit()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("kort", "kort", "mindst 12 tegn"),
        ("adgangskode2025", "adgangskode2025", "for almindelig"),
        (NEW, NEW + "x", "ikke ens"),
        ("ø" * 5000, "ø" * 5000, "højst være 256 tegn"),
        ("\x00" * 20, "\x00" * 20, "Skriv en adgangskode."),
    ],
)
def test_a_refused_password_keeps_the_link_and_echoes_nothing(
    client, session, leader, clock, password, confirm, message
):
    _ask(client, leader.email)
    path = _path(_mails(session)[0])
    response = _choose(client, path, password, confirm)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert password not in html or password.startswith("\x00")
    assert not re.search(r'type="password" value="[^"]', html)
    assert client.get(path).status_code == 200  # still usable
    assert not _signed_in(client)


@pytest.mark.parametrize("token", ["findes-ikke", "A" * 43, "A" * 10_000])
def test_unknown_tokens_are_404(client, session, token):
    assert client.get(f"/glemt-adgangskode/{token}").status_code == 404


def test_request_reset_costs_a_composed_mail_for_unknown_addresses_too(app, session, monkeypatch):
    composed = []
    real = password_resets.compose_reset
    monkeypatch.setattr(password_resets, "compose_reset", lambda *a: composed.append(a) or real(*a))
    with app.test_request_context():
        password_resets.request_reset("ukendt@test.example", NOW)
    assert len(composed) == 1
