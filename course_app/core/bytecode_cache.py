"""Compiled templates kept on disk (Jinja's bytecode cache), so a new worker process renders its
first pages without compiling every template again. Only an optimisation: a cache folder that
cannot be made or written (a read-only or full disk) means compiling from source, never an error."""

from __future__ import annotations

import contextlib

from jinja2 import BytecodeCache, FileSystemBytecodeCache
from jinja2.bccache import Bucket


class _QuietFileSystemBytecodeCache(FileSystemBytecodeCache):
    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache() -> BytecodeCache | None:
    """Jinja's cache in its own folder under the temporary directory (made for this user only,
    mode 0700); entries are keyed by template path and checked against the source's checksum and
    the Python version, so a changed template or a new Python compiles again. None: no folder."""
    try:
        return _QuietFileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None
