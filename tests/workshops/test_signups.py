# ruff: noqa: F811 - pytest fixtures imported by name
"""A leader's "kommer / kommer ikke" (issue 13, point 2): who may answer, until when, and the
attendees the table planner gets."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from course_app.cohorts.read_only import RoundClosed
from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.workshops import model, roster, signups
from course_app.workshops.models import WorkshopSignup
from course_app.workshops.signup_views import signup_context
from tests.calendar.conftest import clock, copenhagen  # noqa: F401 - clock: a fixture
from tests.conftest import csrf_token_from
from tests.groups.conftest import browser  # noqa: F401 - fixture
from tests.workshops.world import ww  # noqa: F401 - fixture

NOW = copenhagen(2026, 9, 1)


def rows() -> int:
    return db.session.scalar(select(func.count()).select_from(WorkshopSignup))


def test_a_leader_answers_and_changes_her_answer(ww):
    signup = signups.answer(ww.workshop, ww.people["a"], True, NOW)
    assert signup.coming is True and signup.answered_at == NOW
    again = signups.answer(ww.workshop, ww.people["a"], True, NOW + dt.timedelta(hours=1))
    assert again.answered_at == NOW  # a double post changes nothing
    signups.answer(ww.workshop, ww.people["a"], False, NOW + dt.timedelta(hours=2))
    assert signups.signup_of(ww.workshop, ww.people["a"]).coming is False
    assert rows() == 1


def test_only_people_enrolled_in_the_round_answer(ww):
    for key in ("e", "x", "ka", "ad", "f"):  # other rounds' leaders and staff
        with pytest.raises(NotAllowed):
            signups.answer(ww.workshop, ww.people[key], True, NOW)
    assert rows() == 0


def test_no_answer_once_the_workshop_started_or_the_round_closed(ww):
    with pytest.raises(ServiceError, match="begyndt"):
        signups.answer(ww.workshop, ww.people["a"], True, ww.workshop.starts_at)
    ww.round.closed_at = NOW
    with pytest.raises(RoundClosed):
        signups.answer(ww.workshop, ww.people["a"], True, NOW)
    assert rows() == 0


def test_those_coming_are_read_with_organisation_area_and_group(ww, count_statements):
    for key, coming in (("a", True), ("c", True), ("d", True), ("b", False)):
        signups.answer(ww.workshop, ww.people[key], coming, NOW)
    ww.people["c"].deactivated_at = NOW  # gone: not planned
    db.session.flush()
    with count_statements() as counter:
        found = roster.coming(ww.workshop)  # groups: as they are now
    assert counter.count <= 1
    assert [person.name for person in found] == ["Anna Andersen", "Dorte Dahl"]
    anna = found[0].as_attendee()
    assert anna.organisation == model.Organisation(ww.org_a.id, ww.org_a.name)
    assert anna.area == model.Area(ww.areas["a_boern"].id, "Børn og unge")
    assert anna.group_id == ww.g1.id


def test_the_roster_puts_those_coming_first_in_danish_order(ww):
    signups.answer(ww.workshop, ww.people["d"], True, NOW)
    signups.answer(ww.workshop, ww.people["a"], False, NOW)
    names = [row.name for row in signups.roster(ww.workshop, NOW)]
    assert names == ["Dorte Dahl", "Bo Berg", "Carl Clausen", "Anna Andersen"]


# --- The answer through the page ---------------------------------------------------------------


def _post_answer(client, ww, value: str):
    token = csrf_token_from(client.get("/kalender").get_data(as_text=True))
    return client.post(
        f"/workshops/{ww.workshop.id}/svar", data={"csrf_token": token, "coming": value}
    )


def test_the_leader_posts_her_answer(ww, browser):
    leader = browser(ww.people["d"])
    response = _post_answer(leader, ww, "kommer")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workshops/{ww.workshop.id}")
    assert signups.signup_of(ww.workshop, ww.people["d"]).coming is True
    assert _post_answer(leader, ww, "kommer-ikke").status_code == 302
    assert signups.signup_of(ww.workshop, ww.people["d"]).coming is False
    assert _post_answer(leader, ww, "måske").status_code == 302  # flashed, nothing changed
    assert signups.signup_of(ww.workshop, ww.people["d"]).coming is False


def test_others_cannot_answer(ww, browser):
    assert _post_answer(browser(ww.people["e"]), ww, "kommer").status_code == 404  # other round
    assert _post_answer(browser(ww.people["ka"]), ww, "kommer").status_code == 403  # runs it
    assert rows() == 0


def test_the_partial_shows_her_answer(ww, app):
    signups.answer(ww.workshop, ww.people["a"], False, NOW)
    with app.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        login_user(ww.people["a"])
        context = signup_context(ww.workshop, ww.people["a"].id)
        assert context["signup_form"].coming.data == "kommer-ikke"
        access = type("Access", (), {"is_attendee": True})()
        html = render_template_string(
            '{% include "workshops/_signup.html" %}', access=access, event=ww.workshop, **context
        )
    assert "Jeg kommer ikke</strong>" in html
    assert re.search(r'<input checked[^>]*value="kommer-ikke"', html)
