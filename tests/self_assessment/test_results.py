"""Her own wheel over time, and the pseudonymous results the averages are made of."""

from __future__ import annotations

import datetime as dt

from course_app.assessments import aggregates
from course_app.self_assessment import results, taking
from course_app.self_assessment.pseudonyms import pseudonym
from tests.self_assessment.conftest import END_TIME, NOW, answer_all


def _take(world, leader, point, now, value):
    a = world.assessment
    taking.start_or_resume(leader, world.cohort, a, point, now)
    for number, answers in enumerate(answer_all(a, value), start=1):
        taking.save_page(leader, world.cohort, a, point, number, answers, now)
    return taking.complete(leader, world.cohort, a, point, now)


def test_her_series_over_start_adhoc_and_end(world):
    anna = world.anna
    _take(world, anna, "start", NOW, 2)
    _take(world, anna, "adhoc", NOW + dt.timedelta(days=30), lambda page, i: 3 + i % 2)
    taking.start_or_resume(anna, world.cohort, world.assessment, "adhoc", NOW)  # unfinished
    _take(world, anna, "end", END_TIME, 5)
    _take(world, world.leaders[1], "start", NOW, 1)  # somebody else's
    mine = results.my_results(anna, world.assessment)
    assert [(r.point.value, r.sequence) for r in mine] == [("start", 0), ("adhoc", 1), ("end", 0)]
    assert [r.completed_on for r in mine] == [
        dt.date(2026, 2, 10),
        dt.date(2026, 3, 12),
        dt.date(2026, 6, 2),  # the Copenhagen day
    ]
    assert mine[0].scores["opgaver"] == {"knowledge": 2.0, "skills": 2.0, "approach": 2.0}
    # Løbende: items 0,2,4,6,8 of a page answered 3, items 1,3,5,7 answered 4 (three per dimension).
    assert set(mine[1].scores) == {page for page in mine[0].scores}
    data = results.wheel_data(world.assessment, mine)
    assert len(data.areas) == 6 and [s.key for s in data.series] == [r.key for r in mine]
    assert str(data.series[0].label) == "Start" and str(data.series[2].label) == "Slut"
    assert str(data.series[1].label).startswith("Løbende 12.")
    assert data.series[2].score("samarbejde", "skills") == 5.0


def test_results_for_aggregates_are_completed_pseudonymous_and_latest_adhoc(world):
    for n, leader in enumerate(world.leaders[:5]):
        _take(world, leader, "start", NOW, 1 + n % 5)
    _take(world, world.leaders[0], "adhoc", NOW, 1)
    _take(world, world.leaders[0], "adhoc", NOW + dt.timedelta(days=1), 5)
    taking.start_or_resume(world.leaders[5], world.cohort, world.assessment, "start", NOW)
    found = results.results_for_aggregates(world.assessment, [world.cohort.id])
    assert sorted(r.point for r in found) == ["adhoc"] + ["start"] * 5
    adhoc = next(r for r in found if r.point == "adhoc")
    assert adhoc.scores[("opgaver", "knowledge")] == 5.0  # the latest
    assert adhoc.respondent == pseudonym(world.anna.id, world.assessment.id)
    assert all(r.round == world.cohort.id and r.group == world.group.id for r in found)
    assert all(len(r.scores) == 18 for r in found)
    outcomes = results.aggregate_wheels(
        world.assessment,
        [world.cohort.id],
        [
            aggregates.Slice("start", point="start"),
            aggregates.Slice("adhoc", point="adhoc"),
        ],
    )
    assert [o.hidden for o in outcomes] == [False, True]
    assert outcomes[0].respondents == 5 and outcomes[0].means[("opgaver", "skills")] == 3.0
    assert results.results_for_aggregates(world.assessment, []) == ()
