"""Glemt adgangskode ("forgot password"): a person asks for a link by e-mail and chooses a new password through it.

- The page answers the same whether or not the address is known (``request_reset`` returns nothing),
  and costs about the same: a token is made and an e-mail composed either way.
- Only active people get an e-mail, and at most ``PASSWORD_RESETS_PER_HOUR`` of them an hour; more
  requests are quietly dropped.
- The link is single-use and works for ``PASSWORD_RESET_HOURS``; only the SHA-256 hash of its token
  is stored (``tokens``). Opening it (GET) changes nothing; choosing the password uses it up, ends
  every session of the person (and every other reset link of theirs), and the view signs her in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from course_app.accounts import emails, tokens
from course_app.accounts.models import PasswordReset, User
from course_app.accounts.passwords import check_new_password
from course_app.accounts.services import find_user_by_email, set_password
from course_app.accounts.sign_in_policy import passwords_allowed
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.links import absolute_url
from course_app.notifications import services as notifications

ENDPOINT = "accounts.reset_password"
KIND = "password_reset"


@dataclass(frozen=True)
class _Nobody:
    """Who an unknown address's e-mail is composed for (and thrown away)."""

    name: str = ""
    email: str = ""
    locale: str = "da"


def request_reset(email: str, now: dt.datetime) -> None:
    """Queue a reset e-mail when ``email`` is an active person's who has not had too many this
    hour; otherwise do the same work and send nothing. Says nothing either way."""
    user = find_user_by_email(email)
    if (
        user is None
        or not user.is_active
        or not passwords_allowed(user)  # her organisation signs her in through its provider
        or _sent_last_hour(user, now) >= _per_hour()
    ):
        token, _hash = tokens.new_token()  # the same work as for a known person …
        compose_reset(_Nobody(), absolute_url(ENDPOINT, token=token))  # … sent to nobody
        return
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    token = tokens.issue(PasswordReset, user, now, dt.timedelta(hours=hours))
    link = absolute_url(ENDPOINT, token=token)
    subject, body_text, body_html = compose_reset(user, link)
    notifications.enqueue(
        recipient=user.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        kind=KIND,
        user_id=user.id,
    )
    db.session.flush()


def _per_hour() -> int:
    return current_app.config["PASSWORD_RESETS_PER_HOUR"]


def _sent_last_hour(user: User, now: dt.datetime) -> int:
    return (
        db.session.scalar(
            select(func.count(PasswordReset.id)).where(
                PasswordReset.user_id == user.id,
                PasswordReset.created_at > now - dt.timedelta(hours=1),
            )
        )
        or 0
    )


def compose_reset(user: User | _Nobody, link: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of the e-mail, in the person's language."""
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    subject = _l("Vælg en ny adgangskode til Forløbsplatformen")
    return emails.compose(user.locale, subject, "password_reset", user=user, link=link, hours=hours)


def _valid(token: str, now: dt.datetime) -> tuple[PasswordReset, User] | None:
    row = tokens.find(PasswordReset, token)
    if row is None:
        return None
    reset, user = row
    if not tokens.is_usable(reset, now) or not user.is_active:
        return None
    return reset, user


def user_for_token(token: str, now: dt.datetime) -> User | None:
    """The person an unused, unexpired link is for; None for anything else (reads only)."""
    found = _valid(token, now)
    return None if found is None else found[1]


def reset_password(token: str, password: str, now: dt.datetime) -> User:
    """Choose the new password through the link; returns the person, to be signed in. A password
    the rules refuse leaves the link as it was. Raises ServiceError."""
    found = _valid(token, now)
    if found is None:
        raise ServiceError(_l("Linket er udløbet eller allerede brugt. Bed om et nyt link."))
    check_new_password(password)
    reset, user = found
    if not tokens.use_up(PasswordReset, reset.id, now):  # used a moment ago (a second click)
        raise ServiceError(_l("Linket er udløbet eller allerede brugt. Bed om et nyt link."))
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    set_password(user, password)
    user.last_sign_in_at = now
    db.session.flush()
    return user
