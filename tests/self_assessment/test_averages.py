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
from course_app.assessments import aggregates
from course_app.assessments.models import Assessment, AssessmentArea, AssessmentItem, Dimension
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound, ServiceError
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
from course_app.self_assessment.average_access import averages_scope
from course_app.self_assessment.averages import (
    POINTS,
    SLICINGS,
    Averages,
    averages_for,
)
from course_app.self_assessment.models import MeasurementPoint
from course_app.self_assessment.publication import pending_points, published_points, start_cutoff
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import Clock, copenhagen, sign_in
from tests.mail import app_config
from tests.self_assessment.conftest import answer_all

NOW = dt.datetime(2026, 2, 10, 9, 30, tzinfo=dt.UTC)  # the start answers are given mid-round
# The rounds end 30 June: the end measurement opens 31 May, the start averages' cutoff. The
# averages are looked at from then on (the start answers before it are frozen), unless a test
# looks at another day.
CUTOFF = dt.date(2026, 5, 31)
TODAY = dt.date(2026, 6, 1)
PENDING_START = "Gennemsnittet af startmålingerne vises fra 31. maj 2026, når slutmålingen åbner."
PENDING_LATER = (
    "Gennemsnittet af slutmålingerne og de løbende målinger vises, når forløbet er lukket."
)
WHY = (
    "Så kan ingen regne en enkelt persons svar ud ved at sammenligne tallene før og efter, "
    "at hun har svaret."
)

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
HIDDEN_TEXT = "Vises først, når mindst 5 har svaret, og ingen enkeltpersons svar kan regnes ud"


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


@pytest.fixture(autouse=True)
def page_clock(app):
    """The pages look at the averages on ``TODAY`` unless a test moves the clock."""
    with app_config(app, CLOCK=Clock(copenhagen(TODAY.year, TODAY.month, TODAY.day))):
        yield app.config["CLOCK"]


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
    now: dt.datetime = NOW,
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
        taking.start_or_resume(leader, cohort, a, point, now)
        for number, answers in enumerate(answer_all(a, value), start=1):
            taking.save_page(leader, cohort, a, point, number, answers, now)
        taking.complete(leader, cohort, a, point, now)
        made.append(leader)
    return made


def averages(
    world: World,
    user: User,
    slicing: str = "round",
    cohort: Cohort | None = None,
    today: dt.date = TODAY,
):
    scope = averages_scope(viewer_for(user))
    return averages_for(scope, (cohort or world.shared).id, slicing, today=today)


def close(cohort: Cohort, day: dt.date) -> None:
    """The round closed at noon on ``day`` (Copenhagen)."""
    cohort.closed_at = copenhagen(day.year, day.month, day.day, 12)
    db.session.flush()


def numbers(found: Averages) -> dict:
    """Everything shown of the averages: per slice and point, the count and the means."""
    return {
        (item.key, point.point.value): (point.respondents, dict(point.means))
        for item in found.slices
        for point in item.shown_points
    }


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
    mine = (
        f"organisation-{a.organisation.id}"  # the round is shared: her organisation, not all of it
    )
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=2)
    take(world, world.shared, a, area="Børn", group="Ahorn", value=4, count=2)
    found = averages(world, a.coordinator)
    assert [item.key for item in found.slices] == [mine]
    start = point_of(slice_of(found, mine), "start")
    assert not start.shown and start.respondents is None and not start.means
    assert str(start.reason) == HIDDEN_TEXT
    assert start.hidden_because is aggregates.HiddenReason.TOO_FEW
    assert slice_of(found, mine).wheel is None

    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}")
    assert status == 200
    assert FLOOR_TEXT in html and HIDDEN_TEXT in html
    assert "4 besvarelser" not in html and 'role="img"' not in html

    take(world, world.shared, a, area="Børn", group="Ahorn", value=3)
    found = averages(world, a.coordinator)
    whole = slice_of(found, mine)
    start = point_of(whole, "start")
    assert start.shown and start.respondents == 5
    assert start.means[("opgaver", "knowledge")] == 3.0
    assert [series.key for series in whole.wheel.series] == ["start"]
    assert whole.wheel.series[0].score("mennesker", "approach") == 3.0
    assert [p.point.value for p in whole.points] == ["start"]  # the round is not closed yet

    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}")
    assert status == 200
    assert "Startmåling: 5 besvarelser" in html
    assert 'role="img"' in html and "Gennemsnit: Albertslund" in html
    assert "Slutmåling" not in html  # not published before the round is closed
    assert PENDING_LATER in html and WHY in html


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
    close(world.shared, dt.date(2026, 7, 1))
    whole = slice_of(averages(world, world.admin, today=dt.date(2026, 7, 2)), "hele")
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
        whole = point_of(slice_of(found, f"organisation-{a.organisation.id}"), "start")
        assert whole.shown and whole.respondents == 6 and whole.means[("opgaver", "skills")] == 2.5
        for item in found.slices:
            if item.kind != "organisation":
                assert not point_of(item, "start").shown, (slicing, item.key)
    born = point_of(
        slice_of(averages(world, a.coordinator, "area"), f"omraade-{a.areas['Børn'].id}"), "start"
    )
    # The difference rule hid it, but the screen says only what it says of every hidden slice.
    assert born.hidden_because is aggregates.HiddenReason.DIFFERENCE
    assert str(born.reason) == HIDDEN_TEXT


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
    assert start["Albertslund"].respondents == 11
    assert not start["Ahorn"].shown and not start["Ældre"].shown
    assert [start["Børn"].shown, start["Birk"].shown].count(True) == 1


# --- who sees what --------------------------------------------------------------------------------


def test_a_coordinator_sees_only_her_own_organisations_respondents(world, client):
    a, g = world.albertslund, world.glostrup
    take(world, world.shared, a, area="Børn", group="Ahorn", value=1, count=5)
    take(world, world.shared, g, area="Skole", group="Eg", value=5, count=5)

    # A round shared with Glostrup: her organisation takes the whole round's place.
    for slicing in ("round", "organisation"):
        mine = averages(world, a.coordinator, slicing)
        assert mine.slicing == "organisation" and not mine.whole_round
        assert mine.slicings == ("organisation", "area", "group")
        assert [item.key for item in mine.slices] == [f"organisation-{a.organisation.id}"]
        start = point_of(mine.slices[0], "start")
        assert start.respondents == 5 and start.means[("opgaver", "knowledge")] == 1.0
    theirs = averages(world, g.coordinator)
    assert [item.key for item in theirs.slices] == [f"organisation-{g.organisation.id}"]
    theirs = point_of(theirs.slices[0], "start")
    assert theirs.respondents == 5 and theirs.means[("opgaver", "knowledge")] == 5.0

    everyone = averages(world, world.admin, "organisation")
    assert point_of(slice_of(everyone, "hele"), "start").respondents == 10
    assert point_of(slice_of(everyone, "hele"), "start").means[("opgaver", "knowledge")] == 3.0
    assert {item.label for item in everyone.slices} == {"Hele forløbet", "Albertslund", "Glostrup"}

    # Areas and groups are named from the directory: hers only, listed whether or not anyone answered.
    mine = averages(world, a.coordinator, "group")
    assert [item.label for item in mine.slices] == ["Albertslund", "Ahorn", "Birk"]
    mine = averages(world, a.coordinator, "area")
    assert [item.label for item in mine.slices] == ["Albertslund", "Børn", "Ældre"]
    everyone = averages(world, world.admin, "area")
    assert [item.label for item in everyone.slices][1:] == [
        "Albertslund: Børn",
        "Albertslund: Ældre",
        "Glostrup: Skole",
    ]

    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}&slicing=organisation")
    assert status == 200
    assert "Du ser kun besvarelser fra ledere i Albertslund." in html
    assert "gennemsnittet for din egen organisation i stedet for hele forløbet" in html
    assert "Glostrup" not in html and f"organisation-{g.organisation.id}" not in html
    assert 'value="round"' not in html and 'id="hele-overskrift"' not in html


def test_a_coordinator_of_every_organisation_in_the_round_sees_the_whole_round(world):
    g = world.glostrup
    take(world, world.alone, g, area="Skole", group="Eg", value=2, count=5)
    found = averages(world, g.coordinator, "organisation", cohort=world.alone)
    assert found.whole_round and found.slicings == SLICINGS
    assert [item.key for item in found.slices] == ["hele", f"organisation-{g.organisation.id}"]
    assert [point_of(item, "start").respondents for item in found.slices] == [5, 5]


def test_an_admin_and_a_coordinator_together_never_give_one_person_away(world, client):
    """The review's case: a round shared by Albertslund (five answered) and Glostrup (one). The
    admin sees the whole round of six. Had Albertslund's coordinator been shown her five (her
    results aggregated apart from the admin's), six minus five would be the Glostrup leader's
    scores. One aggregate for everyone hides Albertslund's five from both of them."""
    a, g = world.albertslund, world.glostrup
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    take(world, world.shared, g, area="Skole", group="Eg", value=5)
    shown: dict[str, tuple[int, dict]] = {}
    for user in (world.admin, a.coordinator, g.coordinator):
        for slicing in SLICINGS:
            for item in averages(world, user, slicing).slices:
                for point in item.shown_points:
                    seen = (point.respondents, dict(point.means))
                    assert shown.setdefault(point.slice.key, seen) == seen
    whole = f"round={world.shared.id};point=start"
    assert shown == {whole: (6, shown[whole][1])}  # the whole round only, to the admin
    assert shown[whole][1][("opgaver", "knowledge")] == 2.5
    mine = point_of(averages(world, a.coordinator).slices[0], "start")
    assert not mine.shown and mine.hidden_because is aggregates.HiddenReason.DIFFERENCE
    # Neither her screen nor her CSV has a number of the five.
    status, html = page(client, a.coordinator, f"?cohort={world.shared.id}&slicing=group")
    assert status == 200 and "5 besvarelser" not in html and "2,0" not in html
    _, rows, _ = _csv(client, a.coordinator, f"?cohort={world.shared.id}&slicing=group")
    assert all(row[9] == row[10] == "" for row in rows[1:])


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
    whole = slice_of(averages(world, g.coordinator), f"organisation-{g.organisation.id}")
    assert [goal.scores for goal in whole.goals] == [(1.0,), (1.0,)]
    # Albertslund's five in Børn: page 1 (opgaver) answers 2, 3, 4; page 2 (problemer) 3, 4, 5, 1.
    # lm-1 = opgaver knowledge and skills: (2 + 3) / 2; lm-2 = opgaver skills and problemer approach
    # (two statements): (3 + 5 + 1) / 3. The two in Ældre answered 5: Børn is the difference.
    found = averages(world, a.coordinator, "area")
    born = slice_of(found, f"omraade-{world.albertslund.areas['Børn'].id}")
    assert not born.any_shown and born.goals == ()
    whole = slice_of(found, f"organisation-{a.organisation.id}")
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


def test_a_statement_added_later_leaves_earlier_measurements_in_the_averages(world):
    """Five answered; then the assessment gains an area; a sixth answers it too. All six count;
    the new area's cells are left out of the round's numbers (each number averages the same six),
    and its wheel spoke has no score."""
    take(world, world.alone, world.glostrup, area="Skole", group="Eg", value=2, count=5)
    new = AssessmentArea(
        assessment_id=world.assessment.id, key="nyt", title_da="Nyt område", position=9
    )
    db.session.add(new)
    db.session.flush()
    db.session.add(
        AssessmentItem(
            assessment_id=world.assessment.id,
            area_id=new.id,
            key="n-viden",
            dimension=Dimension.KNOWLEDGE,
            text_da="Udsagn n-viden",
            position=99,
            goals=["lm-3"],
        )
    )
    db.session.flush()
    take(world, world.alone, world.glostrup, area="Skole", group="Eg", value=5)
    found = averages(world, world.admin, cohort=world.alone)
    start = point_of(slice_of(found, "hele"), "start")
    assert start.respondents == 6
    assert start.means[("opgaver", "knowledge")] == round((5 * 2 + 5) / 6, 2)
    assert ("nyt", "knowledge") not in start.means
    assert ("lm-3", results.GOAL_DIMENSION) not in start.means
    assert slice_of(found, "hele").wheel.series[0].score("nyt", "knowledge") is None


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
    hidden = [row for row in body if row[11] and row[1]]
    shown = [row for row in body if not row[11]]
    assert hidden and shown
    for row in hidden:  # one text for every hidden slice, whichever rule hid it
        assert row[9] == "" and row[10] == "" and row[6] == row[7] == row[8] == ""
        assert row[11] == HIDDEN_TEXT
    # Her organisation at the start: seven, 3 × 9 area cells and two goals, each with its mean.
    whole_start = [row for row in shown if row[1] == "Organisation" and row[5] == "Startmåling"]
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
    pending = [row for row in body if not row[1]]  # the points not published yet, first
    assert [(row[0], row[5], row[11]) for row in pending] == [
        ("Fælles forår", "Slutmåling", PENDING_LATER),
        ("Fælles forår", "Løbende måling", PENDING_LATER),
    ]
    assert all(row[6:11] == ["", "", "", "", ""] for row in pending) and body[:2] == pending
    in_file = {(row[3] or "organisation", row[5], not row[11]) for row in body if row[1]}
    assert in_file == screen
    _, rows, _ = _csv(
        client, a.coordinator, f"?cohort={world.shared.id}&slicing=area&separator=comma"
    )
    assert {row[9] for row in rows[1:] if row[1] == "Organisation" and row[5] == "Startmåling"} == {
        "2.57"
    }


def test_csv_of_a_round_without_averages_is_the_header_only(world, client):
    close(world.shared, dt.date(2026, 5, 20))  # every point published: nothing pending
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
    assert (
        "Shown once at least 5 have answered and no one person&#39;s answers can be worked out"
        in html
    )
    assert "The whole programme" in html
    text = client.get(
        f"/kompetencehjul/gennemsnit.csv?cohort={world.shared.id}&separator=comma"
    ).get_data(as_text=True)
    assert text.lstrip("\ufeff").startswith("Programme,Breakdown,")


# --- published only over a frozen set of answers (the review: two views at two moments) ----------


def test_the_reviewers_attack_mid_round_nothing_is_published(world, client, page_clock):
    """Five answer, she looks; a sixth answers, she looks again: 6 · new − 5 · old would be the
    sixth person's scores. Mid-round the start averages are not published at all, so both views
    show nothing (and say when they will)."""
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    mid = dt.date(2026, 2, 10)
    before = averages(world, a.coordinator, today=mid)
    page_clock.now = copenhagen(2026, 2, 10)
    _, html_before = page(client, a.coordinator, f"?cohort={world.shared.id}")
    take(world, world.shared, a, area="Børn", group="Ahorn", value=5, now=copenhagen(2026, 2, 11))
    after = averages(world, a.coordinator, today=dt.date(2026, 2, 11))
    page_clock.now = copenhagen(2026, 2, 11)
    client = client.application.test_client()  # a day later: signed in anew
    _, html_after = page(client, a.coordinator, f"?cohort={world.shared.id}")
    for found in (before, after):
        assert found.state == "not_published" and found.slices == () and found.points == ()
        assert [p.points for p in found.pending] == [
            (MeasurementPoint.START,),
            (MeasurementPoint.END, MeasurementPoint.ADHOC),
        ]
    assert numbers(before) == numbers(after) == {}
    for html in (html_before, html_after):
        assert PENDING_START in html and PENDING_LATER in html and WHY in html
        assert not re.search(r"\d besvarelser", html) and HIDDEN_TEXT not in html
        assert 'role="img"' not in html and "Ikke vist" not in html
    # Its CSV: the round and the points not published yet, with when; no numbers.
    _, rows, _ = _csv(client, a.coordinator, f"?cohort={world.shared.id}")
    assert [(row[5], row[11]) for row in rows[1:]] == [
        ("Startmåling", PENDING_START),
        ("Slutmåling", PENDING_LATER),
        ("Løbende måling", PENDING_LATER),
    ]
    assert all(row[6:11] == ["", "", "", "", ""] for row in rows[1:])


def test_the_reviewers_attack_after_the_cutoff_leaves_the_start_averages_alone(world, client):
    """Six answered before the cutoff; a seventh answers the start on the cutoff day and an eighth
    after: the start averages are those of the six, whenever she looks."""
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=6)
    first = averages(world, a.coordinator, "area", today=CUTOFF)
    take(world, world.shared, a, area="Børn", group="Ahorn", value=5, now=copenhagen(2026, 5, 31))
    take(world, world.shared, a, area="Børn", group="Ahorn", value=5, now=copenhagen(2026, 6, 3))
    later = averages(world, a.coordinator, "area", today=dt.date(2026, 6, 4))
    assert numbers(first) == numbers(later)
    whole = point_of(slice_of(later, f"organisation-{a.organisation.id}"), "start")
    assert whole.respondents == 6 and whole.means[("opgaver", "knowledge")] == 2.0
    assert later.start_before == CUTOFF
    _, html = page(client, a.coordinator, f"?cohort={world.shared.id}")
    assert "Startmålingerne tæller med, hvis de blev gennemført før 31. maj 2026." in html
    assert "Startmåling: 6 besvarelser" in html


def test_start_averages_are_published_exactly_from_the_cutoff_day(world):
    a = world.albertslund
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    day_before = averages(world, a.coordinator, today=CUTOFF - dt.timedelta(days=1))
    assert day_before.state == "not_published" and not day_before.slices
    on_the_day = averages(world, a.coordinator, today=CUTOFF)
    assert on_the_day.state == "averages" and on_the_day.points == (MeasurementPoint.START,)
    assert point_of(on_the_day.slices[0], "start").respondents == 5
    assert published_points(world.shared, CUTOFF - dt.timedelta(days=1)) == {}
    assert published_points(world.shared, CUTOFF) == {MeasurementPoint.START: CUTOFF}


def test_the_start_cutoff_of_a_round_closed_early_or_without_a_last_day(world):
    cohort = world.alone
    assert start_cutoff(cohort) == CUTOFF
    cohort.ends_on = None
    db.session.flush()
    assert start_cutoff(cohort) is None
    assert published_points(cohort, dt.date(2030, 1, 1)) == {}
    (pending, _later) = pending_points(cohort, {})
    assert str(pending.message) == (
        "Gennemsnittet af startmålingerne vises, når forløbet har en slutdato."
    )
    # Closed 3 March (late in the evening in Copenhagen, 2 March 23:30 UTC... still 3 March there).
    cohort.closed_at = copenhagen(2026, 3, 3, 23, 30)
    db.session.flush()
    assert start_cutoff(cohort) == dt.date(2026, 3, 4)
    assert published_points(cohort, dt.date(2026, 3, 3)) == {
        MeasurementPoint.END: None,
        MeasurementPoint.ADHOC: None,
    }
    (pending,) = pending_points(cohort, published_points(cohort, dt.date(2026, 3, 3)))
    assert str(pending.message) == "Gennemsnittet af startmålingerne vises fra 4. marts 2026."
    assert published_points(cohort, dt.date(2026, 3, 4))[MeasurementPoint.START] == dt.date(
        2026, 3, 4
    )
    # Closed after the end opened: the cutoff stays the day the end opened.
    cohort.ends_on = dt.date(2026, 6, 30)
    cohort.closed_at = copenhagen(2026, 7, 2)
    db.session.flush()
    assert start_cutoff(cohort) == CUTOFF


def test_end_and_lobende_averages_only_once_the_round_is_closed(world, client):
    """Even when five have answered the end and five a løbende, nothing of them is shown while the
    round is open; once it is closed, all of them, and no answer can be added any more."""
    a = world.albertslund
    end_time = copenhagen(2026, 6, 2)
    take(
        world,
        world.shared,
        a,
        area="Børn",
        group="Ahorn",
        value=4,
        count=5,
        point="end",
        now=end_time,
    )
    take(world, world.shared, a, area="Ældre", group="Birk", value=1, count=5, point="adhoc")
    take(world, world.shared, a, area="Børn", group="Ahorn", value=2, count=5)
    open_round = averages(world, world.admin, today=dt.date(2026, 6, 20))
    assert open_round.points == (MeasurementPoint.START,)
    assert {point for _, point in numbers(open_round)} == {"start"}
    _, html = page(client, world.admin, f"?cohort={world.shared.id}")
    assert PENDING_LATER in html and "Slutmåling" not in html and "Løbende måling" not in html

    close(world.shared, dt.date(2026, 6, 25))
    closed = averages(world, world.admin, today=dt.date(2026, 6, 25))
    assert closed.points == POINTS and closed.pending == ()
    whole = slice_of(closed, "hele")
    assert [(p.point.value, p.respondents) for p in whole.points] == [
        ("start", 5),
        ("end", 5),
        ("adhoc", 5),
    ]
    assert point_of(whole, "end").means[("opgaver", "knowledge")] == 4.0
    # The start averages were published over the same five before closing: unchanged.
    assert numbers(closed)[("hele", "start")] == numbers(open_round)[("hele", "start")]
    # A closed round takes no more answers, so the end and løbende averages stay as they are.
    with pytest.raises(ServiceError):  # the round is closed (read-only)
        take(world, world.shared, a, area="Børn", group="Ahorn", point="end", now=end_time)
    assert numbers(averages(world, world.admin, today=dt.date(2027, 1, 1))) == numbers(closed)
