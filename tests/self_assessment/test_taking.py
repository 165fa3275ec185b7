"""Taking a measurement: save and resume across pages, pages in any order and twice, bad input
refused with the saved answers intact, points open by the round's dates, completing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db
from course_app.core.errors import NotFound
from course_app.self_assessment import taking
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentParticipation,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.pages import pages
from course_app.self_assessment.taking import AlreadyCompleted, SelfAssessmentError
from tests import factories
from tests.self_assessment.conftest import END_TIME, NOW, answer_all


def _saved(response_id: str) -> dict[int, int]:
    return dict(
        db.session.execute(
            select(AssessmentAnswer.item_id, AssessmentAnswer.value).where(
                AssessmentAnswer.response_id == response_id
            )
        ).all()
    )


def test_demo_model_has_a_page_per_area(world):
    found = pages(world.assessment)
    assert [page.area.key for page in found] == [
        "opgaver",
        "problemloesning",
        "kommunikation",
        "informationshaandtering",
        "samarbejde",
        "indholdsproduktion",
    ]
    assert [len(page.items) for page in found] == [9] * 6


def test_save_and_resume_across_pages_then_complete(world):
    a, w = world.assessment, world
    taking_ = taking.start_or_resume(w.anna, w.cohort, a, "start", NOW)
    assert taking_.next_page == 1 and taking_.answered == 0 and taking_.total == 54
    every = answer_all(a, 4)
    for number in (1, 2, 3):
        taking.save_page(w.anna, w.cohort, a, "start", number, every[number - 1], NOW)
    db.session.expire_all()
    resumed = taking.start_or_resume(w.anna, w.cohort, a, "start", NOW + dt.timedelta(days=2))
    assert resumed.response.id == taking_.response.id
    assert resumed.answered == 27 and resumed.next_page == 4
    assert resumed.answers[every[0].__iter__().__next__()] == 4
    for number in (4, 5, 6):
        taking.save_page(w.anna, w.cohort, a, "start", number, every[number - 1], NOW)
    assert taking.start_or_resume(w.anna, w.cohort, a, "start", NOW).next_page is None
    done = taking.complete(w.anna, w.cohort, a, "start", NOW + dt.timedelta(days=1))
    assert done.completed_on == dt.date(2026, 2, 11)
    assert done.organisation_id == w.anna.organisation_id and done.area_id == w.anna.area_id
    assert done.group_id == w.group.id
    participation = db.session.get(
        AssessmentParticipation, (w.anna.id, w.cohort.id, a.id, MeasurementPoint.START)
    )
    assert participation.completed is True
    with pytest.raises(AlreadyCompleted):
        taking.start_or_resume(w.anna, w.cohort, a, "start", NOW)
    with pytest.raises(AlreadyCompleted):
        taking.save_page(w.anna, w.cohort, a, "start", 1, {next(iter(every[0])): 1}, NOW)
    with pytest.raises(AlreadyCompleted):
        taking.complete(w.anna, w.cohort, a, "start", NOW)
    assert set(_saved(done.id).values()) == {4}


def test_pages_out_of_order_and_twice_are_idempotent(world):
    a, w = world.assessment, world
    response = taking.start_or_resume(w.anna, w.cohort, a, "start", NOW).response
    every = answer_all(a, 2)
    taking.save_page(w.anna, w.cohort, a, "start", 5, every[4], NOW)
    taking.save_page(w.anna, w.cohort, a, "start", 2, every[1], NOW)
    before = _saved(response.id)
    taking.save_page(w.anna, w.cohort, a, "start", 2, every[1], NOW)  # posted twice
    assert _saved(response.id) == before and len(before) == 18
    changed = {key: 5 for key in every[1]}
    taking.save_page(w.anna, w.cohort, a, "start", 2, changed, NOW)  # the last value counts
    assert sorted(_saved(response.id).values()) == [2] * 9 + [5] * 9
    part = dict(list(every[0].items())[:4])  # a page saved in part
    result = taking.save_page(w.anna, w.cohort, a, "start", 1, part, NOW)
    assert result.answered == 22 and result.next_page == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"value": 6},
        {"value": 0},
        {"value": True},
        {"value": 2.5},
        {"value": "x"},
        {"value": None},
        {"key": "samarbejde-viden-1"},  # an item of another page
        {"key": "findes-ikke"},
    ],
)
def test_bad_answers_are_refused_and_saved_answers_stay(world, bad):
    a, w = world.assessment, world
    response = taking.start_or_resume(w.anna, w.cohort, a, "start", NOW).response
    first = answer_all(a, 3)[0]
    taking.save_page(w.anna, w.cohort, a, "start", 1, first, NOW)
    keys = list(first)
    posted = {keys[0]: 1, keys[1]: 1, bad.get("key", keys[2]): bad.get("value", 2)}
    with pytest.raises(SelfAssessmentError) as refused:
        taking.save_page(w.anna, w.cohort, a, "start", 1, posted, NOW)
    assert str(refused.value)  # a clear message
    if bad.get("value") == 6:
        assert "6" not in str(refused.value)  # the message names the statement, not the value
    assert set(_saved(response.id).values()) == {3}  # nothing of the post was saved


def test_values_posted_as_text_are_read_as_numbers(world):
    a, w = world.assessment, world
    response = taking.start_or_resume(w.anna, w.cohort, a, "start", NOW).response
    key = next(iter(answer_all(a)[0]))
    taking.save_page(w.anna, w.cohort, a, "start", 1, {key: " 5 "}, NOW)
    assert list(_saved(response.id).values()) == [5]


@pytest.mark.parametrize("page", [0, 7, "1", None, True])
def test_unknown_page_is_refused(world, page):
    a, w = world.assessment, world
    taking.start_or_resume(w.anna, w.cohort, a, "start", NOW)
    with pytest.raises(SelfAssessmentError):
        taking.save_page(w.anna, w.cohort, a, "start", page, {}, NOW)


@pytest.mark.parametrize("point", ["slut", "", "START", None, 3])
def test_tampered_point_is_refused(world, point):
    with pytest.raises(SelfAssessmentError, match="Målepunktet findes ikke"):
        taking.start_or_resume(world.anna, world.cohort, world.assessment, point, NOW)


def test_saving_before_starting_is_refused(world):
    with pytest.raises(SelfAssessmentError, match="Start målingen først"):
        taking.save_page(world.anna, world.cohort, world.assessment, "start", 1, {}, NOW)


def test_end_opens_30_days_before_the_last_day_and_stays_open_after_it(world):
    a, w = world.assessment, world
    with pytest.raises(SelfAssessmentError, match="Slutmålingen åbner"):
        taking.start_or_resume(w.anna, w.cohort, a, "end", NOW)
    assert not taking.point_is_open(w.cohort, MeasurementPoint.END, dt.date(2026, 5, 30))
    assert taking.point_is_open(w.cohort, MeasurementPoint.END, dt.date(2026, 5, 31))
    assert taking.point_is_open(w.cohort, MeasurementPoint.END, dt.date(2026, 8, 1))
    assert taking.start_or_resume(w.anna, w.cohort, a, "end", END_TIME).response.point == "end"
    w.cohort.ends_on = None
    with pytest.raises(SelfAssessmentError, match="når forløbet har en slutdato"):
        taking.start_or_resume(w.leaders[1], w.cohort, a, "end", END_TIME)


def test_nothing_before_the_round_begins_or_in_a_closed_round(world):
    a, w = world.assessment, world
    with pytest.raises(SelfAssessmentError, match="Forløbet begynder"):
        taking.start_or_resume(w.anna, w.cohort, a, "start", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    taking.start_or_resume(w.anna, w.cohort, a, "start", NOW)
    w.cohort.closed_at = NOW
    db.session.flush()
    with pytest.raises(RoundClosed):
        taking.save_page(w.anna, w.cohort, a, "start", 1, {}, NOW)


def test_a_round_she_is_not_enrolled_in_is_not_found(world):
    stranger = factories.user(org=None)
    with pytest.raises(NotFound):
        taking.start_or_resume(stranger, world.cohort, world.assessment, "start", NOW)


def test_complete_with_missing_answers_is_refused(world):
    a, w = world.assessment, world
    response = taking.start_or_resume(w.anna, w.cohort, a, "start", NOW).response
    every = answer_all(a)
    for number in (1, 2, 4, 5, 6):
        taking.save_page(w.anna, w.cohort, a, "start", number, every[number - 1], NOW)
    one_short = dict(list(every[2].items())[:-1])
    taking.save_page(w.anna, w.cohort, a, "start", 3, one_short, NOW)
    with pytest.raises(SelfAssessmentError, match=r"1 udsagn \(side 3\)"):
        taking.complete(w.anna, w.cohort, a, "start", NOW)
    db.session.refresh(response)
    assert response.completed_on is None and len(_saved(response.id)) == 53


def test_adhoc_can_be_taken_again_and_again(world):
    a, w = world.assessment, world
    sequences = []
    for day in range(3):
        now = NOW + dt.timedelta(days=day)
        started = taking.start_or_resume(w.anna, w.cohort, a, "adhoc", now)
        assert taking.start_or_resume(w.anna, w.cohort, a, "adhoc", now).response.id == (
            started.response.id
        )
        for number, answers in enumerate(answer_all(a), start=1):
            taking.save_page(w.anna, w.cohort, a, "adhoc", number, answers, now)
        sequences.append(taking.complete(w.anna, w.cohort, a, "adhoc", now).sequence)
    assert sequences == [1, 2, 3]
    # A page for an earlier løbende measurement, posted late, is refused.
    taking.start_or_resume(w.anna, w.cohort, a, "adhoc", NOW)
    with pytest.raises(AlreadyCompleted):
        taking.save_page(w.anna, w.cohort, a, "adhoc", 1, {}, NOW, sequence=2)
    # Nobody is reminded of løbende measurements: no participation row.
    assert db.session.scalar(select(func.count()).select_from(AssessmentParticipation)) == 0


def test_forged_fields_are_ignored(world):
    """A form cannot choose whose response is written: extra keys are refused, never used."""
    a, w = world.assessment, world
    taking.start_or_resume(w.anna, w.cohort, a, "start", NOW)
    for forged in ({"user_id": w.leaders[1].id}, {"pseudonym": "0" * 64}):
        with pytest.raises(SelfAssessmentError):
            taking.save_page(w.anna, w.cohort, a, "start", 1, forged, NOW)
    with pytest.raises(TypeError):
        taking.save_page(  # the services take no pseudonym at all
            w.anna, w.cohort, a, "start", 1, {}, NOW, pseudonym="0" * 64
        )
    assert db.session.scalar(select(func.count()).select_from(AssessmentResponse)) == 1
