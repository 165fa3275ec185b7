"""A round with many events lists them a month at a time (``schedule/event_months.py``): the months
with their counts, the chosen one, and bad month values that show the default, never a 500."""

from __future__ import annotations

import re

import pytest

from course_app.schedule import event_months
from tests.helpers import copenhagen


@pytest.fixture
def few_per_page(monkeypatch):
    """Months from three events on (a thousand leader meetings are slow to make in a test)."""
    monkeypatch.setattr(event_months, "MONTHS_FROM", 3)


def _titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/kalender/\d+">([^<]+)</a></td>', html)


def test_a_small_round_lists_every_event(world, plan, browser):
    html = browser(world.ad).get(f"/kalender/forloeb/{world.round.id}").get_data(as_text=True)
    assert sorted(_titles(html)) == sorted(
        ["Kick off", "Ledermøde i Ahorn", "Ledermøde i Hyld", "Workshop 1 i Glostrup"]
    )
    assert "en måned ad gangen" not in html


def test_many_events_come_a_month_at_a_time(world, plan, browser, few_per_page):
    admin = browser(world.ad)
    url = f"/kalender/forloeb/{world.round.id}"
    html = admin.get(url).get_data(as_text=True)  # the clock stands in September 2026
    assert "Forløbet har mange begivenheder, så de vises en måned ad gangen." in html
    assert '<strong aria-current="page">september 2026 (1)</strong>' in html
    assert f'href="{url}?maaned=2026-10#begivenheder">oktober 2026 (3)</a>' in html
    assert _titles(html) == ["Kick off"]
    october = admin.get(f"{url}?maaned=2026-10").get_data(as_text=True)
    assert _titles(october) == ["Ledermøde i Ahorn", "Ledermøde i Hyld", "Workshop 1 i Glostrup"]
    # The round has its kick-off (in another month): it is not offered again.
    assert "/ny/kick-off" not in october and "/ny/workshop" in october


@pytest.mark.parametrize(
    "month", ["2026-13", "2026-00", "²⁰²⁶-10", "\x00", "2026-1", "0000-10", "x" * 4000, "2027-05"]
)
def test_a_month_that_cannot_be_read_or_has_no_events_shows_the_default(
    world, plan, browser, few_per_page, month
):
    response = browser(world.ad).get(
        f"/kalender/forloeb/{world.round.id}", query_string={"maaned": month}
    )
    assert response.status_code == 200
    assert _titles(response.get_data(as_text=True)) == ["Kick off"]


def test_after_the_last_event_the_last_month_is_shown(world, plan, browser, few_per_page, clock):
    clock.now = copenhagen(2027, 3, 1)
    html = browser(world.ad).get(f"/kalender/forloeb/{world.round.id}").get_data(as_text=True)
    assert '<strong aria-current="page">oktober 2026 (3)</strong>' in html
