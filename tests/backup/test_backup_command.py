"""``course-app backup create|verify|restore`` as an operator runs them: real processes, Danish
messages, refusals as ``Fejl: …`` with exit code 1 and no traceback."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.backup.conftest import uploaded_files
from tests.cli.test_course_app_command import run as run_course_app

pytestmark = pytest.mark.slow


def run(args: list[str], platform, **extra: str) -> subprocess.CompletedProcess:
    env = {
        "COURSE_APP_DATABASE_URL": platform.database_url,
        "COURSE_APP_STORAGE_DIR": str(platform.storage_dir),
        "COURSE_APP_INSTANCE_PATH": str(platform.storage_dir.parent / "cli-instance"),
        "COURSE_APP_SECRET_KEY": "backup-test-key",
        **extra,
    }
    return run_course_app(["backup", *args], env)


def assert_refused(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("Fejl: "), result.stderr
    assert text in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def created_folder(result: subprocess.CompletedProcess) -> Path:
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Sikkerhedskopien er skrevet til "), result.stdout
    return Path(result.stdout.split(" til ", 1)[1].split(" (", 1)[0])


def test_create_verify_restore(source, target, tmp_path):
    folder = created_folder(run(["create", str(tmp_path / "backups")], source))
    verified = run(["verify", str(folder)], source)
    assert verified.returncode == 0 and "passer med manifestet" in verified.stdout, verified.stderr

    restored = run(["restore", str(folder)], target)
    assert restored.returncode == 0, restored.stderr
    assert "Gendannede databasen" in restored.stdout and "5 uploadede filer" in restored.stdout
    assert uploaded_files(target.storage_dir) == uploaded_files(source.storage_dir)

    # Restoring again finds the database full, and says how to get an empty one.
    assert_refused(run(["restore", str(folder)], target), "Databasen er ikke tom")


def test_a_tampered_backup_is_refused(source, target, tmp_path):
    folder = created_folder(run(["create", str(tmp_path / "backups")], source))
    upload = next(path for path in (folder / "uploads").rglob("*") if path.is_file())
    upload.write_bytes(b"tampered")
    assert_refused(run(["verify", str(folder)], source), "ændret eller ufuldstændig")
    assert_refused(run(["restore", str(folder)], target), "kontrolsummen passer ikke")


def test_a_missing_folder_is_refused(target, tmp_path):
    assert_refused(run(["restore", str(tmp_path / "nowhere")], target), "findes ikke")


def test_without_pg_dump_postgresql_backups_stop_with_a_clear_message(
    source, database_factory, tmp_path
):
    if not database_factory.is_postgresql:
        pytest.skip("PostgreSQL only")
    result = run(["create", str(tmp_path / "b")], source, COURSE_APP_PG_BIN_DIR=str(tmp_path))
    assert_refused(result, "pg_dump i version")
    assert "postgresql-client" in result.stderr
    assert not any((tmp_path / "b").iterdir())  # no half-written backup left behind
