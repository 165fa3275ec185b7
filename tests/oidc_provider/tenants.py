"""The authorization-server side of the test OpenID provider: one :class:`Tenant` per issuer, each an
Authlib authorization server of its own (code grant, S256 PKCE for every client, OpenID Connect with
a required nonce, RP-initiated logout) over in-memory clients, codes and keys. server.py puts them
on HTTP. Tamper modes live here too: they rebuild an honest ID token the way a broken one looks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, UserInfo
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

SCOPES = ["openid", "email", "profile"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
ID_TOKEN_LIFETIME = 300
CODE_LIFETIME = 60
CLAIM_TAMPERS = ("wrong_issuer", "wrong_audience", "expired", "wrong_nonce")
SIGNATURE_TAMPERS = ("bad_signature", "unknown_kid", "alg_none", "hs256_with_public_key")
TAMPER_MODES = frozenset({*CLAIM_TAMPERS, *SIGNATURE_TAMPERS, "no_id_token"})


def new_signing_key(label: str) -> RSAKey:
    """A fresh RS256 key with a kid of its own, so rotation and tampering are visible in headers."""
    kid = f"{label}-{secrets.token_hex(6)}"
    return RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True
    )


@dataclass
class Client(ClientMixin):
    """A relying party registered at one tenant: confidential, authorization code flow only."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None  # OpenID Connect requires redirect_uri in every authorization request.

    def get_allowed_scope(self, scope: str | None) -> str:
        return list_to_scope([s for s in scope_to_list(scope or "") if s in SCOPES])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(client_secret.encode(), self.client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    """What the token request must match: client, redirect_uri, PKCE challenge; plus the nonce."""

    code: str
    client_id: str
    redirect_uri: str | None
    scope: str
    user: dict[str, Any]
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    issued_at: float

    def get_redirect_uri(self) -> str | None:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.issued_at)


class S256CodeChallenge(CodeChallenge):
    """PKCE for every client, S256 only: Authlib on its own only insists on it for public clients."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge'")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be 'S256'")
        super().validate_code_challenge(grant, redirect_uri)


class CodeGrant(AuthorizationCodeGrant):
    """The authorization code grant over the tenant's in-memory codes (single use, 60 s)."""

    TOKEN_ENDPOINT_AUTH_METHODS = AUTH_METHODS

    def save_authorization_code(self, code, request):
        data = request.payload.data
        nonce = data.get("nonce")
        self.server.nonces.add(nonce)
        self.server.codes[code] = AuthorizationCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            user=request.user,
            nonce=nonce,
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            issued_at=time.time(),
        )

    def query_authorization_code(self, code, client):
        item = self.server.codes.get(code)
        if item is None or item.client_id != client.client_id:
            return None
        return item if time.time() - item.issued_at <= CODE_LIFETIME else None

    def delete_authorization_code(self, authorization_code):
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class TenantOpenIDCode(OpenIDCode):
    """ID tokens signed with the tenant's current key, then broken on purpose if a tamper mode is set."""

    def __init__(self, tenant: Tenant) -> None:
        super().__init__(require_nonce=True)
        self.tenant = tenant

    def exists_nonce(self, nonce, request):
        return nonce in self.tenant.nonces

    def resolve_client_private_key(self, client):
        # A key set (not a bare key) makes joserfc write the key's kid into the header.
        return KeySet([self.tenant.current_key])

    def get_client_claims(self, client):
        return {
            "iss": self.tenant.issuer,
            "aud": client.client_id,
            "exp": int(time.time()) + ID_TOKEN_LIFETIME,
        }

    def generate_user_info(self, user, scope):
        return UserInfo(user)

    def encode_id_token(self, token, request):
        id_token = super().encode_id_token(token, request)
        if self.tenant.tamper and self.tenant.tamper != "no_id_token":
            return tamper_with(self.tenant, id_token)
        return id_token

    def process_token(self, grant, response):
        token = super().process_token(grant, response)
        if self.tenant.tamper == "no_id_token":
            token.pop("id_token", None)
        return token


class TenantEndSession(EndSessionEndpoint):
    """RP-initiated logout; a registered post_logout_redirect_uri is enough to redirect back."""

    def get_server_jwks(self):
        return KeySet(list(self.server.keys))

    def is_post_logout_redirect_uri_legitimate(self, request, uri, client, logout_hint):
        return True

    def end_session(self, end_session_request):
        pass  # The provider keeps no sessions; the logout view records the call.


class Tenant(AuthorizationServer):
    """One issuer, an Authlib authorization server of its own so clients and codes never mix:
    its keys (the last is current), clients, codes, tokens, settings and logs."""

    def __init__(self, name: str, issuer: str) -> None:
        super().__init__()
        self.load_config({"OAUTH2_SCOPES_SUPPORTED": SCOPES})
        self.register_grant(CodeGrant, [S256CodeChallenge(required=True), TenantOpenIDCode(self)])
        self.register_endpoint(TenantEndSession)
        self.name = name
        self.issuer = issuer
        self.keys: list[RSAKey] = [new_signing_key(name)]
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens: dict[str, tuple[float, dict[str, Any]]] = {}  # access token: (expiry, person)
        self.nonces: set[str | None] = set()
        self.person: dict[str, Any] | None = None
        self.tamper: str | None = None
        self.outage: str | None = None
        self.outage_seconds = 0.0
        self.received: list[dict[str, Any]] = []
        self.logouts: list[dict[str, Any]] = []
        self._stranger: RSAKey | None = None

    @property
    def current_key(self) -> RSAKey:
        return self.keys[-1]

    @property
    def stranger_key(self) -> RSAKey:
        """A private key the JWKS never lists, for forged signatures."""
        if self._stranger is None:
            self._stranger = new_signing_key(f"{self.name}-unknown")
        return self._stranger

    def public_jwks(self) -> dict[str, Any]:
        return {"keys": [key.as_dict(private=False) for key in self.keys]}

    def rotate_keys(self, keep_old: bool) -> None:
        new = new_signing_key(self.name)
        self.keys = [*self.keys, new] if keep_old else [new]

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request) -> None:
        expiry = time.time() + token.get("expires_in", 3600)
        self.tokens[token["access_token"]] = (expiry, request.user)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def tamper_with(tenant: Tenant, id_token: str) -> str:
    """Rebuild an honest ID token the way the tenant's tamper mode says a bad one looks."""
    mode = tenant.tamper
    payload = id_token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    key, kid = tenant.current_key, tenant.current_key.kid
    if mode == "wrong_issuer":
        claims["iss"] = "http://127.0.0.1:9/impostor"
    elif mode == "wrong_audience":
        claims["aud"] = "someone-else"
    elif mode == "expired":
        issued = int(time.time()) - 3600
        claims.update(iat=issued, auth_time=issued, exp=issued + ID_TOKEN_LIFETIME)
    elif mode == "wrong_nonce":
        claims["nonce"] = secrets.token_urlsafe(16)
    elif mode == "bad_signature":
        key = tenant.stranger_key  # but the header keeps the current, published kid
    elif mode == "unknown_kid":
        key = tenant.stranger_key
        kid = key.kid
    elif mode == "alg_none":
        return f"{_segment({'alg': 'none', 'typ': 'JWT'})}.{_segment(claims)}."
    elif mode == "hs256_with_public_key":
        # joserfc refuses PEM text as an HMAC secret, so this forgery is built by hand.
        signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': kid})}.{_segment(claims)}"
        secret = tenant.current_key.as_pem(private=False)
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{_b64(signature)}"
    return jwt.encode({"alg": "RS256", "kid": kid}, claims, key, ["RS256"])
