"""Her wheel page (issue 14, point 3): the SVG with its title and description, the legend and the
table of the same numbers, start and end overlaid, the empty state, the outro and its film, the
print button; 404 for anyone the assessment is not hers to see; queries that do not grow with her
results."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from course_app.assessments.models import AssessmentArea
from course_app.cohorts import services as cohorts
from course_app.core.db import db
from course_app.self_assessment import results, round_tools, taking, texts
from tests import factories
from tests.helpers import sign_in
from tests.self_assessment.conftest import END_TIME, NOW, answer_all

_TBODY = re.compile(r'<tbody data-area="([^"]+)">(.*?)</tbody>', re.DOTALL)
_CELL = re.compile(
    r'<td class="numeric" data-series="([^"]+)" data-dimension="([^"]+)">([^<]*)</td>'
)


def _take(world, leader, point, now, value):
    a = world.assessment
    taking.start_or_resume(leader, world.cohort, a, point, now)
    for number, answers in enumerate(answer_all(a, value), start=1):
        taking.save_page(leader, world.cohort, a, point, number, answers, now)
    return taking.complete(leader, world.cohort, a, point, now)


def _varied(page, index):
    return 1 + (page + index) % 5


def _url(world) -> str:
    return f"/kompetencehjul/hjul/{world.assessment.id}"


@pytest.fixture
def browser(app, client):
    """A test client of one's own, signed in as the given person (None: anonymous)."""

    def open_as(person):
        new = app.test_client()
        if person is not None:
            assert sign_in(new, person.email).status_code == 302
        return new

    return open_as


def _page(browser, world, leader, status=200) -> str:
    response = browser(leader).get(_url(world))
    assert response.status_code == status
    return response.get_data(as_text=True)


def _table(html: str) -> dict[tuple[str, str, str], float]:
    """(area, series, dimension) → the number shown in the table."""
    found = {}
    for area, body in _TBODY.findall(html):
        for series, dimension, text in _CELL.findall(body):
            found[(area, series, dimension)] = float(text.replace(",", "."))
    return found


@pytest.fixture
def linked(world, session):
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    session.commit()
    return world


def test_the_page_shows_the_wheel_its_legend_and_a_table_of_the_same_numbers(
    linked, browser, session
):
    world = linked
    _take(world, world.anna, "start", NOW, _varied)
    session.commit()
    html = _page(browser, world, world.anna)

    assert re.search(
        r'<svg [^>]*role="img"[^>]*aria-labelledby="mit-hjul-title mit-hjul-desc"', html
    )
    assert '<title id="mit-hjul-title">Kompetencehjul</title>' in html
    assert '<desc id="mit-hjul-desc">Kompetencehjul med 6 områder' in html
    assert "Forløbsplatformens eget demo-kompetencehjul" in html  # the demo model's label

    mine = results.my_results(world.anna, world.assessment)
    expected = {
        (area, mine[0].key, dimension): round(value, 1)
        for area, by_dimension in mine[0].scores.items()
        for dimension, value in by_dimension.items()
    }
    assert len(expected) == 18
    assert _table(html) == expected
    assert '<caption id="hjul-tabel">' in html
    assert html.count('<th scope="rowgroup"') == 6 and html.count('<th scope="row">') == 18

    # The legend: one measurement, the three dimensions in words as well as drawn.
    assert html.count('<li data-series="') == 1
    for dimension in ("knowledge", "skills", "approach"):
        assert f'<li data-dimension="{dimension}">' in html
    assert "hel linje, runde mærker" in html and "prikket linje, trekantede mærker" in html

    # The short text, the outro (escaped paragraphs) and printing (a button for JS, a hint without).
    assert "Du ligger højest i" in html
    assert "<p>Tak for dine svar." in html
    assert '<button type="button" class="button button-secondary" data-print hidden>' in html
    assert "Brug din browsers udskriftsfunktion" in html
    assert 'src="/static/js/print.js"' in html
    assert "<script>" not in html  # nothing inline (CSP: script-src 'self')

    # Her reflections below, private.
    assert "Dine svar her er private. Kun du kan se dem." in html
    assert html.count('class="form-input answer-text"') == 3


def test_start_and_end_are_overlaid(linked, browser, session):
    world = linked
    _take(world, world.anna, "start", NOW, 2)
    _take(world, world.anna, "end", END_TIME, 4)
    session.commit()
    html = _page(browser, world, world.anna)
    mine = results.my_results(world.anna, world.assessment)
    assert [r.point.value for r in mine] == ["start", "end"]
    assert html.count('<li data-series="') == 2
    assert html.count("<g data-series=") == 2  # both drawn in the SVG
    table = _table(html)
    assert len(table) == 36
    assert {value for (_, series, _), value in table.items() if series == mine[0].key} == {2.0}
    assert {value for (_, series, _), value in table.items() if series == mine[1].key} == {4.0}
    assert '<th scope="col" class="numeric">Start</th>' in html
    assert '<th scope="col" class="numeric">Slut</th>' in html
    assert "Din seneste måling (Slut):" in html


def test_fewer_than_three_active_areas_say_so_instead_of_a_wheel(linked, browser, session):
    world = linked
    _take(world, world.anna, "start", NOW, 3)
    areas = session.scalars(
        select(AssessmentArea).where(AssessmentArea.assessment_id == world.assessment.id)
    ).all()
    for area in areas[2:]:  # a re-import retired all but two
        area.retired_at = NOW
    session.commit()
    response = browser(world.anna).get(f"/kompetencehjul/hjul/{world.assessment.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "færre end tre områder" in html and "<svg xmlns" not in html


def test_empty_state_links_to_her_measurements(linked, browser, session):
    html = _page(browser, linked, linked.anna)
    assert "Du har ikke gennemført en måling med kompetencehjulet endnu." in html
    assert 'href="/kompetencehjul"' in html
    assert "<svg xmlns" not in html and "<table" not in html


def test_a_colleague_in_the_round_sees_only_her_own_numbers(linked, browser, session):
    world = linked
    _take(world, world.anna, "start", NOW, 5)
    _take(world, world.leaders[1], "start", NOW, 1)
    session.commit()
    html = _page(browser, world, world.leaders[1])
    assert set(_table(html).values()) == {1.0}
    assert "5,0" not in html


def test_anyone_the_assessment_is_not_hers_to_see_gets_404(world, browser, session):
    _take(world, world.anna, "start", NOW, 5)  # anna's numbers exist
    other_org = factories.organisation("Glostrup")
    other_round = cohorts.create_cohort(
        factories.course(),
        name="Efterår",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 6, 30),
        organisations=[other_org],
    )
    outsider, _ = factories.enrolled_leader(other_round, org=other_org, name="Olga Udenfor")
    session.commit()

    # The round does not use the assessment, and she has no measurement of it.
    html = _page(browser, world, outsider, status=404)
    assert "5,0" not in html and "Kompetencehjul med" not in html
    # A colleague in anna's round, while the round has no tool and she has no measurement: 404.
    colleague = browser(world.leaders[2])
    assert colleague.get(_url(world)).status_code == 404
    # An assessment that does not exist looks the same.
    assert colleague.get("/kompetencehjul/hjul/999999").status_code == 404
    # Signed out: to the sign-in page.
    assert browser(None).get(_url(world)).status_code == 302


def test_anna_keeps_her_page_without_the_round_tool_but_not_a_retired_assessment(
    world, browser, session
):
    _take(world, world.anna, "start", NOW, 3)
    session.commit()
    anna = browser(world.anna)
    assert anna.get(_url(world)).status_code == 200  # her measurement is enough
    world.assessment.retired_at = NOW
    session.commit()
    assert anna.get(_url(world)).status_code == 404


def test_a_film_after_the_wheel_loads_only_when_she_asks(linked, browser, session):
    world = linked
    _take(world, world.anna, "start", NOW, 3)
    world.assessment.outro_video_url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    session.commit()
    anna = browser(world.anna)
    html = anna.get(_url(world)).get_data(as_text=True)
    assert "Afspil video" in html and "<iframe" not in html
    assert f'href="/kompetencehjul/hjul/{world.assessment.id}?vis=film#film"' in html
    played = anna.get(_url(world) + "?vis=film").get_data(as_text=True)
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in played

    world.assessment.outro_video_url = "javascript:alert(1)"
    session.commit()
    assert "javascript:" not in anna.get(_url(world)).get_data(as_text=True)


def test_outro_text_is_escaped(linked, browser, session):
    world = linked
    _take(world, world.anna, "start", NOW, 3)
    world.assessment.outro_da = "Første <b>afsnit</b>\n\nAndet afsnit"
    session.commit()
    html = _page(browser, world, world.anna)
    assert "<p>Første &lt;b&gt;afsnit&lt;/b&gt;</p>" in html
    assert "<p>Andet afsnit</p>" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Et\n\nTo", ("Et", "To")),
        ("Et\r\n\r\nTo", ("Et", "To")),  # as a browser posts it
        ("  Et\nsamme\n \t \n\n\nTo  ", ("Et\nsamme", "To")),  # a blank line of spaces
        ("", ()),
        ("\n \n", ()),
    ],
)
def test_intro_and_outro_share_one_way_into_paragraphs(text, expected):
    assert texts.paragraphs(text) == expected


def test_the_page_in_english(linked, browser, session):
    world = linked
    _take(world, world.anna, "start", NOW, 3)
    world.anna.locale = "en"
    session.commit()
    html = _page(browser, world, world.anna)
    assert "Your competence wheel" in html
    assert "Your answers here are private. Only you can see them." in html
    assert "Which digital competences are important in your area?" in html


def test_queries_do_not_grow_with_her_results(linked, browser, session, count_statements):
    world = linked
    _take(world, world.anna, "start", NOW, 2)
    session.commit()
    anna = browser(world.anna)
    anna.get(_url(world))  # warm up
    with count_statements() as one:
        assert anna.get(_url(world)).status_code == 200
    _take(world, world.anna, "adhoc", NOW + dt.timedelta(days=10), 3)
    _take(world, world.anna, "adhoc", NOW + dt.timedelta(days=20), 4)
    _take(world, world.anna, "end", END_TIME, 5)
    db.session.commit()
    with count_statements() as four:
        html = anna.get(_url(world)).get_data(as_text=True)
    assert html.count('<li data-series="') == 4
    assert four.count == one.count
