# ruff: noqa: F811 - pytest fixtures imported by name
"""Facilitators of a workshop: who assigns, who can be assigned, and what being assigned opens."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.audit.models import AuditEntry
from course_app.core.db import db
from course_app.core.errors import NotAllowed, ServiceError
from course_app.workshops import facilitators
from tests.calendar.conftest import clock  # noqa: F401 - fixture
from tests.conftest import csrf_token_from
from tests.groups.conftest import browser  # noqa: F401 - fixture
from tests.workshops.world import ww  # noqa: F401 - fixture


def names(ww) -> list[str]:
    return [person.name for person in facilitators.facilitators_of(ww.workshop)]


def test_candidates_are_facilitators_of_the_rounds_organisations_or_none(ww):
    found = {person.name for person in facilitators.candidates(ww.workshop)}
    assert found == {"Frida Facilitator", "Finn Facilitator"}  # not Fie (organisation C)


def test_a_coordinator_of_the_round_assigns_and_removes(ww):
    assert facilitators.assign(ww.workshop, ww.people["fb"].id, ww.viewer("ka"))
    assert not facilitators.assign(ww.workshop, ww.people["fb"].id, ww.viewer("kb"))
    assert names(ww) == ["Finn Facilitator"]
    assert facilitators.unassign(ww.workshop, ww.people["fb"].id, ww.viewer("ad"))
    assert not facilitators.unassign(ww.workshop, ww.people["fb"].id, ww.viewer("ad"))
    logged = db.session.scalar(
        select(func.count()).where(AuditEntry.object_type == "workshop_facilitator")
    )
    assert logged == 2


@pytest.mark.parametrize("key", ["a", "h", "f", "kc", "e"])
def test_others_may_not_assign(ww, key):
    with pytest.raises(NotAllowed):
        facilitators.assign(ww.workshop, ww.people["f"].id, ww.viewer(key))
    assert names(ww) == []


@pytest.mark.parametrize("key", ["fc", "a", "kc"])
def test_only_candidates_are_assigned(ww, key):
    with pytest.raises(ServiceError, match="Vælg en af"):
        facilitators.assign(ww.workshop, ww.people[key].id, ww.viewer("ad"))
    assert names(ww) == []


def test_an_assigned_facilitator_runs_the_day(ww, browser):
    attendance = f"/workshops/{ww.workshop.id}/fremmoede"
    assert browser(ww.people["f"]).get(attendance).status_code == 404
    facilitators.assign(ww.workshop, ww.people["f"].id, ww.viewer("ad"))
    db.session.commit()
    facilitator = browser(ww.people["f"])
    assert facilitator.get(attendance).status_code == 200
    page = facilitator.get(f"/workshops/{ww.workshop.id}/facilitatorer")
    assert page.status_code == 200 and "Frida Facilitator" in page.get_data(as_text=True)
    token = csrf_token_from(page.get_data(as_text=True))
    refused = facilitator.post(
        f"/workshops/{ww.workshop.id}/facilitatorer",
        data={"csrf_token": token, "user": str(ww.people["fb"].id)},
    )
    assert refused.status_code == 403 and names(ww) == ["Frida Facilitator"]


def test_the_page_adds_and_removes(ww, browser):
    base = f"/workshops/{ww.workshop.id}/facilitatorer"
    coordinator = browser(ww.people["kb"])
    token = csrf_token_from(coordinator.get(base).get_data(as_text=True))
    added = coordinator.post(base, data={"csrf_token": token, "user": str(ww.people["fb"].id)})
    assert added.status_code == 302 and names(ww) == ["Finn Facilitator"]
    forged = coordinator.post(base, data={"csrf_token": token, "user": str(ww.people["fc"].id)})
    assert forged.status_code == 400 and "Vælg en af" in forged.get_data(as_text=True)
    removed = coordinator.post(
        base + "/fjern", data={"csrf_token": token, "user": str(ww.people["fb"].id)}
    )
    assert removed.status_code == 302 and names(ww) == []
    assert browser(ww.people["kc"]).get(base).status_code == 404
    assert browser(ww.people["a"]).get(base).status_code == 404
