"""Property tests of the average wheels THROUGH THE DATABASE: random populations (the pure tests'
``populations`` strategy: two organisations with areas and leader groups, some people with neither,
two rounds, start, end or both) are inserted as pseudonymous responses and answers, with unfinished
responses and several løbende measurements per person besides; then, for every slicing the screen
and the CSV offer and for a platform admin and each organisation's coordinator, the service is asked
and its answer checked against the truth worked out here from the inserted values:

* a slice has the same outcome whoever asks (one aggregate over every organisation's responses); a
  coordinator is shown only slices inside her own organisation, never the whole (shared) round;
* every shown slice covers at least k distinct respondents, and its count is the true count of its
  members;
* no two slices shown to anyone (over every slicing of the round and every viewer together: the
  platform admin and each coordinator) A ⊋ B have 0 < |A \\ B| < k;
* the shown numbers, wheel and learning goals alike, are the true means of the members (to the two
  decimals shown); hidden slices carry a reason and no number, on the screen and in the CSV;
* the CSV has exactly the screen's slices; a slice has the same outcome whichever slicing shows it;
* when every cell of the population is large, no slice with respondents is hidden.

Both rounds are closed and looked at afterwards, so every point is published (over all of its
answers). Then, with random completion days, closing days and two days of looking
(``test_two_views_on_different_days_never_differ``): once a point is published its every slice has
the same outcome on any later day, whatever was answered in between.

Each example runs inside a savepoint that is rolled back; the ``session`` fixture rolls back the
rest at the end.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from course_app.assessments.aggregates import Result
from course_app.assessments.models import (
    DIMENSION_LABELS,
    Assessment,
    AssessmentArea,
    AssessmentItem,
    Dimension,
)
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, LeaderGroup, Organisation
from course_app.self_assessment import averages_csv, round_tools
from course_app.self_assessment.average_access import averages_scope
from course_app.self_assessment.averages import (
    SLICING_LABELS,
    SLICINGS,
    averages_for,
)
from course_app.self_assessment.models import (
    AssessmentAnswer,
    AssessmentResponse,
    MeasurementPoint,
)
from course_app.self_assessment.results import GOAL_DIMENSION
from tests import factories
from tests.assessments.test_aggregates import CELLS, large_cells, populations
from tests.mail import app_config

COMPLETED_ON = dt.date(2026, 2, 10)
# The rounds run 5 January to 30 June 2026 (the end opens 31 May, the start averages' cutoff); the
# first tests close them 1 July and look the day after: every point is published.
CLOSED_AT = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 7, 2)
HIDDEN = "Vises først, når mindst %d har svaret, og ingen enkeltpersons svar kan regnes ud"

# The pure strategy's cells are (tasks, knowledge), (tasks, skills), (problems, approach); the items
# take their values from them, some derived, so a cell can average two statements and a learning
# goal three (thirds: rounded per person, then per slice).
ITEMS = (
    ("tasks", Dimension.KNOWLEDGE, "t-k", ["g1"]),
    ("tasks", Dimension.SKILLS, "t-s", ["g1", "g2"]),
    ("problems", Dimension.APPROACH, "p-a1", ["g2"]),
    ("problems", Dimension.APPROACH, "p-a2", ["g2"]),
    ("people", Dimension.KNOWLEDGE, "m-k", []),
)
GOALS = {"g1": ("t-k", "t-s"), "g2": ("t-s", "p-a1", "p-a2")}
CELL_ITEMS = {
    ("tasks", "knowledge"): ("t-k",),
    ("tasks", "skills"): ("t-s",),
    ("problems", "approach"): ("p-a1", "p-a2"),
    ("people", "knowledge"): ("m-k",),
}


def item_values(scores) -> dict[str, int]:
    """The statements' values from a pure result's three scores."""
    tk = int(scores[("tasks", "knowledge")])
    ts = int(scores[("tasks", "skills")])
    pa = int(scores[("problems", "approach")])
    return {"t-k": tk, "t-s": ts, "p-a1": pa, "p-a2": 1 + (pa * 3 + tk) % 5, "m-k": 6 - tk}


@dataclass
class Place:
    assessment: Assessment
    items: dict[str, int]  # item key → id
    organisations: dict[int, Organisation]  # the strategy's 1 and 2
    areas: dict[int, Area]  # the strategy's area values (org * 10 + n)
    groups: dict[int, LeaderGroup]  # the strategy's group values (org * 100 + n)
    rounds: dict[int, Cohort]  # 1: the round looked at; 2: another with the same organisations


@pytest.fixture
def place(session) -> Place:
    assessment = Assessment(key="egenskaber", title_da="Egenskaber", scale_min=1, scale_max=5)
    db.session.add(assessment)
    db.session.flush()
    areas = {}
    for position, key in enumerate(("tasks", "problems", "people")):
        areas[key] = AssessmentArea(
            assessment_id=assessment.id, key=key, title_da=key.title(), position=position
        )
        db.session.add(areas[key])
    db.session.flush()
    items = {}
    for position, (area, dimension, key, goals) in enumerate(ITEMS):
        item = AssessmentItem(
            assessment_id=assessment.id,
            area_id=areas[area].id,
            key=key,
            dimension=dimension,
            text_da=key,
            position=position,
            goals=goals,
        )
        db.session.add(item)
        db.session.flush()
        items[key] = item.id
    organisations = {n: factories.organisation(f"Kommune {n}") for n in (1, 2)}
    course = factories.course()
    rounds = {
        n: cohorts.create_cohort(
            course,
            name=f"Runde {n}",
            starts_on=dt.date(2026, 1, 5),
            ends_on=dt.date(2026, 6, 30),
            organisations=list(organisations.values()),
        )
        for n in (1, 2)
    }
    for cohort in rounds.values():
        round_tools.set_tool(cohort, assessment=assessment)
        cohort.closed_at = CLOSED_AT
    db.session.flush()
    return Place(
        assessment,
        items,
        organisations,
        {
            org * 10 + n: directory.get_or_create_area(organisations[org], f"Område {org}.{n}")
            for org in (1, 2)
            for n in (1, 2)
        },
        {
            org * 100 + n: directory.get_or_create_group(organisations[org], f"Gruppe {org}.{n}")
            for org in (1, 2)
            for n in (1, 2)
        },
        rounds,
    )


@dataclass(frozen=True)
class Record:
    """A completed response as the truth knows it (the latest løbende of a person only)."""

    respondent: str
    organisation: int | str
    area: int | None
    group: int | None
    round: int
    point: str
    cells: dict[tuple[str, str], Fraction]


def pseudonym(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, name).hex * 2  # 64 hex characters


def insert_population(
    place: Place, population, extras, completed_on: dt.date = COMPLETED_ON
) -> list[Record]:
    """Insert the pure results as completed responses, plus unfinished ones and løbende series;
    return the truth: one record per response that counts."""
    responses, answers, truth = [], [], []

    def add(name, organisation, area, group, round_, point, sequence, values, completed):
        response_id = uuid.uuid4().hex
        cohort = place.rounds[round_]
        responses.append(
            {
                "id": response_id,
                "pseudonym": pseudonym(name),
                "assessment_id": place.assessment.id,
                "cohort_id": cohort.id,
                "point": MeasurementPoint(point),
                "sequence": sequence,
                "organisation_id": place.organisations[organisation].id if organisation else None,
                "area_id": place.areas[area].id if area else None,
                "group_id": place.groups[group].id if group else None,
                "completed_on": completed_on if completed else None,
            }
        )
        for key, value in values.items():
            answers.append(
                {"response_id": response_id, "item_id": place.items[key], "value": value}
            )
        if not completed:
            return None
        cells = {
            cell: Fraction(sum(values[key] for key in keys), len(keys))
            for cell, keys in CELL_ITEMS.items()
        }
        cells.update(
            {
                (goal, GOAL_DIMENSION): Fraction(sum(values[key] for key in keys), len(keys))
                for goal, keys in GOALS.items()
            }
        )
        return Record(
            pseudonym(name),
            place.organisations[organisation].id if organisation else "none",
            place.areas[area].id if area else None,
            place.groups[group].id if group else None,
            cohort.id,
            point,
            cells,
        )

    for result in population:
        org = result.organisation
        truth.append(
            add(
                result.respondent,
                org,
                result.area,
                result.group,
                result.round,
                result.point,
                0,
                item_values(result.scores),
                True,
            )
        )
    unfinished, adhoc = extras
    for number, (org, point, values) in enumerate(unfinished):
        partial = dict(list(item_values(values).items())[: 1 + number % 4])
        add(f"u{number}", org, None, None, 1, point, 0 if point != "adhoc" else 1, partial, False)
    for number, (org, area, group, series, last_unfinished) in enumerate(adhoc):
        area = org * 10 + area if org and area else None
        group = org * 100 + group if org and group else None
        for sequence, values in enumerate(series, start=1):
            record = add(
                f"a{number}", org, area, group, 1, "adhoc", sequence, item_values(values), True
            )
        truth.append(record)  # the latest counts
        if last_unfinished:  # a løbende begun after the last completed one changes nothing
            add(f"a{number}", org, area, group, 1, "adhoc", len(series) + 1, {}, False)
    if responses:
        db.session.execute(insert(AssessmentResponse), responses)
    if answers:
        db.session.execute(insert(AssessmentAnswer), answers)
    return truth


@st.composite
def nested_populations(draw, max_people: int = 22):
    """Like the directory usually is: a leader group lies in one area (its "home"), and most of its
    people are in that area, a few in the other or in none; mostly in the round looked at. Slices of
    different slicings then nest (a group inside an area), the case differencing across them needs."""
    count = draw(st.integers(0, max_people))
    found = []
    for number in range(count):
        organisation = draw(st.sampled_from([1, 2]))
        group = draw(st.sampled_from([None, 1, 2]))
        where = draw(st.sampled_from(["home", "home", "home", "other", None]))
        home = group or draw(st.sampled_from([1, 2]))
        area = None if where is None else home if where == "home" else 3 - home
        round_ = draw(st.sampled_from([1, 1, 1, 2]))
        points = draw(st.sampled_from([("start",), ("start",), ("end",), ("start", "end")]))
        for point in points:
            found.append(
                Result(
                    f"n{number}",
                    organisation,
                    round_,
                    point,
                    {cell: float(draw(st.integers(1, 5))) for cell in CELLS},
                    None if area is None else organisation * 10 + area,
                    None if group is None else organisation * 100 + group,
                )
            )
    return found


scores = st.fixed_dictionaries(
    {
        ("tasks", "knowledge"): st.integers(1, 5),
        ("tasks", "skills"): st.integers(1, 5),
        ("problems", "approach"): st.integers(1, 5),
    }
)
extras = st.tuples(
    st.lists(
        st.tuples(st.sampled_from([1, 2]), st.sampled_from(["start", "end", "adhoc"]), scores),
        max_size=4,
    ),
    st.lists(
        st.tuples(
            st.sampled_from([1, 2, None]),
            st.sampled_from([None, 1, 2]),
            st.sampled_from([None, 1, 2]),
            st.lists(scores, min_size=1, max_size=3),
            st.booleans(),
        ),
        max_size=8,
    ),
)


def viewers(place: Place) -> list[Viewer]:
    admin = Viewer(user_id=1, organisation_id=None, current_group_id=None, is_platform_admin=True)
    return [admin] + [
        Viewer(
            user_id=1 + n,
            organisation_id=organisation.id,
            current_group_id=None,
            coordinator_of=frozenset({organisation.id}),
        )
        for n, organisation in place.organisations.items()
    ]


def members(records, item) -> frozenset[tuple[str, str]]:
    """The (respondent, point) of the records a slice matches, by its filters."""
    return frozenset(
        (record.respondent, record.point)
        for record in records
        if all(getattr(record, name) == value for name, value in item.filters)
    )


def people(found) -> int:
    return len({respondent for respondent, _ in found})


def close(shown: float, true: Fraction) -> bool:
    """Equal to the two decimals shown: each person's score and the mean are rounded once."""
    return abs(Fraction(shown) - true) <= Fraction(1, 100) + Fraction(1, 10**9)


def check_request(place: Place, truth: list[Record], k: int) -> None:
    looked_at = place.rounds[1]
    in_round = [record for record in truth if record.round == looked_at.id]
    # Over every viewer together: what is shown of each slice, and its members.
    shown: dict[str, frozenset] = {}
    outcome_of: dict[str, tuple] = {}
    for viewer in viewers(place):
        own = viewer.coordinator_of if not viewer.is_platform_admin else None
        mine = [r for r in in_round if own is None or r.organisation in own]
        scope = averages_scope(viewer)
        own_names = {o.name for o in place.organisations.values() if own is None or o.id in own}
        for slicing in SLICINGS:
            found = averages_for(scope, looked_at.id, slicing, today=TODAY)
            if not mine:
                assert found.state == "no_results" and not found.slices
                continue
            assert found.state == "averages" and found.k == k
            assert found.whole_round == (own is None)  # both organisations are in the round
            for item in found.slices:
                assert item.organisation in ({"", *own_names} if own is None else own_names)
                for point in item.points:
                    key = point.slice.key
                    if own is not None:  # only slices inside her organisation
                        assert dict(point.slice.filters).get("organisation") in own
                    outcome = (point.respondents, dict(point.means), str(point.reason))
                    # The same in every slicing and for every viewer.
                    assert outcome_of.setdefault(key, outcome) == outcome
                    inside = members(in_round, point.slice)
                    if not point.shown:
                        assert point.respondents is None and not point.means
                        assert str(point.reason) == HIDDEN % k  # one text, whatever the rule
                        continue
                    assert point.respondents == people(inside) >= k
                    records = [r for r in in_round if (r.respondent, r.point) in inside]
                    assert set(point.means) == set(records[0].cells)
                    for cell, mean in point.means.items():
                        true = sum(r.cells[cell] for r in records) / len(records)
                        assert close(mean, true), (cell, mean, true)
                    shown[key] = inside
                assert bool(item.goals) == item.any_shown == (item.wheel is not None)
                for series, point in zip(
                    item.wheel.series if item.wheel else (), item.shown_points, strict=True
                ):
                    assert series.key == point.point.value
                    for (area, dimension), mean in point.means.items():
                        if dimension != GOAL_DIMENSION:
                            assert series.score(area, dimension) == mean
                for goal in item.goals:
                    assert goal.scores == tuple(
                        p.means[(goal.key, GOAL_DIMENSION)] for p in item.shown_points
                    )
            check_csv(found)
    # Everything shown to the admin and to each coordinator, together.
    for a, b in combinations(shown.values(), 2):
        if a != b and (a <= b or b <= a):
            assert people((a - b) | (b - a)) >= k


def check_csv(found) -> None:
    """The CSV of the same request: the screen's slices and points, hidden ones with the reason
    and no numbers, shown ones with every cell's mean and the count."""
    rows = averages_csv.averages_table(found, decimal_comma=False)[1:]
    areas = {str(area.label): area.key for area in found.areas}
    dimensions = {str(label): str(dimension.value) for dimension, label in DIMENSION_LABELS.items()}
    goals = {goal.label: goal.key for goal in found.goals}
    points = {
        (str(SLICING_LABELS[item.kind]), item.organisation, item.area, item.group, str(p.label)): p
        for item in found.slices
        for p in item.points
    }
    seen = set()
    for row in rows:
        key = tuple(row[1:6])
        point = points[key]
        seen.add(key)
        if not point.shown:
            assert row[6:11] == ["", "", "", "", ""] and row[11] == str(point.reason)
            continue
        assert row[10] == point.respondents and row[11] == ""
        area_cell = (areas.get(row[6]), dimensions.get(row[7]))
        cell = (goals[row[8]], GOAL_DIMENSION) if row[8] else area_cell
        assert row[9] == f"{point.means[cell]:.2f}"
    assert seen == set(points)
    shown_rows = sum(len(p.means) for p in points.values() if p.shown)
    assert len(rows) == shown_rows + sum(not p.shown for p in points.values())


def run_example(app, place: Place, population, more, k: int) -> None:
    nested = db.session.begin_nested()
    try:
        with app_config(app, ASSESSMENT_MIN_GROUP=k):
            truth = insert_population(place, population, more)
            check_request(place, truth, k)
    finally:
        nested.rollback()


PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(
    population=st.one_of(populations(max_people=22), nested_populations()),
    more=extras,
    k=st.integers(3, 5),
)
def test_every_slicing_through_the_database(app, place, population, more, k):
    run_example(app, place, population, more, k)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=large_cells())
def test_nothing_with_respondents_is_hidden_when_every_cell_is_large(app, place, case):
    population, k = case
    nested = db.session.begin_nested()
    try:
        with app_config(app, ASSESSMENT_MIN_GROUP=k):
            truth = insert_population(place, population, ([], []))
            visible = [r for r in truth if r.round == place.rounds[1].id]
            for viewer in viewers(place):
                for slicing in SLICINGS:
                    found = averages_for(
                        averages_scope(viewer), place.rounds[1].id, slicing, today=TODAY
                    )
                    for item in found.slices:
                        for point in item.points:
                            assert point.shown == bool(members(visible, point.slice))
    finally:
        nested.rollback()


# --- views on two days (issue 14's review: 6 · new − 5 · old) -------------------------------------

# Around the start averages' cutoff (31 May) and the closing days below.
ANSWER_DAYS = [
    dt.date(2026, 2, 10),
    dt.date(2026, 5, 30),
    dt.date(2026, 5, 31),
    dt.date(2026, 6, 10),
    dt.date(2026, 6, 29),
]
CLOSING_DAYS = [None, dt.date(2026, 3, 1), dt.date(2026, 6, 20), dt.date(2026, 7, 1)]
LOOKING_DAYS = [
    dt.date(2026, 2, 11),
    dt.date(2026, 3, 2),
    dt.date(2026, 5, 30),
    dt.date(2026, 5, 31),
    dt.date(2026, 6, 11),
    dt.date(2026, 6, 21),
    dt.date(2026, 7, 2),
]


def everything_shown(place: Place, today: dt.date) -> dict[tuple, tuple]:
    """Every viewer's every slicing on ``today``: (viewer, point) → published, and (slice, point)
    → its outcome."""
    seen: dict[tuple, tuple] = {}
    for number, viewer in enumerate(viewers(place)):
        for slicing in SLICINGS:
            found = averages_for(averages_scope(viewer), place.rounds[1].id, slicing, today=today)
            for point in found.points:
                seen[("published", number, point.value)] = ()
            for item in found.slices:
                for point in item.points:
                    seen[(point.slice.key,)] = (
                        point.respondents,
                        dict(point.means),
                        str(point.reason),
                    )
    return seen


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    population=st.one_of(populations(max_people=16), nested_populations(max_people=16)),
    data=st.data(),
    k=st.integers(3, 5),
)
def test_two_views_on_different_days_never_differ(app, place, population, data, k):
    """Random completion days (before, on and after the cutoff), a random closing day (or none) and
    two days of looking: whatever was published on the first day is published on the second with
    exactly the same outcome of every slice, whatever was answered in between. And a start answer
    completed on or after the cutoff never counts."""
    days = [data.draw(st.sampled_from(ANSWER_DAYS)) for _ in population]
    closing = data.draw(st.sampled_from(CLOSING_DAYS))
    first, second = sorted(
        data.draw(st.lists(st.sampled_from(LOOKING_DAYS), min_size=2, max_size=2, unique=True))
    )
    cohort = place.rounds[1]
    nested = db.session.begin_nested()
    try:
        with app_config(app, ASSESSMENT_MIN_GROUP=k):
            cohort.closed_at = None
            db.session.flush()

            def arrive(until: dt.date, after: dt.date | None = None) -> None:
                """The answers completed by ``until`` (after ``after``), and the closing."""
                for day in sorted(set(days)):
                    if day > until or (after is not None and day <= after):
                        continue
                    if closing is not None and day > closing:
                        continue  # a closed round takes no answers
                    arrived = [r for r, d in zip(population, days, strict=True) if d == day]
                    insert_population(place, arrived, ([], []), completed_on=day)
                if closing is not None and closing <= until:
                    cohort.closed_at = dt.datetime.combine(closing, dt.time(10), tzinfo=dt.UTC)
                db.session.flush()

            arrive(first)
            before = everything_shown(place, first)
            arrive(second, after=first)
            after = everything_shown(place, second)
            for key, outcome in before.items():
                assert after.get(key) == outcome, (key, first, second, closing)
            # Once published, the start averages count only the answers before the cutoff.
            cutoff = min(
                [dt.date(2026, 5, 31)]
                + ([closing + dt.timedelta(days=1)] if closing is not None else [])
            )
            admin_whole = after.get((f"round={cohort.id};point=start",))
            if admin_whole is not None and admin_whole[0] is not None:
                counted = {
                    r.respondent
                    for r, d in zip(population, days, strict=True)
                    if r.round == 1
                    and r.point == "start"
                    and d < cutoff
                    and (closing is None or d <= closing)
                }
                assert admin_whole[0] == len(counted)
    finally:
        nested.rollback()
