"""The cookies the platform itself sets, as the privacy notice lists them.

There is one: Flask's signed session cookie. It holds the sign-in (Flask-Login's user id and session
version), the CSRF token and the chosen language. Sign-in never asks Flask-Login to "remember" anyone,
so no remember cookie is set. ``tests/legal/test_privacy_notice.py`` signs in, changes language, posts
a form and signs out, and checks that every cookie the responses set is on this list.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Cookie:
    name: str
    purpose: object  # a lazy string
    lifetime: object


def platform_cookies(app: Flask) -> tuple[Cookie, ...]:
    # Flask accepts a session cookie for this long after it was last written (a non-permanent
    # session's cookie itself has no expiry: the browser drops it when it closes).
    hours = int(app.permanent_session_lifetime.total_seconds() // 3600)
    return (
        Cookie(
            app.config["SESSION_COOKIE_NAME"],
            _l(
                "Nødvendig. Holder dig logget ind, husker dit valg af sprog og beskytter "
                "formularer mod forfalskede indsendelser (CSRF)."
            ),
            _l(
                "Slettes, når du lukker browseren. Platformen godtager den højst %(hours)s timer "
                "efter, at den sidst blev ændret.",
                hours=hours,
            ),
        ),
    )
