"""Signing in with an organisation's own identity provider (OpenID Connect): the providers, the
people linked to them, and each organisation's sign-in policy.

The client secret is never stored here: it comes from the environment or a secrets file
(``identity_providers.client_secret``). Roles are never taken from a provider: a person signed in
through one is matched to an existing person of the provider's organisation, or (when the
organisation allows it) created as a leader with no roles.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.accounts.models import User
from course_app.core.db import Base, UTCDateTime, utcnow

ISSUER_LENGTH = 500
LABEL_LENGTH = 120


class IdentityProvider(Base):
    """One OpenID Connect provider of one organisation, e.g. Albertslund Kommune's Entra ID."""

    __tablename__ = "identity_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    # In the addresses (/log-ind/med/<slug>) and in the secret's name; never changes.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH))  # "Log ind med Albertslund Kommune"
    issuer: Mapped[str] = mapped_column(String(ISSUER_LENGTH))
    client_id: Mapped[str] = mapped_column(String(255))
    # The e-mail domains it answers for (lower case, e.g. ["albertslund.dk"]): the sign-in page routes
    # an address by its domain, and a person is matched only with an address in one of them.
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LinkedIdentity(Base):
    """A person's account at a provider: its stable subject (``sub``), stored at the first sign-in
    and used from then on (an e-mail address may change or be given to someone else later)."""

    __tablename__ = "linked_identities"
    __table_args__ = (
        UniqueConstraint("provider_id", "subject"),
        UniqueConstraint("provider_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("identity_providers.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()
    provider: Mapped[IdentityProvider] = relationship()


class SignInPolicy(Base):
    """How an organisation's people sign in. No row: passwords allowed, nobody created."""

    __tablename__ = "sign_in_policies"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    # Off: its people sign in only through its provider (and invitations set no password).
    passwords_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    # On: a person unknown here but known to the provider (a verified address in its domains) is
    # created as a leader of the organisation at her first sign-in.
    create_on_first_sign_in: Mapped[bool] = mapped_column(Boolean, default=False)
