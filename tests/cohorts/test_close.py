"""``course-app cohorts close``: closes a round without asking, with an audit entry; an unknown id,
a number no row can have and a round already closed are refused with a clear message (exit 1) and
change nothing."""

from __future__ import annotations

from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from tests.cohorts.conftest import count
from tests.helpers import Clock, copenhagen
from tests.mail import app_config


def test_close_closes_once_without_asking(app, round_, invoke):
    now = copenhagen(2027, 6, 30, 16)
    with app_config(app, CLOCK=Clock(now)):
        result = invoke("cohorts", "close", str(round_.cohort.id))  # no input: it never prompts
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Forløbet »Testhold« (id {round_.cohort.id}) er lukket.\n"
    db.session.expire_all()
    assert db.session.get(Cohort, round_.cohort.id).closed_at == now
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "closed")).all()
    assert entry.actor_id is None and entry.object_key == str(round_.cohort.id)

    again = invoke("cohorts", "close", str(round_.cohort.id))
    assert again.exit_code == 1
    assert again.stderr == "Fejl: Forløbet »Testhold« er allerede lukket.\n"
    db.session.expire_all()
    assert db.session.get(Cohort, round_.cohort.id).closed_at == now
    assert count(AuditEntry) == 1
    # The list says so, with the day (UTC) it was closed.
    [line] = invoke("cohorts", "list").stdout.splitlines()
    assert line.split("\t")[-1] == "lukket 2027-06-30"


def test_unknown_or_impossible_ids_are_refused(round_, invoke):
    for value in ("999999", str(2**40), "0"):
        result = invoke("cohorts", "close", value)
        assert result.exit_code == 1, value
        assert result.stderr == f"Fejl: Forløbet med id {value} findes ikke.\n"
    for value in ("abc", "1.5", ""):
        result = invoke("cohorts", "close", value)
        assert result.exit_code == 2, value
    missing = invoke("cohorts", "close")
    assert missing.exit_code == 2 and "COHORT_ID" in missing.stderr
    db.session.expire_all()
    assert db.session.get(Cohort, round_.cohort.id).closed_at is None
    assert count(AuditEntry) == 0


def test_a_closed_round_enrols_nobody_from_the_command_line(round_, invoke):
    assert invoke("cohorts", "close", str(round_.cohort.id)).exit_code == 0
    result = invoke("cohorts", "enrol", str(round_.cohort.id), "--email", "anne@test.example")
    assert result.exit_code == 1
    assert "»Testhold« er lukket" in result.stderr
