"""An organisation without passwords (issue 17, point 4): its invitations send people to its provider
and set no password, "Glemt adgangskode" sends them there too, and no reset e-mail goes out."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app import create_app
from course_app.accounts import invitations, password_resets
from course_app.accounts.identity_secrets import client_secret
from course_app.accounts.models import Invitation, PasswordReset
from course_app.core.db import utcnow
from course_app.notifications.models import OutboxMessage
from tests import factories
from tests.accounts.identity import add_provider, onward_link, query_of
from tests.conftest import TEST_CONFIG, csrf_token_from


def _mails(session, email: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)))


def test_an_invitation_sends_her_to_her_provider_and_sets_no_password(
    session, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    person = factories.user(email="ny@albertslund.dk", name="Nina Ny", org=setup.organisation)

    assert invitations.invite(person) is None

    (mail,) = _mails(session, person.email)
    assert "Du skal ikke vælge en adgangskode" in mail.body_text
    assert "http://127.0.0.1:5000/log-ind/med/albertslund" in mail.body_text
    assert "»Log ind med Albertslund Kommune«" in mail.body_text
    assert 'href="http://127.0.0.1:5000/log-ind/med/albertslund"' in mail.body_html
    assert "/invitation/" not in mail.body_text
    assert session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_with_passwords_allowed_the_invitation_is_as_before(session, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    person = factories.user(email="ny@albertslund.dk", org=setup.organisation)
    assert invitations.invite(person) is not None
    (mail,) = _mails(session, person.email)
    assert "/invitation/" in mail.body_text


def test_no_reset_email_for_a_person_without_passwords(session, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    person = factories.user(email="lene@privat.example", org=setup.organisation)
    password_resets.request_reset(person.email, utcnow())
    assert _mails(session, person.email) == []
    assert session.scalar(select(func.count()).select_from(PasswordReset)) == 0


def test_forgot_password_sends_her_to_her_provider(client, session, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    token = csrf_token_from(client.get("/glemt-adgangskode").get_data(as_text=True))

    answer = client.post(
        "/glemt-adgangskode", data={"email": "lene@albertslund.dk", "csrf_token": token}
    )

    onward = onward_link(answer)
    assert onward.startswith(f"/log-ind/med/{setup.tenant}?")
    assert query_of(onward) == {"login_hint": "lene@albertslund.dk"}
    assert _mails(session, "lene@albertslund.dk") == []


def test_the_secret_from_the_environment_as_the_docs_say(monkeypatch, tmp_path):
    """``COURSE_APP_OIDC_CLIENT_SECRETS__<slug>`` (Flask nests it; a "-" is written "_"; a secret of
    digits arrives as a number) and the secrets file."""
    monkeypatch.setenv("COURSE_APP_OIDC_CLIENT_SECRETS__albertslund", "s3cret")
    monkeypatch.setenv("COURSE_APP_OIDC_CLIENT_SECRETS__glostrup_kommune", "12345")
    secrets_file = tmp_path / "secrets.json"
    secrets_file.write_text('{"ishoej": "fra-filen"}', encoding="utf-8")
    monkeypatch.setenv("COURSE_APP_OIDC_CLIENT_SECRETS_FILE", str(secrets_file))
    app = create_app(TEST_CONFIG, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        assert client_secret("albertslund") == "s3cret"
        assert client_secret("glostrup-kommune") == "12345"
        assert client_secret("ishoej") == "fra-filen"
        assert client_secret("roskilde") is None
    other = create_app(TEST_CONFIG, instance_path=str(tmp_path / "other"))
    assert other.config["OIDC_CLIENT_SECRETS"] is not app.config["OIDC_CLIENT_SECRETS"]
