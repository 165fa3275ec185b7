"""The calendar's pages in a browser-like client: each role meets what the table in
``schedule/event_access.py`` allows, bad input is answered at its field with nothing saved, and every
attempt to reach past a role (another group's meeting by id, another round's event, a foreign
organisation) is 404 or 403 with the database unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.schedule.event_models import Event
from tests.calendar.conftest import copenhagen
from tests.conftest import csrf_token_from


def _rows(session) -> list[tuple]:
    session.expire_all()
    return list(
        session.execute(
            select(Event.id, Event.title, Event.starts_at, Event.ends_at, Event.place).order_by(
                Event.id
            )
        )
    )


def _post(client, page: str, action: str, data: dict[str, str]):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token})


FORM = {
    "title": "Workshop 1",
    "number": "1",
    "day": "2026-10-29",
    "start": "10:00",
    "end": "12:30",
    "end_day": "",
    "place": "Glostrup Rådhus",
    "description": "Vi arbejder videre med film 1 og 2.",
}


def _new_url(world, kind: str = "workshop", cohort=None) -> str:
    return f"/kalender/forloeb/{(cohort or world.round).id}/ny/{kind}"


# --- Creating and changing -----------------------------------------------------------------------


def test_an_admin_creates_a_workshop_and_everyone_in_the_round_sees_it(world, session, browser):
    admin = browser(world.ad)
    response = _post(admin, _new_url(world), _new_url(world), FORM)
    assert response.status_code == 302
    event = session.scalar(select(Event))
    assert response.headers["Location"].endswith(f"/kalender/{event.id}")
    assert event.starts_at == copenhagen(2026, 10, 29, 10)
    page = admin.get(f"/kalender/{event.id}").get_data(as_text=True)
    assert "Begivenheden er gemt." in page
    assert "torsdag 29. oktober 2026 kl. 10.00–12.30" in page
    for key in ("a", "c", "d", "h", "f", "ka", "kb"):
        response = browser(world.people[key]).get(f"/kalender/{event.id}")
        assert response.status_code == 200, key
        assert "Glostrup Rådhus" in response.get_data(as_text=True)
    for key in ("e", "x"):  # leaders of other rounds
        assert browser(world.people[key]).get(f"/kalender/{event.id}").status_code == 404, key


def test_a_chair_sets_her_groups_meeting_from_the_group_page(world, session, browser):
    chair = browser(world.h)
    group_page = chair.get(f"/grupper/{world.g1.id}").get_data(as_text=True)
    assert "Mødet har ikke fået en dato endnu." in group_page
    lg1 = world.meetings["lg-1"]
    link = (
        f"/kalender/forloeb/{world.round.id}/ny/ledermoede?gruppe={world.g1.id}&amp;modul={lg1.id}"
    )
    assert link in group_page
    form = chair.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option selected value="{world.g1.id}">' in form
    assert f'<option selected value="{lg1.id}">' in form
    assert world.g2.name not in form  # only her own group to choose
    data = {
        **FORM,
        "title": "Ledermøde om film 1",
        "group": str(world.g1.id),
        "module": str(lg1.id),
        "day": "6.10.2026",
        "start": "14.00",
        "end": "15.30",
        "place": "Mødelokale 3",
    }
    response = _post(chair, link.replace("&amp;", "&"), _new_url(world, "ledermoede"), data)
    assert response.status_code == 302
    for person in (world.h, world.a, world.b):
        page = browser(person).get(f"/grupper/{world.g1.id}").get_data(as_text=True)
        assert "tirsdag 6. oktober 2026 kl. 14.00–15.30, Mødelokale 3" in page
        sheet = browser(person).get(f"/grupper/{world.g1.id}/moeder/lg-1/print")
        assert "tirsdag 6. oktober 2026 kl. 14.00–15.30, Mødelokale 3" in sheet.get_data(
            as_text=True
        )
    assert "Ret tid og sted" in chair.get(f"/grupper/{world.g1.id}").get_data(as_text=True)
    assert "Ret tid og sted" not in browser(world.a).get(f"/grupper/{world.g1.id}").get_data(
        as_text=True
    )


def test_mit_forloeb_shows_the_upcoming_events_with_dates_and_places(world, plan, browser):
    page = browser(world.a).get("/mit-forloeb").get_data(as_text=True)
    assert "Kommende begivenheder" in page
    for text in (
        "Kick off",
        "tirsdag 15. september 2026 kl. 10.00–12.00",
        "Ledermøde i Ahorn",
        "Mødelokale Ahorn",
        "Workshop 1 i Glostrup",
        f"· Ledermøde · {world.g1.name}</span>",  # the kind, and her group's name
        "· Fælles workshop 1</span>",
    ):
        assert text in page, text
    assert "Ledermøde i Hyld" not in page  # another organisation's group
    assert "Kick off kun A" not in page  # a round she is not in
    other = browser(world.d).get("/mit-forloeb").get_data(as_text=True)
    assert "Ledermøde i Hyld" in other and "Ledermøde i Ahorn" not in other


def test_a_form_with_bad_input_keeps_the_text_and_names_each_field(world, session, browser):
    admin = browser(world.ad)
    data = {
        **FORM,
        "title": "",
        "day": "99999-01-01",
        "start": "25:00",
        "description": "x" * 10_000,
        "place": "Sal\x002",
    }
    response = _post(admin, _new_url(world), _new_url(world), data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Rettelsen blev ikke gemt" in page
    assert "Dato: Skriv datoen som dd.mm.åååå" in page
    assert "Fra kl.: Skriv klokkeslættet som tt.mm" in page
    assert _rows(session) == []
    # The dates parsed: now the service's own checks, every field at once.
    data.update(day="2026-10-29", start="10:00")
    page = _post(admin, _new_url(world), _new_url(world), data).get_data(as_text=True)
    assert "Titel: Skriv en titel." in page
    assert "Sted: Stedet må ikke indeholde styretegn" in page
    assert (
        "Beskrivelse (kan være tom): Beskrivelsen må højst være 5000 tegn; der står 10000." in page
    )
    assert 'aria-invalid="true"' in page
    assert _rows(session) == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"day": ""}, "Vælg begivenhedens dato"),
        ({"end": "09:00"}, "Slutningen skal ligge efter starten"),
        ({"day": "2062-10-29"}, "ligger for langt fra forløbet"),
        ({"day": "30.02.2027"}, "Datoen findes ikke i kalenderen."),
        ({"day": "2027-03-28", "start": "02:30", "end": "04:00"}, "findes ikke 28.03.2027"),
        ({"number": "3"}, "Vælg workshop 1 eller 2."),
        ({"number": "99999999999999999999"}, "Vælg workshop 1 eller 2."),
    ],
)
def test_each_bad_value_is_refused_at_its_field(world, session, browser, values, message):
    response = _post(browser(world.ka), _new_url(world), _new_url(world), {**FORM, **values})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _rows(session) == []


def test_editing_moves_the_event_and_the_old_time_is_gone(world, plan, session, browser):
    event = plan["ws1"]
    url = f"/kalender/{event.id}/rediger"
    form = browser(world.kb).get(url).get_data(as_text=True)
    assert 'value="2026-10-29"' in form and 'value="10:00"' in form
    response = _post(browser(world.kb), url, url, {**FORM, "day": "2026-11-05", "start": "09:00"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Event, event.id).starts_at == copenhagen(2026, 11, 5, 9)
    assert session.get(Event, event.id).sequence == 1


def test_deleting_an_event(world, plan, session, browser):
    event = plan["kickoff"]
    response = _post(browser(world.ka), f"/kalender/{event.id}", f"/kalender/{event.id}/slet", {})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/kalender/forloeb/{world.round.id}")
    assert [row.id for row in _rows(session)] == [
        plan[key].id for key in ("ws1", "g1", "g3", "round_a")
    ]


# --- Trying to reach past a role ------------------------------------------------------------------


def _tries(world, plan, person, event_key: str, expected: int, session, browser):
    event = plan[event_key]
    client = browser(person)
    before = _rows(session)
    page = client.get("/kalender").get_data(as_text=True)  # for a CSRF token
    token = csrf_token_from(page)
    for url, data in (
        (f"/kalender/{event.id}/rediger", {**FORM, "title": "Kapret", "group": str(world.g1.id)}),
        (f"/kalender/{event.id}/slet", {}),
    ):
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == expected, (url, response.status_code)
    assert client.get(f"/kalender/{event.id}/rediger").status_code == expected
    assert _rows(session) == before


def test_a_chair_of_g1_cannot_touch_g3s_meeting_by_id(world, plan, session, browser):
    _tries(world, plan, world.h, "g3", 404, session, browser)
    assert browser(world.h).get(f"/kalender/{plan['g3'].id}").status_code == 404
    assert browser(world.h).get(f"/kalender/{plan['g3'].id}.ics").status_code == 404


def test_a_chair_sees_but_does_not_change_the_rounds_kick_off(world, plan, session, browser):
    _tries(world, plan, world.h, "kickoff", 403, session, browser)


def test_a_coordinator_of_b_cannot_touch_as_group_meeting_or_as_own_round(
    world, plan, session, browser
):
    _tries(world, plan, world.kb, "g1", 404, session, browser)
    _tries(world, plan, world.kb, "round_a", 404, session, browser)
    client = browser(world.kb)
    assert client.get(f"/kalender/forloeb/{world.round_a.id}").status_code == 404
    assert client.get(_new_url(world, "kick-off", world.round_a)).status_code == 404


def test_a_leader_of_another_round_gets_404_everywhere(world, plan, session, browser):
    client = browser(world.e)
    for key in ("kickoff", "ws1", "g1", "g3"):
        assert client.get(f"/kalender/{plan[key].id}").status_code == 404, key
        assert client.get(f"/kalender/{plan[key].id}.ics").status_code == 404, key
    assert client.get(f"/kalender/{plan['round_a'].id}").status_code == 200
    _tries(world, plan, world.e, "round_a", 403, session, browser)


def test_leaders_see_their_own_groups_meetings_only(world, plan, browser):
    assert browser(world.a).get(f"/kalender/{plan['g1'].id}").status_code == 200
    assert browser(world.c).get(f"/kalender/{plan['g1'].id}").status_code == 404
    assert browser(world.d).get(f"/kalender/{plan['g1'].id}").status_code == 404
    assert browser(world.f).get(f"/kalender/{plan['g1'].id}").status_code == 200  # facilitator
    assert browser(world.ka).get(f"/kalender/{plan['g1'].id}").status_code == 200
    assert browser(world.kb).get(f"/kalender/{plan['g3'].id}").status_code == 200


def test_a_chair_cannot_create_a_meeting_for_another_group_or_the_rounds_events(
    world, session, browser
):
    chair = browser(world.h)
    data = {**FORM, "group": str(world.g2.id), "module": str(world.meetings["lg-1"].id)}
    page = _new_url(world, "ledermoede")
    response = _post(chair, page, page, data)
    assert response.status_code == 400
    assert "Vælg en af de ledergrupper, du kan planlægge for." in response.get_data(as_text=True)
    assert chair.get(_new_url(world, "kick-off")).status_code == 403
    response = _post(chair, page, _new_url(world, "kick-off"), FORM)
    assert response.status_code == 403
    assert _rows(session) == []


@pytest.mark.parametrize("key", ["a", "f", "e", "x"])
def test_people_who_plan_nothing_never_open_a_rounds_calendar(world, browser, key):
    client = browser(world.people[key])
    assert client.get(f"/kalender/forloeb/{world.round.id}").status_code == 404
    assert client.get(_new_url(world, "kick-off")).status_code == 404
    assert client.get(_new_url(world, "ledermoede")).status_code == 404


def test_the_rounds_calendar_lists_what_each_planner_may_see(world, plan, browser):
    url = f"/kalender/forloeb/{world.round.id}"
    admin = browser(world.ad).get(url).get_data(as_text=True)
    assert all(title in admin for title in ("Ledermøde i Ahorn", "Ledermøde i Hyld", "Kick off"))
    coordinator_b = browser(world.kb).get(url).get_data(as_text=True)
    assert "Ledermøde i Hyld" in coordinator_b and "Ledermøde i Ahorn" not in coordinator_b
    assert "Tilføj: Kick off" not in coordinator_b  # the round has one: edit it instead
    assert "Tilføj: Servicetjek" in coordinator_b and "Tilføj: Fælles workshop" in coordinator_b
    chair = browser(world.h).get(url).get_data(as_text=True)
    assert "Ledermøde i Ahorn" in chair and "Ledermøde i Hyld" not in chair
    assert "Tilføj: Ledermøde" in chair and "Tilføj: Kick off" not in chair


@pytest.mark.parametrize(
    "url",
    [
        "/kalender/99999999999999999999",
        "/kalender/99999999999999999999.ics",
        "/kalender/99999999999999999999/rediger",
        "/kalender/2147483648",
        "/kalender/0",
        "/kalender/forloeb/99999999999999999999",
        "/kalender/forloeb/2147483648/ny/kick-off",
        "/kalender/forloeb/{round}/ny/ukendt",
        "/kalender/forloeb/{round}/ny/ledermoede?gruppe=99999999999999999999&modul=x",
    ],
)
def test_huge_and_unknown_ids_are_404_never_an_error(world, browser, url):
    response = browser(world.ad).get(url.format(round=world.round.id))
    assert response.status_code == (200 if "gruppe=" in url else 404), response.get_data(
        as_text=True
    )[:300]


def test_anonymous_visitors_are_sent_to_sign_in(world, plan, client):
    for url in (
        "/kalender",
        f"/kalender/{plan['kickoff'].id}",
        f"/kalender/{plan['kickoff'].id}.ics",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/log-ind" in response.headers["Location"]


def test_the_calendar_page_lists_what_the_person_follows_and_the_rounds_to_plan(
    world, plan, browser
):
    leader = browser(world.a).get("/kalender").get_data(as_text=True)
    assert "Ledermøde i Ahorn" in leader and "Ledermøde i Hyld" not in leader
    assert "Planlæg forløb" not in leader
    coordinator = browser(world.ka).get("/kalender").get_data(as_text=True)
    assert "Planlæg forløb" in coordinator
    assert f"/kalender/forloeb/{world.round.id}" in coordinator
    assert f"/kalender/forloeb/{world.round_a.id}" in coordinator
    assert f"/kalender/forloeb/{world.round_b.id}" not in coordinator
    assert 'href="/kalender" aria-current="page"' in coordinator
