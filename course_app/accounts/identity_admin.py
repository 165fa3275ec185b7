"""Setting up identity providers and sign-in policies (platform admins), without a request.

A provider's values are checked here, so the admin form and any later import share one set of
rules: an issuer that is an https address (http only on this machine, for tests), a slug for the
addresses, the e-mail domains it answers for (one organisation's, never claimed by another's
provider). Passwords can be switched off for an organisation only while it has an active provider,
so nobody is locked out. Every change is in the audit log; no secret is ever stored or logged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from authlib.common.security import is_secure_transport
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app.accounts import oidc
from course_app.accounts.identity_models import (
    ISSUER_LENGTH,
    LABEL_LENGTH,
    IdentityProvider,
    SignInPolicy,
)
from course_app.accounts.identity_secrets import client_secret, env_name
from course_app.accounts.models import User
from course_app.accounts.sign_in_policy import email_domain
from course_app.audit import services as audit
from course_app.core.db import db
from course_app.core.errors import ServiceError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_DOMAINS = 20


@dataclass(frozen=True)
class ProviderValues:
    """What an admin types for a provider (the secret is set by the operator, not here)."""

    organisation_id: int
    slug: str
    label: str
    issuer: str
    client_id: str
    domains: str  # separated by commas, spaces or lines
    active: bool


class ProviderProblems(ServiceError):
    """The values cannot be saved; ``problems`` maps each form field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


def parse_domains(text: str) -> list[str]:
    """The domains in ``text``, lower case, each once, in the order given."""
    found: list[str] = []
    for part in re.split(r"[\s,;]+", text.strip().lower()):
        domain = part.removeprefix("@")
        if domain and domain not in found:
            found.append(domain)
    return found


def problems(values: ProviderValues, provider: IdentityProvider | None) -> dict[str, str]:
    """What is wrong with ``values`` (field name → message); empty when they may be saved."""
    found: dict[str, str] = {}
    if provider is None and not SLUG.match(values.slug):
        found["slug"] = _(
            "Brug små bogstaver, tal og bindestreg, fx »albertslund« (højst 63 tegn)."
        )
    elif provider is None and _slug_taken(values.slug):
        found["slug"] = _slug_taken_message(values.slug)
    if not values.label.strip() or len(values.label) > LABEL_LENGTH:
        found["label"] = _("Skriv knappens tekst (højst %(most)d tegn).", most=LABEL_LENGTH)
    issuer = values.issuer.strip()
    if len(issuer) > ISSUER_LENGTH or not issuer.startswith(("https://", "http://")):
        found["issuer"] = _(
            "Skriv udbyderens issuer-adresse, fx https://login.microsoftonline.com/…/v2.0."
        )
    elif not is_secure_transport(issuer):
        found["issuer"] = _("Adressen skal begynde med https://.")
    if not values.client_id.strip() or len(values.client_id) > 255:
        found["client_id"] = _("Skriv klient-id'et, som udbyderen har givet platformen.")
    elif "issuer" not in found and _client_of_others(issuer, values):
        # One client at one issuer for two organisations: nothing would tell their people apart
        # but the addresses a shared broker vouches for. Each organisation registers its own.
        found["client_id"] = _(
            "En anden organisations udbyder bruger allerede dette klient-id hos samme issuer. "
            "Registrér platformen som en klient for sig hos udbyderen."
        )
    domains = parse_domains(values.domains)
    bad = [domain for domain in domains if not DOMAIN.match(domain)]
    if not domains or len(domains) > MAX_DOMAINS or bad:
        found["domains"] = _(
            "Skriv kommunens e-maildomæner, fx »albertslund.dk« (højst %(most)d, adskilt af komma).",
            most=MAX_DOMAINS,
        )
    elif taken := _domains_of_others(domains, values.organisation_id):
        found["domains"] = _(
            "Domænet %(domain)s hører allerede til en anden organisations udbyder.", domain=taken
        )
    return found


def _client_of_others(issuer: str, values: ProviderValues) -> bool:
    return (
        db.session.scalar(
            select(IdentityProvider.id).where(
                IdentityProvider.issuer == issuer,
                IdentityProvider.client_id == values.client_id.strip(),
                IdentityProvider.organisation_id != values.organisation_id,
            )
        )
        is not None
    )


def _slug_taken_message(slug: str) -> str:
    return _("Der er allerede en udbyder med adressenavnet »%(slug)s«.", slug=slug)


def _slug_taken(slug: str) -> bool:
    return (
        db.session.scalar(select(IdentityProvider.id).where(IdentityProvider.slug == slug))
        is not None
    )


def _domains_of_others(domains: list[str], organisation_id: int) -> str | None:
    others = db.session.scalars(
        select(IdentityProvider).where(IdentityProvider.organisation_id != organisation_id)
    )
    for other in others:
        if shared := next((domain for domain in domains if domain in other.domains), None):
            return shared
    return None


def save_provider(
    values: ProviderValues, provider: IdentityProvider | None, *, actor_id: int, now: dt.datetime
) -> IdentityProvider:
    """Create (``provider`` None) or change a provider; ProviderProblems otherwise (also when
    another admin took the same address name a moment earlier: the unique index decides)."""
    if found := problems(values, provider):
        raise ProviderProblems(found)
    action = "changed" if provider else "created"
    if provider is None:
        provider = IdentityProvider(
            organisation_id=values.organisation_id, slug=values.slug, created_at=now
        )
    issuer_changed = provider.issuer != values.issuer.strip()
    provider.label = values.label.strip()
    provider.issuer = values.issuer.strip()
    provider.client_id = values.client_id.strip()
    provider.domains = parse_domains(values.domains)
    provider.active = values.active
    provider.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.add(provider)
    except IntegrityError:
        raise ProviderProblems({"slug": _slug_taken_message(values.slug)}) from None
    if issuer_changed:
        oidc.forget_cached()
    audit.record(
        actor_id=actor_id,
        action=action,
        object_type="identity_provider",
        object_key=provider.slug,
        summary=f"{provider.label} ({provider.issuer})",
        details={"domains": provider.domains, "active": provider.active},
    )
    if not provider.active:
        _keep_a_way_in(provider.organisation_id, actor_id)
    return provider


def _keep_a_way_in(organisation_id: int, actor_id: int) -> None:
    """An organisation without an active provider gets its passwords back."""
    policy = db.session.get(SignInPolicy, organisation_id)
    if (
        policy is not None
        and not policy.passwords_allowed
        and not _has_active_provider(organisation_id)
    ):
        policy.passwords_allowed = True
        _record_policy(
            organisation_id,
            actor_id,
            "Log ind med adgangskode slået til igen: organisationen har ingen aktiv udbyder",
            {"passwords_allowed": True},
        )


def _record_policy(
    organisation_id: int, actor_id: int, summary: str, details: dict[str, bool]
) -> None:
    audit.record(
        actor_id=actor_id,
        action="changed",
        object_type="organisation",
        object_key=str(organisation_id),
        summary=summary,
        details=details,
    )


def _addresses_outside(organisation_id: int) -> list[str]:
    """The addresses of the organisation's active people that none of its active providers answers
    for: with passwords off they could not sign in at all."""
    domains = {
        domain
        for provider in db.session.scalars(
            select(IdentityProvider).where(
                IdentityProvider.organisation_id == organisation_id,
                IdentityProvider.active.is_(True),
            )
        )
        for domain in provider.domains
    }
    emails = db.session.scalars(
        select(User.email)
        .where(User.organisation_id == organisation_id, User.deactivated_at.is_(None))
        .order_by(User.email)
    )
    return [email for email in emails if email_domain(email) not in domains]


def _has_active_provider(organisation_id: int) -> bool:
    return (
        db.session.scalar(
            select(IdentityProvider.id).where(
                IdentityProvider.organisation_id == organisation_id,
                IdentityProvider.active.is_(True),
            )
        )
        is not None
    )


def set_policy(
    organisation_id: int, *, passwords_allowed: bool, create_on_first_sign_in: bool, actor_id: int
) -> SignInPolicy:
    """Change how an organisation's people sign in; passwords stay on without an active provider."""
    if not passwords_allowed and not _has_active_provider(organisation_id):
        raise ServiceError(
            _(
                "Tilføj og aktivér først en udbyder for organisationen, før du slår adgangskoder fra."
            )
        )
    if not passwords_allowed and (outside := _addresses_outside(organisation_id)):
        raise ServiceError(
            _(
                "%(count)d af organisationens personer har en e-mailadresse uden for "
                "udbydernes domæner (fx %(example)s) og ville ikke kunne logge ind. Tilføj "
                "domænet til en udbyder, eller ret adresserne, før du slår adgangskoder fra.",
                count=len(outside),
                example=outside[0],
            )
        )
    policy = db.session.get(SignInPolicy, organisation_id)
    if policy is None:
        policy = SignInPolicy(organisation_id=organisation_id)
        db.session.add(policy)
    policy.passwords_allowed = passwords_allowed
    policy.create_on_first_sign_in = create_on_first_sign_in
    db.session.flush()
    _record_policy(
        organisation_id,
        actor_id,
        "Log-ind-politik ændret",
        {
            "passwords_allowed": passwords_allowed,
            "create_on_first_sign_in": create_on_first_sign_in,
        },
    )
    return policy


# -- "Test forbindelsen" ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One step of the connection test: what was checked, whether it held, and what was found."""

    label: str
    passed: bool
    detail: str = ""
    optional: bool = False  # not needed for signing in


CHECK_LABELS = {
    "discovery": _l("Udbyderens discovery-dokument kan hentes og passer til issuer-adressen"),
    "keys": _l("Udbyderens offentlige nøgler (JWKS) kan hentes"),
    "secret": _l("Klienthemmeligheden er sat i miljøet eller i hemmelighedsfilen"),
    "logout": _l("Udbyderen tilbyder log ud (RP-initiated logout)"),
}


def test_connection(provider: IdentityProvider, *, timeout: float) -> list[Check]:
    """Fetch the discovery document and the keys afresh and say what holds; never raises."""
    oidc.forget_cached(provider.issuer)
    checks: list[Check] = []
    try:
        found = oidc.metadata(provider.issuer, timeout=timeout)
    except oidc.ProviderUnavailable as error:
        checks.append(Check(str(CHECK_LABELS["discovery"]), False, str(error)))
        found = None
    else:
        checks.append(
            Check(str(CHECK_LABELS["discovery"]), True, oidc.discovery_url(provider.issuer))
        )
        try:
            keys = oidc.key_set(found, timeout=timeout, fresh=True)
        except oidc.ProviderUnavailable as error:
            checks.append(Check(str(CHECK_LABELS["keys"]), False, str(error)))
        else:
            kids = ", ".join(str(key.kid) for key in keys.keys) or "-"
            checks.append(Check(str(CHECK_LABELS["keys"]), True, f"{len(keys.keys)}: {kids}"))
    secret = client_secret(provider.slug) is not None
    checks.append(
        Check(
            str(CHECK_LABELS["secret"]),
            secret,
            "" if secret else env_name(provider.slug),
        )
    )
    if found is not None:
        logout = found.end_session_endpoint
        checks.append(
            Check(str(CHECK_LABELS["logout"]), logout is not None, logout or "", optional=True)
        )
    return checks
