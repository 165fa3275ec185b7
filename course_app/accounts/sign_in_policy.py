"""How an organisation's people sign in: its identity providers and its policy (passwords allowed,
people created at their first sign-in). Read by the sign-in page, invitations, password resets and
sign-in links, and by the provider flow (``identity_sign_in``)."""

from __future__ import annotations

from sqlalchemy import select

from course_app.accounts.identity_models import IdentityProvider, SignInPolicy
from course_app.accounts.models import User
from course_app.accounts.services import find_user_by_email
from course_app.core.db import db


def active_providers() -> list[IdentityProvider]:
    return list(
        db.session.scalars(
            select(IdentityProvider)
            .where(IdentityProvider.active.is_(True))
            .order_by(IdentityProvider.label)
        )
    )


def provider_by_slug(slug: str) -> IdentityProvider | None:
    """An active provider; None for an unknown or switched-off one."""
    provider = db.session.scalar(select(IdentityProvider).where(IdentityProvider.slug == slug))
    return provider if provider is not None and provider.active else None


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def provider_for_email(email: str) -> IdentityProvider | None:
    """The active provider that answers for the address's domain, if any."""
    domain = email_domain(email)
    if not domain:
        return None
    return next((p for p in active_providers() if domain in p.domains), None)


def policy_of(organisation_id: int | None) -> SignInPolicy:
    """The organisation's policy; the default (passwords, nobody created) when it has none."""
    policy = db.session.get(SignInPolicy, organisation_id) if organisation_id else None
    return policy or SignInPolicy(passwords_allowed=True, create_on_first_sign_in=False)


def passwords_allowed(user: User) -> bool:
    return policy_of(user.organisation_id).passwords_allowed


def provider_for_person(user: User) -> IdentityProvider | None:
    """Her organisation's active provider: the one for her address's domain, else its first."""
    if user.organisation_id is None:
        return None
    own = [p for p in active_providers() if p.organisation_id == user.organisation_id]
    domain = email_domain(user.email)
    return next((p for p in own if domain in p.domains), own[0] if own else None)


def provider_only(user: User) -> IdentityProvider | None:
    """Her organisation's provider when it allows no passwords (she signs in there only)."""
    if passwords_allowed(user):
        return None
    return provider_for_person(user)


def provider_to_route_to(email: str, *, typed_password: bool) -> IdentityProvider | None:
    """Where the sign-in page sends an address: the provider of its domain, when the person is of
    the provider's organisation (or unknown here) and either typed no password or her organisation
    allows none. Anyone else (staff of no organisation, another organisation's person with such an
    address) signs in with her password as before."""
    provider = provider_for_email(email)
    if provider is None:
        return None
    person = find_user_by_email(email)
    if person is not None and person.organisation_id != provider.organisation_id:
        return None
    if typed_password and policy_of(provider.organisation_id).passwords_allowed:
        return None
    return provider
