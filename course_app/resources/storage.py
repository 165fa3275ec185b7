"""Resource files on disk: ``STORAGE_DIR/resources/<random name>``.

The folder is configurable (``COURSE_APP_STORAGE_DIR``; default ``<instance>/uploads``) so several app
servers can share one volume, and it must lie outside the static folder: files are only ever served
through the permission-checked download route. Names are 32 random hex characters made here; nothing
the uploader sent reaches the file system.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from course_app.paths import STATIC_DIR

CHUNK_BYTES = 1024 * 1024
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")


class TooLarge(Exception):
    """The stream is longer than the limit; nothing was kept."""


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    sha256: str


def root() -> Path:
    base = Path(current_app.config["STORAGE_DIR"]).resolve()
    static = STATIC_DIR.resolve()
    if base == static or static in base.parents:
        raise RuntimeError(
            f"STORAGE_DIR ({base}) lies inside the static folder; uploaded files would be public."
        )
    folder = base / "resources"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_name() -> str:
    return secrets.token_hex(16)


def path_of(name: str) -> Path:
    if not _STORED_NAME.match(name):
        raise ValueError("not a stored file name")
    return root() / name


def save(stream: BinaryIO, *, max_bytes: int) -> StoredFile:
    """Copy the stream into storage under a new random name, counting and hashing as it goes."""
    folder = root()
    name = new_name()
    digest = hashlib.sha256()
    size = 0
    stream.seek(0)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as target:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge()
                digest.update(chunk)
                target.write(chunk)
        os.replace(temporary, folder / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(name=name, size=size, sha256=digest.hexdigest())


def remove(name: str) -> None:
    path_of(name).unlink(missing_ok=True)


# A file younger than this may belong to an upload whose row is not committed yet.
ORPHAN_MIN_AGE_SECONDS = 3600


@dataclass(frozen=True)
class Orphan:
    path: Path
    size: int


def orphans(known: set[str], *, now: float) -> list[Orphan]:
    """Files in storage no row names (``known``: every stored name in the database), and uploads
    left half-written by a crash, both older than an hour; other files are never touched."""
    found = []
    for path in sorted(root().iterdir()):
        if not path.is_file():
            continue
        ours = _STORED_NAME.match(path.name) or (
            path.name.startswith(".upload-") and path.name.endswith(".part")
        )
        stat = path.stat()
        if ours and path.name not in known and now - stat.st_mtime >= ORPHAN_MIN_AGE_SECONDS:
            found.append(Orphan(path, stat.st_size))
    return found
