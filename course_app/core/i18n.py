"""Danish first, English second: locale selection and Danish date formatting.

Message ids are the Danish texts (the product's first language); the English catalogue translates them.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request, session
from flask_babel import Babel, format_date, get_locale, get_timezone
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import escape

from course_app.paths import TRANSLATIONS_DIR

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

SUPPORTED_LOCALES = ("da", "en")
LOCALE_NAMES = {"da": "Dansk", "en": "English"}


def select_locale() -> str:
    if not has_request_context():
        # CLI commands and services run outside a request (invitations choose their own locale).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    if request:
        best = request.accept_languages.best_match(SUPPORTED_LOCALES)
        if best == "en":
            return "en"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _escape_lazy_strings() -> None:
    """flask-babel's lazy strings say they are HTML (``LazyString.__html__`` returns the text as it
    is), so a lazy message that quotes what someone typed or uploaded (``_l("»%(name)s« …",
    name=…)``) would reach a page unescaped. The platform's messages are plain text (none holds
    markup): escape them like any other string."""
    LazyString.__html__ = lambda self: str(escape(str(self)))


def configure_i18n(app: Flask) -> None:
    _escape_lazy_strings()
    Babel(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS_DIR),
    )
    app.jinja_env.filters["date_long"] = lambda value: format_day(value, LONG_DATE) if value else ""
    # "tirsdag 12. januar 2027": the day a module opens, an event's day
    app.jinja_env.filters["date_weekday"] = lambda value: (
        format_day(value, WEEKDAY_DATE) if value else ""
    )
    app.jinja_env.filters["datetime_long"] = lambda value: (
        format_moment(value, LONG_MOMENT) if value else ""
    )
    # for <time datetime="…">: HTML allows at most three digits of a second; whole seconds suffice
    app.jinja_env.filters["datetime_attribute"] = lambda value: (
        value.replace(microsecond=0).isoformat() if value else ""
    )
    app.jinja_env.globals["locale_names"] = LOCALE_NAMES
    app.jinja_env.globals["locale_name"] = locale_name


def locale_name() -> str:
    """The current locale's name ("da", "en"): the templates' ``lang`` attributes (thirty on a module
    page) and what remembered texts are kept by.

    Flask-Babel keeps the request's ``Locale`` in its per-request namespace (``force_locale`` swaps
    it there); the name is kept beside the object it was made from, so a page works it out once
    (``get_locale()`` and ``str`` took about 3 microseconds each time). Before Flask-Babel has chosen
    the locale, or should it keep it elsewhere, ``get_locale()`` chooses it."""
    if has_app_context():
        babel_context = g.get("_flask_babel")
        locale = getattr(babel_context, "babel_locale", None)
        if locale is not None:
            remembered = getattr(babel_context, "course_app_locale_name", None)
            if remembered is None or remembered[0] is not locale:
                remembered = babel_context.course_app_locale_name = (locale, str(locale))
            return remembered[1]
    locale = get_locale()
    return str(locale) if locale is not None else "da"


def is_english(locale: str) -> bool:
    """Whether a locale name is English's: anything else reads Danish, the first language."""
    return locale.startswith("en")


class DatePattern(NamedTuple):
    """How a date reads in Danish and in English (Babel's pattern for each)."""

    danish: str
    english: str

    def of(self, locale: str) -> str:
        return self.english if is_english(locale) else self.danish


LONG_DATE = DatePattern("d. MMMM y", "d MMMM y")  # 12. januar 2027 / 12 January 2027
WEEKDAY_DATE = DatePattern("EEEE d. MMMM y", "EEEE d MMMM y")  # tirsdag 12. januar 2027
LONG_MOMENT = DatePattern("d. MMMM y 'kl.' HH.mm", "d MMMM y, HH:mm")  # … kl. 14.05 / …, 14:05


def format_day(value: dt.date, pattern: DatePattern) -> str:
    """``flask_babel.format_date`` for a day, remembered: a page names the same few days again and
    again (when modules open, the events' days), and Babel works each out anew (about 15
    microseconds, a tenth of the dashboard's rendering for its dozen dates). A moment in time
    (``datetime``) goes to Flask-Babel, which first moves it to the reader's time zone."""
    locale = locale_name()
    if isinstance(value, dt.datetime):
        return format_date(value, pattern.of(locale))
    return _formatted_day(value, pattern.of(locale), locale)


@lru_cache(maxsize=4096)
def _formatted_day(value: dt.date, pattern: str, locale: str) -> str:
    return babel_dates.format_date(value, pattern, locale=locale)


def format_moment(value: dt.datetime, pattern: DatePattern) -> str:
    """``flask_babel.format_datetime`` (in the reader's time zone), remembered like ``format_day``:
    a page shows the same saved times each time it is opened (about 40 microseconds each)."""
    locale = locale_name()
    return _formatted_moment(value, pattern.of(locale), locale, get_timezone())


@lru_cache(maxsize=4096)
def _formatted_moment(value: dt.datetime, pattern: str, locale: str, zone: dt.tzinfo) -> str:
    return babel_dates.format_datetime(value, pattern, tzinfo=zone, locale=locale)


def today_local() -> dt.date:
    """Today's date in Copenhagen, where the programme runs."""
    return dt.datetime.now(COPENHAGEN).date()


_DANISH_LAST_LETTERS = str.maketrans({"æ": "{a", "ä": "{a", "ø": "{b", "ö": "{b", "å": "{c"})


def danish_sort_key(text: str) -> str:
    """Æ, Ø and Å after Z, as in a Danish dictionary, and the same order on every database."""
    return text.casefold().translate(_DANISH_LAST_LETTERS)
