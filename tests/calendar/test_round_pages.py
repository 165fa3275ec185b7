"""A round with many events lists them a page at a time (``schedule/event_pages.py``), starting with
the page that holds the first event not yet over; page numbers from the URL that cannot be read show
the nearest real page, never a 500."""

from __future__ import annotations

import re

import pytest

from course_app.schedule import event_pages
from tests.helpers import copenhagen

ALL = ["Kick off", "Ledermøde i Ahorn", "Ledermøde i Hyld", "Workshop 1 i Glostrup"]


@pytest.fixture
def two_per_page(monkeypatch):
    """Pages of two events (a round's thousands of leader meetings are slow to make in a test)."""
    monkeypatch.setattr(event_pages, "PER_PAGE", 2)


def _titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/kalender/\d+">([^<]+)</a></td>', html)


def test_a_small_round_lists_every_event(world, plan, browser):
    html = browser(world.ad).get(f"/kalender/forloeb/{world.round.id}").get_data(as_text=True)
    assert _titles(html) == ALL
    assert "Viser begivenhed" not in html


def test_many_events_come_a_page_at_a_time(world, plan, browser, two_per_page):
    admin = browser(world.ad)
    url = f"/kalender/forloeb/{world.round.id}"
    html = admin.get(url).get_data(as_text=True)  # 1 September: nothing is over yet
    assert _titles(html) == ALL[:2]
    assert "Viser begivenhed 1–2 af 4 (side 1 af 2)." in html
    assert f'<a rel="next" href="{url}?side=2#begivenheder">Næste side</a>' in html
    second = admin.get(f"{url}?side=2").get_data(as_text=True)
    assert _titles(second) == ALL[2:]
    assert 'rel="prev"' in second and 'rel="next"' not in second
    # The round has its kick-off (on the first page): it is not offered again on the second.
    assert "/ny/kick-off" not in second and "/ny/workshop" in second


def test_without_a_page_number_the_first_event_not_over_is_shown(
    world, plan, browser, two_per_page, clock
):
    clock.now = copenhagen(2026, 10, 7, 15)  # the kick-off and both meetings are over
    html = browser(world.ad).get(f"/kalender/forloeb/{world.round.id}").get_data(as_text=True)
    assert _titles(html) == ALL[2:]
    clock.now = copenhagen(2027, 3, 1)  # everything is over: the last page
    html = browser(world.ad).get(f"/kalender/forloeb/{world.round.id}").get_data(as_text=True)
    assert _titles(html) == ALL[2:]


@pytest.mark.parametrize(
    ("requested", "titles"),
    [
        *[(text, ALL[:2]) for text in ("0", "-1", "²", "\x00", "9" * 40, "x" * 5000)],
        *[(text, ALL[2:]) for text in ("3", "999999")],
    ],
)
def test_a_page_number_that_cannot_be_read_shows_the_nearest_page(
    world, plan, browser, two_per_page, requested, titles
):
    response = browser(world.ad).get(
        f"/kalender/forloeb/{world.round.id}", query_string={"side": requested}
    )
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == titles
