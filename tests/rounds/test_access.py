"""Trying to break the rounds rules: a leader, a facilitator or a course editor on any rounds URL,
a coordinator on another organisation's round by id, anyone anonymous; refused POSTs change
nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.cohorts.models import Cohort, Enrolment
from course_app.schedule.models import CohortRelease
from tests.conftest import csrf_token_from

GETS = ("", "/deltagere", "/deltagere.csv", "/deltagere?group=1")
POSTS = {
    "/aabninger": {"rule-film-2": "days_after_start", "days-film-2": "3", "version": "x"},
    "/tilmeld": {"by": "emails", "emails": "ida@test.example", "confirm": "Tilmeld"},
}


def _counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Cohort, Enrolment, CohortRelease, AuditEntry)
    )


def _plain(html: str, path: str) -> str:
    """The page without what differs per request anyway: the CSRF token and its own path."""
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html).replace(path, "PATH")


def _token(client) -> str:
    return csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))


@pytest.mark.parametrize("who", ["anna", "dorte", "frida", "erik"])
def test_people_without_a_rounds_role_get_403_everywhere(session, world, browser, who):
    client = browser(world.people[who])
    before = _counts(session)
    for url in ("/forloeb", "/forloeb/nyt"):
        assert client.get(url).status_code == 403, url
    for cohort in (world.shared, world.glostrup):
        for suffix in GETS:
            assert client.get(f"/forloeb/{cohort.id}{suffix}").status_code == 403, suffix
        for suffix, data in POSTS.items():
            response = client.post(
                f"/forloeb/{cohort.id}{suffix}", data={**data, "csrf_token": _token(client)}
            )
            assert response.status_code == 403, suffix
    response = client.post(
        "/forloeb/nyt",
        data={
            "csrf_token": _token(client),
            "course": world.course.id,
            "name": "Mit eget",
            "starts_on": "2027-05-01",
            "organisations": world.orgs["a"].id,
        },
    )
    assert response.status_code == 403
    assert _counts(session) == before


@pytest.mark.parametrize(
    ("who", "cohort"), [("carl", "shared"), ("carl", "glostrup"), ("karin", "glostrup")]
)
def test_a_coordinator_on_another_organisations_round_gets_404(
    session, world, browser, who, cohort
):
    client = browser(world.people[who])
    target = getattr(world, cohort)
    before = _counts(session)
    missing = client.get("/forloeb/999999").get_data(as_text=True)
    for suffix in GETS:
        response = client.get(f"/forloeb/{target.id}{suffix}")
        assert response.status_code == 404, suffix
        assert target.name not in response.get_data(as_text=True)
    page = client.get(f"/forloeb/{target.id}").get_data(as_text=True)
    # exactly like a round that is not there
    assert _plain(page, f"/forloeb/{target.id}") == _plain(missing, "/forloeb/999999")
    for suffix, data in POSTS.items():
        response = client.post(
            f"/forloeb/{target.id}{suffix}", data={**data, "csrf_token": _token(client)}
        )
        assert response.status_code == 404, suffix
    assert _counts(session) == before


def test_anonymous_visitors_are_sent_to_sign_in(session, world, client):
    for url in ("/forloeb", "/forloeb/nyt", f"/forloeb/{world.shared.id}/deltagere"):
        response = client.get(url)
        assert response.status_code == 302 and "/log-ind" in response.headers["Location"]


def test_ids_out_of_range_are_404(session, world, browser):
    client = browser(world.people.adam)
    for cohort_id in ("0", "99999999999999999999999"):
        assert client.get(f"/forloeb/{cohort_id}").status_code == 404
