"""``course-app assessments validate|import|export``, run as a real process against a database of
its own (like tests/cli)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course_app.paths import COURSES_DIR
from tests.cli.test_course_app_command import run

pytestmark = pytest.mark.slow
SHIPPED = COURSES_DIR / "kompetencehjul"


@pytest.fixture
def env(fresh_database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "COURSE_APP_DATABASE_URL": fresh_database_url,
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_APP_SECRET_KEY": "cli-test-key",
    }


def test_validate_names_every_problem_with_file_and_line(env, tmp_path):
    assert run(["assessments", "validate", str(SHIPPED)], env).stdout.endswith("ingen fejl.\n")
    broken = Path(shutil.copytree(SHIPPED, tmp_path / "kompetencehjul"))
    path = broken / "assessment.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("dimension: skills", "dimension: evner", 1)
    text = text.replace("id: opgaver-viden-2", "id: opgaver-viden-1", 1)
    path.write_text(text, encoding="utf-8")
    result = run(["assessments", "validate", str(broken)], env)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == f"2 fejl fundet i {broken}."
    assert lines[0].startswith("kompetencehjul/assessment.yml:")
    assert "Id'et »opgaver-viden-1« bruges allerede af et andet udsagn" in lines[0]
    assert "»dimension« er ikke en kendt dimension (der står »evner«)" in lines[1]


def test_import_twice_then_export_gives_the_same_bytes(env, tmp_path):
    assert run(["db", "upgrade"], env).returncode == 0
    first = run(["assessments", "import", str(SHIPPED)], env)
    assert first.returncode == 0, first.stderr
    assert "created assessment kompetencehjul" in first.stdout
    assert first.stdout.count("created item ") == 54
    again = run(["assessments", "import", str(SHIPPED)], env)
    assert again.stdout == "Ingen ændringer.\n"
    exported = run(["assessments", "export", "kompetencehjul", str(tmp_path / "out")], env)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == f"Skrev 1 fil til {tmp_path / 'out' / 'kompetencehjul'}.\n"
    written = tmp_path / "out" / "kompetencehjul" / "assessment.yml"
    assert written.read_bytes() == (SHIPPED / "assessment.yml").read_bytes()


def test_import_of_a_bad_file_imports_nothing_and_export_of_an_unknown_id_fails(env, tmp_path):
    assert run(["db", "upgrade"], env).returncode == 0
    broken = Path(shutil.copytree(SHIPPED, tmp_path / "kompetencehjul"))
    path = broken / "assessment.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("area: samarbejde", "area: samarbejd", 1),
        encoding="utf-8",
    )
    result = run(["assessments", "import", str(broken)], env)
    assert result.returncode == 1
    assert "Området »samarbejd« findes ikke." in result.stderr
    assert result.stderr.endswith("Intet blev importeret.\n")
    missing = run(["assessments", "export", "kompetencehjul", str(tmp_path / "out")], env)
    assert missing.returncode == 1
    assert missing.stderr == "Fejl: afdækningen kompetencehjul findes ikke.\n"
