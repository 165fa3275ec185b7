"""Migrations under the plain C locale (``LC_ALL=C``: some servers, containers and cron jobs).

There Python's locale encoding is ASCII, and Alembic reads its .ini file in the locale's encoding: one
non-ASCII character in ``migrations/alembic.ini`` stopped ``course-app db upgrade`` with a
UnicodeDecodeError.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course_app.paths import MIGRATIONS_DIR

pytestmark = pytest.mark.slow


def c_locale_env(**extra: str) -> dict[str, str]:
    """This environment under ``LC_ALL=C``, with nothing left that makes Python choose UTF-8 itself."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LC_")
        and key not in {"LANG", "LANGUAGE", "PYTHONUTF8", "PYTHONIOENCODING", "PYTHONCOERCECLOCALE"}
    }
    return {**env, "LC_ALL": "C", "LANG": "C", **extra}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_the_c_locale_really_has_an_ascii_locale_encoding():
    """Guards the tests below: they prove nothing if the child's locale encoding were UTF-8."""
    result = run_python(["-c", "import locale; print(locale.getencoding())"], c_locale_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().lower() in {"ansi_x3.4-1968", "ascii", "us-ascii"}, result.stdout


def test_db_upgrade_and_current_under_the_c_locale(fresh_database_url, tmp_path):
    env = c_locale_env(
        COURSE_APP_DATABASE_URL=fresh_database_url,
        COURSE_APP_INSTANCE_PATH=str(tmp_path / "instance"),
        COURSE_APP_SECRET_KEY="c-locale-test-key",
    )
    upgraded = run_python(["-m", "course_app", "db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    current = run_python(["-m", "course_app", "db", "current"], env)
    assert current.returncode == 0, current.stderr
    assert "nyeste" in current.stdout


def test_alembic_ini_is_ascii_for_plain_alembic_runs():
    """``alembic -c migrations/alembic.ini`` (docs/operations.md) reads the file with Alembic's own
    reader, in the locale's encoding: keep it ASCII."""
    raw = (MIGRATIONS_DIR / "alembic.ini").read_bytes()
    assert raw.isascii(), [
        (number, line) for number, line in enumerate(raw.splitlines(), 1) if not line.isascii()
    ]


def test_our_alembic_config_reads_a_non_ascii_ini_under_the_c_locale(tmp_path: Path):
    """The code does not rely on the file staying ASCII: it reads the .ini as UTF-8 itself."""
    ini = tmp_path / "alembic.ini"
    ini.write_text(
        "# Konfiguration \u2013 l\u00e6s som UTF-8\n[alembic]\nscript_location = %(here)s/scripts\n",
        encoding="utf-8",
    )
    script = textwrap.dedent(
        """
        import sys
        from course_app.core.migrate import Utf8Config
        config = Utf8Config(sys.argv[1])
        print(config.get_main_option("script_location"))
        """
    )
    result = run_python(["-c", script, str(ini)], c_locale_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{tmp_path.as_posix()}/scripts"
