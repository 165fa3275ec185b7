"""SQLite: a consistent copy with SQLite's online backup API, and back.

A plain file copy misses whatever still sits in the write-ahead log (``-wal``) and can catch a page
half-written. ``sqlite3.Connection.backup`` in one step reads the database, log included, inside one
read transaction: a snapshot as of one commit, while the app goes on writing (WAL lets readers and
writers pass each other).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from course_app.backup.errors import BackupRefused

BUSY_TIMEOUT_SECONDS = 30


def database_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupRefused("En SQLite-database i hukommelsen kan ikke sikkerhedskopieres.")
    return Path(database)


def copy_out(database_url: str, target: Path) -> str | None:
    """Copy the database into ``target`` (a new file); return the copy's Alembic revision."""
    source_path = database_path(database_url)
    if not source_path.is_file():
        raise BackupRefused(f"Databasefilen {source_path} findes ikke.")
    with closing(_connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)  # pages=-1: the whole database in one step, so one snapshot
        # One self-contained file: no -wal beside it in the backup folder.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _revision(copy)


def copy_in(backup_file: Path, database_url: str) -> None:
    """Write the backed-up database into the configured file (which must be empty or missing)."""
    target_path = database_path(database_url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    read_only = f"{backup_file.resolve().as_uri()}?mode=ro"
    with (
        closing(sqlite3.connect(read_only, uri=True)) as source,
        closing(_connect(target_path)) as target,
    ):
        source.backup(target)


def tables_in(database_url: str) -> list[str]:
    """The tables in the configured database file; none when the file does not exist."""
    path = database_path(database_url)
    if not path.exists():
        return []
    with closing(_connect(path)) as connection:
        rows = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        ).fetchall()
    return [name for (name,) in rows]


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS)


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None
