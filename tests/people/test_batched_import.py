"""A large import at the command line is checked whole, then saved in short batches (issue 12): a
bad row still saves nothing, and an import stopped between two batches (a crash) is completed by
running it again, with nobody created or invited twice. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy.exc import IntegrityError

from course_app import cli
from course_app.core.db import db
from course_app.people import importer
from tests.people.conftest import csv_text, table_counts

ROWS = [
    (f"Person {n}", f"person{n}@test.example", "Albertslund", "", f"Gruppe {n // 4}", "")
    for n in range(10)
]


@pytest.fixture
def own_app(fresh_app) -> Flask:
    """Batches commit, so the test needs a database of its own, not the rolled-back session."""
    return fresh_app()


def _import_in_batches(app: Flask, data: str, *, size: int, stop_after: int | None = None):
    with app.app_context():
        plan, result = importer.check_people(data)
        db.session.commit()
        if result.problems:
            return result, []
        done = []
        for rows_done in importer.apply_in_batches(plan, result, size=size):
            if stop_after is not None and len(done) == stop_after:
                db.session.rollback()  # the crash: this batch never committed
                break
            db.session.commit()
            done.append(rows_done)
        return result, done


def _counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        return table_counts()


def test_batches_save_everything_a_single_import_would(own_app):
    result, done = _import_in_batches(own_app, csv_text(ROWS), size=3)
    assert done == [3, 6, 9, 10]
    assert result.people_created == 10 and result.groups_created == 3
    counts = _counts(own_app)
    assert counts["users"] == 10 and counts["leader_groups"] == 3
    assert counts["group_memberships"] == 10 and counts["invitations"] == 10


def test_a_bad_row_saves_nothing(own_app):
    bad = [*ROWS[:5], ("Uden mail", "ikke-en-mail", "Albertslund", "", "Gruppe 9", ""), *ROWS[5:]]
    result, done = _import_in_batches(own_app, csv_text(bad), size=3)
    assert [problem.line for problem in result.problems] == [7]
    assert done == []
    assert set(_counts(own_app).values()) == {0}


def test_an_import_stopped_between_batches_is_completed_by_running_it_again(own_app):
    _result, done = _import_in_batches(own_app, csv_text(ROWS), size=3, stop_after=2)
    assert done == [3, 6]
    after_crash = _counts(own_app)
    assert after_crash["users"] == 6 and after_crash["invitations"] == 6

    again, _done = _import_in_batches(own_app, csv_text(ROWS), size=3)
    assert again.people_created == 4 and again.invitations == 4
    counts = _counts(own_app)
    assert counts["users"] == 10 and counts["invitations"] == 10
    assert counts["group_memberships"] == 10 and counts["outbox_messages"] == 10

    third, _done = _import_in_batches(own_app, csv_text(ROWS), size=3)
    assert not third.changed and _counts(own_app) == counts


def test_the_command_says_how_far_an_interrupted_import_got(own_app, tmp_path, monkeypatch):
    real = importer.apply_in_batches

    def refused_at_the_third_batch(plan, result, *, size):
        for number, rows_done in enumerate(real(plan, result, size=size)):
            if number == 2:
                raise IntegrityError("INSERT …", {}, Exception("duplicate key"))
            yield rows_done

    monkeypatch.setattr(importer, "apply_in_batches", refused_at_the_third_batch)
    monkeypatch.setattr(cli, "BATCH_PAUSE_SECONDS", 0)
    people = tmp_path / "people.csv"
    people.write_text(csv_text(ROWS))
    outcome = own_app.test_cli_runner().invoke(cli.users_import, [str(people), "--batch-size", "3"])
    assert outcome.exit_code == 1
    assert "Importen stoppede efter 6 af 10 rækker" in outcome.output
    assert "kør den samme import igen" in outcome.output
    assert _counts(own_app)["users"] == 6
