"""Closing a round (read-only afterwards) and reopening it: the service with its audit entries, the
confirmation page, who may (and who tries and fails), a double click, and every form of the rounds
pages and the calendar refusing changes to a closed round with a clear message and nothing changed.
The leaders' side of a closed round: tests/groups/test_closed_round.py."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.cohorts import services as cohorts
from course_app.cohorts.enrolling import Selection, enrol_selection
from course_app.cohorts.models import Enrolment
from course_app.cohorts.read_only import RoundClosed, require_open_round
from course_app.core.errors import NotAllowed
from course_app.organisations.access import viewer_for
from course_app.organisations.models import GroupMembership
from course_app.organisations.services import current_membership
from course_app.rounds import closing
from course_app.rounds.views import round_closed
from course_app.schedule import events
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.models import CohortRelease
from tests.conftest import csrf_token_from
from tests.helpers import copenhagen, post_form

NOW = copenhagen(2027, 1, 11)


def _audit(session, action: str) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "cohort", AuditEntry.action == action)
            .order_by(AuditEntry.id)
        )
    )


def _count(session, model, **where) -> int:
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return session.scalar(statement)


def _url(cohort, suffix: str = "") -> str:
    return f"/forloeb/{cohort.id}{suffix}"


def _close(client, cohort):
    return post_form(client, _url(cohort, "/luk"), _url(cohort, "/luk"), {})


# --- the service ------------------------------------------------------------------------------------


def test_a_coordinator_closes_a_round_her_organisation_runs_alone(session, world):
    kasper = viewer_for(world.people.kasper)
    closing.close_round(world.glostrup, by=kasper, now=NOW)
    assert world.glostrup.is_closed and world.glostrup.closed_at == NOW
    [entry] = _audit(session, "closed")
    assert entry.actor_id == world.people.kasper.id
    assert entry.object_key == str(world.glostrup.id)
    assert entry.summary == "Forløb lukket: Glostrup alene"
    # Closing again (a double click) changes nothing and writes no second entry.
    with pytest.raises(closing.AlreadyClosed, match="er allerede lukket"):
        closing.close_round(world.glostrup, by=kasper, now=NOW + dt.timedelta(minutes=1))
    assert world.glostrup.closed_at == NOW
    assert len(_audit(session, "closed")) == 1


def test_a_coordinator_cannot_close_a_round_shared_with_another_organisation(session, world):
    """Closing stops the round for Glostrup too: not Albertslund's coordinator's to decide alone."""
    for key in ("karin", "kasper"):
        with pytest.raises(NotAllowed):
            closing.close_round(world.shared, by=viewer_for(world.people[key]), now=NOW)
    assert not world.shared.is_closed
    assert _audit(session, "closed") == []


def test_only_a_platform_admin_reopens_and_each_change_is_audited(session, world):
    closing.close_round(world.shared, by=None, now=NOW)  # the operator at the command line
    for key in ("karin", "kasper", "anna", "frida", "erik"):
        with pytest.raises(NotAllowed):
            closing.reopen_round(world.shared, by=viewer_for(world.people[key]), now=NOW)
        assert world.shared.is_closed, key
    adam = viewer_for(world.people.adam)
    closing.reopen_round(world.shared, by=adam, now=NOW + dt.timedelta(days=1))
    assert not world.shared.is_closed
    [closed] = _audit(session, "closed")
    [reopened] = _audit(session, "reopened")
    assert closed.actor_id is None and reopened.actor_id == world.people.adam.id
    assert reopened.details["closed_at"] == NOW.isoformat()
    with pytest.raises(closing.NotClosed, match="er ikke lukket"):
        closing.reopen_round(world.shared, by=adam, now=NOW)
    assert len(_audit(session, "reopened")) == 1


@pytest.mark.parametrize("who", ["carl", "anna", "frida", "erik", "cecilie"])
def test_people_outside_the_round_or_without_a_rounds_role_cannot_close(session, world, who):
    with pytest.raises(NotAllowed):
        closing.close_round(world.shared, by=viewer_for(world.people[who]), now=NOW)
    assert not world.shared.is_closed
    assert _audit(session, "closed") == []


def test_the_guard_refuses_every_write_into_a_closed_round(session, world):
    require_open_round(world.shared)  # open: nothing happens
    closing.close_round(world.shared, by=None, now=NOW)
    for cohort in (world.shared, world.shared.id):
        with pytest.raises(RoundClosed, match="»Forår 2027« er lukket"):
            require_open_round(cohort)
    require_open_round(world.glostrup)
    require_open_round(2**31)  # no such round: the caller's business
    before = _count(session, Enrolment)
    with pytest.raises(RoundClosed):
        cohorts.enrol(world.people.ida, world.shared)
    with pytest.raises(RoundClosed):
        enrol_selection(world.shared, Selection(emails=("ida@test.example",)), dry_run=True)
    assert cohorts.enrol(world.people.anna, world.shared)  # already enrolled: found, not written
    assert _count(session, Enrolment) == before


# --- the pages ----------------------------------------------------------------------------------------


def test_the_confirmation_page_says_what_closing_means_and_closing_shows_the_date(
    session, world, browser, clock
):
    client = browser(world.people.kasper)
    round_page = client.get(_url(world.glostrup)).get_data(as_text=True)
    assert f'href="{_url(world.glostrup, "/luk")}"' in round_page and "Åbent" in round_page
    page = client.get(_url(world.glostrup, "/luk")).get_data(as_text=True)
    for words in (
        "kan lederne stadig læse alt",
        "kan ingen længere skrive eller rette svar, dele svar, kommentere, markere lektioner "
        "som færdige eller skrive mødenoter",
        "sendes der ikke flere e-mails om forløbet",
        "kan forløbets indstillinger ikke længere ændres",
        "kan en platformsadministrator åbne det igen",
    ):
        assert words in page, words
    assert not world.glostrup.is_closed  # the page itself changes nothing
    response = _close(client, world.glostrup)
    assert response.status_code == 302 and response.location.endswith(_url(world.glostrup))
    page = client.get(response.location).get_data(as_text=True)
    assert "Forløbet »Glostrup alene« er lukket." in page
    assert "Lukket 11. januar 2027" in page
    assert "Genåbn forløbet" not in page  # a coordinator cannot reopen
    assert "kan en platformsadministrator åbne det igen" in page
    listing = client.get("/forloeb").get_data(as_text=True)
    assert listing.count("Lukket 11. januar 2027") == 1  # Glostrup's round, not the shared one
    session.expire_all()
    assert world.glostrup.closed_at == NOW


def test_a_double_post_closes_once(session, world, browser, clock):
    client = browser(world.people.kasper)
    page = client.get(_url(world.glostrup, "/luk")).get_data(as_text=True)
    token = csrf_token_from(page)
    first = client.post(_url(world.glostrup, "/luk"), data={"csrf_token": token})
    second = client.post(_url(world.glostrup, "/luk"), data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert "er allerede lukket" in client.get(second.location).get_data(as_text=True)
    assert len(_audit(session, "closed")) == 1
    # Once closed, the confirmation page sends you back to the round.
    again = client.get(_url(world.glostrup, "/luk"))
    assert again.status_code == 302 and again.location.endswith(_url(world.glostrup))


def test_a_closing_post_without_its_csrf_token_changes_nothing(session, world, browser, clock):
    response = browser(world.people.adam).post(_url(world.shared, "/luk"), data={})
    assert response.status_code == 400
    session.expire_all()
    assert not world.shared.is_closed


@pytest.mark.parametrize(
    ("who", "status"),
    [("carl", 404), ("anna", 403), ("frida", 403), ("erik", 403), ("cecilie", 403)],
)
def test_others_cannot_reach_the_close_page_or_post_to_it(
    session, world, browser, clock, who, status
):
    client = browser(world.people[who])
    assert client.get(_url(world.shared, "/luk")).status_code == status
    token = csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))
    response = client.post(_url(world.shared, "/luk"), data={"csrf_token": token})
    assert response.status_code == status
    # Glostrup's coordinator's round is not Albertslund's coordinator's to close either.
    karin = browser(world.people.karin)
    karin_token = csrf_token_from(karin.get("/mit-forloeb").get_data(as_text=True))
    assert (
        karin.post(_url(world.glostrup, "/luk"), data={"csrf_token": karin_token}).status_code
        == 404
    )
    session.expire_all()
    assert not world.shared.is_closed and not world.glostrup.is_closed


def test_only_a_platform_admin_reopens_from_the_round_page(session, world, browser, clock):
    closing.close_round(world.shared, by=None, now=NOW)
    session.commit()
    for who, status in (("karin", 403), ("kasper", 403), ("carl", 404), ("anna", 403)):
        client = browser(world.people[who])
        token = csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))
        response = client.post(_url(world.shared, "/genaabn"), data={"csrf_token": token})
        assert response.status_code == status, who
    session.expire_all()
    assert world.shared.is_closed
    adam = browser(world.people.adam)
    page = adam.get(_url(world.shared)).get_data(as_text=True)
    assert "Genåbn forløbet" in page
    response = post_form(adam, _url(world.shared), _url(world.shared, "/genaabn"), {})
    assert response.status_code == 302
    assert "Forløbet »Forår 2027« er åbnet igen." in adam.get(response.location).get_data(
        as_text=True
    )
    session.expire_all()
    assert not world.shared.is_closed
    # Reopening an open round (a double click) changes nothing.
    again = post_form(adam, _url(world.shared), _url(world.shared, "/genaabn"), {})
    assert "er ikke lukket" in adam.get(again.location).get_data(as_text=True)
    assert len(_audit(session, "reopened")) == 1


# --- a closed round's forms refuse changes ----------------------------------------------------------


@pytest.fixture
def closed(session, world):
    closing.close_round(world.shared, by=None, now=NOW)
    session.commit()
    return world.shared


def test_the_round_page_of_a_closed_round_offers_no_changes(closed, world, browser, clock):
    page = browser(world.people.adam).get(_url(closed)).get_data(as_text=True)
    assert "Forløbet er lukket, så reglerne kan ikke længere ændres." in page
    assert "Forløbet er lukket, så der kan ikke tilmeldes flere." in page
    assert _url(closed, "/aabninger") not in page and _url(closed, "/tilmeld") not in page
    assert "Tilmeld med CSV-fil" not in page
    assert f'href="{_url(closed, "/luk")}"' not in page
    participants = browser(world.people.adam).get(_url(closed, "/deltagere"))
    html = participants.get_data(as_text=True)
    assert "Listen kan læses" in html and "Skift ledergruppe" not in html
    assert "Anna" in html  # still readable


def test_the_release_table_of_a_closed_round_is_refused(session, closed, world, browser, clock):
    client = browser(world.people.adam)
    response = post_form(
        client,
        _url(closed),
        _url(closed, "/aabninger"),
        {"version": "x", "rule-film-2": "days_after_start", "days-film-2": "3"},
    )
    assert response.status_code == 302
    assert "»Forår 2027« er lukket" in client.get(response.location).get_data(as_text=True)
    assert _count(session, CohortRelease, cohort_id=closed.id) == 0


def test_enrolling_in_a_closed_round_is_refused(session, closed, world, browser, clock):
    before = _count(session, Enrolment, cohort_id=closed.id)
    for client in (browser(world.people.adam), browser(world.people.karin)):
        for button in ({"preview": "x"}, {"confirm": "Tilmeld"}):
            response = post_form(
                client,
                _url(closed),
                _url(closed, "/tilmeld"),
                {"by": "emails", "emails": "ida@test.example", **button},
            )
            assert response.status_code == 302
            page = client.get(response.location).get_data(as_text=True)
            assert "»Forår 2027« er lukket" in page
    assert _count(session, Enrolment, cohort_id=closed.id) == before


def test_moving_a_participant_in_a_closed_round_is_refused(session, closed, world, browser, clock):
    client = browser(world.people.karin)
    url = _url(closed, f"/deltagere/{world.people.anna.id}/ledergruppe")
    shown = client.get(url)
    assert shown.status_code == 302 and shown.location.endswith(_url(closed, "/deltagere"))
    before = _count(session, GroupMembership)
    response = post_form(client, _url(closed), url, {"group": str(world.groups["ga2"].id)})
    assert response.status_code == 302
    assert "»Forår 2027« er lukket" in client.get(response.location).get_data(as_text=True)
    session.expire_all()
    assert current_membership(world.people.anna).group_id == world.groups["ga1"].id
    assert _count(session, GroupMembership) == before


def _event_form(day: str = "2027-02-10") -> dict[str, str]:
    return {
        "title": "Workshop",
        "day": day,
        "start": "09:00",
        "end": "11:00",
        "end_day": "",
        "place": "Rådhuset",
        "description": "",
        "number": "1",
    }


def test_the_events_of_a_closed_round_cannot_be_added_changed_or_deleted(
    session, world, browser, clock
):
    adam_viewer = viewer_for(world.people.adam)
    kickoff = events.create_event(
        world.shared,
        EventKind.KICKOFF,
        events.EventInput(**{**_input(), "title": "Kick off"}),
        actor=adam_viewer,
        now=NOW,
    )
    closing.close_round(world.shared, by=None, now=NOW)
    session.commit()
    client = browser(world.people.adam)
    planning = client.get(f"/kalender/forloeb/{world.shared.id}").get_data(as_text=True)
    assert "begivenhederne kan ikke længere ændres" in planning
    assert "/ny/" not in planning and "/rediger" not in planning
    event_page = client.get(f"/kalender/{kickoff.id}").get_data(as_text=True)
    assert "Slet begivenheden" not in event_page
    new_url = f"/kalender/forloeb/{world.shared.id}/ny/workshop"
    assert client.get(new_url).status_code == 302
    before = _count(session, Event)
    response = post_form(client, f"/kalender/forloeb/{world.shared.id}", new_url, _event_form())
    assert response.status_code == 302
    assert "»Forår 2027« er lukket" in client.get(response.location).get_data(as_text=True)
    edit_url = f"/kalender/{kickoff.id}/rediger"
    assert client.get(edit_url).status_code == 302
    changed = post_form(client, f"/kalender/{kickoff.id}", edit_url, _event_form())
    assert changed.status_code == 302
    deleted = post_form(client, f"/kalender/{kickoff.id}", f"/kalender/{kickoff.id}/slet", {})
    assert deleted.status_code == 302
    session.expire_all()
    assert _count(session, Event) == before
    assert session.get(Event, kickoff.id).title == "Kick off"


def _input() -> dict:
    return {
        "title": "Workshop",
        "day": dt.date(2027, 2, 10),
        "start": dt.time(9),
        "end": dt.time(11),
        "end_day": None,
        "place": "Rådhuset",
        "description": "",
    }


def test_a_refusal_that_reaches_no_form_gets_a_page_that_keeps_the_typed_text(app, closed):
    """The safety net for any page that lets ``RoundClosed`` through: 409, never a 500, and the
    text the person typed there to copy."""
    with app.test_request_context(method="POST", data={"text": "Min lange tekst"}):
        body, status = round_closed(RoundClosed(closed))
    assert status == 409
    assert "Forløbet er lukket" in body and "»Forår 2027« er lukket" in body
    assert "Min lange tekst" in body
