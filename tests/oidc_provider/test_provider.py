"""The test OpenID provider itself, spoken to with plain ``requests``: it must be right before the
platform's sign-in tests can trust it to accept good clients and refuse bad ones."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from tests.oidc_provider import TestProvider

TENANT = "albertslund"
CLIENT_ID = "course-platform"
CLIENT_SECRET = "platform-secret"
REDIRECT_URI = "http://127.0.0.1:5999/auth/callback"
SIGNED_OUT_URI = "http://127.0.0.1:5999/signed-out"
LEADER = {
    "sub": "leader-17",
    "email": "lene@albertslund.dk",
    "email_verified": True,
    "name": "Lene Leder",
    "department": "Skoleforvaltningen",
}


@pytest.fixture
def issuer(oidc_provider: TestProvider) -> str:
    issuer = oidc_provider.configure(
        TENANT,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[REDIRECT_URI],
        post_logout_redirect_uris=[SIGNED_OUT_URI],
    )
    oidc_provider.next_person(TENANT, **LEADER)
    return issuer


def get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(url, allow_redirects=False, timeout=5, **kwargs)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authorize(issuer: str, **overrides: str | None) -> requests.Response:
    """An authorization request as the platform sends it; an override of None leaves a field out."""
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid email profile",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": pkce_pair()[1],
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return get(f"{issuer}/authorize", params={k: v for k, v in params.items() if v is not None})


def query_of(response: requests.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def sign_in(issuer: str, *, post_secret: bool = False) -> tuple[dict[str, Any], str]:
    """The whole code flow; returns the token response and the nonce that was sent."""
    verifier, challenge = pkce_pair()
    nonce, state = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    callback = query_of(authorize(issuer, state=state, nonce=nonce, code_challenge=challenge))
    assert callback["state"] == state
    form = {
        "grant_type": "authorization_code",
        "code": callback["code"],
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    if post_secret:
        form |= {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
        response = requests.post(f"{issuer}/token", data=form, timeout=5)
    else:
        response = requests.post(
            f"{issuer}/token", data=form, auth=(CLIENT_ID, CLIENT_SECRET), timeout=5
        )
    assert response.status_code == 200, response.text
    return response.json(), nonce


def verified_claims(issuer: str, id_token: str) -> dict[str, Any]:
    """Checks an ID token the way a careful client does: published keys, RS256 only, iss, aud."""
    keys = KeySet.import_key_set(get(f"{issuer}/jwks").json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": CLIENT_ID},
        exp={"essential": True},
    ).validate(token.claims)
    return {**token.claims, "_kid": token.header["kid"]}


def test_discovery_and_jwks_publish_public_keys_only(issuer: str, oidc_provider) -> None:
    metadata = get(f"{issuer}/.well-known/openid-configuration").json()
    OpenIDProviderMetadata(metadata).validate()
    assert metadata["issuer"] == issuer
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["jwks_uri"] == f"{issuer}/jwks"
    [key] = get(metadata["jwks_uri"]).json()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & key.keys()
    assert get(f"{oidc_provider.base_url}/glostrup/jwks").status_code == 404


def test_leader_signs_in_with_pkce_and_nonce(issuer: str, oidc_provider: TestProvider) -> None:
    token, nonce = sign_in(issuer)
    claims = verified_claims(issuer, token["id_token"])
    assert claims["_kid"] == get(f"{issuer}/jwks").json()["keys"][0]["kid"]
    assert claims["nonce"] == nonce
    assert claims["exp"] - claims["iat"] == 300
    assert {k: claims[k] for k in LEADER} == LEADER
    userinfo = get(
        f"{issuer}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert userinfo.json()["email"] == LEADER["email"]
    assert get(f"{issuer}/userinfo", headers={"Authorization": "Bearer nope"}).status_code == 401

    received = oidc_provider.requests(TENANT)
    authorization = next(r for r in received if r["endpoint"] == "authorize")
    assert authorization["args"]["code_challenge_method"] == "S256"
    assert authorization["args"]["nonce"] == nonce
    token_call = next(r for r in received if r["endpoint"] == "token")
    assert token_call["form"]["code_verifier"] and token_call["auth_scheme"] == "Basic"

    token, _ = sign_in(issuer, post_secret=True)
    assert verified_claims(issuer, token["id_token"])["sub"] == LEADER["sub"]


def test_a_code_is_good_once_and_only_with_its_verifier(issuer: str) -> None:
    verifier, challenge = pkce_pair()
    code = query_of(authorize(issuer, code_challenge=challenge))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}
    auth = (CLIENT_ID, CLIENT_SECRET)

    def exchange(**extra: str) -> requests.Response:
        return requests.post(f"{issuer}/token", data=form | extra, auth=auth, timeout=5)

    assert exchange().json()["error"] == "invalid_request"  # no code_verifier
    assert exchange(code_verifier=pkce_pair()[0]).json()["error"] == "invalid_grant"
    assert exchange(code_verifier=verifier).status_code == 200
    assert exchange(code_verifier=verifier).json()["error"] == "invalid_grant"  # used up

    code = query_of(authorize(issuer, code_challenge=challenge, nonce="n-2"))["code"]
    form["code"] = code
    wrong = requests.post(
        f"{issuer}/token", data=form | {"code_verifier": verifier}, auth=(CLIENT_ID, "x"), timeout=5
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"nonce": None}, "invalid_request"),
        ({"scope": "openid admin"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_bad_authorization_requests_go_back_with_an_error(issuer, overrides, error) -> None:
    callback = query_of(authorize(issuer, **overrides))
    assert (callback["error"], callback["state"]) == (error, "state-1")
    assert "code" not in callback


@pytest.mark.parametrize(
    "overrides",
    [{"client_id": "stranger"}, {"redirect_uri": "http://evil.example/cb"}, {"redirect_uri": None}],
)
def test_requests_the_provider_cannot_answer_safely_are_refused_on_the_spot(
    issuer, overrides
) -> None:
    response = authorize(issuer, **overrides)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_nobody_to_sign_in_is_a_plain_400(oidc_provider: TestProvider, issuer: str) -> None:
    oidc_provider.reset()
    oidc_provider.configure(
        TENANT, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT_URI]
    )
    response = authorize(issuer)
    assert response.status_code == 400 and "next_person" in response.text


def test_key_rotation(issuer: str, oidc_provider: TestProvider) -> None:
    [old] = get(f"{issuer}/jwks").json()["keys"]
    oidc_provider.rotate_keys(TENANT)
    kids = [key["kid"] for key in get(f"{issuer}/jwks").json()["keys"]]
    assert kids[0] == old["kid"] and len(kids) == 2
    token, _ = sign_in(issuer)
    assert verified_claims(issuer, token["id_token"])["_kid"] == kids[1]

    oidc_provider.rotate_keys(TENANT, keep_old=False)
    [newest] = get(f"{issuer}/jwks").json()["keys"]
    assert newest["kid"] not in kids
    with pytest.raises(JoseError):  # signed with a key that is no longer published
        verified_claims(issuer, token["id_token"])


@pytest.mark.parametrize(
    ("mode", "broken"),
    [
        ("wrong_issuer", "iss"),
        ("wrong_audience", "aud"),
        ("expired", "exp"),
        ("bad_signature", "signature"),
        ("unknown_kid", "signature"),
        ("alg_none", "signature"),
        ("hs256_with_public_key", "signature"),
    ],
)
def test_tampered_id_tokens_fail_a_careful_client(issuer, oidc_provider, mode, broken) -> None:
    oidc_provider.tamper(TENANT, mode)
    token, _ = sign_in(issuer)
    with pytest.raises(JoseError) as failure:
        verified_claims(issuer, token["id_token"])
    if broken != "signature":
        assert getattr(failure.value, "claim", None) == broken


def test_wrong_nonce_and_missing_id_token(issuer: str, oidc_provider: TestProvider) -> None:
    oidc_provider.tamper(TENANT, "wrong_nonce")
    token, nonce = sign_in(issuer)
    assert verified_claims(issuer, token["id_token"])["nonce"] != nonce
    oidc_provider.tamper(TENANT, "no_id_token")
    token, _ = sign_in(issuer)
    assert "id_token" not in token and token["access_token"]
    oidc_provider.tamper(TENANT, None)
    token, nonce = sign_in(issuer)
    assert verified_claims(issuer, token["id_token"])["nonce"] == nonce


def test_outages(issuer: str, oidc_provider: TestProvider) -> None:
    discovery = f"{issuer}/.well-known/openid-configuration"
    oidc_provider.outage(TENANT, "down")
    assert get(discovery).status_code == 503 and get(f"{issuer}/jwks").status_code == 503
    oidc_provider.outage(TENANT, "garbage")
    response = get(f"{issuer}/jwks")
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text == "<html>not json"
    oidc_provider.outage(TENANT, "token_error")
    response = requests.post(f"{issuer}/token", data={}, timeout=5)
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})
    oidc_provider.outage(TENANT, "slow", seconds=0.5)
    with pytest.raises(requests.Timeout):
        requests.get(discovery, timeout=0.1)
    oidc_provider.outage(TENANT, None)
    assert get(discovery).json()["issuer"] == issuer


def test_rp_initiated_logout(issuer: str, oidc_provider: TestProvider) -> None:
    token, _ = sign_in(issuer)
    params = {
        "id_token_hint": token["id_token"],
        "post_logout_redirect_uri": SIGNED_OUT_URI,
        "state": "bye",
        "client_id": CLIENT_ID,
    }
    response = get(f"{issuer}/logout", params=params)
    assert response.headers["Location"] == f"{SIGNED_OUT_URI}?state=bye"
    unregistered = params | {"post_logout_redirect_uri": "http://evil.example/"}
    response = get(f"{issuer}/logout", params=unregistered)
    assert response.status_code == 200 and "signed out" in response.text
    first, second = oidc_provider.logouts(TENANT)
    assert {k: first[k] for k in params} == params
    assert first["redirected_to"] == f"{SIGNED_OUT_URI}?state=bye"
    assert second["redirected_to"] is None
