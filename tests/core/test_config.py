"""Configuration: safe defaults, environment overrides, refusal of unsafe production config; /healthz."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from course_app import create_app
from course_app.config import DEFAULTS, ConfigError
from course_app.core.db import db
from tests.conftest import TEST_CONFIG


@pytest.fixture
def clean_env(monkeypatch):
    """No COURSE_APP_* settings (the test database URL aside) and no Flask debug from outside."""
    for name in list(os.environ):
        if name.startswith("COURSE_APP_") and name != "COURSE_APP_TEST_DATABASE_URL":
            monkeypatch.delenv(name)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return monkeypatch


@pytest.fixture
def make_app(clean_env, tmp_path):
    """create_app with a throw-away instance folder; engines are disposed afterwards."""
    apps = []

    def make(config=None, instance: Path | None = None):
        app = create_app(config, instance_path=str(instance or tmp_path / "instance"))
        apps.append(app)
        return app

    yield make
    for app in apps:
        db.engine(app).dispose()


def test_production_without_secret_key_refuses_to_start(make_app):
    with pytest.raises(ConfigError, match="COURSE_APP_SECRET_KEY"):
        make_app()


def test_empty_secret_key_from_the_environment_also_refuses(make_app, clean_env):
    clean_env.setenv("COURSE_APP_SECRET_KEY", "")
    with pytest.raises(ConfigError, match="COURSE_APP_SECRET_KEY"):
        make_app({"DATABASE_URL": "sqlite://"})


def test_tests_must_set_a_secret_key_too(make_app):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        make_app({"TESTING": True})


def test_secret_key_from_the_environment_is_enough(make_app, clean_env):
    clean_env.setenv("COURSE_APP_SECRET_KEY", "a-long-random-value-from-the-environment")
    app = make_app()
    assert app.config["SECRET_KEY"] == "a-long-random-value-from-the-environment"
    assert app.secret_key == "a-long-random-value-from-the-environment"


def test_environment_variables_override_defaults(make_app, clean_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'from-env.sqlite'}"
    clean_env.setenv("COURSE_APP_SECRET_KEY", "env-secret")
    clean_env.setenv("COURSE_APP_DATABASE_URL", url)
    clean_env.setenv("COURSE_APP_PASSWORD_HASH_METHOD", "pbkdf2:sha256:600000")
    clean_env.setenv("COURSE_APP_PERMANENT_SESSION_LIFETIME", "3600")
    clean_env.setenv("COURSE_APP_SESSION_COOKIE_SAMESITE", "Strict")
    app = make_app()
    assert app.config["DATABASE_URL"] == url
    assert db.engine(app).url.database == str(tmp_path / "from-env.sqlite")
    assert app.config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:600000"
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 3600  # JSON-decoded
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"
    # Untouched settings keep their defaults.
    assert app.config["BABEL_DEFAULT_LOCALE"] == DEFAULTS["BABEL_DEFAULT_LOCALE"] == "da"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_mapping_given_in_code_wins_over_the_environment(make_app, clean_env):
    clean_env.setenv("COURSE_APP_SECRET_KEY", "env-secret")
    clean_env.setenv("COURSE_APP_PASSWORD_HASH_METHOD", "pbkdf2:sha256:600000")
    app = make_app({"PASSWORD_HASH_METHOD": "scrypt", "DATABASE_URL": "sqlite://"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    assert app.config["SECRET_KEY"] == "env-secret"


def test_database_defaults_to_sqlite_in_the_instance_folder(make_app, tmp_path):
    instance = tmp_path / "nested" / "instance"
    app = make_app({"SECRET_KEY": "s"}, instance=instance)
    assert instance.is_dir()  # created on start
    url = make_url(app.config["DATABASE_URL"])
    assert url.get_backend_name() == "sqlite"
    assert Path(url.database) == instance / "course_app.sqlite"
    assert db.engine(app).url.database == url.database


def test_testing_and_demo_relax_secure_cookies_only_there(make_app, tmp_path):
    testing = make_app({**TEST_CONFIG, "DATABASE_URL": "sqlite://"}, instance=tmp_path / "t")
    assert testing.config["SESSION_COOKIE_SECURE"] is False
    demo = make_app({"DEMO": True, "SECRET_KEY": "s", "DATABASE_URL": "sqlite://"}, tmp_path / "d")
    assert demo.config["SESSION_COOKIE_SECURE"] is False
    production = make_app({"SECRET_KEY": "s", "DATABASE_URL": "sqlite://"}, instance=tmp_path / "p")
    assert production.config["SESSION_COOKIE_SECURE"] is True


# --- /healthz -----------------------------------------------------------------------------------------


def test_healthz_reports_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///{tmp}/no/such/folder/course_app.sqlite",
        "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    ],
    ids=["sqlite-missing-folder", "postgresql-refused"],
)
def test_healthz_reports_an_unreachable_database_as_503(make_app, tmp_path, url):
    app = make_app({**TEST_CONFIG, "DATABASE_URL": url.format(tmp=tmp_path)})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


def test_a_count_from_the_environment_becomes_a_number(make_app, clean_env):
    clean_env.setenv("COURSE_APP_SECRET_KEY", "env-secret")
    clean_env.setenv("COURSE_APP_REMINDERS_PER_WEEK", "1")
    assert make_app({"DATABASE_URL": "sqlite://"}).config["REMINDERS_PER_WEEK"] == 1


@pytest.mark.parametrize("value", ["-1", "2.5", '"to"', "true", "1000000000000"])
def test_a_count_that_is_not_a_sensible_whole_number_stops_start_up(make_app, clean_env, value):
    clean_env.setenv("COURSE_APP_SECRET_KEY", "env-secret")
    clean_env.setenv("COURSE_APP_QUESTION_SET_DAYS_BEFORE", value)
    with pytest.raises(ConfigError, match="COURSE_APP_QUESTION_SET_DAYS_BEFORE must be a whole"):
        make_app({"DATABASE_URL": "sqlite://"})
