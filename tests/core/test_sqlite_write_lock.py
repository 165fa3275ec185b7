"""SQLite: a POST takes the write lock at its first statement, so concurrent writers queue instead of
one failing with "database is locked"; a GET keeps a plain read transaction that blocks no writer."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from course_app import create_app
from course_app.accounts.models import User
from course_app.core import migrate
from course_app.core.db import db, make_engine
from tests.conftest import TEST_CONFIG


@pytest.fixture
def sqlite_app(fresh_database_url, tmp_path):
    if not fresh_database_url.startswith("sqlite"):
        pytest.skip("SQLite's locking only")
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": fresh_database_url}, instance_path=str(tmp_path)
    )
    yield app, fresh_database_url.removeprefix("sqlite:///")
    db.engine(app).dispose()


def _other_writer_can_write(path: str) -> bool:
    other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


@pytest.mark.parametrize(("method", "holds_lock"), [("POST", True), ("GET", False)])
def test_a_post_holds_the_write_lock_from_its_first_read(sqlite_app, method, holds_lock):
    app, path = sqlite_app
    with app.test_request_context("/", method=method):
        db.session.execute(select(User.id)).all()  # the request's first statement: a read
        assert _other_writer_can_write(path) is not holds_lock
        db.session.rollback()
    assert _other_writer_can_write(path)


def test_outside_a_request_transactions_stay_deferred(sqlite_app):
    app, path = sqlite_app
    with app.app_context():
        db.session.execute(select(User.id)).all()
        assert _other_writer_can_write(path)
        db.session.rollback()
