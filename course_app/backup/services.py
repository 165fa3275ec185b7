"""Create, verify and restore backups. Plain functions: no request or app context needed, the
caller (the CLI) passes the database URL and storage folder it is configured with.

A backup is a folder ``<DIR>/course-app-backup-<UTC time>``, so one ``DIR`` collects a night's
backup after another (cron) and old ones are removed by name or age. It is written under a hidden
``.partial`` name and renamed when complete, manifest last: a folder with the plain name is always a
whole backup.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url

from course_app.backup import files, manifest, postgres, sqlite
from course_app.backup.errors import BackupRefused
from course_app.core import migrate
from course_app.core.db import make_engine

FOLDER_PREFIX = "course-app-backup-"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class RestoreReport:
    manifest: manifest.Manifest
    uploads: int
    revision: str | None
    head: str | None


def database_kind(database_url: str) -> str:
    kind = make_url(database_url).get_backend_name()
    if kind not in DATABASE_FILES:
        raise BackupRefused(f"Databaser af typen {kind} kan ikke sikkerhedskopieres.")
    return kind


def create_backup(
    parent: Path,
    *,
    database_url: str,
    storage_dir: Path,
    pg_bin_dir: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Path, manifest.Manifest]:
    """Write a new backup folder inside ``parent`` (created if missing); return it and its manifest."""
    kind = database_kind(database_url)
    now = now or dt.datetime.now(dt.UTC)
    parent.mkdir(parents=True, exist_ok=True)
    final = _new_folder_name(parent, now)
    partial = parent / f".{final.name}.partial"
    partial.mkdir(mode=0o700)  # it holds personal data: for the backup's owner only
    try:
        database_file = DATABASE_FILES[kind]
        dumped_by = None
        if kind == "sqlite":
            revision = sqlite.copy_out(database_url, partial / database_file)
        else:
            revision, dumped_by = postgres.dump(
                database_url, partial / database_file, bin_dir=pg_bin_dir
            )
        files.copy_out(storage_dir, partial)
        written = manifest.Manifest(
            app_version=manifest.app_version(),
            alembic_revision=revision,
            database=kind,
            database_file=database_file,
            created_at=manifest.created_at(now),
            files=manifest.entries_for(partial),
            pg_dump_version=dumped_by,
        )
        manifest.write(partial, written)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final, written


def verify_backup(folder: Path) -> manifest.Manifest:
    """The backup's manifest, once every file in the folder matches its checksum."""
    return manifest.verify(folder)


def restore_backup(
    folder: Path, *, database_url: str, storage_dir: Path, pg_bin_dir: str | None = None
) -> RestoreReport:
    """Restore a verified backup into an empty database and an empty storage folder.

    Everything that can refuse does so before anything is written: the checksums, the database kind,
    a revision this version does not know, a database or storage folder that is not empty.
    """
    checked = manifest.verify(folder)
    kind = database_kind(database_url)
    if checked.database != kind:
        raise BackupRefused(
            f"Sikkerhedskopien er af en {KIND_NAMES[checked.database]}-database, men den "
            f"konfigurerede database er {KIND_NAMES[kind]}."
        )
    head = _require_known_revision(checked, database_url)
    _require_empty_database(kind, database_url)
    _require_empty_storage(storage_dir)

    backup_file = folder / checked.database_file
    if kind == "sqlite":
        sqlite.copy_in(backup_file, database_url)
    else:
        postgres.restore(backup_file, database_url, checked.pg_dump_version, bin_dir=pg_bin_dir)
    uploads = files.copy_in(folder, storage_dir)

    engine = make_engine(database_url)
    try:
        revision = migrate.current_revision(engine)
    finally:
        engine.dispose()
    if revision != checked.alembic_revision:
        raise BackupRefused(
            f"Den gendannede database er på version {revision or 'base'}, men sikkerhedskopien "
            f"siger {checked.alembic_revision or 'base'}. Gendannelsen er ikke til at stole på."
        )
    return RestoreReport(manifest=checked, uploads=uploads, revision=revision, head=head)


def _new_folder_name(parent: Path, now: dt.datetime) -> Path:
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = parent / f"{FOLDER_PREFIX}{stamp}"
    number = 1
    while folder.exists() or (parent / f".{folder.name}.partial").exists():
        number += 1
        folder = parent / f"{FOLDER_PREFIX}{stamp}-{number}"
    return folder


def _require_known_revision(checked: manifest.Manifest, database_url: str) -> str | None:
    """This version's newest revision, once it knows the backup's (else it cannot upgrade it)."""
    engine = make_engine(database_url)
    try:
        scripts = ScriptDirectory.from_config(migrate.alembic_config(engine))
    finally:
        engine.dispose()
    known = True
    if checked.alembic_revision:
        try:
            known = scripts.get_revision(checked.alembic_revision) is not None
        except CommandError:
            known = False
    if not known:
        raise BackupRefused(
            f"Sikkerhedskopien er fra en nyere version af platformen ({checked.app_version}, "
            f"databaseversion {checked.alembic_revision}), som denne version ikke kender. Gendan "
            "med den version, der lavede den."
        )
    return scripts.get_current_head()


def _require_empty_database(kind: str, database_url: str) -> None:
    tables = (
        sqlite.tables_in(database_url) if kind == "sqlite" else postgres.tables_in(database_url)
    )
    if not tables:
        return
    if kind == "sqlite":
        how = (
            "Sæt COURSE_APP_DATABASE_URL til en SQLite-fil, der ikke findes endnu (fx "
            "sqlite:////sti/til/ny.sqlite), eller flyt den gamle fil væk først."
        )
    else:
        how = (
            "Opret en ny, tom database (createdb NAVN, eller DROP DATABASE og CREATE DATABASE) og "
            "sæt COURSE_APP_DATABASE_URL til den. Kør ikke `course-app db upgrade` først."
        )
    shown = ", ".join(tables[:3]) + (" …" if len(tables) > 3 else "")
    raise BackupRefused(
        f"Databasen er ikke tom ({len(tables)} tabeller, fx {shown}); der gendannes kun i en tom "
        f"database. {how}"
    )


def _require_empty_storage(storage_dir: Path) -> None:
    stored = files.stored_files(storage_dir)
    if stored:
        raise BackupRefused(
            f"Mappen til uploadede filer ({storage_dir}) er ikke tom ({len(stored)} filer). Flyt "
            "dem væk, eller sæt COURSE_APP_STORAGE_DIR til en tom mappe."
        )
