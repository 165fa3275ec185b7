"""The ``course-app`` command, run as a real process against a database of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from course_app.paths import COURSES_DIR

pytestmark = pytest.mark.slow
SHIPPED = COURSES_DIR / "digital-ledelse"


def run(
    args: list[str], env: dict[str, str], cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "course_app", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


@pytest.fixture
def env(fresh_database_url: str, database_factory, tmp_path: Path) -> dict[str, str]:
    return {
        "COURSE_APP_DATABASE_URL": fresh_database_url,
        "COURSE_APP_DATABASE_URL_2": database_factory.create(),
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_APP_SECRET_KEY": "cli-test-key",
    }


def test_validate_shipped_course_exits_zero(env):
    result = run(["courses", "validate", str(SHIPPED)], env)
    assert result.returncode == 0, result.stderr
    assert "ingen fejl" in result.stdout


def test_validate_broken_copy_names_file_and_line_for_each_problem(env, tmp_path):
    broken = tmp_path / "digital-ledelse"
    shutil.copytree(SHIPPED, broken)
    # 1. bad YAML in a module's front matter
    module_md = broken / "02-introduktion" / "module.md"
    module_md.write_text(
        module_md.read_text(encoding="utf-8").replace("title:", "title: [unclosed", 1),
        encoding="utf-8",
    )
    # 2. duplicate id and 3. unknown block type in the film 1 lesson
    lesson = broken / "04-film-1" / "film-1-anja-pors.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("type: reflection", "type: quiz", 1)
    text = text.replace("id: film-1-refleksion-1", "id: film-1-video", 1)
    lesson.write_text(text, encoding="utf-8")
    # 4. a missing lesson file
    (broken / "01-kick-off" / "velkommen.md").unlink()

    result = run(["courses", "validate", str(broken)], env)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert any(line.startswith("digital-ledelse/02-introduktion/module.md:") for line in lines), (
        result.stderr
    )
    film_lines = [
        line for line in lines if line.startswith("digital-ledelse/04-film-1/film-1-anja-pors.md:")
    ]
    assert any("bruges allerede af en anden blok" in line for line in film_lines), result.stderr
    assert any("quiz" in line for line in film_lines), result.stderr
    assert any("velkommen.md" in line and line.split(":")[1].isdigit() for line in lines), (
        result.stderr
    )
    problem_lines = [line for line in lines if line.startswith("digital-ledelse/")]
    assert all(line.split(":")[1].isdigit() for line in problem_lines), result.stderr


def test_db_upgrade_import_twice_and_users(env):
    assert run(["db", "upgrade"], env).returncode == 0
    current = run(["db", "current"], env)
    assert "nyeste" in current.stdout

    first = run(["courses", "import", str(SHIPPED)], env)
    assert first.returncode == 0, first.stderr
    assert "created lesson film-1-anja-pors" in first.stdout
    second = run(["courses", "import", str(SHIPPED)], env)
    assert second.returncode == 0, second.stderr
    assert "Ingen ændringer." in second.stdout

    created = run(
        [
            "users",
            "create",
            "--email",
            "Ny@Test.Example",
            "--name",
            "Ny Leder",
            "--password",
            "langt-nok-kodeord",
        ],
        env,
    )
    assert created.returncode == 0, created.stderr
    assert "ny@test.example" in created.stdout
    duplicate = run(
        [
            "users",
            "create",
            "--email",
            "ny@test.example",
            "--name",
            "Igen",
            "--password",
            "langt-nok-kodeord",
        ],
        env,
    )
    assert duplicate.returncode == 1
    assert "findes allerede" in duplicate.stderr
    # Without a terminal it never prompts: no password means an account that gets an invitation later.
    no_password = run(
        ["users", "create", "--email", "uden@test.example", "--name", "Uden Kode"], env
    )
    assert no_password.returncode == 0, no_password.stderr

    assert run(["db", "downgrade", "--revision", "base"], env).returncode == 0


def test_export_import_export_is_byte_identical(env, tmp_path):
    """Issue 3's acceptance: export the shipped course, import that into an empty database, export
    again: the same bytes, and the same bytes as the shipped files."""
    assert run(["db", "upgrade"], env).returncode == 0
    assert run(["courses", "import", str(SHIPPED)], env).returncode == 0
    first = tmp_path / "first"
    exported = run(["courses", "export", "digital-ledelse", str(first)], env)
    assert exported.returncode == 0, exported.stderr

    empty = {**env, "COURSE_APP_DATABASE_URL": env["COURSE_APP_DATABASE_URL_2"]}
    assert run(["db", "upgrade"], empty).returncode == 0
    assert run(["courses", "import", str(first / "digital-ledelse")], empty).returncode == 0
    second = tmp_path / "second"
    assert run(["courses", "export", "digital-ledelse", str(second)], empty).returncode == 0

    def files(root: Path) -> dict[str, bytes]:
        return {
            str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
        }

    assert files(first / "digital-ledelse") == files(second / "digital-ledelse")
    assert files(first / "digital-ledelse") == files(SHIPPED)
    again = run(["courses", "export", "digital-ledelse", str(first)], env)
    assert again.returncode == 1 and "Fejl" in again.stderr  # never overwrites without --overwrite


def test_demo_prepares_data_once_and_keeps_its_password(env):
    demo_env = {key: value for key, value in env.items() if key != "COURSE_APP_SECRET_KEY"}
    first = run(["demo", "--no-serve"], demo_env)
    assert first.returncode == 0, first.stderr
    assert "Importerede kurset digital-ledelse." in first.stdout
    assert "Oprettede demodata." in first.stdout
    for email in ("admin@demo.example", "leder1@albertslund.example", "leder1@glostrup.example"):
        assert email in first.stdout
    password_line = next(
        line for line in first.stdout.splitlines() if line.startswith("Adgangskode")
    )
    second = run(["demo", "--no-serve"], demo_env)
    assert second.returncode == 0, second.stderr
    assert "Oprettede demodata." not in second.stdout
    assert "Importerede" not in second.stdout
    assert password_line in second.stdout  # the generated password is kept in the instance folder
    secret_file = Path(env["COURSE_APP_INSTANCE_PATH"]) / "demo-secret-key"
    assert secret_file.read_text(encoding="utf-8").strip()

    chosen = run(
        ["demo", "--no-serve"], {**demo_env, "COURSE_APP_DEMO_PASSWORD": "valgt-demo-kode"}
    )
    assert "Adgangskode for alle demobrugere: valgt-demo-kode" in chosen.stdout


def test_the_demo_tells_the_story_in_time(env):
    """The round is three weeks old: films 1 and 2 are open, film 3 later; the first leader meetings
    are a week ahead, so their question sets have gone out (and opened for the groups); the schedule
    has run once (e-mails in the outbox, with links to the port the demo serves); the calendar has the
    past kick-off and the meetings and workshops ahead."""
    demo_env = {key: value for key, value in env.items() if key != "COURSE_APP_SECRET_KEY"}
    first = run(["demo", "--no-serve", "--port", "5123"], demo_env)
    assert first.returncode == 0, first.stderr
    assert "Tidsplanen er kørt: 45 moduler åbnet, 9 e-mails skrevet." in first.stdout
    assert "»Udsendelser«" in first.stdout
    engine = create_engine(env["COURSE_APP_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            bodies = (
                connection.execute(text("SELECT body_text FROM outbox_messages")).scalars().all()
            )
            kinds = connection.execute(text("SELECT kind FROM events")).scalars().all()
            wheel = connection.execute(
                text(
                    "SELECT assessments.key FROM round_assessments "
                    "JOIN assessments ON assessments.id = round_assessments.assessment_id"
                )
            ).all()
            opened = (
                connection.execute(
                    text(
                        "SELECT DISTINCT modules.key FROM module_unlocks "
                        "JOIN modules ON modules.id = module_unlocks.module_id"
                    )
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert len(bodies) == 9
    assert all("http://127.0.0.1:5123/forloeb/" in body for body in bodies)
    assert sorted(set(kinds)) == [
        "kickoff",
        "leader_meeting",
        "round_end",
        "service_check",
        "workshop",
    ]
    assert "film-2" in opened and "ledergruppe-1" in opened and "film-3" not in opened
    assert any("Her er spørgsmålene, I skal drøfte." in body for body in bodies)
    # The round uses the shipped competence wheel: its start measurement is in each leader's e-mail.
    assert wheel == [("kompetencehjul",)]
    assert "Demoforløbet bruger kompetencehjulet" in first.stdout
    assert all("http://127.0.0.1:5123/kompetencehjul" in body for body in bodies)
    again = run(["demo", "--no-serve", "--port", "5123"], demo_env)
    assert "Tidsplanen er kørt: 0 moduler åbnet, 0 e-mails skrevet." in again.stdout
    assert "Demoforløbet bruger kompetencehjulet" not in again.stdout
