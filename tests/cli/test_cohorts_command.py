"""``course-app cohorts`` as real processes against a database of their own: create a round, enrol
from a Danish-Excel CSV file twice, list it; bad input changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.organisations import services as directory
from tests import factories
from tests.cli.test_course_app_command import run
from tests.conftest import TEST_CONFIG
from tests.people.test_cli import count

pytestmark = pytest.mark.slow


@pytest.fixture
def env(fresh_database_url: str, tmp_path: Path) -> dict[str, str]:
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app({**TEST_CONFIG, "DATABASE_URL": fresh_database_url})
    with app.app_context():
        albertslund = factories.organisation("Albertslund")
        glostrup = factories.organisation("Glostrup")
        factories.course(slug="digital-ledelse")
        group = directory.get_or_create_group(albertslund, "Ledergruppe 1")
        for n in range(3):
            directory.move_to_group(
                factories.user(email=f"a{n}@test.example", org=albertslund), group
            )
        factories.user(email="g@test.example", org=glostrup)
        db.session.commit()
    db.engine(app).dispose()
    return {
        "COURSE_APP_DATABASE_URL": fresh_database_url,
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_APP_SECRET_KEY": "cli-test-key",
    }


def test_create_enrol_twice_and_list(env, tmp_path):
    url = env["COURSE_APP_DATABASE_URL"]
    create = ["cohorts", "create", "--course", "digital-ledelse", "--organisation", "albertslund"]
    far_future = run([*create, "--name", "Forår 2027", "--starts", "99999-01-01"], env)
    assert far_future.returncode == 2 and "99999-01-01" in far_future.stderr
    undecodable = run([*create, "--name", b"For\xe5r", "--starts", "2027-01-11"], env)
    assert undecodable.returncode == 1 and "styretegn" in undecodable.stderr
    long_name = run([*create, "--name", "x" * 10_000, "--starts", "2027-01-11"], env)
    assert long_name.returncode == 1 and "det er 10000" in long_name.stderr
    assert count(url, "cohorts") == 0

    created = run([*create, "--name", "Forår 2027", "--starts", "2027-01-11"], env)
    assert created.returncode == 0, created.stderr
    cohort_id = created.stdout.strip()
    assert cohort_id.isdigit()

    people = tmp_path / "hold.csv"
    people.write_bytes(
        "navn;e-mail\r\nÅse;a0@test.example\r\nBo;a1@test.example\r\n".encode("utf-8-sig")
    )
    outside = run(
        ["cohorts", "enrol", cohort_id, "--csv", str(people), "--email", "g@test.example"], env
    )
    assert outside.returncode == 1 and "g@test.example hører ikke til" in outside.stderr
    dry = run(["cohorts", "enrol", cohort_id, "--csv", str(people), "--dry-run"], env)
    assert dry.returncode == 0 and "2 personer ville blive tilmeldt" in dry.stdout
    assert count(url, "enrolments") == 0

    first = run(["cohorts", "enrol", cohort_id, "--csv", str(people)], env)
    assert first.returncode == 0, first.stderr
    assert "2 nye tilmeldinger" in first.stdout
    again = run(["cohorts", "enrol", cohort_id, "--group", "ledergruppe 1"], env)
    assert again.returncode == 0, again.stderr
    assert "1 ny tilmelding" in again.stdout and "2 var allerede tilmeldt." in again.stdout
    assert count(url, "enrolments") == 3

    listed = run(["cohorts", "list"], env)
    assert listed.returncode == 0, listed.stderr
    assert (
        listed.stdout
        == f"{cohort_id}\tdigital-ledelse\tForår 2027\t2027-01-11–\tAlbertslund\t3\tåben\n"
    )
