"""Sign-in throttling: failed sign-ins counted per account (the e-mail typed) and per client address.

Password guessing is slowed down, not stopped for good: after ``SIGN_IN_FAILURES_PER_ACCOUNT``
failures for one e-mail, or ``SIGN_IN_FAILURES_PER_ADDRESS`` from one address, within a moving
window of ``SIGN_IN_WINDOW_MINUTES``, sign-in is refused (even with the right password) until the
oldest of those failures has left the window. Refused attempts are not counted, so hammering does
not lengthen the wait, and a success clears the account's count: no lockout lasts longer than the
window by itself. Only failures count; people who sign in correctly are never slowed down.

The counts must be shared by every worker and app server: by default they are rows in the
database (``sign_in_failures``; `limits` has no SQL storage and a count of rows is all that is
needed), or, when ``REDIS_URL`` is set, a moving window in Redis kept by the `limits` library.
The database counter reads the app's clock (tests move time); `limits` reads the real one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import time
from dataclasses import dataclass
from typing import Protocol

from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select

from course_app.accounts.models import SignInFailure
from course_app.core.db import db

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class _Limit:
    """At most ``amount`` failures for ``key`` (a keyed hash) within ``window``."""

    scope: str
    key: str
    amount: int
    window: dt.timedelta


class _Counter(Protocol):
    def wait(self, limit: _Limit, now: dt.datetime) -> float:
        """Seconds until one more attempt is allowed (0: now)."""

    def add(self, limit: _Limit, now: dt.datetime) -> None:
        """Count one failure."""

    def clear(self, limit: _Limit) -> None:
        """Forget the failures counted."""


def seconds_to_wait(email: str, address: str | None, now: dt.datetime) -> int:
    """0 if this e-mail may be tried from this address now, else whole seconds to wait."""
    counter = _counter()
    wait = max((counter.wait(limit, now) for limit in _limits(email, address)), default=0.0)
    return math.ceil(wait)


def record_failure(email: str, address: str | None, now: dt.datetime) -> None:
    """Count one failed sign-in against the e-mail and the address (the caller commits)."""
    counter = _counter()
    for limit in _limits(email, address):
        counter.add(limit, now)


def record_success(email: str) -> None:
    """The right password: the account's failures are forgiven (the address's are not)."""
    counter = _counter()
    for limit in _limits(email, None):
        if limit.scope == ACCOUNT:
            counter.clear(limit)


def refusal_message(seconds: int) -> str:
    """What the sign-in page says while sign-in is refused, naming the wait in whole minutes."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes == 1:
        return _("Du har prøvet for mange gange. Vent et minut, og prøv igen.")
    return _(
        "Du har prøvet for mange gange. Vent %(minutes)s minutter, og prøv igen.", minutes=minutes
    )


def _limits(email: str, address: str | None) -> list[_Limit]:
    """The limits that are on (a setting of 0 turns one off; a window of 0 turns all off)."""
    config = current_app.config
    window = dt.timedelta(minutes=config["SIGN_IN_WINDOW_MINUTES"])
    if not window:
        return []
    wanted = [
        (ACCOUNT, email.strip().lower(), config["SIGN_IN_FAILURES_PER_ACCOUNT"]),
        (ADDRESS, address or "unknown", config["SIGN_IN_FAILURES_PER_ADDRESS"]),
    ]
    return [
        _Limit(scope, _key(scope, value), amount, window)
        for scope, value, amount in wanted
        if amount
    ]


def _key(scope: str, value: str) -> str:
    """A keyed hash, so neither the database nor Redis holds the e-mails strangers type."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()


def _counter() -> _Counter:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return _DatabaseCounter()
    counters = current_app.extensions.setdefault("sign_in_throttle", {})
    if url not in counters:  # one connection pool per process and URL
        counters[url] = _RedisCounter(url)
    return counters[url]


class _DatabaseCounter:
    """One row per failure; a moving window is a count of the rows newer than its start."""

    def wait(self, limit: _Limit, now: dt.datetime) -> float:
        # The amount-th newest failure in the window: when it leaves, one more attempt is allowed.
        oldest_counted = db.session.scalars(
            select(SignInFailure.failed_at)
            .where(
                SignInFailure.scope == limit.scope,
                SignInFailure.key == limit.key,
                SignInFailure.failed_at > now - limit.window,
            )
            .order_by(SignInFailure.failed_at.desc())
            .offset(limit.amount - 1)
            .limit(1)
        ).first()
        if oldest_counted is None:
            return 0.0
        return max((oldest_counted + limit.window - now).total_seconds(), 1.0)

    def add(self, limit: _Limit, now: dt.datetime) -> None:
        # Expired rows of this scope go as new ones come (an indexed delete): the table stays small.
        db.session.execute(
            delete(SignInFailure).where(
                SignInFailure.scope == limit.scope, SignInFailure.failed_at <= now - limit.window
            )
        )
        db.session.add(SignInFailure(scope=limit.scope, key=limit.key, failed_at=now))
        db.session.flush()

    def clear(self, limit: _Limit) -> None:
        db.session.execute(
            delete(SignInFailure).where(
                SignInFailure.scope == limit.scope, SignInFailure.key == limit.key
            )
        )


class _RedisCounter:
    """`limits`' moving window in Redis; its entries expire by themselves."""

    def __init__(self, url: str) -> None:
        storage = storage_from_string(url, key_prefix="course_app_sign_in")
        self.limiter = MovingWindowRateLimiter(storage)

    def wait(self, limit: _Limit, now: dt.datetime) -> float:
        item = _item(limit)
        if self.limiter.test(item, limit.scope, limit.key):
            return 0.0
        reset_at = self.limiter.get_window_stats(item, limit.scope, limit.key).reset_time
        return max(reset_at - time.time(), 1.0)

    def add(self, limit: _Limit, now: dt.datetime) -> None:
        self.limiter.hit(_item(limit), limit.scope, limit.key)

    def clear(self, limit: _Limit) -> None:
        self.limiter.clear(_item(limit), limit.scope, limit.key)


def _item(limit: _Limit) -> RateLimitItemPerMinute:
    minutes = max(1, int(limit.window.total_seconds() // 60))
    return RateLimitItemPerMinute(limit.amount, minutes)
