"""OpenID Connect, the client's side of the protocol (no Flask request, no database).

Authlib builds the authorization request (``state``, ``nonce``, PKCE with S256) and exchanges the
code; joserfc (Authlib's JOSE library) checks the ID token: its signature with a key from the
provider's JWKS (fetched again when a token names a key id it does not know: the provider has
rotated its keys), issuer, audience, expiry, issue time and ``nonce``. The provider's discovery
document and keys are cached in the process for an hour. Whatever goes wrong with the provider (down,
slow, garbage) is a ``ProviderUnavailable``; a token that fails a check is a ``TokenRejected``. Both
carry an English detail for the log and for the administrators' connection test.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token, is_secure_transport
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

SCOPES = "openid email profile"
CACHE_SECONDS = 3600
CLOCK_SKEW_SECONDS = 60  # leeway for exp and iat: the provider's clock and ours differ a little
# Only public-key signatures: a symmetric algorithm would let anyone with the public key sign.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384")
DISCOVERY_PATH = "/.well-known/openid-configuration"
MAX_DOCUMENT_BYTES = 512 * 1024  # a discovery document or key set is a few kilobytes


class ProviderUnavailable(Exception):
    """The provider could not be reached, was too slow, or answered something unusable."""


class TokenRejected(Exception):
    """The provider's answer failed a check (a token's signature, issuer, audience, expiry, nonce)."""


@dataclass(frozen=True)
class Metadata:
    """The parts of a provider's discovery document the platform uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    algorithms: tuple[str, ...]
    token_auth_method: str


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what to keep in the session until it comes back."""

    url: str
    state: str
    nonce: str
    code_verifier: str


_lock = threading.Lock()
_metadata: dict[str, tuple[float, Metadata]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def forget_cached(issuer: str | None = None) -> None:
    """Drop cached discovery documents and keys (one issuer's, or all): for the connection test."""
    with _lock:
        if issuer is None:
            _metadata.clear()
            _keys.clear()
            return
        cached = _metadata.pop(issuer, None)
        if cached is not None:
            _keys.pop(cached[1].jwks_uri, None)


def _get_json(url: str, timeout: float) -> Mapping[str, Any]:
    """A JSON object from ``url``: no redirects followed (a discovery document or key set is where
    the provider says it is), at most ``MAX_DOCUMENT_BYTES``."""
    try:
        with requests.get(
            url,
            timeout=timeout,
            headers={"Accept": "application/json"},
            allow_redirects=False,
            stream=True,
        ) as response:
            if response.status_code != 200:
                raise ProviderUnavailable(f"{url}: HTTP {response.status_code}")
            body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
    except requests.Timeout:
        raise ProviderUnavailable(f"{url}: no answer within {timeout:g} seconds") from None
    except (requests.RequestException, OSError) as error:
        raise ProviderUnavailable(f"{url}: cannot connect ({type(error).__name__})") from None
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderUnavailable(f"{url}: the answer is larger than {MAX_DOCUMENT_BYTES} bytes")
    try:
        data = json.loads(body)
    except ValueError:
        raise ProviderUnavailable(f"{url}: the answer is not JSON") from None
    if not isinstance(data, Mapping):
        raise ProviderUnavailable(f"{url}: the answer is not a JSON object")
    return data


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def metadata(issuer: str, *, timeout: float) -> Metadata:
    """The provider's discovery document, checked (its issuer must be the one configured)."""
    now = time.monotonic()
    with _lock:
        cached = _metadata.get(issuer)
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    document = _get_json(discovery_url(issuer), timeout)
    try:
        found = _read_metadata(issuer, document)
    except ProviderUnavailable:
        raise
    except Exception as error:
        raise ProviderUnavailable(f"the discovery document is not usable: {error!r}") from None
    with _lock:
        _metadata[issuer] = (now, found)
    return found


def _read_metadata(issuer: str, document: Mapping[str, Any]) -> Metadata:
    if document.get("issuer") != issuer:
        raise ProviderUnavailable(
            f"the discovery document names the issuer {document.get('issuer')!r}, not {issuer!r}"
        )
    OpenIDProviderMetadata(document).validate()  # ValueError (or worse) when it is not valid
    endpoints = {
        name: document.get(name)
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")
    }
    for name, url in endpoints.items():
        if not isinstance(url, str) or not is_secure_transport(url):
            raise ProviderUnavailable(f"the discovery document's {name} is not an https address")
    end_session = document.get("end_session_endpoint")
    if not isinstance(end_session, str) or not is_secure_transport(end_session):
        end_session = None
    offered = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(name for name in SIGNING_ALGORITHMS if name in offered)
    if not algorithms:
        raise ProviderUnavailable(f"the provider signs ID tokens only with {offered}")
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return Metadata(
        issuer=issuer,
        authorization_endpoint=endpoints["authorization_endpoint"],
        token_endpoint=endpoints["token_endpoint"],
        jwks_uri=endpoints["jwks_uri"],
        end_session_endpoint=end_session,
        algorithms=algorithms,
        token_auth_method=(
            "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
        ),
    )


def key_set(provider: Metadata, *, timeout: float, fresh: bool = False) -> KeySet:
    """The provider's public keys; ``fresh``: fetched now (a token named a key id not in the cache)."""
    now = time.monotonic()
    with _lock:
        cached = _keys.get(provider.jwks_uri)
    if cached and not fresh and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    document = _get_json(provider.jwks_uri, timeout)
    try:
        keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ProviderUnavailable(f"the JWKS cannot be read: {error}") from None
    if any(key.is_private for key in keys):
        raise ProviderUnavailable("the JWKS holds private keys: the provider is misconfigured")
    with _lock:
        _keys[provider.jwks_uri] = (now, keys)
    return keys


def authorization_request(
    provider: Metadata, client_id: str, redirect_uri: str, *, login_hint: str | None = None
) -> AuthorizationRequest:
    """The authorization code request with a fresh ``state``, ``nonce`` and PKCE code verifier."""
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    extra = {"login_hint": login_hint} if login_hint else {}
    with OAuth2Session(
        client_id, scope=SCOPES, redirect_uri=redirect_uri, code_challenge_method="S256"
    ) as client:
        url, _state = client.create_authorization_url(
            provider.authorization_endpoint,
            state=state,
            nonce=nonce,
            code_verifier=verifier,
            **extra,
        )
    return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def exchange_code(
    provider: Metadata,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    code_verifier: str,
    timeout: float,
) -> str:
    """The ID token the token endpoint gives for ``code`` (not yet checked)."""
    with OAuth2Session(
        client_id,
        client_secret,
        token_endpoint_auth_method=provider.token_auth_method,
        redirect_uri=redirect_uri,
    ) as client:
        try:
            token = client.fetch_token(
                provider.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
                timeout=timeout,
            )
        except requests.Timeout:
            raise ProviderUnavailable(f"token endpoint: no answer within {timeout:g} s") from None
        except requests.RequestException as error:
            raise ProviderUnavailable(f"token endpoint: {type(error).__name__}") from None
        except OAuthError as error:
            raise TokenRejected(f"the token endpoint refused the code: {error.error!r}") from None
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ProviderUnavailable(f"token endpoint: an unusable answer ({error!r})") from None
    id_token = token.get("id_token") if isinstance(token, Mapping) else None
    if not isinstance(id_token, str) or not id_token:
        raise TokenRejected("the token endpoint's answer has no id_token")
    return id_token


def verify_id_token(
    provider: Metadata, id_token: str, *, client_id: str, nonce: str, timeout: float
) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, times and nonce hold."""
    try:
        try:
            token = jwt.decode(
                id_token, key_set(provider, timeout=timeout), algorithms=list(provider.algorithms)
            )
        except InvalidKeyIdError:  # a key we have not seen: the provider may have rotated
            keys = key_set(provider, timeout=timeout, fresh=True)
            token = jwt.decode(id_token, keys, algorithms=list(provider.algorithms))
        claims = dict(token.claims)
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_SKEW_SECONDS,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except JoseError as error:
        raise TokenRejected(f"the ID token is not valid: {error}") from None
    except (ValueError, TypeError) as error:  # not a JWT at all
        raise TokenRejected(f"the ID token cannot be read: {type(error).__name__}") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise TokenRejected("the ID token is meant for several clients and not authorised for us")
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject.isprintable() or not 0 < len(subject) <= 255:
        raise TokenRejected("the ID token's subject is not a usable string")
    if not isinstance(claims["nonce"], str) or not hmac.compare_digest(
        claims["nonce"].encode(), nonce.encode()
    ):
        raise TokenRejected("the ID token's nonce is not the one sent")
    return claims
