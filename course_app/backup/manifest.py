"""``manifest.json``: what a backup holds, and a SHA-256 checksum and size for every file in it.

The manifest is written last, so a folder without one is an interrupted backup. ``verify`` reads a
folder back against its manifest before anything is restored: a changed, missing or added file, or a
path that points out of the folder, refuses the whole backup rather than restoring part of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

from course_app.backup.errors import BackupRefused

MANIFEST_NAME = "manifest.json"
FORMAT = "course-app-backup"
FORMAT_VERSION = 1
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, with forward slashes
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    app_version: str
    alembic_revision: str | None
    database: str  # "sqlite" or "postgresql"
    database_file: str  # the database's file inside the backup, e.g. "database.sqlite"
    created_at: str  # ISO 8601, UTC
    files: list[FileEntry] = field(default_factory=list)
    # The pg_dump that wrote a PostgreSQL dump: pg_restore must be at least this major version.
    pg_dump_version: str | None = None
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def upload_count(self) -> int:
        return sum(1 for entry in self.files if entry.path != self.database_file)


def app_version() -> str:
    try:
        return metadata.version("course-app")
    except metadata.PackageNotFoundError:
        return "ukendt"


def created_at(now: dt.datetime) -> str:
    return now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def digest(path: Path) -> FileEntry:
    sha = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return FileEntry(path="", size=size, sha256=sha.hexdigest())


def entries_for(folder: Path) -> list[FileEntry]:
    """A checksum for every file in the folder (read back from disk: what a restore will read)."""
    entries = []
    for path in sorted(_files_in(folder)):
        relative = path.relative_to(folder).as_posix()
        if relative == MANIFEST_NAME:
            continue
        entry = digest(path)
        entries.append(FileEntry(path=relative, size=entry.size, sha256=entry.sha256))
    return entries


def write(folder: Path, manifest: Manifest) -> None:
    data = asdict(manifest)
    temporary = folder / (MANIFEST_NAME + ".part")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, folder / MANIFEST_NAME)


def read(folder: Path) -> Manifest:
    if not folder.is_dir():
        raise BackupRefused(f"Mappen {folder} findes ikke.")
    path = folder / MANIFEST_NAME
    if not path.is_file():
        found = sorted(
            child.name for child in folder.iterdir() if (child / MANIFEST_NAME).is_file()
        )
        if found:
            raise BackupRefused(
                f"{folder} er en mappe med sikkerhedskopier, ikke én sikkerhedskopi. Angiv en af "
                f"dem, fx {folder / found[-1]}."
            )
        raise BackupRefused(
            f"{folder} har ingen {MANIFEST_NAME}: det er ikke en sikkerhedskopi, eller den blev "
            "afbrudt, før den var færdig."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("format_version") != FORMAT_VERSION:
            raise ValueError("unknown format")
        data["files"] = [FileEntry(**entry) for entry in data["files"]]
        return Manifest(**data)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise BackupRefused(
            f"{path} kan ikke læses som et manifest for en sikkerhedskopi."
        ) from error


def verify(folder: Path) -> Manifest:
    """The folder's manifest, once every file matches it; otherwise a refusal naming what is wrong."""
    manifest = read(folder)
    problems: list[str] = []
    listed: set[str] = set()
    for entry in manifest.files:
        if not _is_safe(entry.path):
            problems.append(f"{entry.path}: stien peger uden for sikkerhedskopien")
            continue
        listed.add(entry.path)
        path = folder / entry.path
        if not path.is_file():
            problems.append(f"{entry.path}: mangler")
            continue
        actual = digest(path)
        if actual.size != entry.size or actual.sha256 != entry.sha256:
            problems.append(f"{entry.path}: indholdet er ændret (kontrolsummen passer ikke)")
    if manifest.database_file not in listed:
        problems.append(f"{manifest.database_file}: databasen står ikke i manifestet")
    for path in sorted(_files_in(folder)):
        relative = path.relative_to(folder).as_posix()
        if relative != MANIFEST_NAME and relative not in listed:
            problems.append(f"{relative}: står ikke i manifestet")
    if problems:
        raise BackupRefused(
            f"Sikkerhedskopien i {folder} er ændret eller ufuldstændig; intet er gendannet.\n"
            + "\n".join(problems)
        )
    return manifest


def _files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() or path.is_symlink()]


def _is_safe(relative: str) -> bool:
    path = PurePosixPath(relative)
    return (
        bool(relative)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in relative
    )
