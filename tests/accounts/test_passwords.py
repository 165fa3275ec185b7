"""The password rules (NIST SP 800-63B): at least 12 characters, at most 256, not a common password
(case-insensitive, Danish ones too), no composition rules; everywhere a password is chosen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.accounts import invitations, passwords
from course_app.accounts import services as accounts
from course_app.core.errors import ServiceError
from course_app.demo import demo_password
from course_app.notifications.models import OutboxMessage
from tests import factories
from tests.conftest import csrf_token_from

TOO_SHORT = "mindst 12 tegn"
TOO_LONG = "højst være 256 tegn"
COMMON = "for almindelig"


def test_the_shipped_list_is_large_and_has_danish_entries():
    common = passwords.common_passwords()
    assert len(common) >= 10_000
    assert {"adgangskode", "sommer2024", "password", "123456789000", "qwerty123456"} <= common
    assert all(entry == entry.lower() for entry in common)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", TOO_SHORT),
        ("elleve tegn", TOO_SHORT),
        ("a" * 257, TOO_LONG),
        ("qwerty123456", COMMON),
        ("QWERTY123456", COMMON),  # case-insensitive
        ("Adgangskode1234", COMMON),
        ("Velkommen2025!", COMMON),
        ("123456789000", COMMON),
    ],
)
def test_refused_passwords_say_why_in_danish(password, message):
    with pytest.raises(ServiceError, match=message):
        passwords.check_new_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "tolv   tegn!",
        "kun små bogstaver i en sætning",
        "a" * 256,
        "æøå æøå æøå ÆØÅ",
        "123 bananer 9",
    ],
)
def test_long_uncommon_passwords_pass_without_composition_rules(password):
    passwords.check_new_password(password)


def test_create_user_and_invitations_apply_the_rules(session):
    with pytest.raises(ServiceError, match=COMMON):
        accounts.create_user(email="a@test.example", name="A", password="adgangskode123")
    invitee = accounts.create_user(email="ida@test.example", name="Ida")
    invitations.invite(invitee)
    token = _invitation_path(session).removeprefix("/invitation/")
    with pytest.raises(ServiceError, match=TOO_SHORT):
        invitations.accept_invitation(token, "for kort")
    with pytest.raises(ServiceError, match=COMMON):
        invitations.accept_invitation(token, "Velkommen2024")
    assert invitations.accept_invitation(token, "en lang og god sætning") == invitee


def test_the_invitation_page_refuses_a_common_password_and_echoes_nothing(client, session):
    invitee = accounts.create_user(email="ida@test.example", name="Ida")
    invitations.invite(invitee)
    session.commit()
    path = _invitation_path(session)
    page = client.get(path).get_data(as_text=True)
    assert "Mindst 12 tegn" in page
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token_from(page),
            "password": "Adgangskode2024",
            "confirm": "Adgangskode2024",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Den adgangskode er for almindelig" in html
    assert "Adgangskode2024" not in html


def test_the_demo_and_test_passwords_satisfy_the_rules(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_APP_DEMO_PASSWORD", raising=False)
    passwords.check_new_password(demo_password(str(tmp_path)))
    passwords.check_new_password(factories.PASSWORD)


def _invitation_path(session) -> str:
    body = session.scalar(select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc()))
    return "/invitation/" + body.split("/invitation/")[1].split()[0]
