"""Production compiles each template once per process and keeps the compiled code on disk (Jinja's
bytecode cache); debug and tests compile from source, and a cache that cannot be written is no
error."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import render_template, render_template_string
from jinja2 import FileSystemBytecodeCache

from course_app import create_app
from course_app.core import bytecode_cache as cache_module
from course_app.core.db import db
from tests.conftest import TEST_CONFIG

PRODUCTION = {"SECRET_KEY": "a-long-random-value-for-this-test", "DATABASE_URL": "sqlite://"}


@pytest.fixture
def make_app(monkeypatch, tmp_path):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    apps = []

    def make(config):
        app = create_app(config, instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        db.engine(app).dispose()


def test_production_keeps_compiled_templates_and_does_not_reload(make_app):
    app = make_app(PRODUCTION)
    assert app.jinja_env.auto_reload is False
    assert isinstance(app.jinja_env.bytecode_cache, FileSystemBytecodeCache)


def test_tests_and_debug_compile_from_source(make_app):
    assert make_app(TEST_CONFIG).jinja_env.bytecode_cache is None
    debug = make_app({**PRODUCTION, "DEBUG": True, "TEMPLATES_AUTO_RELOAD": True})
    assert debug.jinja_env.bytecode_cache is None
    assert debug.jinja_env.auto_reload is True


def test_a_cache_folder_that_cannot_be_used_only_means_compiling(make_app, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    app = make_app(PRODUCTION)
    app.jinja_env.bytecode_cache = cache_module._QuietFileSystemBytecodeCache(str(not_a_folder))
    with app.test_request_context():
        assert "Forløbsplatformen" in render_template("base.html")


def test_no_cache_when_no_folder_can_be_made(monkeypatch):
    def refuse(_self):
        raise RuntimeError("Cannot determine safe temp directory.")

    monkeypatch.setattr(FileSystemBytecodeCache, "_get_default_cache_dir", refuse)
    assert cache_module.bytecode_cache() is None


def test_every_request_gets_a_session_of_the_same_factory(make_app):
    """``sessionmaker`` makes a Session subclass per call, and SQLAlchemy builds each class's event
    dispatch anew: one factory per app, not one per request."""
    app = make_app(PRODUCTION)
    kinds = set()
    for _ in range(2):
        with app.test_request_context("/"):
            kinds.add(type(db.session()))
    assert len(kinds) == 1
    assert kinds == {db.state(app).sessions.class_}


def test_a_page_translates_with_the_catalogue_of_its_request(make_app):
    """Templates look the catalogue up once per rendering; a macro made without the page's context
    still translates, in the request's language."""
    app = make_app(PRODUCTION)
    macros = '{% macro saved() %}{{ _("Gem") }}{% endmacro %}'
    for language, saved in (("da", "Gem"), ("en", "Save")):
        with app.test_request_context("/", headers={"Accept-Language": language}):
            assert render_template_string('{{ _("Gem") }}') == saved
            assert str(app.jinja_env.from_string(macros).module.saved()) == saved


def test_remembered_translations_keep_each_templates_escaping_and_language(make_app):
    """A text without variables is made ready once per language and per escaping: an HTML page
    escapes the variables and not the catalogue's text, a plain-text one (the e-mails) escapes
    nothing, and "%%" reads "%" in both, as Jinja's new-style gettext does."""
    app = make_app(PRODUCTION)
    texts = '{{ _("Gem") }}|{{ _("100 %%") }}|{{ _("Du & jeg") }}|{{ _("A & %(x)s", x="<i>") }}'
    html = app.jinja_env.from_string(texts + '|{{ ngettext("%(num)s time", "%(num)s timer", 2) }}')
    plain = app.jinja_env.overlay(autoescape=False).from_string(texts)
    for _ in range(2):  # the second time from what was remembered
        for language, saved in (("da", "Gem"), ("en", "Save"), ("da", "Gem")):
            with app.test_request_context("/", headers={"Accept-Language": language}):
                assert plain.render() == f"{saved}|100 %|Du & jeg|A & <i>"
                assert html.render() == f"{saved}|100 %|Du & jeg|A & &lt;i&gt;|2 timer"
                assert render_template_string('{{ _("Gem") }}') == saved


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("da", "tirsdag 12. januar 2027", "30. juni 2027 kl. 14.05"),
        ("en", "Tuesday 12 January 2027", "30 June 2027, 14:05"),
    ],
)
def test_remembered_dates_read_as_babels_in_the_readers_language_and_time(
    make_app, language, day, moment
):
    """The date filters remember what they worked out per language: the second page in another
    language must not get the first one's text. A moment is told in Copenhagen time (summer: +2)."""
    app = make_app(PRODUCTION)
    page = "{{ day|date_weekday }}|{{ moment|datetime_long }}"
    values = {
        "day": dt.date(2027, 1, 12),
        "moment": dt.datetime(2027, 6, 30, 12, 5, tzinfo=dt.UTC),
    }
    for _ in range(2):  # the second time from what was remembered
        with app.test_request_context("/", headers={"Accept-Language": language}):
            assert render_template_string(page, **values) == f"{day}|{moment}"


def test_reading_columns_past_the_orm_sees_what_the_session_has_not_yet_written(make_app):
    """``db.read_columns`` flushes first, as ``session.execute`` does: a page built after a change
    in the same request reads the change."""
    from sqlalchemy import select

    from course_app.core import migrate
    from course_app.organisations.models import Organisation

    app = make_app(PRODUCTION)
    with app.app_context():
        migrate.upgrade(db.engine(app))
        db.session.add(Organisation(slug="ny", name="Ny Kommune"))
        names = db.read_columns(select(Organisation.name)).scalars().all()
        assert names == ["Ny Kommune"]
        db.session.rollback()
        assert db.read_columns(select(Organisation.name)).scalars().all() == []
