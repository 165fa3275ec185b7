"""The pages: a leader books with a question, the supporter reads it, the coordinator and the admin
see counts only (the question is on no page they can reach); forged fields; typed text kept."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.core.db import db
from course_app.service_check import booking as booking_service
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from tests.helpers import post_form
from tests.service_check.conftest import NOTE, QUESTION, copenhagen

NOW = copenhagen(2026, 9, 1)


def _book(client, round_, data: dict[str, str]):
    """Post ``data`` to the booking form of ``round_``, from the leader's page."""
    return post_form(client, "/servicetjek", f"/servicetjek/forloeb/{round_.id}/book", data)


def _booking_of(user) -> ServiceCheckBooking | None:
    return db.session.scalar(
        select(ServiceCheckBooking).where(ServiceCheckBooking.user_id == user.id)
    )


def test_book_read_by_supporter_counts_only_for_coordinator_and_admin(world, browser):
    slot = world.slot("sa")
    leader = browser(world.la)
    page = leader.get("/servicetjek").get_data(as_text=True)
    assert "Ingen spørgsmål er for små" in page and "Sofie Support" in page
    response = _book(leader, world.round, {"slot": str(slot.id), "questions": QUESTION})
    assert response.status_code == 302, response.get_data(as_text=True)
    made = _booking_of(world.la)
    assert made is not None and made.questions == QUESTION
    assert QUESTION in leader.get("/servicetjek").get_data(as_text=True)

    supporter = browser(world.sa)
    day = supporter.get("/servicetjek/dag?dato=2026-09-10").get_data(as_text=True)
    assert QUESTION in day and "Lise Leder" in day
    response = post_form(
        supporter,
        "/servicetjek/dag?dato=2026-09-10",
        f"/servicetjek/booking/{made.id}/udfald",
        {"outcome_note": NOTE},
    )
    assert response.status_code == 302
    assert NOTE in leader.get("/servicetjek").get_data(as_text=True)

    for key in ("ka", "ad"):
        staff = browser(world.people[key])
        counts = staff.get(f"/servicetjek/forloeb/{world.round.id}/overblik")
        assert counts.status_code == 200
        html = counts.get_data(as_text=True)
        assert re.search(r'class="numeric">1<', html)  # booked
        for url in (
            "/servicetjek",
            f"/servicetjek/forloeb/{world.round.id}/overblik",
            "/servicetjek/dag?dato=2026-09-10",
            f"/servicetjek/booking/{made.id}.ics",
            f"/forloeb/{world.round.id}/deltagere",
            f"/forloeb/{world.round.id}/deltagere.csv",
            "/rapport",
            "/admin/log",
        ):
            body = staff.get(url).get_data(as_text=True)
            assert QUESTION not in body and NOTE not in body, (key, url)
    # Another supporter and another leader do not reach the booking either.
    for key in ("sp", "la2"):
        other = browser(world.people[key])
        assert other.get(f"/servicetjek/booking/{made.id}.ics").status_code == 404
        assert QUESTION not in other.get("/servicetjek/dag?dato=2026-09-10").get_data(as_text=True)


def test_forged_fields_are_ignored_and_another_organisations_slot_is_404(world, browser):
    own = world.slot("sa")
    leader_b = browser(world.lb)
    response = _book(leader_b, world.round, {"slot": str(own.id), "questions": "x"})
    assert response.status_code == 404
    assert _booking_of(world.lb) is None
    leader = browser(world.la)
    response = _book(
        leader,
        world.round,
        {
            "slot": str(own.id),
            "questions": "",
            "user_id": str(world.la2.id),
            "supporter_id": str(world.sp.id),
            "cohort_id": str(world.round_b.id),
        },
    )
    assert response.status_code == 302
    made = _booking_of(world.la)
    assert made is not None and made.slot.supporter_id == world.sa.id
    assert _booking_of(world.la2) is None
    # A round she is not in: 404, even with a slot of her own round.
    response = _book(leader, world.round_b, {"slot": str(own.id)})
    assert response.status_code == 404
    # Someone else's booking: 404 for moving, cancelling and the questions.
    other = browser(world.la2)
    for action in ("aflys", "spoergsmaal", "flyt"):
        response = post_form(
            other,
            "/servicetjek",
            f"/servicetjek/booking/{made.id}/{action}",
            {"questions": "x", "slot": str(own.id)},
        )
        assert response.status_code == 404, action


def test_a_refused_booking_keeps_the_typed_questions(world, browser):
    slot = world.slot("sa")
    booking_service.book(world.viewer("la2"), slot, "", now=NOW)
    other = world.slot("sa", copenhagen(2026, 9, 10, 11))
    leader = browser(world.la)
    response = _book(
        leader, world.round, {"slot": str(slot.id), "questions": "Min printer driller <b>"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Tiden er lige blevet booket af en anden. Vælg en anden tid." in html
    assert "Min printer driller &lt;b&gt;" in html
    response = _book(leader, world.round, {"questions": "Hej"})
    assert response.status_code == 400 and "Vælg en tid." in response.get_data(as_text=True)
    assert f'value="{other.id}"' in response.get_data(as_text=True)


def test_supporter_creates_and_cancels_slots(world, browser, mail_to_mailbox):
    supporter = browser(world.sa)
    page = f"/servicetjek/forloeb/{world.round.id}/tider"
    assert "Du har ikke lagt tider ud" in supporter.get(page).get_data(as_text=True)
    response = post_form(
        supporter,
        page,
        page,
        {
            "day": "2026-09-15",
            "start": "9.30",
            "length_minutes": "abc",
            "place": "Lokale 3",
            "online_link": "ftp://x",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Skriv varigheden som et helt antal minutter" in html and 'value="Lokale 3"' in html
    response = post_form(
        supporter,
        page,
        page,
        {
            "day": "2026-09-15",
            "start": "9.30",
            "length_minutes": "45",
            "place": "Lokale 3",
            "online_link": "https://meet.example.dk/sc",
        },
    )
    assert response.status_code == 302
    slot = db.session.scalar(
        select(ServiceCheckSlot).where(ServiceCheckSlot.supporter_id == world.sa.id)
    )
    assert slot.length_minutes == 45 and slot.starts_at == copenhagen(2026, 9, 15, 9, 30)
    booking_service.book(world.viewer("la"), slot, QUESTION, now=NOW)
    db.session.flush()
    response = post_form(supporter, page, f"/servicetjek/tider/{slot.id}/aflys", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert slot.cancelled_at is not None and _booking_of(world.la) is None
    # Another supporter's slot, and people without the role.
    assert (
        post_form(
            browser(world.sp), "/servicetjek", f"/servicetjek/tider/{slot.id}/aflys", {}
        ).status_code
        == 404
    )
    for key in ("la", "ka", "ad"):
        assert browser(world.people[key]).get(page).status_code == 403
        assert browser(world.people[key]).get("/servicetjek/dag").status_code == 403
    assert (
        browser(world.sa).get(f"/servicetjek/forloeb/{world.round_b.id}/tider").status_code == 404
    )


def test_the_menu_shows_servicetjek(world, browser):
    for key in ("la", "sa", "ka", "ad"):
        html = browser(world.people[key]).get("/servicetjek").get_data(as_text=True)
        assert 'href="/servicetjek"' in html, key


def test_pages_without_anything_say_what_to_do(world, browser):
    html = browser(world.la).get("/servicetjek").get_data(as_text=True)
    assert "Der er ingen ledige tider lige nu" in html
    html = browser(world.sa).get("/servicetjek/dag").get_data(as_text=True)
    assert "Du har ingen aftaler denne dag." in html
    outsider = world.people["ad"]
    assert browser(outsider).get("/servicetjek/forloeb/999999/overblik").status_code == 404
    assert (
        browser(world.la).get(f"/servicetjek/forloeb/{world.round.id}/overblik").status_code == 403
    )


def _duplicate_ids(html: str) -> list[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    return sorted({found for found in ids if ids.count(found) > 1})


def test_pages_have_unique_ids_and_labelled_fields(world, browser):
    """Several forms on one page (axe: duplicate ids, labels): each field has an id of its own."""
    mine = world.slot("sa")
    world.slot("sa", copenhagen(2026, 9, 10, 11))
    world.slot("sp", copenhagen(2026, 9, 10, 12))
    made = booking_service.book(world.viewer("la"), mine, QUESTION, now=NOW)
    other = booking_service.book(
        world.viewer("la2"), world.slot("sa", copenhagen(2026, 9, 10, 13)), "", now=NOW
    )
    assert other.id != made.id
    pages = {
        "la": ["/servicetjek"],
        "la2": ["/servicetjek"],
        "sa": [
            "/servicetjek",
            "/servicetjek/dag?dato=2026-09-10",
            "/servicetjek/tider",
            f"/servicetjek/forloeb/{world.round.id}/tider",
        ],
        "ad": ["/servicetjek", f"/servicetjek/forloeb/{world.round.id}/overblik"],
    }
    for key, urls in pages.items():
        client = browser(world.people[key])
        for url in urls:
            html = client.get(url).get_data(as_text=True)
            assert not _duplicate_ids(html), (key, url, _duplicate_ids(html))
            for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", html):
                field_id = re.search(r'\sid="([^"]+)"', tag)
                if field_id is None or re.search(r'type="(submit|hidden)"', tag):
                    continue
                assert f'for="{field_id.group(1)}"' in html, (key, url, tag)


def _radio_values(html: str) -> list[str]:
    return re.findall(r'<input[^>]*type="radio"[^>]*value="(\d+)"', html) or re.findall(
        r'<input[^>]*value="(\d+)"[^>]*type="radio"', html
    )


def test_free_times_are_shown_a_day_at_a_time(world, browser):
    """Hundreds of free times in a large municipality: the leader chooses a day (a GET form that
    works without JavaScript), then a time of that day."""
    first = world.slot("sa", copenhagen(2026, 9, 10, 9))
    second = world.slot("sa", copenhagen(2026, 9, 10, 11))
    later = world.slot("sa", copenhagen(2026, 9, 14, 13))
    leader = browser(world.la)
    html = leader.get("/servicetjek").get_data(as_text=True)
    assert _radio_values(html) == [str(first.id), str(second.id)]
    assert 'name="dato"' in html and "Vis ledige tider den" in html
    assert "torsdag 10. september 2026 (2 ledige tider)" in html
    assert "mandag 14. september 2026 (1 ledig tid)" in html
    html = leader.get("/servicetjek?dato=2026-09-14").get_data(as_text=True)
    assert _radio_values(html) == [str(later.id)]
    assert "Ledige tider mandag 14. september 2026" in html
    # The chosen day rides along with the booking form; booked from it, the time is hers.
    response = post_form(
        leader,
        "/servicetjek?dato=2026-09-14",
        f"/servicetjek/forloeb/{world.round.id}/book",
        {"slot": str(later.id), "questions": "", "dato": "2026-09-14"},
    )
    assert response.status_code == 302
    assert _booking_of(world.la).slot_id == later.id


def test_a_refused_booking_shows_the_day_she_chose_from(world, browser):
    world.slot("sa", copenhagen(2026, 9, 10, 9))
    taken = world.slot("sa", copenhagen(2026, 9, 14, 13))
    still_free = world.slot("sa", copenhagen(2026, 9, 14, 15))
    booking_service.book(world.viewer("la2"), taken, "", now=NOW)
    leader = browser(world.la)
    response = post_form(
        leader,
        "/servicetjek?dato=2026-09-14",
        f"/servicetjek/forloeb/{world.round.id}/book",
        {"slot": str(taken.id), "questions": "Min skærm", "dato": "2026-09-14"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert _radio_values(html) == [str(still_free.id)] and "Min skærm" in html


@pytest.mark.parametrize(
    "day", ["", "\x00", "²⁰²⁶-09-14", "2026-02-30", "9999-99-99", "x" * 5000, "-1"]
)
def test_a_day_that_cannot_be_read_shows_the_first(world, browser, day):
    first = world.slot("sa", copenhagen(2026, 9, 10, 9))
    world.slot("sa", copenhagen(2026, 9, 14, 13))
    leader = browser(world.la)
    response = leader.get("/servicetjek", query_string={"dato": day})
    assert response.status_code == 200
    assert _radio_values(response.get_data(as_text=True)) == [str(first.id)]
