"""A request whose transaction only read ends it with COMMIT, so psycopg keeps the statements it has
prepared (it forgets them at every ROLLBACK, and PostgreSQL then parsed and planned each of a page's
statements on every request); a transaction that wrote, holds unflushed changes or met an error
still ends in ROLLBACK, so nothing a view did not commit is kept. Real requests on a real database."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import event, func, select, text, update

from course_app.accounts.models import User
from course_app.config import ConfigError
from course_app.core.db import db
from tests import factories

NAME = "Anne Leder"


@pytest.fixture
def reading_app(fresh_app):
    return _reading_app(fresh_app)


def _reading_app(fresh_app, **settings):
    """An app with routes that read, write without committing, change without flushing, or fail;
    and a list of how each transaction ended (``app.endings``)."""
    app = fresh_app(**settings)
    with app.app_context():
        factories.user(email="anne@albertslund.example", name=NAME)
        db.session.commit()
    endings: list[str] = []
    engine = db.engine(app)
    event.listen(engine, "commit", lambda _connection: endings.append("commit"))
    event.listen(engine, "rollback", lambda _connection: endings.append("rollback"))
    app.endings = endings

    def first_user() -> User:
        return db.session.scalars(select(User).order_by(User.id)).first()

    @app.get("/test/read")
    def read():
        return first_user().name

    @app.get("/test/flushed-write")
    def flushed_write():
        db.session.execute(update(User).values(name="Flushed, not committed"))
        return "written"

    @app.get("/test/pending-change")
    def pending_change():
        first_user().name = "Pending, not flushed"
        return "changed"

    @app.get("/test/fails")
    def fails():
        first_user()
        abort(500)

    @app.get("/test/commits-then-reads")
    def commits_then_reads():
        first_user().name = "Committed"
        db.session.commit()
        return first_user().name

    return app


def _stored_name(app) -> str:
    with app.app_context():
        return db.session.scalar(select(User.name).order_by(User.id).limit(1))


def test_a_transaction_that_only_read_ends_with_commit(reading_app):
    response = reading_app.test_client().get("/test/read")
    assert response.text == NAME
    assert reading_app.endings == ["commit"]


@pytest.mark.parametrize("path", ["/test/flushed-write", "/test/pending-change", "/test/fails"])
def test_a_transaction_that_wrote_changed_or_failed_ends_with_rollback_and_keeps_nothing(
    reading_app, path
):
    reading_app.test_client().get(path)
    assert reading_app.endings == ["rollback"]
    assert _stored_name(reading_app) == NAME


def test_reads_after_a_commit_end_with_commit_too(reading_app):
    response = reading_app.test_client().get("/test/commits-then-reads")
    assert response.text == "Committed"
    assert reading_app.endings == ["commit", "commit"]


def _prepared_after_six_reads(app) -> int:
    client = app.test_client()
    for _ in range(6):
        assert client.get("/test/read").text == NAME
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(text("pg_prepared_statements")))


def test_on_postgresql_a_pages_statements_stay_prepared_across_requests(
    reading_app, database_factory
):
    """psycopg prepares a statement from its fifth run on a connection; a ROLLBACK at the end of each
    request would have deallocated them all."""
    if not database_factory.is_postgresql:
        pytest.skip("PostgreSQL's prepared statements")
    assert _prepared_after_six_reads(reading_app) >= 1


def test_behind_a_pooler_in_transaction_mode_nothing_is_prepared(fresh_app, database_factory):
    if not database_factory.is_postgresql:
        pytest.skip("PostgreSQL's prepared statements")
    app = _reading_app(fresh_app, POSTGRESQL_PREPARED_STATEMENTS=False)
    assert _prepared_after_six_reads(app) == 0


def test_the_switch_must_be_true_or_false(fresh_app):
    with pytest.raises(ConfigError, match="POSTGRESQL_PREPARED_STATEMENTS must be true or false"):
        fresh_app(POSTGRESQL_PREPARED_STATEMENTS="no")
