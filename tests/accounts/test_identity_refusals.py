"""Every bad answer on the way back from an identity provider is refused with a Danish page that
says what to do, nothing is created or changed, and nothing gives a 500 (issue 17, "Bad input"):
a tampered, missing or replayed state, a token with a wrong nonce, issuer, audience or signature,
an expired one, an unverified address, a provider that is down, slow or answers garbage. And the
provider's key rotation is followed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.identity_models import LinkedIdentity
from course_app.accounts.models import User
from tests import factories
from tests.accounts.identity import add_provider, at_provider, sign_in_through, to_provider

REJECTED = "Svaret fra Log ind med Albertslund Kommune kunne ikke godkendes"
EXPIRED = "Log-ind-forsøget er udløbet, eller det blev startet i et andet vindue"
UNAVAILABLE = "Vi kunne ikke få kontakt til Log ind med Albertslund Kommune"
LENE = {"sub": "entra-1", "email": "lene@albertslund.dk", "email_verified": True, "name": "Lene"}


@pytest.fixture
def albertslund(session, app, monkeypatch, oidc_provider):
    setup = add_provider(session, monkeypatch, oidc_provider, create_on_first_sign_in=True)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    return setup


def _nothing_changed(session, people: int) -> None:
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(LinkedIdentity)) == 0
    assert session.scalar(select(func.count()).select_from(User)) == people


def _refused(answer, status: int, text: str) -> None:
    html = answer.get_data(as_text=True)
    assert answer.status_code == status, html
    assert text in html
    assert "Du er ikke logget ind" in html
    assert 'href="/log-ind"' in html  # somewhere to go on


def _people(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    "mode",
    [
        "wrong_issuer",
        "wrong_audience",
        "expired",
        "bad_signature",
        "wrong_nonce",
        "no_id_token",
        "unknown_kid",
        "alg_none",
        "hs256_with_public_key",
    ],
)
def test_a_bad_id_token_is_refused(client, session, albertslund, oidc_provider, mode):
    people = _people(session)
    oidc_provider.tamper(albertslund.tenant, mode)
    answer = sign_in_through(client, oidc_provider, albertslund.tenant, **LENE)
    _refused(answer, 400, REJECTED)
    _nothing_changed(session, people)
    assert client.get("/mit-forloeb").status_code == 302


def test_a_tampered_state_is_refused(client, session, albertslund, oidc_provider):
    people = _people(session)
    oidc_provider.next_person(albertslund.tenant, **LENE)
    back = at_provider(to_provider(client, albertslund.tenant).location)
    tampered = back.replace("state=", "state=x", 1)
    _refused(client.get(tampered), 400, EXPIRED)
    _nothing_changed(session, people)


def test_a_replayed_return_is_refused(client, session, albertslund, oidc_provider):
    oidc_provider.next_person(albertslund.tenant, **LENE)
    back = at_provider(to_provider(client, albertslund.tenant).location)
    assert client.get(back).status_code == 302
    # The same address again, in the same browser and in another one: the flow is used up.
    _refused(client.get(back), 400, EXPIRED)
    other = client.application.test_client()
    _refused(other.get(back), 400, EXPIRED)


def test_a_return_without_a_started_sign_in_is_refused(client, session, albertslund):
    _refused(
        client.get(f"/log-ind/med/{albertslund.tenant}/retur?code=abc&state=def"), 400, EXPIRED
    )
    _refused(client.get(f"/log-ind/med/{albertslund.tenant}/retur"), 400, EXPIRED)


def test_a_return_started_for_another_provider_is_refused(
    client, session, app, albertslund, monkeypatch, oidc_provider
):
    glostrup = add_provider(
        session, monkeypatch, oidc_provider, name="Glostrup", domains=("glostrup.dk",)
    )
    oidc_provider.next_person(albertslund.tenant, **LENE)
    back = at_provider(to_provider(client, albertslund.tenant).location)
    _refused(
        client.get(back.replace(f"/{albertslund.tenant}/", f"/{glostrup.tenant}/", 1)), 400, ""
    )


def test_a_return_with_the_providers_error_says_she_was_not_signed_in(
    client, session, albertslund, oidc_provider
):
    started = to_provider(client, albertslund.tenant)
    state = started.location.split("state=", 1)[1].split("&", 1)[0]
    answer = client.get(
        f"/log-ind/med/{albertslund.tenant}/retur?error=access_denied&state={state}"
    )
    _refused(answer, 400, "Du blev ikke logget ind hos Log ind med Albertslund Kommune")


@pytest.mark.parametrize(
    "claims",
    [
        {"email_verified": False},
        {"email_verified": "true"},  # a string is not a verified claim
        {"email_verified": None},
        {"email": None},
        {"email_verified": None, "xms_edov": "1"},  # Entra's claim, but not a true
    ],
    ids=["false", "string", "missing", "no-email", "edov-string"],
)
def test_an_unverified_address_is_refused(client, session, albertslund, oidc_provider, claims):
    people = _people(session)
    person = {**LENE, **claims}
    person = {key: value for key, value in person.items() if value is not None}
    answer = sign_in_through(client, oidc_provider, albertslund.tenant, **person)
    _refused(answer, 403, "har ikke bekræftet din e-mailadresse")
    _nothing_changed(session, people)


def test_an_address_in_another_domain_is_refused_even_with_creation_on(
    client, session, albertslund, oidc_provider
):
    people = _people(session)
    answer = sign_in_through(
        client, oidc_provider, albertslund.tenant, **{**LENE, "email": "ny@glostrup.dk"}
    )
    _refused(answer, 403, "Din e-mailadresse hører ikke til")
    _nothing_changed(session, people)


@pytest.mark.parametrize("mode", ["down", "garbage"])
def test_a_provider_that_is_down_or_answers_garbage_is_named(
    client, session, albertslund, oidc_provider, mode
):
    oidc_provider.outage(albertslund.tenant, mode)
    _refused(to_provider(client, albertslund.tenant), 502, UNAVAILABLE)


def test_a_provider_that_fails_after_the_redirect_is_named(
    client, session, albertslund, oidc_provider
):
    """Down between sending the browser there and its return: the token request fails."""
    people = _people(session)
    oidc_provider.next_person(albertslund.tenant, **LENE)
    back = at_provider(to_provider(client, albertslund.tenant).location)
    oidc_provider.outage(albertslund.tenant, "down")
    _refused(client.get(back), 502, UNAVAILABLE)
    _nothing_changed(session, people)


def test_a_refused_code_is_refused(client, session, albertslund, oidc_provider):
    oidc_provider.outage(albertslund.tenant, "token_error")
    _refused(sign_in_through(client, oidc_provider, albertslund.tenant, **LENE), 400, REJECTED)


def test_a_slow_provider_is_given_up_on(
    client, session, app, monkeypatch, albertslund, oidc_provider
):
    monkeypatch.setitem(app.config, "OIDC_HTTP_TIMEOUT_SECONDS", 1)
    oidc_provider.outage(albertslund.tenant, "slow", seconds=3)
    _refused(to_provider(client, albertslund.tenant), 502, UNAVAILABLE)


def test_a_provider_without_its_secret_says_it_is_not_set_up(
    client, session, app, monkeypatch, oidc_provider
):
    setup = add_provider(session, monkeypatch, oidc_provider, secret=None)
    factories.user(email="lene@albertslund.dk", org=setup.organisation)
    session.commit()
    answer = sign_in_through(client, oidc_provider, setup.tenant, **LENE)
    _refused(answer, 503, "er ikke sat helt op endnu")


def test_key_rotation_at_the_provider_is_followed(client, session, albertslund, oidc_provider):
    assert sign_in_through(client, oidc_provider, albertslund.tenant, **LENE).status_code == 302
    other = client.application.test_client()
    oidc_provider.rotate_keys(albertslund.tenant, keep_old=False)
    # Our cached keys no longer hold the provider's: the new key id makes us fetch them again.
    assert sign_in_through(other, oidc_provider, albertslund.tenant, **LENE).status_code == 302
    jwks_fetches = [
        r for r in oidc_provider.requests(albertslund.tenant) if r["path"].endswith("/jwks")
    ]
    assert len(jwks_fetches) == 2


@pytest.mark.parametrize(
    "query",
    [
        "?state=%00&code=%00",
        "?state=" + "x" * 10_000 + "&code=y",
        "?error=" + "ø" * 5_000,
        "?code=a&code=b&state=c",
    ],
    ids=["nul", "long-state", "long-error", "repeated"],
)
def test_garbage_returns_are_refused_quietly(client, session, albertslund, query):
    answer = client.get(f"/log-ind/med/{albertslund.tenant}/retur{query}")
    assert answer.status_code == 400


@pytest.mark.parametrize(
    "hint", ["%00lene@albertslund.dk", "x" * 300 + "@albertslund.dk", "lene%0A@albertslund.dk"]
)
def test_a_bad_login_hint_is_left_out(client, session, albertslund, hint):
    started = to_provider(client, albertslund.tenant, f"?login_hint={hint}")
    assert started.status_code == 302
    assert "login_hint" not in started.location


def test_entra_ids_domain_verified_claim_counts_as_verified(
    client, session, albertslund, oidc_provider
):
    person = {key: value for key, value in LENE.items() if key != "email_verified"}
    answer = sign_in_through(client, oidc_provider, albertslund.tenant, **person, xms_edov=True)
    assert answer.status_code == 302
