"""What a restore refuses, before it writes anything: a changed, missing, added or escaping file, a
folder that is no backup, a database or storage folder that is not empty, the other database kind."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from course_app.backup import services as backups
from course_app.backup.errors import BackupRefused
from course_app.backup.manifest import MANIFEST_NAME
from course_app.core import migrate
from course_app.core.db import make_engine


@pytest.fixture
def backup(source, tmp_path) -> Path:
    folder, _written = backups.create_backup(tmp_path / "backups", **source.settings)
    return folder


def refusal(backup: Path, target) -> str:
    with pytest.raises(BackupRefused) as caught:
        backups.restore_backup(backup, **target.settings)
    return str(caught.value)


def assert_database_untouched(target) -> None:
    engine = make_engine(target.database_url)
    try:
        assert migrate.current_revision(engine) is None
    finally:
        engine.dispose()


def assert_nothing_restored(target) -> None:
    assert not target.storage_dir.exists() or not any(target.storage_dir.rglob("*"))
    assert_database_untouched(target)


def an_upload(backup: Path) -> Path:
    return next(path for path in sorted((backup / "uploads").rglob("*")) if path.is_file())


def test_backup_folder_is_private_and_complete(backup):
    assert backup.name.startswith(backups.FOLDER_PREFIX)
    assert backup.stat().st_mode & 0o077 == 0
    assert not list(backup.parent.glob(".*.partial"))
    manifest = json.loads((backup / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["alembic_revision"] and manifest["app_version"] and manifest["created_at"]
    assert {entry["path"] for entry in manifest["files"]} == {
        path.relative_to(backup).as_posix()
        for path in backup.rglob("*")
        if path.is_file() and path.name != MANIFEST_NAME
    }
    assert backups.verify_backup(backup).database == manifest["database"]


def test_a_changed_file_is_refused(backup, target):
    upload = an_upload(backup)
    upload.write_bytes(upload.read_bytes() + b"!")
    message = refusal(backup, target)
    assert "ændret eller ufuldstændig" in message
    assert upload.relative_to(backup).as_posix() in message
    assert_nothing_restored(target)


def test_a_changed_database_file_is_refused(backup, target):
    database = next(backup.glob("database.*"))
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))
    assert "kontrolsummen passer ikke" in refusal(backup, target)
    assert_nothing_restored(target)


def test_a_missing_file_is_refused(backup, target):
    upload = an_upload(backup)
    upload.unlink()
    assert f"{upload.relative_to(backup).as_posix()}: mangler" in refusal(backup, target)


def test_an_added_file_is_refused(backup, target):
    (backup / "uploads" / "extra").write_bytes(b"smuggled")
    assert "uploads/extra: står ikke i manifestet" in refusal(backup, target)


def test_a_manifest_path_out_of_the_folder_is_refused(backup, target):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"].append({"path": "../../etc/passwd", "size": 1, "sha256": "0" * 64})
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "uden for sikkerhedskopien" in refusal(backup, target)


def test_an_interrupted_backup_is_refused(backup, target):
    (backup / MANIFEST_NAME).unlink()
    assert "ingen manifest.json" in refusal(backup, target)


def test_a_folder_of_backups_names_one_of_them(backup, target):
    assert backup.name in refusal(backup.parent, target)


def test_a_missing_folder_is_refused(target, tmp_path):
    assert "findes ikke" in refusal(tmp_path / "nowhere", target)


def test_a_database_that_is_not_empty_is_refused(backup, target):
    engine = make_engine(target.database_url)
    migrate.upgrade(engine)
    engine.dispose()
    message = refusal(backup, target)
    assert "Databasen er ikke tom" in message
    assert "COURSE_APP_DATABASE_URL" in message
    assert not target.storage_dir.exists()


def test_a_storage_folder_that_is_not_empty_is_refused(backup, target):
    (target.storage_dir / "resources").mkdir(parents=True)
    (target.storage_dir / "resources" / "old").write_bytes(b"old")
    assert "er ikke tom" in refusal(backup, target)
    assert_database_untouched(target)


def test_a_backup_of_the_other_database_kind_is_refused(backup, target):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["database"] = "postgresql" if manifest["database"] == "sqlite" else "sqlite"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "konfigurerede database er" in refusal(backup, target)


def test_a_revision_this_version_does_not_know_is_refused(backup, target):
    path = backup / MANIFEST_NAME
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["alembic_revision"] = "9999_from_the_future"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    assert "nyere version" in refusal(backup, target)
    assert_nothing_restored(target)


def test_two_backups_in_one_second_get_two_folders(source, tmp_path):
    moment = dt.datetime(2027, 1, 12, 2, 0, tzinfo=dt.UTC)
    first, _ = backups.create_backup(tmp_path / "b", **source.settings, now=moment)
    second, _ = backups.create_backup(tmp_path / "b", **source.settings, now=moment)
    assert first != second and first.is_dir() and second.is_dir()
    shutil.rmtree(first)
    backups.verify_backup(second)
