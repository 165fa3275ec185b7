"""``locale_name()`` names the language a page is in: the one the person chose, or the one
``force_locale`` puts in place for a while (an e-mail in the recipient's language), and again the
page's own afterwards. It keeps the name beside Flask-Babel's locale for the request; a kept name
that no longer belongs to the current locale must not be used."""

from __future__ import annotations

from flask import g, render_template_string
from flask_babel import force_locale, get_locale

from course_app.core.i18n import locale_name


def test_the_chosen_language_then_a_forced_one_then_the_chosen_one_again(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert locale_name() == "en"
        assert locale_name() == "en"  # the kept name
        with force_locale("da"):
            assert locale_name() == "da"
            assert render_template_string("{{ locale_name() }}") == "da"
        assert locale_name() == "en"
        with force_locale("da"):
            assert locale_name() == "da"
        assert render_template_string('<p lang="{{ locale_name() }}">') == '<p lang="en">'


def test_danish_first_and_without_a_request(app):
    with app.test_request_context("/"):
        assert locale_name() == "da"
        with force_locale("en"):
            assert locale_name() == "en"
        assert locale_name() == "da"
    with app.app_context():  # a CLI command: the default language
        assert locale_name() == "da"
        with force_locale("en"):
            assert locale_name() == "en"


def test_a_name_kept_for_another_locale_object_is_not_used(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert locale_name() == "en"
        # Flask-Babel's locale replaced in place (as force_locale does) by one of another language:
        # the kept name belongs to the old object and must not answer for the new one.
        with force_locale("da"):
            replaced = get_locale()
        g._flask_babel.babel_locale = replaced
        assert locale_name() == "da"
