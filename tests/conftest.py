"""Shared fixtures: a real database per test run (SQLite, or PostgreSQL via COURSE_APP_TEST_DATABASE_URL),
migrated to head once; each test runs inside a transaction that is rolled back at the end.

Tests whose data must be committed for another thread or process (e2e, CLI, migrations) use
``fresh_database_url`` instead: a database of their own.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine

pytest_plugins = ["tests.mail", "tests.oidc_provider"]

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    # The self-assessment's pseudonym key (course_app/self_assessment/pseudonyms.py).
    "ASSESSMENT_PSEUDONYM_KEY": "test-pseudonym-key-0123456789abcdef",
    # Cheap hashing under test only; production uses scrypt.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",
}


class DatabaseFactory:
    """Creates and drops databases of their own for this test run, never touching the shared one."""

    def __init__(self, base_url: str | None, tmp_dir: Path) -> None:
        self.base_url = base_url
        self.tmp_dir = tmp_dir
        self.created: list[str] = []

    @property
    def is_postgresql(self) -> bool:
        return bool(self.base_url and self.base_url.startswith("postgresql"))

    def create(self) -> str:
        name = f"course_app_test_{uuid.uuid4().hex[:12]}"
        if not self.is_postgresql:
            return f"sqlite:///{self.tmp_dir / (name + '.sqlite')}"
        admin = create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(self.base_url).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.created:
            return
        admin = create_engine(self.base_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(
        os.environ.get("COURSE_APP_TEST_DATABASE_URL"), tmp_path_factory.mktemp("databases")
    )
    yield factory
    factory.drop_all()


@pytest.fixture
def fresh_database_url(database_factory: DatabaseFactory) -> str:
    """An empty database of this test's own (for e2e, CLI and migration tests)."""
    return database_factory.create()


@pytest.fixture
def fresh_app(fresh_database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Makes apps (config overrides as keywords) over ``fresh_database_url``, migrated to head at
    the first call: for tests whose requests or commands commit. Their engines are closed after."""
    apps: list[Flask] = []

    def make(**overrides: object) -> Flask:
        if not apps:
            engine = make_engine(fresh_database_url)
            migrate.upgrade(engine)
            engine.dispose()
        app = create_app(
            {**TEST_CONFIG, "DATABASE_URL": fresh_database_url, **overrides},
            instance_path=str(tmp_path / f"instance-{len(apps)}"),
        )
        apps.append(app)
        return app

    yield make
    for made in apps:
        db.engine(made).dispose()


@pytest.fixture(scope="session")
def app(database_factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    url = database_factory.create()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    instance = tmp_path_factory.mktemp("instance")
    return create_app({**TEST_CONFIG, "DATABASE_URL": url}, instance_path=str(instance))


@pytest.fixture
def session(app: Flask) -> Iterator:
    """``db.session`` joined to an outer transaction that is rolled back after the test."""
    state = db.state(app)
    connection = state.engine.connect()
    transaction = connection.begin()
    state.connection = connection
    context = app.app_context()
    context.push()
    try:
        yield db.session
    finally:
        db.session.remove()
        context.pop()
        state.connection = None
        transaction.rollback()
        connection.close()


class FreshContextClient(FlaskClient):
    """Each request gets an app context (and so ``g`` and a database session) of its own, as in
    production, even though the test itself holds one open for its setup."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask, session) -> FlaskClient:
    app.test_client_class = FreshContextClient
    return app.test_client()


_CSRF_INPUT = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class StatementCounter:
    """Counts SQL statements sent to the database while active (for query budgets)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, _params, _context, _executemany) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(app: Flask):
    """``with count_statements() as counter: ...`` then ``counter.count``."""
    engine = db.engine(app)

    @contextmanager
    def counting():
        counter = StatementCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return counting
