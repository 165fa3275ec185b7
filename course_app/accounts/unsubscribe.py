"""One-click unsubscribe from reminders (RFC 8058), which never stops the programme's own e-mails.

Reminders (answers still missing before a leader meeting) carry ``unsubscribe_headers``: a
``List-Unsubscribe`` address and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``, so a mail
client can offer "Afmeld" and POST to the address without opening it. The address holds a token
signed with the app's ``SECRET_KEY`` (a salt of its own) that carries the person's id and never
expires: an old e-mail's link must keep working. Opening it (GET) shows a page with a button and
changes nothing; a POST stops reminders (``reminders_stopped_at``; a second one keeps the first
time). Service e-mails (a module opens, invitations, meeting dates) still come: the scheduler asks
``wants_reminders`` (or filters on ``User.reminders_stopped_at IS NULL``) for reminders only.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import update

from course_app.accounts.models import User
from course_app.core.db import db, is_possible_id
from course_app.core.links import absolute_url

_SALT = "course_app.unsubscribe-reminders"
# A real token is about 30 characters (the id and a signature); anything much longer is not one.
MAX_TOKEN_LENGTH = 200
ENDPOINT = "accounts.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(user: User) -> str:
    return _serializer().dumps(user.id)


def unsubscribe_url(user: User) -> str:
    """The page where the person stops (and restarts) reminders."""
    return absolute_url(ENDPOINT, token=unsubscribe_token(user))


def unsubscribe_headers(user: User) -> dict[str, str]:
    """The RFC 8058 headers for a reminder to ``user`` (pass them to ``notifications.enqueue``)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def user_for_token(token: str) -> User | None:
    """The person a genuine token names; None for a tampered, unknown or malformed one."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        user_id = _serializer().loads(token)
    except BadData:
        return None
    if type(user_id) is not int or not is_possible_id(user_id):
        return None
    return db.session.get(User, user_id)


def wants_reminders(user: User) -> bool:
    return user.reminders_stopped_at is None


def stop_reminders(user: User, now: dt.datetime) -> None:
    """No more reminders from ``now``; already stopped: the first time stays (also when two
    requests race)."""
    db.session.execute(
        update(User)
        .where(User.id == user.id, User.reminders_stopped_at.is_(None))
        .values(reminders_stopped_at=now)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()


def resume_reminders(user: User) -> None:
    user.reminders_stopped_at = None
    db.session.flush()
