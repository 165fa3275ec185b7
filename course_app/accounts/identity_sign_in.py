"""Signing a person in through her organisation's identity provider, without a request.

``begin`` makes the authorization request and the flow to keep in the session; ``finish`` checks what
comes back (state, the provider's answer, the ID token) and finds the person: by the subject stored
at her first sign-in, else by a verified e-mail address in one of the provider's domains, and only
among the provider's organisation's people. Unknown people are refused unless the organisation
creates them (as leaders: roles never come from a provider). Every refusal is a ``SignInRefused``
with a reason the page explains in Danish; nothing is created or changed by a refused sign-in.
"""

from __future__ import annotations

import datetime as dt
import enum
import hmac
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app.accounts import oidc
from course_app.accounts.identity_models import IdentityProvider, LinkedIdentity
from course_app.accounts.identity_secrets import client_secret
from course_app.accounts.models import User
from course_app.accounts.services import create_user, find_user_by_email
from course_app.accounts.sign_in_policy import email_domain, policy_of, provider_by_slug
from course_app.audit import services as audit
from course_app.core.db import db
from course_app.core.errors import ServiceError

FLOW_MINUTES = 10  # how long a started sign-in may take at the provider
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200


class Refusal(enum.Enum):
    """Why a sign-in through a provider was refused: what the person is told, and the status."""

    EXPIRED = (
        _l(
            "Log-ind-forsøget er udløbet, eller det blev startet i et andet vindue. "
            "Start forfra fra log-ind-siden."
        ),
        400,
    )
    CANCELLED = (
        _l("Du blev ikke logget ind hos %(provider)s. Prøv igen, hvis du vil logge ind."),
        400,
    )
    UNAVAILABLE = (
        _l(
            "Vi kunne ikke få kontakt til %(provider)s. Prøv igen om lidt. Sker det igen, så "
            "kontakt din kommunes it-support."
        ),
        502,
    )
    NOT_CONFIGURED = (
        _l(
            "Log ind med %(provider)s er ikke sat helt op endnu. Kontakt forløbets koordinator "
            "i din kommune."
        ),
        503,
    )
    REJECTED = (
        _l(
            "Svaret fra %(provider)s kunne ikke godkendes, så du er ikke logget ind. Start "
            "forfra. Sker det igen, så kontakt din kommunes it-support."
        ),
        400,
    )
    UNVERIFIED_EMAIL = (
        _l(
            "%(provider)s har ikke bekræftet din e-mailadresse, så vi kan ikke finde din konto. "
            "Kontakt din kommunes it-support."
        ),
        403,
    )
    OTHER_DOMAIN = (
        _l(
            "Din e-mailadresse hører ikke til %(provider)s. Log ind med din egen kommunes "
            "knap på log-ind-siden."
        ),
        403,
    )
    UNKNOWN_PERSON = (
        _l(
            "Du har ikke en konto på platformen endnu. Kontakt forløbets koordinator i din "
            "kommune, så bliver du oprettet."
        ),
        403,
    )
    OTHER_ORGANISATION = (
        _l(
            "Din konto på platformen hører til en anden organisation end %(provider)s. Log ind "
            "med din egen organisations knap, eller kontakt forløbets koordinator."
        ),
        403,
    )
    DEACTIVATED = (
        _l("Din konto er lukket. Kontakt forløbets koordinator i din kommune."),
        403,
    )
    OTHER_ACCOUNT = (
        _l(
            "Din konto på platformen er knyttet til en anden konto hos %(provider)s. Kontakt "
            "forløbets koordinator i din kommune."
        ),
        403,
    )

    @property
    def status(self) -> int:
        return self.value[1]

    def message(self, provider_label: str) -> str:
        return str(self.value[0]) % {"provider": provider_label}


class SignInRefused(Exception):
    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"{reason.name}: {detail}" if detail else reason.name)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class Flow:
    """A started sign-in, kept in the session until the provider sends the browser back."""

    provider: str  # slug
    state: str
    nonce: str
    code_verifier: str
    started: int  # seconds since the epoch
    next_url: str

    def to_session(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_session(cls, data: object) -> Flow | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**data)
        except TypeError:
            return None


def http_timeout() -> float:
    """How long to wait for the provider (``OIDC_HTTP_TIMEOUT_SECONDS``, at least a second)."""
    return float(max(1, current_app.config["OIDC_HTTP_TIMEOUT_SECONDS"]))


# -- the flow ---------------------------------------------------------------------------------------


def begin(
    provider: IdentityProvider,
    *,
    redirect_uri: str,
    next_url: str,
    now: dt.datetime,
    login_hint: str | None = None,
) -> tuple[str, Flow]:
    """Where to send the browser, and the flow to keep until it comes back."""
    try:
        found = oidc.metadata(provider.issuer, timeout=http_timeout())
    except oidc.ProviderUnavailable as error:
        raise SignInRefused(Refusal.UNAVAILABLE, str(error)) from None
    request = oidc.authorization_request(
        found, provider.client_id, redirect_uri, login_hint=login_hint
    )
    flow = Flow(
        provider=provider.slug,
        state=request.state,
        nonce=request.nonce,
        code_verifier=request.code_verifier,
        started=int(now.timestamp()),
        next_url=next_url,
    )
    return request.url, flow


def check_return(
    flow: Flow | None, provider: IdentityProvider, args: dict[str, str], now: dt.datetime
) -> str:
    """The authorization code, once the browser's return matches the flow it started."""
    state = args.get("state", "")
    if (
        flow is None
        or flow.provider != provider.slug
        or not hmac.compare_digest(flow.state.encode(), state.encode())
        or int(now.timestamp()) - flow.started > FLOW_MINUTES * 60
    ):
        raise SignInRefused(Refusal.EXPIRED, "state missing, mismatched or too old")
    if args.get("error"):
        raise SignInRefused(
            Refusal.CANCELLED, repr(args["error"][:100])
        )  # repr: no forged log lines
    code = args.get("code", "")
    if not code:
        raise SignInRefused(Refusal.REJECTED, "no code")
    return code


def verify_return(
    provider: IdentityProvider,
    flow: Flow | None,
    args: dict[str, str],
    *,
    redirect_uri: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """The claims of the person the provider vouches for, once its answer holds every check. Talks
    to the provider and writes nothing: the caller holds no write lock meanwhile."""
    code = check_return(flow, provider, args, now)
    assert flow is not None
    secret = client_secret(provider.slug)
    if secret is None:
        raise SignInRefused(Refusal.NOT_CONFIGURED, "no client secret")
    timeout = http_timeout()
    try:
        found = oidc.metadata(provider.issuer, timeout=timeout)
        id_token = oidc.exchange_code(
            found,
            client_id=provider.client_id,
            client_secret=secret,
            redirect_uri=redirect_uri,
            code=code,
            code_verifier=flow.code_verifier,
            timeout=timeout,
        )
        claims = oidc.verify_id_token(
            found, id_token, client_id=provider.client_id, nonce=flow.nonce, timeout=timeout
        )
    except oidc.ProviderUnavailable as error:
        raise SignInRefused(Refusal.UNAVAILABLE, str(error)) from None
    except oidc.TokenRejected as error:
        raise SignInRefused(Refusal.REJECTED, str(error)) from None
    return claims


@dataclass(frozen=True)
class ProviderLogout:
    label: str
    url: str


def logout_at_provider(slug: str, signed_out_path: str) -> ProviderLogout | None:
    """The provider's RP-initiated logout address, coming back to ``signed_out_path`` on this site;
    None when the provider offers none or cannot be reached (the platform's sign-out stands)."""
    provider = provider_by_slug(slug)
    if provider is None:
        return None
    try:
        found = oidc.metadata(provider.issuer, timeout=http_timeout())
    except oidc.ProviderUnavailable:
        return None
    if found.end_session_endpoint is None:
        return None
    back = current_app.config["BASE_URL"].rstrip("/") + signed_out_path
    query = urlencode({"client_id": provider.client_id, "post_logout_redirect_uri": back})
    separator = "&" if "?" in found.end_session_endpoint else "?"
    return ProviderLogout(provider.label, f"{found.end_session_endpoint}{separator}{query}")


# -- the person --------------------------------------------------------------------------------------


def _text_claim(claims: dict[str, Any], name: str, most: int) -> str | None:
    """A claim that is usable text: a string of printable characters (no NUL, no line breaks, which
    PostgreSQL or the pages could not take) within ``most`` characters; None otherwise."""
    value = claims.get(name)
    if isinstance(value, str) and value.strip() and value.isprintable() and len(value) <= most:
        return value.strip()
    return None


def _verified_email(provider: IdentityProvider, claims: dict[str, Any]) -> str:
    """The claim's address, verified by the provider and in one of its domains (as written, in
    lower case; matched to a person exactly, so a look-alike letter is not her address)."""
    email = _text_claim(claims, "email", MAX_EMAIL_LENGTH)
    # Microsoft Entra ID sends no email_verified; its optional claim xms_edov says the same (the
    # address's domain is verified by the directory that issued it).
    verified = claims.get("email_verified") is True or claims.get("xms_edov") is True
    if email is None or "@" not in email or not verified:
        raise SignInRefused(Refusal.UNVERIFIED_EMAIL, "no verified email claim")
    if not email.isascii():
        raise SignInRefused(Refusal.REJECTED, "an address with letters outside ASCII")
    email = email.lower()
    if email_domain(email) not in provider.domains:
        raise SignInRefused(Refusal.OTHER_DOMAIN, f"domain {email_domain(email)!r}")
    return email


def _usable(user: User, provider: IdentityProvider) -> User:
    if user.organisation_id != provider.organisation_id:
        raise SignInRefused(Refusal.OTHER_ORGANISATION, "the person is of another organisation")
    if not user.is_active:
        raise SignInRefused(Refusal.DEACTIVATED)
    return user


def match_person(provider: IdentityProvider, claims: dict[str, Any], now: dt.datetime) -> User:
    """The person for the provider's subject: linked before, or found by a verified address in the
    provider's domains among its organisation's people (then linked), or created as a leader."""
    try:
        with db.session.begin_nested():
            return _match(provider, claims, now)
    except IntegrityError:
        # Another sign-in of hers linked (or created) her at the same moment: its rows stand now.
        with db.session.begin_nested():
            return _match(provider, claims, now)


def _match(provider: IdentityProvider, claims: dict[str, Any], now: dt.datetime) -> User:
    subject = claims["sub"]
    link = db.session.scalar(
        select(LinkedIdentity).where(
            LinkedIdentity.provider_id == provider.id, LinkedIdentity.subject == subject
        )
    )
    if link is not None:
        user = _usable(link.user, provider)
        link.last_used_at = now
        user.last_sign_in_at = now
        return user
    email = _verified_email(provider, claims)
    user = find_user_by_email(email)
    if user is not None and user.email.lower() != email:  # the database's lower() is not ours
        user = None
    if user is None:
        user = _create_leader(provider, email, claims)
    else:
        _usable(user, provider)
        earlier = db.session.scalar(
            select(LinkedIdentity).where(
                LinkedIdentity.provider_id == provider.id, LinkedIdentity.user_id == user.id
            )
        )
        if earlier is not None and earlier.subject != subject:
            # Her address now comes with another subject: not her, perhaps.
            raise SignInRefused(Refusal.OTHER_ACCOUNT, "the person is linked to another subject")
        if earlier is not None:
            # Another sign-in of hers linked this subject after the look-up above (on PostgreSQL
            # each statement sees what has been committed when it starts): linked before, then.
            earlier.last_used_at = now
            user.last_sign_in_at = now
            return user
    db.session.add(
        LinkedIdentity(
            provider_id=provider.id, user=user, subject=subject, created_at=now, last_used_at=now
        )
    )
    user.last_sign_in_at = now
    db.session.flush()
    return user


def _create_leader(provider: IdentityProvider, email: str, claims: dict[str, Any]) -> User:
    """A leader of the provider's organisation, created through the same service (and checks) as
    anyone else; never any role."""
    if not policy_of(provider.organisation_id).create_on_first_sign_in:
        raise SignInRefused(Refusal.UNKNOWN_PERSON, "unknown e-mail")
    name = _text_claim(claims, "name", MAX_NAME_LENGTH) or email.partition("@")[0]
    try:
        user = create_user(
            email=email, name=" ".join(name.split()), organisation_id=provider.organisation_id
        )
    except ServiceError as error:  # not a valid address, or (normalised) someone else's
        raise SignInRefused(Refusal.REJECTED, f"cannot create: {type(error).__name__}") from None
    audit.record(
        actor_id=None,
        action="created",
        object_type="person",
        object_key=str(user.id),
        summary=f"Oprettet ved første log-ind med {provider.label}",
        details={"provider": provider.slug},
    )
    return user
