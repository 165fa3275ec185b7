"""The storage folder (``STORAGE_DIR``: uploaded material) into a backup and back.

The whole folder is copied, not only the names the database knows: a file the database does not
refer to costs a little space, a file missed cannot be fetched again. Half-written uploads
(``.upload-*.part``, see ``resources/storage.py``) are left out. The database is copied first: an
upload writes its file before its row, so every file the copied database refers to is already on
disk when the files are copied.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

UPLOADS = "uploads"  # the storage folder's copy inside a backup
_IN_PROGRESS_PREFIX = ".upload-"


def copy_out(storage_dir: Path, backup_folder: Path) -> int:
    """Copy every stored file into ``backup_folder/uploads``; return how many."""
    target = backup_folder / UPLOADS
    target.mkdir()
    copied = 0
    for path in stored_files(storage_dir):
        destination = target / path.relative_to(storage_dir)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, destination)
        except FileNotFoundError:
            continue  # deleted since the listing: not part of this backup
        copied += 1
    return copied


def copy_in(backup_folder: Path, storage_dir: Path) -> int:
    """Copy the backed-up files into the storage folder; return how many."""
    source = backup_folder / UPLOADS
    if not source.is_dir():
        return 0
    copied = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        destination = storage_dir / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        # Under a temporary name first: a file either is there whole or not at all.
        handle, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".restore-")
        os.close(handle)
        try:
            shutil.copyfile(path, temporary)
            os.replace(temporary, destination)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        copied += 1
    return copied


def stored_files(storage_dir: Path) -> list[Path]:
    if not storage_dir.is_dir():
        return []
    return sorted(
        path
        for path in storage_dir.rglob("*")
        if path.is_file() and not path.name.startswith(_IN_PROGRESS_PREFIX)
    )
