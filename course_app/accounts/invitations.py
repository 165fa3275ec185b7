"""Invitations: a new person gets an e-mail with a single-use, expiring link to choose a password."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts import emails, sign_in_policy, tokens
from course_app.accounts.identity_models import IdentityProvider
from course_app.accounts.models import Invitation, User
from course_app.accounts.passwords import check_new_password
from course_app.accounts.services import hash_password
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.notifications import services as notifications


class RecipientLike(Protocol):
    name: str
    email: str
    locale: str


def invite(user: User) -> Invitation | None:
    """Create an invitation and queue its e-mail (in the person's language). A person whose
    organisation allows no passwords gets an e-mail that sends her to its provider instead, and
    no invitation (None): there is no password to choose."""
    if provider := sign_in_policy.provider_only(user):
        _invite_to_provider(user, provider)
        return None
    token, token_hash = tokens.new_token()
    valid_days = current_app.config["INVITATION_VALID_DAYS"]
    invitation = Invitation(
        user_id=user.id,
        token_hash=token_hash,
        expires_at=utcnow() + dt.timedelta(days=valid_days),
    )
    db.session.add(invitation)
    _send(user, compose_invitation(user, invitation_link(token)))
    return invitation


def _invite_to_provider(user: User, provider: IdentityProvider) -> None:
    base = current_app.config["BASE_URL"].rstrip("/")
    mail = emails.compose(
        user.locale,
        _l("Din adgang til Forløbsplatformen"),
        "invitation_provider",
        user=user,
        provider=provider,
        link=f"{base}/log-ind/med/{provider.slug}",
    )
    _send(user, mail)


def _send(user: User, mail: tuple[str, str, str]) -> None:
    subject, body_text, body_html = mail
    notifications.enqueue(
        recipient=user.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind="invitation",
    )
    db.session.flush()


def invitation_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/invitation/{token}"


def compose_invitation(user: RecipientLike, link: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the invitation, in the person's language (the admins'
    preview renders its sample with this too). ``user``: anything with name, email and locale."""
    valid_days = current_app.config["INVITATION_VALID_DAYS"]
    subject = _l("Din adgang til Forløbsplatformen")
    return emails.compose(
        user.locale, subject, "invitation", user=user, link=link, valid_days=valid_days
    )


def find_valid_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == tokens.hash_token(token))
    )
    return invitation if tokens.is_usable(invitation, utcnow()) else None


def accept_invitation(token: str, password: str) -> User:
    """Set the password through a valid invitation; the link cannot be used again."""
    invitation = find_valid_invitation(token)
    if invitation is None:
        raise ServiceError(_l("Linket er udløbet eller allerede brugt. Bed om en ny invitation."))
    check_new_password(password)
    user = db.session.get(User, invitation.user_id)
    assert user is not None
    user.password_hash = hash_password(password)
    user.session_version += 1
    invitation.used_at = utcnow()
    db.session.flush()
    return user
