"""The average wheels for coordinators and platform admins: who sees which rounds and whose
responses, the floor of k respondents, the slicings, the learning goals hidden exactly where the
wheels are, the CSV, bad query strings and a statement budget. Populations are built through the
real services (start_or_resume, save_page, complete) in a small assessment of three areas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

import pytest

from course_app.accounts.models import User
from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem, Dimension
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer, viewer_for
from course_app.organisations.models import (
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    Role,
)
from course_app.self_assessment import results, round_tools, taking
from course_app.self_assessment.averages import (
    SLICINGS,
    Averages,
    averages_for,
    averages_scope,
)
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import sign_in
from tests.mail import app_config
from tests.self_assessment.conftest import answer_all

NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)
TODAY = dt.date(2026, 2, 10)

# (area key, dimension, item key, learning goals): the small assessment's statements.
ITEMS = (
    ("opgaver", Dimension.KNOWLEDGE, "o-viden", ["lm-1"]),
    ("opgaver", Dimension.SKILLS, "o-faerdigheder", ["lm-1", "lm-2"]),
    ("opgaver", Dimension.APPROACH, "o-tilgang", []),
    ("problemer", Dimension.KNOWLEDGE, "p-viden", []),
    ("problemer", Dimension.SKILLS, "p-faerdigheder", []),
    ("problemer", Dimension.APPROACH, "p-tilgang-1", ["lm-2"]),
    ("problemer", Dimension.APPROACH, "p-tilgang-2", ["lm-2"]),
    ("mennesker", Dimension.KNOWLEDGE, "m-viden", []),
    ("mennesker", Dimension.SKILLS, "m-faerdigheder", []),
    ("mennesker", Dimension.APPROACH, "m-tilgang", []),
)
AREAS = (("opgaver", "Opgaver"), ("problemer", "Problemer"), ("mennesker", "Mennesker"))
FLOOR_TEXT = "Du ser kun gennemsnit for mindst 5 personer."


def small_assessment(key: str = "lille-hjul") -> Assessment:
    """Three areas, ten statements on a scale of 1–5; some tagged with learning goals."""
    assessment = Assessment(key=key, title_da="Lille hjul", scale_min=1, scale_max=5)
    db.session.add(assessment)
    db.session.flush()
    areas = {}
    for position, (area_key, title) in enumerate(AREAS):
        areas[area_key] = AssessmentArea(
            assessment_id=assessment.id, key=area_key, title_da=title, position=position
        )
        db.session.add(areas[area_key])
    db.session.flush()
    for position, (area_key, dimension, item_key, goals) in enumerate(ITEMS):
        db.session.add(
            AssessmentItem(
                assessment_id=assessment.id,
                area_id=areas[area_key].id,
                key=item_key,
                dimension=dimension,
                text_da=f"Udsagn {item_key}",
                position=position,
                goals=goals,
            )
        )
    db.session.flush()
    return assessment


@dataclass
class Town:
    organisation: Organisation
    areas: dict[str, Area]
    groups: dict[str, LeaderGroup]
    coordinator: User


@dataclass
class World:
    assessment: Assessment
    shared: Cohort  # Albertslund and Glostrup
    alone: Cohort  # Glostrup only
    albertslund: Town
    glostrup: Town
    admin: User
    leader: User
    counter: list[int] = field(default_factory=lambda: [0])

    def viewer(self, user: User) -> Viewer:
        return viewer_for(user)


def _town(name: str, areas: list[str], groups: list[str]) -> Town:
    organisation = factories.organisation(name)
    coordinator = factories.user(org=organisation, name=f"Koordinator {name}")
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=organisation)
    return Town(
        organisation,
        {area: directory.get_or_create_area(organisation, area) for area in areas},
        {group: directory.get_or_create_group(organisation, group) for group in groups},
        coordinator,
    )


@pytest.fixture
def world(session) -> World:
    assessment = small_assessment()
    albertslund = _town("Albertslund", ["Børn", "Ældre"], ["Ahorn", "Birk"])
    glostrup = _town("Glostrup", ["Skole"], ["Eg"])
    course = factories.course()
    shared = cohorts.create_cohort(
        course,
        name="Fælles forår",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 30),
        organisations=[albertslund.organisation, glostrup.organisation],
    )
    alone = cohorts.create_cohort(
        course,
        name="Glostrup alene",
        starts_on=dt.date(2026, 1, 12),
        ends_on=dt.date(2026, 6, 30),
        organisations=[glostrup.organisation],
    )
    round_tools.set_tool(shared, assessment=assessment)
    round_tools.set_tool(alone, assessment=assessment)
    admin = factories.user(name="Anne Admin")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)
    leader = factories.user(org=albertslund.organisation, name="Lis Leder")
    cohorts.enrol(leader, shared)
    db.session.flush()
    return World(assessment, shared, alone, albertslund, glostrup, admin, leader)


def take(
    world: World,
    cohort: Cohort,
    town: Town,
    *,
    area: str | None,
    group: str | None,
    value=3,
    point: str = "start",
    count: int = 1,
) -> list[User]:
    """``count`` new leaders of ``town`` (in ``area`` and ``group``) who complete ``point``."""
    made = []
    for _ in range(count):
        world.counter[0] += 1
        leader, _ = factories.enrolled_leader(
            cohort, org=town.organisation, name=f"Leder {world.counter[0]}"
        )
        if area is not None:
            leader.area_id = town.areas[area].id
        if group is not None:
            db.session.add(
                GroupMembership(
                    user_id=leader.id,
                    group_id=town.groups[group].id,
                    valid_from=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
                )
            )
        db.session.flush()
        a = world.assessment
        taking.start_or_resume(leader, cohort, a, point, NOW)
        for number, answers in enumerate(answer_all(a, value), start=1):
            taking.save_page(leader, cohort, a, point, number, answers, NOW)
        taking.complete(leader, cohort, a, point, NOW)
        made.append(leader)
    return made


def averages(world: World, user: User, slicing: str = "round", cohort: Cohort | None = None):
    scope = averages_scope(viewer_for(user))
    return averages_for(scope, (cohort or world.shared).id, slicing, today=TODAY)


def slice_of(found: Averages, key: str):
    return next(item for item in found.slices if item.key == key)


def point_of(item, point: str):
    return next(p for p in item.points if p.point.value == point)


def signed_in(client, user: User) -> None:
    """Sign in as ``user`` (once per client: the sign-in page of a signed-in person has no form)."""
    if getattr(client, "signed_in_as", None) != user.id:
        assert getattr(client, "signed_in_as", None) is None, "one person per client"
        sign_in(client, user.email)
        client.signed_in_as = user.id


def page(client, user: User, query: str = "") -> tuple[int, str]:
    signed_in(client, user)
    response = client.get(f"/kompetencehjul/gennemsnit{query}")
    return response.status_code, response.get_data(as_text=True)


# --- the floor ------------------------------------------------------------------------------------


def test_four_colleagues_are_hidden_and_the_fifth_shows_the_average(world, client):
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=2)
    take(world, world.shared, a, area="Børn", group="Ahorn", value=4, count=2)
    found = averages(world, a.coordinator)
    start = point_of(slice_of(found, "hele"), "start")
    assert not start.shown and start.respondents is None and not start.means
    assert str(start.reason) == "Færre end 5 besvarelser"
    assert slice_of(found, "hele").wheel is None

    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}")
    assert status == 200
    assert FLOOR_TEXT in html and "Færre end 5 besvarelser" in html
    assert "4 besvarelser" not in html and 'role="img"' not in html

    take(world, world.shared, a, area="Børn", group="Ahorn", value=3)
    found = averages(world, a.coordinator)
    whole = slice_of(found, "hele")
    start = point_of(whole, "start")
    assert start.shown and start.respondents == 5
    assert start.means[("opgaver", "knowledge")] == 3.0
    assert [series.key for series in whole.wheel.series] == ["start"]
    assert whole.wheel.series[0].score("mennesker", "approach") == 3.0
    assert not point_of(whole, "end").shown  # nobody has answered the end yet

    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}")
    assert status == 200
    assert "Startmåling: 5 besvarelser" in html
    assert 'role="img"' in html and "Gennemsnit: Hele forløbet" in html
    assert "Slutmåling: ikke vist. Færre end 5 besvarelser" in html


def test_start_against_end_are_overlaid(world):
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    end_time = dt.datetime(2026, 6, 2, 9, 30, tzinfo=dt.UTC)
    for leader in take(world, world.shared, a, area="Børn", group="Ahorn", value=4, count=5):
        taking.start_or_resume(leader, world.shared, world.assessment, "end", end_time)
        for number, answers in enumerate(answer_all(world.assessment, 5), start=1):
            taking.save_page(
                leader, world.shared, world.assessment, "end", number, answers, end_time
            )
        taking.complete(leader, world.shared, world.assessment, "end", end_time)
    whole = slice_of(averages(world, world.admin), "hele")
    assert [s.key for s in whole.wheel.series] == ["start", "end"]
    assert whole.wheel.series[0].score("opgaver", "knowledge") == 3.0  # ten at the start
    assert whole.wheel.series[1].score("opgaver", "knowledge") == 5.0  # five at the end
    assert [p.respondents for p in whole.shown_points] == [10, 5]


def test_one_person_is_never_the_difference_of_two_shown_slices(world):
    """Five in Børn answer 2, one in Ældre answers 5: the organisation is shown, so Børn (which
    differs from it by one person) is hidden, in every slicing of the round."""
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    take(world, world.shared, a, area="Ældre", group="Birk", value=5)
    for slicing in SLICINGS:
        found = averages(world, a.coordinator, slicing)
        whole = point_of(slice_of(found, "hele"), "start")
        assert whole.shown and whole.respondents == 6 and whole.means[("opgaver", "skills")] == 2.5
        for item in found.slices:
            if item.key != "hele" and item.kind != "organisation":
                assert not point_of(item, "start").shown, (slicing, item.key)
    born = point_of(
        slice_of(averages(world, a.coordinator, "area"), f"omraade-{a.areas['Børn'].id}"), "start"
    )
    assert born.reason is not None and "forskellen" in str(born.reason)


def test_slices_of_different_slicings_never_differ_by_fewer_than_k(world):
    """Ahorn (5) lies inside Børn (6) and Ældre (5) inside Birk (6): each slicing alone could show
    all of them, but Børn minus Ahorn is one person, and so is Birk minus Ældre. One aggregate over
    every slicing of the round hides the smaller of each pair, and then one of Børn and Birk too
    (Børn + Birk − the whole round is the one person in both)."""
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=1, count=5)
    take(world, world.shared, a, area="Børn", group="Birk", value=5)
    take(world, world.shared, a, area="Ældre", group="Birk", value=3, count=5)
    by_area = averages(world, a.coordinator, "area")
    by_group = averages(world, a.coordinator, "group")
    start = {item.label: point_of(item, "start") for item in (*by_area.slices, *by_group.slices)}
    assert start["Hele forløbet"].respondents == 11
    assert not start["Ahorn"].shown and not start["Ældre"].shown
    assert [start["Børn"].shown, start["Birk"].shown].count(True) == 1


# --- who sees what --------------------------------------------------------------------------------


def test_a_coordinator_sees_only_her_own_organisations_respondents(world, client):
    a, g = world.albertslund, world.glostrup
    take(world, world.shared, a, area="Børn", group="Ahorn", value=1, count=5)
    take(world, world.shared, g, area="Skole", group="Eg", value=5, count=5)

    mine = averages(world, a.coordinator, "organisation")
    assert [item.key for item in mine.slices] == ["hele", f"organisation-{a.organisation.id}"]
    for item in mine.slices:
        start = point_of(item, "start")
        assert start.respondents == 5 and start.means[("opgaver", "knowledge")] == 1.0
    theirs = point_of(slice_of(averages(world, g.coordinator), "hele"), "start")
    assert theirs.respondents == 5 and theirs.means[("opgaver", "knowledge")] == 5.0

    everyone = averages(world, world.admin, "organisation")
    assert point_of(slice_of(everyone, "hele"), "start").respondents == 10
    assert point_of(slice_of(everyone, "hele"), "start").means[("opgaver", "knowledge")] == 3.0
    assert {item.label for item in everyone.slices} == {"Hele forløbet", "Albertslund", "Glostrup"}

    # Areas and groups are named from the directory: hers only, listed whether or not anyone answered.
    mine = averages(world, a.coordinator, "group")
    assert [item.label for item in mine.slices] == ["Hele forløbet", "Ahorn", "Birk"]
    mine = averages(world, a.coordinator, "area")
    assert [item.label for item in mine.slices] == ["Hele forløbet", "Børn", "Ældre"]
    everyone = averages(world, world.admin, "area")
    assert [item.label for item in everyone.slices][1:] == [
        "Albertslund: Børn",
        "Albertslund: Ældre",
        "Glostrup: Skole",
    ]

    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}&slicing=organisation")
    assert status == 200
    assert "Du ser kun besvarelser fra ledere i Albertslund." in html
    assert "Glostrup" not in html and f"organisation-{g.organisation.id}" not in html


def test_the_rounds_offered_are_those_in_view(world):
    a, g = world.albertslund, world.glostrup
    assert [c.cohort.id for c in averages(world, a.coordinator).rounds] == [world.shared.id]
    assert [c.cohort.id for c in averages(world, g.coordinator).rounds] == [
        world.alone.id,
        world.shared.id,
    ]
    assert {c.cohort.id for c in averages(world, world.admin).rounds} >= {
        world.shared.id,
        world.alone.id,
    }
    with pytest.raises(NotFound):
        averages(world, a.coordinator, cohort=world.alone)
    with pytest.raises(NotAllowed):
        averages_scope(viewer_for(world.leader))
    # Without a round: the latest that has started.
    found = averages_for(averages_scope(viewer_for(g.coordinator)), None, "round", today=TODAY)
    assert found.cohort.id == world.alone.id
    found = averages_for(
        averages_scope(viewer_for(g.coordinator)), None, "round", today=dt.date(2026, 1, 6)
    )
    assert found.cohort.id == world.shared.id


def test_coordinator_of_another_organisation_gets_404_and_a_leader_403(world, client):
    a, g = world.albertslund, world.glostrup
    take(world, world.alone, g, area="Skole", group="Eg", count=5)
    signed_in(client, a.coordinator)
    for url in (
        f"/kompetencehjul/gennemsnit?cohort={world.alone.id}",
        f"/kompetencehjul/gennemsnit.csv?cohort={world.alone.id}",
    ):
        assert client.get(url).status_code == 404
    other = client.application.test_client()
    signed_in(other, g.coordinator)
    response = other.get(f"/kompetencehjul/gennemsnit?cohort={world.alone.id}")
    assert response.status_code == 200 and "Startmåling: 5 besvarelser" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize("path", ["/kompetencehjul/gennemsnit", "/kompetencehjul/gennemsnit.csv"])
def test_leaders_get_403_and_strangers_the_sign_in(world, client, path):
    assert client.get(path).status_code == 302
    sign_in(client, world.leader.email)
    assert client.get(path).status_code == 403
    assert client.get(f"{path}?cohort={world.shared.id}").status_code == 403


# --- learning goals -------------------------------------------------------------------------------


def test_learning_goals_are_shown_and_hidden_exactly_where_the_wheels_are(world, client):
    a, g = world.albertslund, world.glostrup

    def values(page_number, index):
        return 1 + (page_number + index) % 5

    take(world, world.shared, a, area="Børn", group="Ahorn", value=values, count=5)
    take(world, world.shared, a, area="Ældre", group="Birk", value=5, count=2)
    take(world, world.shared, g, area="Skole", group="Eg", value=1, count=6)
    for user in (world.admin, a.coordinator, g.coordinator):
        for slicing in SLICINGS:
            found = averages(world, user, slicing)
            assert [goal.key for goal in found.goals] == ["lm-1", "lm-2"]
            for item in found.slices:
                shown = item.shown_points
                assert bool(item.goals) == bool(shown) == (item.wheel is not None)
                if item.wheel is not None:
                    assert [s.key for s in item.wheel.series] == [p.point.value for p in shown]
                for goal in item.goals:
                    assert len(goal.scores) == len(shown) and None not in goal.scores
    # Glostrup's coordinator: six leaders who answered 1 everywhere.
    whole = slice_of(averages(world, g.coordinator), "hele")
    assert [goal.scores for goal in whole.goals] == [(1.0,), (1.0,)]
    # Albertslund's five in Børn: page 1 (opgaver) answers 2, 3, 4; page 2 (problemer) 3, 4, 5, 1.
    # lm-1 = opgaver knowledge and skills: (2 + 3) / 2; lm-2 = opgaver skills and problemer approach
    # (two statements): (3 + 5 + 1) / 3. The two in Ældre answered 5: Børn is the difference.
    found = averages(world, a.coordinator, "area")
    born = slice_of(found, f"omraade-{world.albertslund.areas['Børn'].id}")
    assert not born.any_shown and born.goals == ()
    whole = slice_of(found, "hele")
    assert point_of(whole, "start").respondents == 7
    assert [goal.scores for goal in whole.goals] == [
        (round((5 * 2.5 + 2 * 5) / 7, 2),),
        (round((5 * 3.0 + 2 * 5) / 7, 2),),
    ]
    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}")
    assert status == 200 and 'data-goal="lm-1"' in html and "pr. læringsmål" in html


def test_goal_scores_per_result_are_the_mean_of_the_goals_statements(world):
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=lambda p, i: p + i)
    (result,) = results.results_for_aggregates(world.assessment, [world.shared.id], goals=True)
    # opgaver: 1, 2, 3; problemer: 2, 3, 4, 5 (p-tilgang-1 = 4, p-tilgang-2 = 5).
    assert result.scores[("lm-1", results.GOAL_DIMENSION)] == 1.5
    assert result.scores[("lm-2", results.GOAL_DIMENSION)] == round((2 + 4 + 5) / 3, 2)
    assert result.scores[("problemer", "approach")] == 4.5
    (plain,) = results.results_for_aggregates(world.assessment, [world.shared.id])
    assert all(dimension != results.GOAL_DIMENSION for _, dimension in plain.scores)
    assert (
        results.results_for_aggregates(
            world.assessment, [world.shared.id], organisation_ids={world.glostrup.organisation.id}
        )
        == ()
    )


# --- the CSV --------------------------------------------------------------------------------------


def _csv(client, user: User, query: str) -> tuple[str, list[list[str]], str]:
    signed_in(client, user)
    response = client.get(f"/kompetencehjul/gennemsnit.csv{query}")
    assert response.status_code == 200, response.status_code
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    separator = "," if "separator=comma" in query else ";"
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    return response.headers["Content-Disposition"], rows, text


def test_csv_has_the_screens_slices_and_no_numbers_for_hidden_ones(world, client):
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    take(world, world.shared, a, area="Ældre", group="Birk", value=4, count=2)
    disposition, rows, _text = _csv(
        client, a.coordinator, f"?cohort={world.shared.id}&slicing=area"
    )
    assert re.search(
        r'filename="kompetencehjul-faelles-foraar-omraade-\d{4}-\d\d-\d\d\.csv"', disposition
    )
    header, body = rows[0], rows[1:]
    assert header == [
        "Forløb",
        "Opdeling",
        "Organisation",
        "Område",
        "Ledergruppe",
        "Måling",
        "Kompetenceområde",
        "Dimension",
        "Læringsmål",
        "Gennemsnit",
        "Besvarelser",
        "Bemærkning",
    ]
    hidden = [row for row in body if row[11]]
    shown = [row for row in body if not row[11]]
    assert hidden and shown
    for row in hidden:
        assert row[9] == "" and row[10] == "" and row[6] == row[7] == row[8] == ""
        assert not re.search(r"\d", re.sub("(?i)færre end 5", "", row[11]))
    # The whole round at the start: seven, 3 × 9 area cells and two goals, each with its mean.
    whole_start = [row for row in shown if row[1] == "Hele forløbet" and row[5] == "Startmåling"]
    assert len(whole_start) == 9 + 2
    assert {row[10] for row in whole_start} == {"7"}
    # (5 × 2 + 2 × 4) / 7 = 2.57, with a decimal comma for Danish Excel.
    assert {row[9] for row in whole_start} == {"2,57"}
    assert {(row[3], row[5]) for row in hidden} >= {
        ("Ældre", "Startmåling"),
        ("Børn", "Startmåling"),
    }
    # Same slices as the screen.
    found = averages(world, a.coordinator, "area")
    screen = {
        (item.area or item.kind, str(p.label), p.shown)
        for item in found.slices
        for p in item.points
    }
    in_file = {(row[3] or "round", row[5], not row[11]) for row in body}
    assert in_file == screen
    _, rows, _ = _csv(
        client, a.coordinator, f"?cohort={world.shared.id}&slicing=area&separator=comma"
    )
    assert {
        row[9] for row in rows[1:] if row[1] == "Hele forløbet" and row[5] == "Startmåling"
    } == {"2.57"}


def test_csv_of_a_round_without_averages_is_the_header_only(world, client):
    _, rows, _ = _csv(client, world.admin, f"?cohort={world.shared.id}")
    assert len(rows) == 1


# --- empty states and bad input -------------------------------------------------------------------


def test_empty_states(world, client):
    status, html = page(client, world.admin, f"?cohort={world.shared.id}")
    assert status == 200 and "Der er endnu ingen gennemførte målinger i forløbet." in html
    round_tools.set_tool(world.shared, external_url="https://hjul.example/test")
    status, html = page(client, world.admin, f"?cohort={world.shared.id}")
    assert status == 200 and "Svarene derfra ligger ikke på platformen" in html
    assert 'href="https://hjul.example/test"' in html
    round_tools.set_tool(world.shared)
    status, html = page(client, world.admin, f"?cohort={world.shared.id}")
    assert status == 200 and "Forløbet bruger ikke kompetencehjulet." in html
    loner = _town("Brøndby", [], [])
    other = client.application.test_client()
    status, html = page(other, loner.coordinator)
    assert status == 200 and "Ingen af de forløb, du kan se, bruger kompetencehjulet endnu." in html
    _, rows, _ = _csv(other, loner.coordinator, "")
    assert len(rows) == 1


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?cohort=abc", 404),
        ("?cohort=-1", 404),
        ("?cohort=0", 404),
        ("?cohort=1.5", 404),
        ("?cohort=99999999999999999999999", 404),
        ("?cohort=2147483647", 404),
        ("?cohort=%EF%BC%91", 404),  # a full-width digit
        ("?cohort=", 200),
        ("?cohort=%00", 200),
        ("?cohort=1%002", 200),
        ("?slicing=nonsense", 200),
        ("?slicing=%00", 200),
        ("?slicing=" + "x" * 5000, 200),
        ("?cohort={shared}&slicing=GROUP", 200),
        ("?cohort={shared}&cohort=abc", 200),
    ],
)
def test_bad_query_strings_never_500(world, client, query, status):
    query = query.format(shared=world.shared.id)
    sign_in(client, world.albertslund.coordinator.email)
    assert client.get(f"/kompetencehjul/gennemsnit{query}").status_code == status
    assert client.get(f"/kompetencehjul/gennemsnit.csv{query}").status_code == status


def test_an_unknown_slicing_is_the_whole_round(world, client):
    take(world, world.shared, world.albertslund, area="Børn", group="Ahorn", count=5)
    status, html = page(client, world.admin, f"?cohort={world.shared.id}&slicing=%3Cscript%3E")
    assert status == 200 and "<script>" not in html
    assert re.search(r'<input checked[^>]*value="round"', html)
    assert 'id="hele-overskrift"' in html and 'id="organisation-' not in html


# --- cost -----------------------------------------------------------------------------------------


def test_statement_count_does_not_grow_with_respondents(world, client, count_statements):
    a, g = world.albertslund, world.glostrup
    take(world, world.shared, a, area="Børn", group="Ahorn", count=5)
    sign_in(client, world.admin.email)
    url = f"/kompetencehjul/gennemsnit?cohort={world.shared.id}&slicing=group"

    def cost() -> int:
        with count_statements() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    few = cost()
    assert few <= 18, few  # session and menu, then about a dozen for the averages
    take(world, world.shared, a, area="Ældre", group="Birk", value=4, count=5)
    take(world, world.shared, g, area="Skole", group="Eg", value=2, count=6)
    assert cost() == few, few
    with count_statements() as counter:
        assert client.get(url.replace("gennemsnit?", "gennemsnit.csv?")).status_code == 200
    assert counter.count <= few


# --- k and language -------------------------------------------------------------------------------


def test_k_comes_from_the_configuration(world, app, client):
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", count=3)
    assert not point_of(slice_of(averages(world, world.admin), "hele"), "start").shown
    with app_config(app, ASSESSMENT_MIN_GROUP=3):
        found = averages(world, world.admin)
        assert found.k == 3 and point_of(slice_of(found, "hele"), "start").respondents == 3
        status, html = page(client, world.admin, f"?cohort={world.shared.id}")
        assert status == 200 and "mindst 3 personer" in html
    with app_config(app, ASSESSMENT_MIN_GROUP=2):  # never below 3
        assert averages(world, world.admin).k == 3


def test_the_page_and_the_csv_in_english(world, client):
    take(world, world.shared, world.albertslund, area="Børn", group="Ahorn", count=5)
    _, html = page(client, world.admin, f"?cohort={world.shared.id}")
    client.post(
        "/sprog",
        data={"language": "en", "next": "/", "csrf_token": csrf_token_from(html)},
    )
    response = client.get(f"/kompetencehjul/gennemsnit?cohort={world.shared.id}&slicing=group")
    html = response.get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "You only see averages of at least 5 people." in html
    assert "Fewer than 5 responses" in html and "The whole programme" in html
    text = client.get(
        f"/kompetencehjul/gennemsnit.csv?cohort={world.shared.id}&separator=comma"
    ).get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("Programme,Breakdown,")
