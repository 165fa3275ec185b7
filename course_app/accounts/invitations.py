"""Invitations: a new person gets an e-mail with a single-use, expiring link to choose a password."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts.models import Invitation, User
from course_app.accounts.services import MIN_PASSWORD_LENGTH, hash_password
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.notifications import services as notifications


class RecipientLike(Protocol):
    name: str
    email: str
    locale: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(user: User) -> Invitation:
    """Create an invitation and queue its e-mail (in the person's language)."""
    token = secrets.token_urlsafe(32)
    valid_days = current_app.config["INVITATION_VALID_DAYS"]
    invitation = Invitation(
        user_id=user.id,
        token_hash=_hash(token),
        expires_at=utcnow() + dt.timedelta(days=valid_days),
    )
    db.session.add(invitation)
    subject, body_text, body_html = compose_invitation(user, invitation_link(token))
    notifications.enqueue(
        recipient=user.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind="invitation",
    )
    db.session.flush()
    return invitation


def invitation_link(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/invitation/{token}"


def compose_invitation(user: RecipientLike, link: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the invitation, in the person's language (the admins'
    preview renders its sample with this too). ``user``: anything with name, email and locale."""
    valid_days = current_app.config["INVITATION_VALID_DAYS"]
    with force_locale(user.locale):
        subject = str(_l("Din adgang til Forløbsplatformen"))
        context = {"user": user, "link": link, "valid_days": valid_days}
        body_text = render_template("accounts/emails/invitation.txt", **context)
        body_html = render_template("accounts/emails/invitation.html", **context)
    return subject, body_text, body_html


def find_valid_invitation(token: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == _hash(token)))
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= utcnow():
        return None
    return invitation


def accept_invitation(token: str, password: str) -> User:
    """Set the password through a valid invitation; the link cannot be used again."""
    invitation = find_valid_invitation(token)
    if invitation is None:
        raise ServiceError(_l("Linket er udløbet eller allerede brugt. Bed om en ny invitation."))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("Adgangskoden skal være mindst %(length)s tegn.", length=MIN_PASSWORD_LENGTH)
        )
    user = db.session.get(User, invitation.user_id)
    assert user is not None
    user.password_hash = hash_password(password)
    user.session_version += 1
    invitation.used_at = utcnow()
    db.session.flush()
    return user
