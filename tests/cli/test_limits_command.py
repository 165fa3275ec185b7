"""``course-app`` refuses expensive course files and zips quickly, and ends every expected refusal
(bad files, unknown ids, too long names) with ``Fejl: …`` and exit code 1, never a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import Result

from course_app.accounts.models import User
from course_app.cli import cli
from course_app.core.db import db
from tests.cli.test_course_app_command import run
from tests.courses.bad_inputs import (
    FILE_CASES,
    TIME_LIMIT,
    ZIP_CASES,
    make_zip,
    minimal_files,
    write_folder,
)


@pytest.fixture
def invoke(app, session):
    """``invoke("courses", "validate", path)``: the command in this process, timed."""
    runner = app.test_cli_runner()

    def run_command(*args: str) -> Result:
        started = time.monotonic()
        result = runner.invoke(cli, list(args))
        assert time.monotonic() - started < TIME_LIMIT, args
        assert result.exception is None or isinstance(result.exception, SystemExit), result
        return result

    return run_command


def _refused(result: Result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["validate", "import"])
@pytest.mark.parametrize("case", list(ZIP_CASES))
def test_expensive_zip_is_refused(invoke, tmp_path: Path, case: str, command: str) -> None:
    build, message = ZIP_CASES[case]
    path = tmp_path / "minimal.zip"
    path.write_bytes(build())

    _refused(invoke("courses", command, str(path)), message)


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_expensive_course_folder_is_refused(invoke, tmp_path: Path, case: str) -> None:
    build, message = FILE_CASES[case]
    folder = write_folder(build(), tmp_path / "minimal")

    _refused(invoke("courses", "import", str(folder)), message)


def test_a_good_zip_validates(invoke, tmp_path: Path) -> None:
    path = tmp_path / "minimal.zip"
    path.write_bytes(make_zip(minimal_files()))

    result = invoke("courses", "validate", str(path))

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--name", "x" * 201, "Feltet name er for langt (højst 200 tegn)"),
        ("--email", "a" * 250 + "@test.example", "Feltet email er for langt (højst 254 tegn)"),
        ("--organisation", "o" * 201, "Feltet organisation er for langt (højst 200 tegn)"),
        ("--name", "Line\nbreak", "Feltet name indeholder linjeskift"),
    ],
)
def test_users_create_has_the_limits_of_the_people_import(
    invoke, option: str, value: str, message: str
) -> None:
    values = {"--email": "ny@test.example", "--name": "Ny Person", option: value}
    args = [part for pair in values.items() for part in pair]

    _refused(invoke("users", "create", *args, "--password", "en lang god adgangskode 42"), message)
    assert db.session.query(User).filter_by(email="ny@test.example").count() == 0


def test_a_refusal_no_command_handles_itself_is_still_an_error_line(invoke, tmp_path) -> None:
    """``ArchiveError`` is a ``ServiceError``: the command group prints it as ``Fejl: …``."""
    path = tmp_path / "kursus.zip"
    path.write_bytes(b"not a zip")

    _refused(invoke("courses", "import", str(path)), "Fejl: Filen er ikke en zip-fil")


def test_an_unknown_revision_is_an_error_not_a_traceback(invoke) -> None:
    _refused(invoke("db", "downgrade", "--revision", "nonsense"), "Fejl: Alembic kan ikke gå")


@pytest.mark.slow
def test_a_real_process_prints_the_problems_without_a_traceback(tmp_path: Path) -> None:
    build, message = ZIP_CASES["flow nesting in a zip"]
    path = tmp_path / "minimal.zip"
    path.write_bytes(build())
    env = {"COURSE_APP_SECRET_KEY": "cli-test-key", "COURSE_APP_INSTANCE_PATH": str(tmp_path)}

    result = run(["courses", "validate", str(path)], env)

    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
