"""One-click unsubscribe from reminders (issue 10, RFC 8058): the headers, the page (opening it changes
nothing), the mail client's POST without a CSRF token, turning reminders on again, and tokens that
are not ours (404, nothing changed)."""

from __future__ import annotations

import datetime as dt
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import Flask
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from course_app.accounts import unsubscribe
from course_app.accounts.models import User
from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage
from tests import factories
from tests.conftest import csrf_token_from

NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)
SERVICE_MAILS = "E-mails om selve forløbet kommer stadig"
ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def leader(session):
    person = factories.user(email="rie.rykker@test.example", name="Rie Rykker")
    session.commit()
    return person


def _path(user: User) -> str:
    return urlsplit(unsubscribe.unsubscribe_url(user)).path


def _stopped_at(session, user: User) -> dt.datetime | None:
    session.expire_all()
    return session.get(User, user.id).reminders_stopped_at


def test_the_headers_follow_rfc_8058(app, session, leader, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", "https://forloeb.example.dk")
    headers = unsubscribe.unsubscribe_headers(leader)
    message = EmailMessage()
    message["To"] = leader.email
    message["Subject"] = "Påmindelse"
    for name, value in headers.items():
        message[name] = value
    message.set_content("Hej")
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)

    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    match = re.fullmatch(r"<(https://[^<>\s]+)>", str(parsed["List-Unsubscribe"]).strip())
    assert match, parsed["List-Unsubscribe"]
    url = urlsplit(match.group(1))
    assert url.netloc == "forloeb.example.dk" and url.path.startswith("/afmeld/")
    assert unsubscribe.user_for_token(url.path.rsplit("/", 1)[1]) == leader


def test_the_headers_go_through_the_outbox(session, leader):
    queued = notifications.enqueue(
        recipient=leader.email,
        subject="Påmindelse",
        body_text="Hej",
        kind="reminder",
        headers=unsubscribe.unsubscribe_headers(leader),
    )
    assert queued is not None
    stored = session.scalars(select(OutboxMessage)).one()
    assert stored.headers == unsubscribe.unsubscribe_headers(leader)


def test_the_token_never_expires_and_names_one_person(session, leader):
    other = factories.user()
    assert unsubscribe.unsubscribe_token(leader) == unsubscribe.unsubscribe_token(leader)
    assert unsubscribe.unsubscribe_token(leader) != unsubscribe.unsubscribe_token(other)
    assert unsubscribe.user_for_token(unsubscribe.unsubscribe_token(other)) == other


def test_opening_the_page_changes_nothing(client, session, leader, clock):
    for _ in range(2):  # a mail scanner, then the person
        page = client.get(_path(leader))
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Afmeld påmindelser" in text and SERVICE_MAILS in text
        assert page.headers["Referrer-Policy"] == "no-referrer"
    assert _stopped_at(session, leader) is None
    assert unsubscribe.wants_reminders(session.get(User, leader.id))


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_mail_clients_one_click_post_needs_no_csrf_token(
    client, session, leader, clock, encoding
):
    if encoding == "urlencoded":
        response = client.post(
            _path(leader), data=ONE_CLICK, content_type="application/x-www-form-urlencoded"
        )
    else:
        response = client.post(
            _path(leader),
            data={"List-Unsubscribe": "One-Click"},
            content_type="multipart/form-data",
        )
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert len(response.get_data()) < 300
    assert "Set-Cookie" not in response.headers  # nothing to remember about a mail client
    assert _stopped_at(session, leader) == NOW
    assert not unsubscribe.wants_reminders(session.get(User, leader.id))


def test_unsubscribing_twice_keeps_the_first_time(client, session, leader, clock):
    assert client.post(_path(leader), data=ONE_CLICK).status_code == 200
    clock.now = NOW + dt.timedelta(days=3)
    assert client.post(_path(leader), data=ONE_CLICK).status_code == 200
    assert _stopped_at(session, leader) == NOW
    unsubscribe.stop_reminders(session.get(User, leader.id), NOW + dt.timedelta(days=9))
    assert _stopped_at(session, leader) == NOW


def test_the_pages_button_confirms_and_offers_reminders_again(client, session, leader, clock):
    page = client.get(_path(leader)).get_data(as_text=True)
    assert f'action="{_path(leader)}"' in page
    response = client.post(_path(leader))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Du er afmeldt påmindelser" in text and SERVICE_MAILS in text
    assert "Slå påmindelser til igen" in text
    assert _stopped_at(session, leader) == NOW

    # Turning them on again goes through the page's form (CSRF like any other form).
    assert client.post(f"{_path(leader)}/genoptag").status_code == 400
    assert _stopped_at(session, leader) == NOW
    response = client.post(f"{_path(leader)}/genoptag", data={"csrf_token": csrf_token_from(text)})
    assert response.status_code == 302 and response.headers["Location"] == _path(leader)
    assert _stopped_at(session, leader) is None
    again = client.get(_path(leader)).get_data(as_text=True)
    assert "Du får påmindelser igen." in again and "Afmeld påmindelser" in again


def test_the_page_shows_reminders_stopped_when_they_are(client, session, leader, clock):
    client.post(_path(leader), data=ONE_CLICK)
    text = client.get(_path(leader)).get_data(as_text=True)
    assert "Du er afmeldt påmindelser" in text and "Slå påmindelser til igen" in text


def _foreign_tokens(app: Flask, leader: User) -> dict[str, str]:
    token = unsubscribe.unsubscribe_token(leader)
    secret = app.config["SECRET_KEY"]
    return {
        "tampered signature": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "tampered id": ".".join(
            (
                URLSafeSerializer(secret, salt=unsubscribe._SALT)
                .dumps(leader.id + 1)
                .split(".")[0],
                token.split(".")[1],
            )
        ),
        "other salt": URLSafeSerializer(secret, salt="another-purpose").dumps(leader.id),
        "other secret": URLSafeSerializer("not-our-secret", salt=unsubscribe._SALT).dumps(
            leader.id
        ),
        "not an id": URLSafeSerializer(secret, salt=unsubscribe._SALT).dumps("1"),
        "no such person": URLSafeSerializer(secret, salt=unsubscribe._SALT).dumps(2**31 + 5),
        "true": URLSafeSerializer(secret, salt=unsubscribe._SALT).dumps(True),
        "unknown": "findes-ikke",
        "nul": "%00",
        "nul inside": token + "%00",
        "huge": "A" * 10_000,
        "huge signed": URLSafeSerializer(secret, salt=unsubscribe._SALT).dumps("x" * 5000),
    }


def test_tokens_that_are_not_ours_are_404_and_change_nothing(app, client, session, leader, clock):
    for name, token in _foreign_tokens(app, leader).items():
        path = f"/afmeld/{token}"
        assert client.get(path).status_code == 404, name
        assert client.post(path, data=ONE_CLICK).status_code == 404, name
        assert client.post(f"{path}/genoptag").status_code in (400, 404), name
    assert _stopped_at(session, leader) is None


def test_turning_on_again_with_a_foreign_token_is_404(app, client, session, leader, clock):
    client.post(_path(leader), data=ONE_CLICK)
    csrf = csrf_token_from(client.get(_path(leader)).get_data(as_text=True))
    for name, token in _foreign_tokens(app, leader).items():
        response = client.post(f"/afmeld/{token}/genoptag", data={"csrf_token": csrf})
        assert response.status_code == 404, name
    assert _stopped_at(session, leader) == NOW


def test_only_the_one_click_view_is_exempt_from_csrf(client, session, leader):
    """Other POSTs still need the token (the exemption names this one view)."""
    assert client.post("/sprog", data={"language": "en"}).status_code == 400
    with client.session_transaction() as cookie:
        assert "locale" not in cookie
    assert client.post(f"{_path(leader)}/genoptag").status_code == 400
