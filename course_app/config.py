"""Configuration: defaults in code, ``COURSE_APP_*`` environment variables override them.

Tests pass a mapping to ``create_app``. ``validate`` refuses to start a production app without a secret key.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

ENV_PREFIX = "COURSE_APP"


class ConfigError(RuntimeError):
    """The configuration is unsafe or incomplete; the message says what to set."""


DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    # SQLite only: how long a write waits for another writer's lock (milliseconds) before the request
    # gets the "Der er travlt lige nu" page (503, Retry-After) instead of waiting longer.
    "SQLITE_BUSY_TIMEOUT_MS": 15_000,
    # PostgreSQL only: psycopg prepares a statement the app sends often on a connection. Off (false)
    # behind a pooler in transaction mode, where the next transaction may run on another connection.
    "POSTGRESQL_PREPARED_STATEMENTS": True,
    "SECRET_KEY": None,
    "DEMO": False,
    "BABEL_DEFAULT_LOCALE": "da",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
    "LANGUAGES": ("da", "en"),
    # Cheap hashing only where TESTING is on; see accounts.passwords.
    "PASSWORD_HASH_METHOD": "scrypt",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_SECURE": True,
    # A leader may watch a 45-minute film before saving: the CSRF token lives as long as the session.
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_CSRF_SSL_STRICT": False,
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    # Reverse proxies in front of the app (core/security.py): 0, none, so X-Forwarded-* headers are
    # ignored; N, the client address and http/https are taken from what the N nearest proxies add.
    "PROXY_COUNT": 0,
    # A signed-in session ends this long after the sign-in, however active (accounts/sessions.py) …
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
    # … and after this many minutes without a request (0: no idle timeout).
    "SESSION_IDLE_MINUTES": 120,
    # "Glemt adgangskode" (accounts/password_resets.py): how long the link in the e-mail works, and
    # how many such e-mails one person gets in an hour at most (more requests are quietly dropped).
    "PASSWORD_RESET_HOURS": 2,
    "PASSWORD_RESETS_PER_HOUR": 3,
    # E-mail: "smtp" or "console" (the demo prints messages instead of sending them).
    "MAIL_BACKEND": "smtp",
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "Forløbsplatformen <noreply@localhost>",
    # Where links in e-mails point (e.g. https://forloeb.example.dk); the request's host is not trusted.
    "BASE_URL": "http://127.0.0.1:5000",
    "INVITATION_VALID_DAYS": 14,
    # Single-use links in e-mails that sign a leader in (accounts/sign_in_links.py): off unless the
    # operator turns them on; never for people with a role (staff, chairs) or deactivated people.
    "SIGN_IN_LINKS": False,
    # How long such a link works (hours after the e-mail was written).
    "SIGN_IN_LINK_HOURS": 72,
    # Sign-in through an organisation's identity provider (accounts/identity_sign_in.py): the client
    # secrets by provider slug (COURSE_APP_OIDC_CLIENT_SECRETS__<slug>=...), or a JSON file of them;
    # never in the database. And how long to wait for the provider before telling the person so.
    "OIDC_CLIENT_SECRETS": {},  # (replaced by a fresh mapping per app in load_config)
    "OIDC_CLIENT_SECRETS_FILE": None,
    "OIDC_HTTP_TIMEOUT_SECONDS": 5,
    # Failed sign-ins (accounts/throttle.py): after this many wrong passwords for one e-mail, or from
    # one client address, within the window, sign-in is refused until the oldest failure is older
    # than the window. 0 turns that limit off. Only failures count.
    "SIGN_IN_FAILURES_PER_ACCOUNT": 10,
    "SIGN_IN_FAILURES_PER_ADDRESS": 50,
    "SIGN_IN_WINDOW_MINUTES": 15,
    # Redis (e.g. redis://redis.internal:6379/0) for the sign-in counters; None: they live in the
    # database. Either way every worker and app server shares them.
    "REDIS_URL": None,
    # E-mails when it is time (course_app/schedule/due_notices.py): a leader group's question set goes
    # out this many days before its meeting; a reminder (answers still missing) at most this many
    # days before it, and never more reminders than this to one person in seven days.
    "QUESTION_SET_DAYS_BEFORE": 10,
    "REMINDER_DAYS_BEFORE": 7,
    "REMINDERS_PER_WEEK": 2,
    # The one-to-one service check (course_app/service_check): a leader books, changes or cancels her
    # time until this many hours before it starts; after that she calls her supporter.
    "SERVICE_CHECK_CHANGE_HOURS": 24,
    # Uploaded course material (resources): a folder outside the static folder, shared by every app
    # server (e.g. a network volume). None: "uploads" in the instance folder.
    "STORAGE_DIR": None,
    # Largest resource file an author may upload (bytes); the limit is named in the error message.
    "RESOURCE_MAX_BYTES": 200 * 1024 * 1024,
    # The legal pages (course_app/legal). The accessibility statement's contact: Digitaliseringsstyrelsen
    # requires both a written and a telephone contact.
    "ACCESSIBILITY_CONTACT_EMAIL": "",
    "ACCESSIBILITY_CONTACT_PHONE": "",
    # The public body (or bodies) responsible for the site, as the statement names them; empty: the
    # organisations on the platform.
    "SITE_OWNER": "",
    # The statement as published in Digitaliseringsstyrelsen's WAS-Tool (was.digst.dk/<domain>); /was
    # redirects there. Empty: /was shows the platform's own statement.
    "ACCESSIBILITY_STATEMENT_URL": "",
    # The privacy notice's data controllers, a mapping keyed by organisation slug (JSON in the
    # environment; the fields are in course_app/legal/controllers.py). None: none set up yet.
    "DATA_CONTROLLERS": None,
    # The controllers' decision on how long data is kept, shown as written in the privacy notice.
    "RETENTION_POLICY": "",
    # The competence wheel's self-assessment (course_app/self_assessment, docs/privacy.md): responses
    # are stored under a pseudonym, HMAC-SHA256 with this key of the person and the assessment. The
    # key is the operator's, kept outside the database (an environment variable, or a file named by
    # ASSESSMENT_PSEUDONYM_KEY_FILE); at least 32 characters. Without it the self-assessment refuses
    # to run (the demo makes one and keeps it in the instance folder). Changing it cuts every leader
    # off from her earlier responses for good.
    "ASSESSMENT_PSEUDONYM_KEY": None,
    "ASSESSMENT_PSEUDONYM_KEY_FILE": None,
    # No average wheel covers fewer respondents than this (k, never below 3).
    "ASSESSMENT_MIN_GROUP": 5,
    # The end measurement opens this many days before the round's last day (ends_on).
    "ASSESSMENT_END_OPENS_DAYS_BEFORE": 30,
}


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Defaults, then ``COURSE_APP_*`` environment variables, then the overrides given in code."""
    app.config.from_mapping(DEFAULTS)
    # A mapping of its own per app, so COURSE_APP_OIDC_CLIENT_SECRETS__<slug> can add to it.
    app.config["OIDC_CLIENT_SECRETS"] = {}
    app.config.from_prefixed_env(ENV_PREFIX)
    if overrides:
        app.config.from_mapping(overrides)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{app.instance_path}/course_app.sqlite"
    if not app.config["STORAGE_DIR"]:
        app.config["STORAGE_DIR"] = os.path.join(app.instance_path, "uploads")
    _read_pseudonym_key_file(app)
    if app.config["DEMO"]:
        app.config["MAIL_BACKEND"] = "console"
    if app.config["DEMO"] or app.config.get("TESTING") or app.debug:
        # The demo and tests run on plain http://127.0.0.1.
        for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            app.config[key] = False


def _read_pseudonym_key_file(app: Flask) -> None:
    """``ASSESSMENT_PSEUDONYM_KEY_FILE``: the key from a file (first line), unless set directly."""
    path = app.config.get("ASSESSMENT_PSEUDONYM_KEY_FILE")
    if not path or app.config.get("ASSESSMENT_PSEUDONYM_KEY"):
        return
    try:
        with open(path, encoding="utf-8") as file:
            app.config["ASSESSMENT_PSEUDONYM_KEY"] = file.readline().strip()
    except OSError as error:
        raise ConfigError(
            f"{ENV_PREFIX}_ASSESSMENT_PSEUDONYM_KEY_FILE cannot be read ({error.strerror})."
        ) from None


# Whole numbers an operator may set, and the largest sensible value of each.
COUNTS: dict[str, int] = {
    "ASSESSMENT_END_OPENS_DAYS_BEFORE": 365,
    "INVITATION_VALID_DAYS": 365,
    "QUESTION_SET_DAYS_BEFORE": 90,
    "REMINDER_DAYS_BEFORE": 90,
    "REMINDERS_PER_WEEK": 50,
    "SERVICE_CHECK_CHANGE_HOURS": 24 * 14,
    "SIGN_IN_LINK_HOURS": 24 * 30,
    "OIDC_HTTP_TIMEOUT_SECONDS": 60,
    "SESSION_IDLE_MINUTES": 24 * 60,
    "PASSWORD_RESET_HOURS": 72,
    "PASSWORD_RESETS_PER_HOUR": 20,
    "SIGN_IN_FAILURES_PER_ACCOUNT": 1000,
    "SIGN_IN_FAILURES_PER_ADDRESS": 100_000,
    "SIGN_IN_WINDOW_MINUTES": 24 * 60,
    "PROXY_COUNT": 5,
    "SQLITE_BUSY_TIMEOUT_MS": 10 * 60 * 1000,
}
# Switches an operator may turn on: only a real true/false (``"False"`` or ``"yes"`` would count as on).
SWITCHES = ("SIGN_IN_LINKS", "POSTGRESQL_PREPARED_STATEMENTS")


def validate(app: Flask) -> None:
    """Stop start-up when the configuration would be unsafe outside debug, demo and testing."""
    _check_counts(app)
    _check_switches(app)
    _check_assessment(app)
    relaxed = app.debug or app.config.get("TESTING") or app.config["DEMO"]
    if not app.config.get("SECRET_KEY"):
        if relaxed:
            raise ConfigError("SECRET_KEY is missing (tests and the demo must set one too).")
        raise ConfigError(
            "COURSE_APP_SECRET_KEY is not set. Set it to a long random value, e.g. "
            "`export COURSE_APP_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')`."
        )


PSEUDONYM_KEY_MIN_LENGTH = 32
MIN_GROUP_LOWEST = 3


def _check_assessment(app: Flask) -> None:
    """The pseudonym key, when set, is long and not the session key; k is a whole number ≥ 3."""
    key = app.config.get("ASSESSMENT_PSEUDONYM_KEY")
    if key is not None:
        if not isinstance(key, str) or len(key) < PSEUDONYM_KEY_MIN_LENGTH:
            raise ConfigError(
                f"{ENV_PREFIX}_ASSESSMENT_PSEUDONYM_KEY must be at least "
                f"{PSEUDONYM_KEY_MIN_LENGTH} characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        if key == app.config.get("SECRET_KEY"):
            raise ConfigError(
                f"{ENV_PREFIX}_ASSESSMENT_PSEUDONYM_KEY must differ from {ENV_PREFIX}_SECRET_KEY."
            )
    k = app.config.get("ASSESSMENT_MIN_GROUP")
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_GROUP_LOWEST <= k <= 1000:
        raise ConfigError(
            f"{ENV_PREFIX}_ASSESSMENT_MIN_GROUP must be a whole number from {MIN_GROUP_LOWEST} "
            f"to 1000 (it is {k!r})."
        )


def _check_switches(app: Flask) -> None:
    for key in SWITCHES:
        value = app.config.get(key)
        if not isinstance(value, bool):
            raise ConfigError(f"{ENV_PREFIX}_{key} must be true or false (it is {value!r}).")


def _check_counts(app: Flask) -> None:
    """A count set through the environment must be a whole number in range (``"7"`` arrives as 7)."""
    for key, most in COUNTS.items():
        value = app.config.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
            raise ConfigError(
                f"{ENV_PREFIX}_{key} must be a whole number from 0 to {most} (it is {value!r})."
            )
