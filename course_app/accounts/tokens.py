"""The tokens of single-use links in e-mails (invitations, sign-in links, password resets): made
with ``secrets.token_urlsafe(32)``, stored only as a SHA-256 hash (``SingleUseToken.token_hash``),
used up once in one conditional UPDATE so that of two uses at once exactly one wins."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import TypeVar

from sqlalchemy import select, update

from course_app.accounts.models import SingleUseToken, User
from course_app.core.db import db

Row = TypeVar("Row", bound=SingleUseToken)

SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # what token_urlsafe(32) gives


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new token and its hash (only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def issue(model: type[Row], user: User, now: dt.datetime, valid: dt.timedelta) -> str:
    """A new token for ``user``, valid from ``now`` for ``valid``: its row (the hash) is added to
    the session, the token itself is returned for the e-mail."""
    token, token_hash = new_token()
    db.session.add(
        model(user_id=user.id, token_hash=token_hash, created_at=now, expires_at=now + valid)
    )
    return token


def find(model: type[Row], token: str) -> tuple[Row, User] | None:
    """The row of ``token`` (used or not) and its person; None for an unknown or malformed token."""
    if not SHAPE.fullmatch(token):
        return None
    row = db.session.execute(
        select(model, User)
        .join(User, User.id == model.user_id)
        .where(model.token_hash == hash_token(token))
    ).first()
    return None if row is None else (row[0], row[1])


def is_usable(row: SingleUseToken | None, now: dt.datetime) -> bool:
    return row is not None and row.used_at is None and row.expires_at > now


def use_up(model: type[SingleUseToken], row_id: int, now: dt.datetime) -> bool:
    """Mark the row used if it is still unused and unexpired; whether this call did it."""
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, model.used_at.is_(None), model.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]
