"""How long a signed-in session lasts, on top of the session version in the cookie (raised by "Log
ud", "Log ud på alle enheder", a password change and a reset: see ``services.end_all_sessions``).

- **Absolute lifetime**: a session ends ``PERMANENT_SESSION_LIFETIME`` (12 hours) after the sign-in,
  however many requests re-signed the cookie since. The sign-in time is written into the session by
  every ``login_user`` (through Flask-Login's ``user_logged_in`` signal), so no sign-in can forget it.
- **Idle timeout**: a session ends after ``SESSION_IDLE_MINUTES`` without a request (0: never). The
  last request's time is kept in the session, rewritten at most once a minute (so the cookie is
  not re-sent with every response).

Times come from the app's clock (``core.clock``), so tests can move time. A session from before
these keys existed counts as ended. An ended session is signed out before the view runs: the person
meets the sign-in page with a message, and comes back to the page after signing in.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask, current_app, flash, session
from flask_babel import lazy_gettext as _l
from flask_login import logout_user, user_logged_in

from course_app.core import clock

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
_USER_KEY = "_user_id"  # where Flask-Login keeps the signed-in person
_TOUCH_EVERY = 60  # seconds


def init_app(app: Flask) -> None:
    user_logged_in.connect(_record_sign_in, app)
    app.before_request(end_expired_session)


def _timestamp(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _record_sign_in(_app: Flask, **_extra: object) -> None:
    now = _timestamp(clock.now())
    session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def is_expired(now: dt.datetime) -> bool:
    """Whether the signed-in session in this request is past its lifetime or idle too long."""
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return True
    moment = _timestamp(now)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if moment - signed_in_at >= lifetime:
        return True
    idle_minutes = current_app.config["SESSION_IDLE_MINUTES"]
    return bool(idle_minutes) and moment - seen_at >= idle_minutes * 60


def fresh_session() -> None:
    """Start a new session on sign-in and sign-out (no session fixation), keeping only the chosen
    language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def end_expired_session() -> None:
    """Before every request: sign an ended session out; else note that the person was here."""
    if _USER_KEY not in session:
        return
    now = clock.now()
    if is_expired(now):
        logout_user()
        fresh_session()
        flash(_l("Du er logget ud, fordi der er gået for lang tid. Log ind igen."), "info")
        return
    if _timestamp(now) - session[SEEN_AT] >= _TOUCH_EVERY:
        session[SEEN_AT] = _timestamp(now)
