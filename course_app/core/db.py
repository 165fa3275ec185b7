"""Database plumbing: the declarative Base, a UTC datetime type and a session per app context.

Services use ``db.session``; it works in a request, a CLI command or a test, wherever an app context is
pushed. Views and CLI commands commit; services only flush.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask.globals import app_ctx
from sqlalchemy import DateTime, Enum, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine, Result
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import Executable
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# The largest value an integer primary key holds on both databases: a larger id cannot exist, and
# PostgreSQL refuses to compare with one (an error, not "no row").
MAX_ID = 2**31 - 1


def is_possible_id(value: int | None) -> bool:
    """Whether ``value`` can be a row's id; look nothing up for anything else."""
    return value is not None and 0 < value <= MAX_ID


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def string_enum(enum_class: type[enum.Enum], length: int = 32) -> Enum:
    """An enum stored as its values in a plain string column (portable; no native database enum)."""
    return Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime (UTC)")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class DatabaseState:
    """What one app holds: its engine, its session factory, and optionally a connection that
    sessions join (tests).

    The factory is made once: ``sessionmaker`` makes a new Session subclass each time it is called,
    and SQLAlchemy then builds that class's event dispatch anew for the first session of it (about a
    tenth of a millisecond, on every request when the factory was made per request)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(bind=engine, expire_on_commit=False)
        event.listen(self.sessions, "after_begin", _transaction_has_connection)
        self.connection: Connection | None = None


DEFAULT_BUSY_TIMEOUT_MS = 15_000


def make_engine(
    url: str,
    *,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    prepared_statements: bool = True,
) -> Engine:
    """The app's engine. ``hide_parameters``: a failing statement's error (raised, and so logged)
    names the statement but never its values, which may be a private answer or an e-mail address.

    ``busy_timeout_ms`` (SQLite only, the ``SQLITE_BUSY_TIMEOUT_MS`` setting): how long a statement
    waits for another connection's write lock before failing with "database is locked".
    ``prepared_statements`` (PostgreSQL only, ``POSTGRESQL_PREPARED_STATEMENTS``): off, psycopg
    never prepares one (behind a pooler in transaction mode)."""
    if url.startswith("sqlite"):
        options: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            "hide_parameters": True,
        }
        if url in ("sqlite://", "sqlite:///:memory:"):
            options["poolclass"] = StaticPool
        engine = create_engine(url, **options)
        event.listen(engine, "connect", partial(_configure_sqlite, busy_timeout_ms=busy_timeout_ms))
        event.listen(engine, "begin", _begin_sqlite)
        _watch_writes(engine)
        return engine
    # PostgreSQL's JIT compiles a query whose estimated cost is high, which a page's short query can
    # reach through a correlated subquery: at XL the leader calendar's one query took 3 ms to run and
    # 22 ms to compile. The app runs short queries (and its reports gain nothing from JIT), so it is
    # off for the app's connections (docs/operations.md).
    engine = create_engine(
        url,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={
            "options": "-c jit=off",
            **({} if prepared_statements else {"prepare_threshold": None}),
        },
    )
    _watch_writes(engine)
    return engine


def _watch_writes(engine: Engine) -> None:
    event.listen(engine, "begin", _transaction_begins)
    event.listen(engine, "before_cursor_execute", _statement_sent)


def _configure_sqlite(dbapi_connection: Any, _record: Any, *, busy_timeout_ms: int) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that SAVEPOINTs and
    # transactional DDL work (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()


def _begin_sqlite(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_may_write() else "BEGIN")


def writes_from_the_start() -> None:
    """Declare that this app context's transactions write (a worker or a CLI command that changes
    data): on SQLite each then takes the write lock at its first statement, like a POST, so two
    such workers queue behind each other instead of failing."""
    g.course_app_db_writer = True


def reads_only_from_now() -> None:
    """Let this request's further transactions begin as plain reads, even on a POST: an error page
    after "database is locked" must not wait for the write lock again."""
    g.course_app_db_reads_only = True


def is_database_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked"/"busy": another connection held the write
    lock longer than the busy timeout. Nothing was written; the same request can succeed later."""
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF == 5:  # SQLITE_BUSY and its extended codes
        return True
    message = str(error.orig).lower()
    return "database is locked" in message or "database is busy" in message


def _request_may_write() -> bool:
    """Whether this transaction serves a request that may write (every write is a POST), or an app
    context that said so (``writes_from_the_start``).

    SQLite cannot turn a read transaction into a write transaction once another connection has
    committed since its first read: it fails at once with "database is locked", whatever the busy
    timeout. A POST therefore takes the write lock at its first statement and waits its turn (the busy
    timeout) behind other writers; GET requests keep plain, concurrent read transactions.
    """
    if has_app_context() and g.get("course_app_db_reads_only"):
        return False
    if has_app_context() and g.get("course_app_db_writer"):
        return True
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


_WROTE = "course_app_wrote"


def _transaction_begins(connection: Connection) -> None:
    connection.info[_WROTE] = False


def _statement_sent(connection: Connection, _cursor, statement: str, *_args: Any) -> None:
    if not statement.startswith(("SELECT", "BEGIN")):
        connection.info[_WROTE] = True


_CONNECTION = "course_app_connection"


def _transaction_has_connection(
    session: Session, _transaction: Any, connection: Connection
) -> None:
    session.info[_CONNECTION] = connection


def _end_a_read_with_commit(session: Session) -> None:
    """End a transaction that only read with COMMIT rather than the ROLLBACK closing the session
    would send: the same for the database, but psycopg forgets its prepared statements at every
    ROLLBACK, so on PostgreSQL each request's statements were parsed and planned anew (a statement
    is prepared from its fifth use on a connection). A transaction that wrote, or holds changes not
    yet flushed, still ends in ROLLBACK: what a view did not commit is never kept. (A transaction
    whose connection never opened has nothing to end: no new connection is tried.)"""
    connection = session.info.get(_CONNECTION)
    if connection is None or connection.closed or connection.invalidated:
        return
    if session.new or session.dirty or session.deleted or not session.in_transaction():
        return
    if not connection.info.get(_WROTE, True):
        session.commit()


def _app_context_id() -> int:
    return id(app_ctx._get_current_object())


class Database:
    """A Flask-SQLAlchemy-like holder without its model magic: one scoped session per app context."""

    extension_key = "course_app.db"

    def __init__(self) -> None:
        self.session: scoped_session[Session] = scoped_session(
            self._new_session, scopefunc=_app_context_id
        )

    def init_app(self, app: Flask) -> None:
        engine = make_engine(
            app.config["DATABASE_URL"],
            busy_timeout_ms=app.config.get("SQLITE_BUSY_TIMEOUT_MS", DEFAULT_BUSY_TIMEOUT_MS),
            prepared_statements=app.config.get("POSTGRESQL_PREPARED_STATEMENTS", True),
        )
        app.extensions[self.extension_key] = DatabaseState(engine)
        app.teardown_appcontext(self._remove_session)

    def state(self, app: Flask | None = None) -> DatabaseState:
        return (app or current_app).extensions[self.extension_key]

    def engine(self, app: Flask | None = None) -> Engine:
        return self.state(app).engine

    def _new_session(self) -> Session:
        state = self.state()
        if state.connection is not None:
            return Session(
                bind=state.connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
        return state.sessions()

    def read_columns(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Result[Any]:
        """Rows of a statement that selects plain columns (no mapped objects), run on the session's
        connection past the ORM's result handling: about 30 microseconds less a statement, which
        every leader page pays a few times. Pending changes are flushed first, as
        ``session.execute`` would."""
        session = self.session()
        if session.autoflush:
            session.flush()
        return session.connection().execute(statement, parameters)

    def _remove_session(self, exc: BaseException | None) -> None:
        try:
            if exc is None and self.session.registry.has():
                _end_a_read_with_commit(self.session())
        finally:
            self.session.remove()


db = Database()
