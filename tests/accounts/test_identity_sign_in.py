"""Signing in with the organisation's own identity provider (issue 17), against a real OpenID Connect
provider on 127.0.0.1 (``tests/oidc_provider``): the code flow with PKCE, state and nonce; linking
a person by a verified address and then by her subject; creating leaders only where the organisation
allows it; the session; sign-out at the provider; organisations without passwords."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
from sqlalchemy import func, select

from course_app.accounts.identity_models import LinkedIdentity
from course_app.accounts.identity_views import SIGNED_IN_WITH
from course_app.accounts.models import User
from course_app.accounts.sessions import SIGNED_IN_AT
from course_app.audit.models import AuditEntry
from course_app.core.db import db, utcnow
from course_app.organisations.models import RoleAssignment
from course_app.privacy.erasure import anonymise_person
from course_app.privacy.export import personal_data
from tests import factories
from tests.accounts.identity import (
    BASE_URL,
    CLIENT_ID,
    add_provider,
    at_provider,
    onward_link,
    query_of,
    sign_in_through,
    to_provider,
)
from tests.conftest import csrf_token_from
from tests.helpers import at_once, sign_in


def _people(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(User))


def test_a_leader_signs_in_through_her_provider_and_lands_on_her_home(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", name="Lene Leder", org=setup.organisation)
    session.commit()

    answer = sign_in_through(
        client,
        oidc_provider,
        setup.tenant,
        sub="entra-0001",
        email="Lene@Albertslund.dk",
        email_verified=True,
        name="Lene Leder",
    )

    assert answer.status_code == 302
    assert answer.location == "/forside"
    home = client.get("/mit-forloeb")
    assert home.status_code == 200
    assert "Lene Leder" in home.get_data(as_text=True)
    with client.session_transaction() as cookie:
        assert cookie[SIGNED_IN_WITH] == setup.tenant
        assert isinstance(cookie[SIGNED_IN_AT], int)  # the session's absolute lifetime runs
    (link,) = session.scalars(select(LinkedIdentity)).all()
    assert (link.user_id, link.provider_id, link.subject) == (
        leader.id,
        setup.provider.id,
        "entra-0001",
    )


def test_the_request_carries_pkce_state_and_nonce_and_the_token_request_the_verifier(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()

    oidc_provider.next_person(
        setup.tenant, sub="s-1", email="lene@albertslund.dk", email_verified=True
    )
    started = to_provider(client, setup.tenant)
    asked = query_of(started.location)
    assert asked["client_id"] == CLIENT_ID
    assert asked["response_type"] == "code"
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["code_challenge"]) == 43
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32
    assert set(asked["scope"].split()) == {"openid", "email", "profile"}
    assert asked["redirect_uri"] == f"{BASE_URL}/log-ind/med/{setup.tenant}/retur"
    assert client.get(at_provider(started.location)).status_code == 302

    token_requests = [
        r for r in oidc_provider.requests(setup.tenant) if r["path"].endswith("/token")
    ]
    (token_request,) = token_requests
    assert len(token_request["form"]["code_verifier"]) >= 43
    assert token_request["form"]["grant_type"] == "authorization_code"


def test_after_the_first_sign_in_the_subject_finds_her_even_with_a_new_address(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    claims = {"sub": "entra-0001", "email_verified": True}
    sign_in_through(client, oidc_provider, setup.tenant, email="lene@albertslund.dk", **claims)
    client.post(
        "/log-ud", data={"csrf_token": csrf_token_from(client.get("/konto").get_data(as_text=True))}
    )

    # Married, new address at the municipality: the same subject, the same person.
    answer = sign_in_through(
        client, oidc_provider, setup.tenant, email="lene.nygaard@albertslund.dk", **claims
    )
    assert answer.status_code == 302
    with client.session_transaction() as cookie:
        assert cookie["_user_id"].split(":")[0] == str(leader.id)


def test_a_different_subject_with_a_linked_persons_address_is_refused(
    client, session, app, monkeypatch, oidc_provider
):
    """The address was given to someone else at the provider: the stored subject decides."""
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    sign_in_through(
        client,
        oidc_provider,
        setup.tenant,
        sub="first",
        email="lene@albertslund.dk",
        email_verified=True,
    )
    other = app.test_client()  # another browser
    answer = sign_in_through(
        other,
        oidc_provider,
        setup.tenant,
        sub="second",
        email="lene@albertslund.dk",
        email_verified=True,
    )
    assert answer.status_code == 403
    assert "knyttet til en anden konto" in answer.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(LinkedIdentity)) == 1


def test_unknown_people_are_refused_and_nothing_is_created(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    before = _people(session)

    answer = sign_in_through(
        client, oidc_provider, setup.tenant, sub="x", email="ny@albertslund.dk", email_verified=True
    )

    assert answer.status_code == 403
    assert "Du har ikke en konto på platformen endnu" in answer.get_data(as_text=True)
    assert _people(session) == before
    assert client.get("/mit-forloeb").status_code == 302  # not signed in


def test_create_on_first_sign_in_makes_a_leader_with_no_roles(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, create_on_first_sign_in=True)

    answer = sign_in_through(
        client,
        oidc_provider,
        setup.tenant,
        sub="ny-1",
        email="Ny.Leder@albertslund.dk",
        email_verified=True,
        name="  Ny   Leder ",
        roles=["platform_admin"],  # a claim is never a role
    )

    assert answer.status_code == 302
    session.expire_all()
    person = session.scalar(select(User).where(User.email == "ny.leder@albertslund.dk"))
    assert (person.name, person.organisation_id, person.password_hash) == (
        "Ny Leder",
        setup.organisation.id,
        None,
    )
    assert (
        session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == person.id)).all()
        == []
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.object_key == str(person.id)))
    assert (entry.action, entry.object_type, entry.actor_id) == ("created", "person", None)


def test_a_person_of_another_organisation_is_refused_by_this_provider(
    client, session, app, monkeypatch, oidc_provider
):
    albertslund = add_provider(session, monkeypatch, oidc_provider)
    glostrup = add_provider(
        session, monkeypatch, oidc_provider, name="Glostrup", domains=("glostrup.dk",)
    )
    # An address in Albertslund's domain, but the person belongs to Glostrup.
    factories.user(email="gitte@albertslund.dk", org=glostrup.organisation)
    factories.user(email="gorm@glostrup.dk", org=glostrup.organisation)
    session.commit()

    moved = sign_in_through(
        client,
        oidc_provider,
        albertslund.tenant,
        sub="g1",
        email="gitte@albertslund.dk",
        email_verified=True,
    )
    foreign = sign_in_through(
        client,
        oidc_provider,
        albertslund.tenant,
        sub="g2",
        email="gorm@glostrup.dk",
        email_verified=True,
    )

    assert moved.status_code == foreign.status_code == 403
    assert "hører til en anden organisation end Log ind med Albertslund Kommune" in (
        moved.get_data(as_text=True)
    )
    assert "Din e-mailadresse hører ikke til Log ind med Albertslund Kommune" in (
        foreign.get_data(as_text=True)
    )
    assert session.scalar(select(func.count()).select_from(LinkedIdentity)) == 0
    # Glostrup's own provider signs Gorm in.
    own = sign_in_through(
        client,
        oidc_provider,
        glostrup.tenant,
        sub="g2",
        email="gorm@glostrup.dk",
        email_verified=True,
    )
    assert own.status_code == 302


def test_deactivated_people_are_refused(client, session, app, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    leader.deactivated_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    session.commit()
    answer = sign_in_through(
        client,
        oidc_provider,
        setup.tenant,
        sub="s",
        email="lene@albertslund.dk",
        email_verified=True,
    )
    assert answer.status_code == 403
    assert "Din konto er lukket" in answer.get_data(as_text=True)


def test_the_page_she_asked_for_is_where_she_lands(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    oidc_provider.next_person(
        setup.tenant, sub="s", email="lene@albertslund.dk", email_verified=True
    )
    started = to_provider(client, setup.tenant, "?next=/kalender")
    assert client.get(at_provider(started.location)).location == "/kalender"


def test_a_next_address_elsewhere_is_not_followed(client, session, app, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    oidc_provider.next_person(
        setup.tenant, sub="s", email="lene@albertslund.dk", email_verified=True
    )
    started = to_provider(client, setup.tenant, "?next=https://evil.example/")
    assert client.get(at_provider(started.location)).location == "/forside"


def test_the_sign_in_page_offers_the_providers(client, session, app, monkeypatch, oidc_provider):
    add_provider(session, monkeypatch, oidc_provider)
    add_provider(session, monkeypatch, oidc_provider, name="Glostrup", domains=("glostrup.dk",))
    html = client.get("/log-ind").get_data(as_text=True)
    assert 'href="/log-ind/med/albertslund">Log ind med Albertslund Kommune</a>' in html
    assert 'href="/log-ind/med/glostrup">Log ind med Glostrup Kommune</a>' in html


def test_sign_out_ends_the_session_at_the_provider_too(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    sign_in_through(
        client,
        oidc_provider,
        setup.tenant,
        sub="s",
        email="lene@albertslund.dk",
        email_verified=True,
    )
    token = csrf_token_from(client.get("/konto").get_data(as_text=True))

    answer = client.post("/log-ud", data={"csrf_token": token})

    # A page that goes on to the provider (a redirect after a form would break the CSP's
    # form-action 'self'): by itself at once, and by a link.
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    logout_url = re.search(r'<a class="button button-primary" href="([^"]+)"', html).group(1)
    logout_url = logout_url.replace("&amp;", "&")
    assert (
        f'<meta http-equiv="refresh" content="0; url={logout_url.replace("&", "&amp;")}">' in html
    )
    assert logout_url.startswith(oidc_provider.issuer(setup.tenant))
    assert query_of(logout_url) == {
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": f"{BASE_URL}/log-ind",
    }
    assert "Du er logget ud." in html
    back = requests.get(logout_url, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{BASE_URL}/log-ind")
    assert len(oidc_provider.logouts(setup.tenant)) == 1
    assert client.get("/mit-forloeb").status_code == 302  # signed out here as well


def test_password_sign_out_stays_on_the_platform(client, session, app, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    sign_in(client, leader.email)
    token = csrf_token_from(client.get("/konto").get_data(as_text=True))
    assert client.post("/log-ud", data={"csrf_token": token}).location == "/log-ind"


def test_without_passwords_the_sign_in_form_sends_her_to_her_provider(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()

    answer = sign_in(client, leader.email)  # the right password

    onward = onward_link(answer)
    assert onward.startswith(f"/log-ind/med/{setup.tenant}?")
    assert query_of(onward) == {"login_hint": "lene@albertslund.dk"}
    assert client.get("/mit-forloeb").status_code == 302  # not signed in
    started = client.get(onward)
    assert query_of(started.location)["login_hint"] == "lene@albertslund.dk"


def test_without_passwords_a_right_password_outside_the_domain_does_not_sign_in(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    leader = factories.user(email="lene@privat.example", org=setup.organisation)
    session.commit()

    answer = sign_in(client, leader.email)

    assert answer.status_code == 403
    assert "slået log ind med adgangskode fra" in answer.get_data(as_text=True)
    assert "Log ind med Albertslund Kommune" in answer.get_data(as_text=True)
    assert client.get("/mit-forloeb").status_code == 302
    session.expire_all()
    assert session.get(User, leader.id).last_sign_in_at is None


def test_other_organisations_keep_their_passwords(client, session, app, monkeypatch, oidc_provider):
    add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    other = factories.user(email="gitte@glostrup.dk", org=factories.organisation("Glostrup"))
    session.commit()
    assert sign_in(client, other.email).location == "/forside"


def test_a_switched_off_provider_cannot_be_used(client, session, app, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider)
    setup.provider.active = False
    session.commit()
    assert to_provider(client, setup.tenant).status_code == 404
    assert client.get(f"/log-ind/med/{setup.tenant}/retur?state=x&code=y").status_code == 404
    assert "Albertslund Kommune" not in client.get("/log-ind").get_data(as_text=True)


def test_the_session_flag_is_not_kept_by_a_password_sign_in(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    sign_in(client, leader.email)
    with client.session_transaction() as cookie:
        assert SIGNED_IN_WITH not in cookie


def test_her_export_names_the_provider_and_erasure_forgets_the_link(
    client, session, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    lene = {"sub": "entra-77", "email": "lene@albertslund.dk", "email_verified": True}
    assert sign_in_through(client, oidc_provider, setup.tenant, **lene).status_code == 302

    session.expire_all()
    (section,) = [s for s in personal_data(leader) if s.key == "linked_identities"]
    assert [(row["provider"], row["subject"]) for row in section.rows] == [
        ("Log ind med Albertslund Kommune", "entra-77")
    ]

    anonymise_person(leader, actor_id=None, now=utcnow(), reason="test")
    session.commit()
    assert session.scalar(select(func.count()).select_from(LinkedIdentity)) == 0
    # Her subject no longer finds the anonymised account.
    another_browser = client.application.test_client()
    again = sign_in_through(another_browser, oidc_provider, setup.tenant, **lene)
    assert again.status_code == 403


def test_without_passwords_her_address_alone_is_enough(client, session, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider, passwords_allowed=False)
    token = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    answer = client.post(
        "/log-ind",
        data={"email": " Lene@Albertslund.dk ", "password": "", "csrf_token": token, "next": ""},
    )
    assert query_of(onward_link(answer)) == {"login_hint": "Lene@Albertslund.dk"}
    assert "Du logger ind med din kommunes konto" in answer.get_data(as_text=True)
    assert setup.tenant in onward_link(answer)


def test_a_provider_session_ends_like_a_password_session(
    client, session, monkeypatch, oidc_provider, clock
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    lene = {"sub": "s", "email": "lene@albertslund.dk", "email_verified": True}
    assert sign_in_through(client, oidc_provider, setup.tenant, **lene).status_code == 302
    assert client.get("/mit-forloeb").status_code == 200
    clock.now += dt.timedelta(hours=12)  # the absolute lifetime
    assert client.get("/mit-forloeb").status_code == 302


def test_a_sign_in_left_at_the_provider_too_long_is_refused(
    client, session, monkeypatch, oidc_provider, clock
):
    setup = add_provider(session, monkeypatch, oidc_provider)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    oidc_provider.next_person(
        setup.tenant, sub="s", email="lene@albertslund.dk", email_verified=True
    )
    back = at_provider(to_provider(client, setup.tenant).location)
    clock.now += dt.timedelta(minutes=11)
    answer = client.get(back)
    assert answer.status_code == 400
    assert "Log-ind-forsøget er udløbet" in answer.get_data(as_text=True)


@pytest.mark.parametrize("known", [True, False], ids=["known-person", "created-at-sign-in"])
def test_two_first_sign_ins_at_once_link_her_once(fresh_app, monkeypatch, oidc_provider, known):
    """Two browsers come back from the provider for the same new person at the same moment (on
    PostgreSQL, two connections racing for the same rows): both get in, one link, one person."""
    app = fresh_app()
    with app.app_context():
        setup = add_provider(db.session, monkeypatch, oidc_provider, create_on_first_sign_in=True)
        if known:
            factories.user(email="lene@albertslund.dk", org=setup.organisation)
        db.session.commit()
        tenant = setup.tenant
    oidc_provider.next_person(tenant, sub="s-1", email="lene@albertslund.dk", email_verified=True)
    browsers = []
    for _ in range(2):
        browser = app.test_client()
        browsers.append((browser, at_provider(to_provider(browser, tenant).location)))

    statuses = at_once(
        [
            lambda browser=browser, path=path: browser.get(path).status_code
            for browser, path in browsers
        ]
    )
    assert statuses == [302, 302]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LinkedIdentity)) == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(User).where(User.email == "lene@albertslund.dk")
            )
            == 1
        )


def test_her_address_without_a_password_chooses_her_provider(
    client, session, monkeypatch, oidc_provider
):
    """Passwords allowed: the address alone leads to the provider of its domain; with a password
    she signs in here as before."""
    setup = add_provider(session, monkeypatch, oidc_provider)
    leader = factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    token = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    answer = client.post(
        "/log-ind", data={"email": leader.email, "password": "", "csrf_token": token, "next": ""}
    )
    assert onward_link(answer).startswith(f"/log-ind/med/{setup.tenant}?")
    assert "Du logger ind med den konto, du bruger på din arbejdscomputer" in answer.get_data(
        as_text=True
    )
    assert sign_in(client, leader.email).location == "/forside"


def test_an_address_without_a_provider_still_needs_a_password(client, session):
    token = csrf_token_from(client.get("/log-ind").get_data(as_text=True))
    answer = client.post(
        "/log-ind",
        data={"email": "x@privat.example", "password": "", "csrf_token": token, "next": ""},
    )
    assert answer.status_code == 400
    assert "Skriv din adgangskode." in answer.get_data(as_text=True)
