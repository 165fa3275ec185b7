"""Bad input is a 4xx, never a 500 (issue 12): ids beyond the integer range, control characters in
URLs and forms; error pages that cannot fail; and no private value in a database error's text or in
the log. Runs on SQLite, and on PostgreSQL when COURSE_APP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from wtforms import HiddenField, IntegerField, PasswordField, StringField, TextAreaField

import course_app.models  # noqa: F401 - every blueprint's forms are imported with the app
from course_app import create_app
from course_app.core.db import db
from course_app.core.forms import BaseForm
from course_app.core.text import without_control_characters
from course_app.core.url_values import query_id
from tests import factories
from tests.conftest import TEST_CONFIG
from tests.helpers import sign_in

PRIVATE = "Mit hemmelige svar om min chef"


# --- text ------------------------------------------------------------------------------------------


def test_without_control_characters_keeps_tab_and_line_breaks_only():
    assert without_control_characters("a\x00b\x01c\x1fd\x7fe\x85f\x9fg") == "abcdefg"
    assert without_control_characters("tab\there\r\nline\nend") == "tab\there\r\nline\nend"
    assert without_control_characters("lone \ud800 surrogate") == "lone  surrogate"
    # Right-to-left marks, zero-width characters and emoji are text, not control characters.
    kept = "\u202eabc\u200b\u200d\ufeff😀 æøå"
    assert without_control_characters(kept) == kept


def test_every_form_of_the_app_derives_from_the_base_form(app):
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [form for form in subclasses(FlaskForm) if form.__module__.startswith("course_app.")]
    assert len(ours) > 20
    strays = [f"{f.__module__}.{f.__name__}" for f in ours if not issubclass(f, BaseForm)]
    assert strays == []


def test_base_form_drops_control_characters_from_every_text_field(app):
    class Everything(BaseForm):
        class Meta:
            csrf = False

        line = StringField()
        long = TextAreaField(filters=[lambda value: value.strip() if value else value])
        hidden = HiddenField()
        secret = PasswordField()
        number = IntegerField()

    data = {
        "line": "a\x00b\x85",
        "long": "  x\x00\ty\x1b\r\nz  ",
        "hidden": "3\x00",
        "secret": "k\x00ode",
        "number": "7",
    }
    with app.test_request_context(method="POST", data=data):
        form = Everything()
        assert form.validate()
    assert (form.line.data, form.long.data, form.hidden.data, form.secret.data) == (
        "ab",
        "x\ty\r\nz",  # tab and line breaks stay; the form's own filter still runs after ours
        "3",
        "kode",
    )
    assert form.number.data == 7


# --- URLs ------------------------------------------------------------------------------------------


@pytest.fixture
def leader(client, session):
    org = factories.organisation("Albertslund")
    cohort = factories.cohort(factories.course(), orgs=[org])
    person, _enrolment = factories.enrolled_leader(cohort, org=org)
    session.commit()
    sign_in(client, person.email)
    return cohort


@pytest.mark.parametrize(
    "url",
    [
        "/forloeb/2147483648/moduler/modul-a",
        "/forloeb/99999999999999999999999999/moduler/modul-a",
        "/grupper/9223372036854775808/moeder/modul-a",
        "/forloeb/1/moduler/modul%00a",
        "/invitation/abc%00def",
        "/log-ind/link/%00",
        "/kalender/feed/x%00y.ics",
        "/afmeld/%01token",
    ],
)
def test_impossible_ids_and_control_characters_in_the_path_are_404(client, leader, url):
    assert client.get(url).status_code == 404


def test_the_largest_possible_id_is_an_ordinary_404(client, leader):
    assert client.get("/forloeb/2147483647/moduler/modul-a").status_code == 404
    assert client.get(f"/forloeb/{leader.id}/moduler/modul-a").status_code == 200


@pytest.mark.parametrize("query", ["vis=%00", "separator=%3B%00", "x%00=1", "vis=a%1bb"])
def test_query_arguments_with_control_characters_are_ignored(client, leader, query):
    assert client.get(f"/forloeb/{leader.id}/moduler/modul-a?{query}").status_code == 200


def test_a_nul_in_a_path_never_reaches_the_view(failing_app):
    failing_app.test_client().get("/test-sti/a%00b%0Ac")
    # NUL becomes DEL: still a control character (no key or token holds one), but storable.
    assert failing_app.config["SEEN_SLUGS"] == ["a\x7fb\nc"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        ("2147483647", 2147483647),
        ("2147483648", None),
        ("9" * 30, None),
        ("-1", None),
        ("0", None),
        ("1e3", None),
        ("\u0663", None),
        ("", None),
        (" 7", None),
    ],
)
def test_query_ids_beyond_the_range_are_ignored(app, value, expected):
    with app.test_request_context("/", query_string={"before_id": value}):
        assert query_id("before_id") == expected


# --- error pages and logs --------------------------------------------------------------------------


@pytest.fixture
def failing_app(tmp_path, monkeypatch) -> Flask:
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"},
        instance_path=str(tmp_path / "instance"),
    )

    @app.post("/fejl-i-databasen")
    def database_error():
        db.session.execute(text("SELECT :value FROM no_such_table"), {"value": PRIVATE})

    app.config["SEEN_SLUGS"] = []

    @app.get("/test-sti/<slug>")
    def path_probe(slug):
        app.config["SEEN_SLUGS"].append(slug)
        return ""

    @app.get("/fejl-i-fejlsiden")
    def error_page_fails():
        raise RuntimeError("boom")

    yield app
    db.engine(app).dispose()


def test_a_failing_statement_names_no_value(session):
    with pytest.raises(DBAPIError) as raised, session.begin_nested():
        session.execute(text("SELECT :value FROM no_such_table"), {"value": PRIVATE})
    assert PRIVATE not in str(raised.value)
    assert "hidden due to hide_parameters" in str(raised.value)


def test_a_database_error_logs_no_value_and_the_page_keeps_the_text(failing_app, caplog):
    failing_app.config["WTF_CSRF_ENABLED"] = False  # the database error itself, not a CSRF failure
    client = failing_app.test_client()
    with caplog.at_level(logging.ERROR):
        response = client.post("/fejl-i-databasen", data={"text": PRIVATE})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Der skete en fejl" in html
    assert PRIVATE in html  # her own text, shown back so it is not lost
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert PRIVATE not in logged
    assert "Database error on /fejl-i-databasen" in logged


def test_an_error_page_that_fails_falls_back_to_a_plain_page(failing_app, monkeypatch):
    import course_app.core.error_pages as error_pages

    def broken(*_args, **_kwargs):
        raise RuntimeError("the template broke")

    monkeypatch.setattr(error_pages, "render_template", broken)
    client = failing_app.test_client()
    response = client.get("/fejl-i-fejlsiden")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html and "Der skete en fejl" in html
    assert "the template broke" not in html and "boom" not in html
    assert client.get("/findes-ikke").status_code == 404


def test_a_request_over_the_size_limit_is_a_danish_413(failing_app):
    failing_app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = failing_app.test_client().post(
        "/fejl-i-databasen", data={"text": "x" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "siden kan højst tage imod 1 MB ad gangen" in html


def test_a_form_whose_service_checks_control_characters_may_say_so(app):
    class ServiceChecks(BaseForm):
        class Meta:
            csrf = False
            strip_control_characters = False

        name = StringField()

    with app.test_request_context(method="POST", data={"name": "Direktionen\x00"}):
        assert ServiceChecks().name.data == "Direktionen\x00"
