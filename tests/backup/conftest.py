"""A source platform with data in many tables and uploaded files, and an empty place to restore it."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

import course_app.models  # noqa: F401 (every table in Base.metadata, for the comparisons)
from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.courses.file_import import import_course
from course_app.demo import ensure_demo_data
from course_app.paths import COURSES_DIR
from tests.conftest import TEST_CONFIG


@dataclass
class Platform:
    app: Flask
    database_url: str
    storage_dir: Path

    @property
    def settings(self) -> dict:
        return {"database_url": self.database_url, "storage_dir": self.storage_dir}


def uploaded_files(storage_dir: Path) -> dict[str, bytes]:
    return {
        path.relative_to(storage_dir).as_posix(): path.read_bytes()
        for path in sorted(storage_dir.rglob("*"))
        if path.is_file()
    }


def pg_tools_or_skip(database_factory) -> None:
    """On PostgreSQL the backup needs pg_dump: skipped without it on a developer's machine, a
    failure in CI (whose .ci/run installs it)."""
    if not database_factory.is_postgresql:
        return
    found = shutil.which("pg_dump") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail("pg_dump is missing; .ci/run installs postgresql-client")
    pytest.skip("pg_dump is not installed (Debian: postgresql-client)")


@pytest.fixture
def source(fresh_database_url: str, database_factory, tmp_path: Path) -> Platform:
    pg_tools_or_skip(database_factory)
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    storage = tmp_path / "storage"
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": fresh_database_url, "STORAGE_DIR": str(storage)},
        instance_path=str(tmp_path / "instance"),
    )
    with app.app_context():
        import_course(COURSES_DIR / "digital-ledelse")
        ensure_demo_data("backup-test-password")
        db.session.commit()
    resources = storage / "resources"
    resources.mkdir(parents=True)
    for size in (0, 1, 4096, 8 * 1024 * 1024 + 17):  # empty, tiny, a page, several chunks
        (resources / secrets.token_hex(16)).write_bytes(os.urandom(size))
    (storage / "other" / "nested").mkdir(parents=True)
    (storage / "other" / "nested" / "kept.bin").write_bytes(b"\x00\xffnested")
    return Platform(app, fresh_database_url, storage)


@pytest.fixture
def target(database_factory, tmp_path: Path) -> Platform:
    """An empty database of its own and an empty storage folder (not migrated: restore fills it)."""
    url = database_factory.create()
    storage = tmp_path / "restored-storage"
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": url, "STORAGE_DIR": str(storage)},
        instance_path=str(tmp_path / "restored-instance"),
    )
    return Platform(app, url, storage)
