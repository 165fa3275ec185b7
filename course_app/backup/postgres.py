"""PostgreSQL: ``pg_dump --format=custom`` out, ``pg_restore`` back, with client tools that fit.

pg_dump refuses a server of a newer major version than its own, and pg_restore cannot read an archive
from a newer pg_dump, so the tools are chosen by version, not just taken from PATH: the Debian folder
for the server's own major version first (``/usr/lib/postgresql/<major>/bin``), then PATH, then any
other Debian folder new enough. ``PG_BIN_DIR`` (``COURSE_APP_PG_BIN_DIR``) names a folder to use
instead. The password goes to the tools in ``PGPASSWORD``, never on the command line (``ps`` shows
that to every user).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from course_app.backup.errors import BackupRefused

DEBIAN_BIN_DIRS = Path("/usr/lib/postgresql")
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")
_TIMEOUT_SECONDS = 6 * 60 * 60


def server_major(database_url: str) -> int:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    finally:
        engine.dispose()
    return number // 10000


def tool_version(tool: Path) -> tuple[int, str] | None:
    """(major, "15.20") for a pg_dump or pg_restore, or None when it does not run."""
    try:
        # The tool is one found by find_tool, never a name from outside.
        output = subprocess.run(  # noqa: S603
            [str(tool), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(output)
    if not match:
        return None
    return int(match.group(1)), ".".join(part for part in match.groups() if part)


def find_tool(name: str, minimum_major: int, bin_dir: str | None = None) -> tuple[Path, str]:
    """The ``name`` tool (pg_dump, pg_restore) of at least ``minimum_major``, and its version."""
    tried: list[str] = []
    for candidate in _candidates(name, minimum_major, bin_dir):
        version = tool_version(candidate)
        if version is None:
            continue
        if version[0] >= minimum_major:
            return candidate, version[1]
        tried.append(f"{candidate} er version {version[1]}")
    found = f" (fandt: {'; '.join(tried)})" if tried else ""
    raise BackupRefused(
        f"{name} i version {minimum_major} eller nyere findes ikke{found}. Installér Debian-pakken "
        f"postgresql-client-{minimum_major} (eller postgresql-client i den version), eller sæt "
        f"COURSE_APP_PG_BIN_DIR til mappen med {name}."
    )


def _candidates(name: str, major: int, bin_dir: str | None) -> list[Path]:
    if bin_dir:
        return [Path(bin_dir) / name]
    candidates = [DEBIAN_BIN_DIRS / str(major) / "bin" / name]
    if on_path := shutil.which(name):
        candidates.append(Path(on_path))
    candidates += sorted(DEBIAN_BIN_DIRS.glob(f"*/bin/{name}"), reverse=True)
    return [path for path in dict.fromkeys(candidates) if path.is_file()]


def dump(database_url: str, target: Path, *, bin_dir: str | None = None) -> tuple[str | None, str]:
    """Dump the database into ``target``; return its Alembic revision and pg_dump's version.

    The revision is read just before the dump (pg_dump takes its own snapshot); the restore checks
    it against the restored database, so a migration in between would not go unnoticed.
    """
    tool, version = find_tool("pg_dump", server_major(database_url), bin_dir)
    revision = _revision(database_url)
    _run([str(tool), "--format=custom", "--no-password", f"--file={target}"], database_url)
    return revision, version


def restore(
    backup_file: Path, database_url: str, dumped_by: str | None, *, bin_dir: str | None
) -> None:
    """``pg_restore`` into the configured (empty) database, in one transaction: all or nothing."""
    minimum = max(server_major(database_url), _major(dumped_by))
    tool, _version = find_tool("pg_restore", minimum, bin_dir)
    _run(
        [
            str(tool),
            "--no-owner",  # the tables belong to whoever restores, as the app's user
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            "--no-password",
            str(backup_file),
        ],
        database_url,
    )


def tables_in(database_url: str) -> list[str]:
    """Tables, views and sequences outside PostgreSQL's own schemas."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT n.nspname || '.' || c.relname FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1"
                )
            ).scalars()
            return list(rows)
    finally:
        engine.dispose()


def _revision(database_url: str) -> str | None:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            if exists is None:
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _run(command: list[str], database_url: str) -> None:
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command.append(f"--dbname={_libpq_uri(url)}")
    try:
        subprocess.run(  # noqa: S603 (a fixed tool and arguments; no shell)
            command, env=env, capture_output=True, text=True, timeout=_TIMEOUT_SECONDS, check=True
        )
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or "").strip().splitlines()[-5:]
        raise BackupRefused(
            f"{Path(command[0]).name} fejlede (kode {error.returncode}):\n" + "\n".join(detail)
        ) from error
    except subprocess.TimeoutExpired as error:
        raise BackupRefused(f"{Path(command[0]).name} blev ikke færdig i tide.") from error


def _libpq_uri(url: URL) -> str:
    """The SQLAlchemy URL as libpq reads it: no driver name, no password."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _major(version: str | None) -> int:
    if not version:
        return 0
    return int(version.split(".")[0])
