"""``course-app privacy purge`` as a real process against a database of its own: a dry run counts and
changes nothing; the real run anonymises the people of the ended round only, keeps people in a later
round and staff, and a second run finds nothing more; bad dates are refused without a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from course_app import create_app
from course_app.cohorts import services as cohorts
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.models import Organisation, Role
from tests.cli.test_course_app_command import run
from tests.conftest import TEST_CONFIG
from tests.privacy.conftest import build_world

pytestmark = pytest.mark.slow

ENDED = today_local() - dt.timedelta(days=30)


@pytest.fixture
def env(fresh_database_url: str, tmp_path: Path) -> dict[str, str]:
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app({**TEST_CONFIG, "DATABASE_URL": fresh_database_url})
    with app.app_context():
        world = build_world(ends_on=ENDED)
        later = cohorts.create_cohort(
            world.cohort.course,
            name="Efterår",
            starts_on=today_local(),
            organisations=world.cohort.organisations,
        )
        cohorts.enrol(world.bo, later)  # Bo goes on: he keeps his account
        glostrup = db.session.get(Organisation, world.dorte.organisation_id)
        hyld = directory.get_or_create_group(glostrup, "Hyld")
        directory.assign_role(world.dorte, Role.FACILITATOR, group=hyld)  # staff: kept
        db.session.commit()
    db.engine(app).dispose()
    return {
        "COURSE_APP_DATABASE_URL": fresh_database_url,
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "instance"),
        "COURSE_APP_SECRET_KEY": "cli-test-key",
    }


def names(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT email, name FROM users ORDER BY id")).all()
    finally:
        engine.dispose()
    return {email: name for email, name in rows}


def test_dry_run_then_purge_then_nothing_left(env):
    url = env["COURSE_APP_DATABASE_URL"]
    before = names(url)
    cut = (ENDED + dt.timedelta(days=1)).isoformat()
    dry = run(["privacy", "purge", "--ended-before", cut, "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    assert "Forløb slut før" in dry.stdout and "(Forår)" in dry.stdout
    assert "Personer, der ville blive anonymiseret: 1" in dry.stdout  # Anna
    assert "senere eller åbent forløb): 1" in dry.stdout  # Bo
    assert "medarbejder): 1" in dry.stdout  # Dorte, a facilitator now
    assert "Prøvekørsel: intet er ændret." in dry.stdout
    assert names(url) == before

    not_yet = run(["privacy", "purge", "--ended-before", ENDED.isoformat()], env)
    assert not_yet.returncode == 0 and "Personer, der er anonymiseret: 0" in not_yet.stdout
    assert names(url) == before

    real = run(["privacy", "purge", "--ended-before", cut], env)
    assert real.returncode == 0, real.stderr
    assert "Personer, der er anonymiseret: 1" in real.stdout
    assert "Svar tømt: 2" in real.stdout
    after = names(url)
    assert "anna@test.example" not in after and "Anna Andersen" not in after.values()
    assert after["bo@test.example"] == "Bo Birkholm" and after["dorte@test.example"] == "Dorte Dahl"
    again = run(["privacy", "purge", "--ended-before", cut], env)
    assert again.returncode == 0 and "Allerede anonymiseret: 1" in again.stdout


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("2027-13-01", 2, "er ikke en dato"),
        ("1/7/2026", 2, "er ikke en dato"),
        ("2999-01-01", 1, "Fejl: Datoen 2999-01-01 ligger efter i dag"),
    ],
)
def test_bad_dates_are_refused_clearly(env, value, code, message):
    result = run(["privacy", "purge", "--ended-before", value], env)
    assert result.returncode == code and message in result.stderr
    assert "Traceback" not in result.stderr
    assert "anna@test.example" in names(env["COURSE_APP_DATABASE_URL"])
