"""Anonymity by design, proved on the schema and the rows: nothing in the database links a response
to a person; the pseudonym needs the key; a response keeps a day, never a time; export and erasure."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import DateTime, Integer, select, text

import course_app.models  # noqa: F401 - every table in the metadata
from course_app import create_app
from course_app.config import ConfigError
from course_app.core.db import Base, db
from course_app.privacy import erasure, export
from course_app.self_assessment import results, taking
from course_app.self_assessment.models import AssessmentParticipation, AssessmentResponse
from course_app.self_assessment.pseudonyms import SelfAssessmentUnavailable, pseudonym
from tests.conftest import TEST_CONFIG
from tests.self_assessment.conftest import NOW, answer_all

RESPONSE_TABLES = {"assessment_responses", "assessment_answers"}
PERSON_TABLES = {"users", "enrolments", "assessment_participations"}
# Columns a response shares with a participation: which round, assessment and point, nothing more.
SHARED_WITH_PARTICIPATIONS = {"cohort_id", "assessment_id", "point"}
IDENTIFYING_NAMES = {"user_id", "email", "name", "enrolment_id", "author_id", "actor_id"}


def _tables():
    return {table.name: table for table in Base.metadata.sorted_tables}


def _reachable(start: str) -> set[str]:
    """Every table ``start`` reaches by following foreign keys (its own and onward)."""
    tables, seen, todo = _tables(), set(), [start]
    while todo:
        for fk in tables[todo.pop()].foreign_keys:
            target = fk.column.table.name
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_column_path_links_a_response_to_a_person():
    tables = _tables()
    # Which tables hold responses: the response table and everything that points at it.
    pointing = {
        name
        for name, table in tables.items()
        if any(fk.column.table.name in RESPONSE_TABLES for fk in table.foreign_keys)
    }
    assert pointing <= RESPONSE_TABLES, f"new tables point at responses: {pointing}"
    participations = {c.name for c in tables["assessment_participations"].columns}
    for name in RESPONSE_TABLES:
        table = tables[name]
        assert not _reachable(name) & PERSON_TABLES, name
        columns = {column.name for column in table.columns}
        assert not columns & IDENTIFYING_NAMES, name
        assert columns & participations <= SHARED_WITH_PARTICIPATIONS, name
        for column in table.columns:  # a day at most: no time of day anywhere
            assert not isinstance(column.type, DateTime), f"{name}.{column.name}"
            assert not column.name.endswith("_at"), f"{name}.{column.name}"
        # No key in insertion order: the response's is a random UUID, an answer's its response
        # and item; and SQLite stores them in key order (no rowid).
        for column in table.primary_key.columns:
            assert column.autoincrement is not True
            if name == "assessment_responses":
                assert not isinstance(column.type, Integer)
        assert table.dialect_options["sqlite"]["with_rowid"] is False
    # Nothing else points at a person through the pseudonym: no other table has such a column.
    for name, table in tables.items():
        if name not in RESPONSE_TABLES:
            assert "pseudonym" not in table.columns, name
    assert tables["assessment_participations"].dialect_options["sqlite"]["with_rowid"] is False


def test_participations_hold_no_answers_and_no_dates():
    columns = {c.name for c in _tables()["assessment_participations"].columns}
    assert columns == {"user_id", "cohort_id", "assessment_id", "point", "completed"}


def test_pseudonym_needs_the_key(world, app):
    anna, a = world.anna, world.assessment
    taking.start_or_resume(anna, world.cohort, a, "start", NOW)
    stored = db.session.scalar(select(AssessmentResponse.pseudonym))
    assert stored == pseudonym(anna.id, a.id)
    assert stored != pseudonym(anna.id, a.id, key="another-operator-key-0123456789abcdef")
    assert stored != pseudonym(anna.id, a.id + 1)  # per assessment
    for guess in (f"{anna.id}:{a.id}", f"assessment-pseudonym:{anna.id}:{a.id}", str(anna.id)):
        assert hashlib.sha256(guess.encode()).hexdigest() != stored  # no unkeyed hash
    # Searching the response tables' text for her id, e-mail or name finds nothing (their whole
    # numbers are ids of rounds, assessments, items, the directory, and values on the scale).
    for table in ("assessment_responses", "assessment_answers"):
        for row in db.session.execute(text(f"SELECT * FROM {table}")):
            texts = {value for value in row if isinstance(value, str)}
            assert not texts & {str(anna.id), anna.email, anna.name}
            assert not any(anna.email in value or anna.name in value for value in texts)
    app.config["ASSESSMENT_PSEUDONYM_KEY"], key = None, app.config["ASSESSMENT_PSEUDONYM_KEY"]
    try:
        with pytest.raises(SelfAssessmentUnavailable):
            taking.start_or_resume(anna, world.cohort, a, "start", NOW)
    finally:
        app.config["ASSESSMENT_PSEUDONYM_KEY"] = key


def test_response_rows_hold_nothing_finer_than_a_day(world):
    a = world.assessment
    taking.start_or_resume(world.anna, world.cohort, a, "start", NOW)
    for number, answers in enumerate(answer_all(a), start=1):
        taking.save_page(world.anna, world.cohort, a, "start", number, answers, NOW)
    taking.complete(world.anna, world.cohort, a, "start", NOW)
    db.session.expire_all()
    for table in ("assessment_responses", "assessment_answers"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).mappings().all()
        assert rows
        for row in rows:
            for name, value in row.items():
                assert not isinstance(value, dt.datetime), (table, name)
                if isinstance(value, str) and name != "pseudonym":
                    assert ":" not in value, (table, name)  # no time written as text (SQLite)
    assert db.session.scalar(select(AssessmentResponse.completed_on)) == dt.date(2026, 2, 10)


def _complete(world, leader, value=3, point="start"):
    a = world.assessment
    taking.start_or_resume(leader, world.cohort, a, point, NOW)
    for number, answers in enumerate(answer_all(a, value), start=1):
        taking.save_page(leader, world.cohort, a, point, number, answers, NOW)
    taking.complete(leader, world.cohort, a, point, NOW)


def test_her_export_has_her_participation_and_answers_only(world):
    _complete(world, world.anna, 4)
    _complete(world, world.leaders[1], 1)
    taking.start_or_resume(world.anna, world.cohort, world.assessment, "adhoc", NOW)
    sections = {s.key: s.rows for s in export.personal_data(world.anna)}
    assert sections["self_assessment_participations"] == [
        {
            "round": "Forår",
            "assessment": world.assessment.title_da,
            "point": "start",
            "completed": True,
        }
    ]
    answers = sections["self_assessment_responses"]
    assert len(answers) == 54 and {row["value"] for row in answers} == {4}
    assert {row["completed_on"] for row in answers} == {dt.date(2026, 2, 10)}


def test_erasure_cuts_her_responses_loose_but_they_still_count(world):
    for leader in world.leaders[:5]:
        _complete(world, leader)
    anna = world.anna
    _complete(world, anna, point="adhoc")
    taking.start_or_resume(anna, world.cohort, world.assessment, "adhoc", NOW)  # unfinished
    before = results.results_for_aggregates(world.assessment, [world.cohort.id])
    erasure.anonymise_person(anna, actor_id=None, now=NOW, reason="test")
    # Her start and her løbende answers no longer share a pseudonym: nothing ties them together.
    pseudonyms = db.session.scalars(select(AssessmentResponse.pseudonym)).all()
    assert len(pseudonyms) == 6 and len(set(pseudonyms)) == 6
    assert (
        db.session.scalar(
            select(AssessmentParticipation).where(AssessmentParticipation.user_id == anna.id)
        )
        is None
    )
    assert results.my_results(anna, world.assessment) == ()  # not even the key finds them
    after = results.results_for_aggregates(world.assessment, [world.cohort.id])
    assert len(after) == len(before) == 6
    assert pseudonym(anna.id, world.assessment.id) not in {r.respondent for r in after}
    assert (
        db.session.scalar(
            select(AssessmentResponse).where(AssessmentResponse.completed_on.is_(None))
        )
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ASSESSMENT_PSEUDONYM_KEY": "short"}, "at least 32"),
        (
            {
                "ASSESSMENT_PSEUDONYM_KEY": TEST_CONFIG["SECRET_KEY"] * 3,
                "SECRET_KEY": TEST_CONFIG["SECRET_KEY"] * 3,
            },
            "differ",
        ),
        ({"ASSESSMENT_MIN_GROUP": 2}, "from 3"),
        ({"ASSESSMENT_MIN_GROUP": "5"}, "from 3"),
    ],
)
def test_settings_are_checked(tmp_path, overrides, message):
    with pytest.raises(ConfigError, match=message):
        create_app({**TEST_CONFIG, **overrides}, instance_path=str(tmp_path))


def test_key_from_a_file_and_the_demo_keeps_one(tmp_path: Path):
    key_file = tmp_path / "key"
    key_file.write_text("k" * 40 + "\n", encoding="utf-8")
    config = {k: v for k, v in TEST_CONFIG.items() if k != "ASSESSMENT_PSEUDONYM_KEY"}
    app = create_app(
        {**config, "ASSESSMENT_PSEUDONYM_KEY_FILE": str(key_file)},
        instance_path=str(tmp_path / "one"),
    )
    assert app.config["ASSESSMENT_PSEUDONYM_KEY"] == "k" * 40
    with pytest.raises(ConfigError, match="cannot be read"):
        create_app(
            {**config, "ASSESSMENT_PSEUDONYM_KEY_FILE": str(tmp_path / "missing")},
            instance_path=str(tmp_path / "two"),
        )
    demo = [
        create_app({**config, "DEMO": True}, instance_path=str(tmp_path / "demo")) for _ in "ab"
    ]
    keys = {made.config["ASSESSMENT_PSEUDONYM_KEY"] for made in demo}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert (tmp_path / "demo" / "demo-pseudonym-key").stat().st_mode & 0o777 == 0o600
