"""The who-sees-what rules of ``schedule/event_access.py``: the SQL conditions the lists use agree
with the checks one page makes, for every person and every event of the world."""

from __future__ import annotations

import pytest

from course_app.organisations import services as directory
from course_app.organisations.models import Role
from course_app.schedule import event_access, events
from course_app.schedule.event_models import Event

PEOPLE = ("a", "b", "c", "d", "e", "x", "h", "f", "ka", "kb", "ad")

# person → the events they see (their pages and the event page)
SEES = {
    "a": {"kickoff", "ws1", "g1"},
    "b": {"kickoff", "ws1", "g1"},
    "c": {"kickoff", "ws1"},  # G2 has no meeting yet
    "d": {"kickoff", "ws1", "g3"},
    "e": {"round_a"},
    # Enrolled in round B only, but a member of G3: her group's meetings, as on the group page.
    "x": {"g3"},
    "h": {"kickoff", "ws1", "g1", "round_a"},
    "f": {"kickoff", "ws1", "g1", "round_a"},
    "ka": {"kickoff", "ws1", "g1", "round_a"},
    "kb": {"kickoff", "ws1", "g3"},
    "ad": {"kickoff", "ws1", "g1", "g3", "round_a"},
}
# person → the events they may change
SETS = {
    "h": {"g1"},
    "ka": {"kickoff", "ws1", "g1", "round_a"},
    "kb": {"kickoff", "ws1", "g3"},
    "ad": {"kickoff", "ws1", "g1", "g3", "round_a"},
}


def _keys(plan: dict[str, Event], events_: list[Event]) -> set[str]:
    by_id = {event.id: key for key, event in plan.items()}
    return {by_id[event.id] for event in events_}


@pytest.mark.parametrize("person", PEOPLE)
def test_sql_and_python_agree_on_what_each_person_sees_and_follows(world, plan, person):
    viewer = world.viewer(person)
    audience = event_access.audience_for(viewer)
    seen = _keys(plan, events.events_where(event_access.visible_condition(audience)))
    followed = _keys(plan, events.events_where(event_access.followed_condition(audience)))
    checked_seen, checked_followed, checked_sets = set(), set(), set()
    for key, event in plan.items():
        orgs = event_access.cohort_organisation_ids(event.cohort_id)
        if event_access.may_see(audience, event, orgs):
            checked_seen.add(key)
        if event_access.follows(audience, event, orgs):
            checked_followed.add(key)
        if event_access.may_set(viewer, event, orgs):
            checked_sets.add(key)
    assert seen == checked_seen == SEES[person]
    assert followed == checked_followed
    assert checked_sets == SETS.get(person, set())
    assert checked_sets <= seen  # nobody sets what they cannot see
    if person != "ad":
        assert followed == seen


def test_a_stale_role_in_another_organisation_reaches_nothing(world, plan, session):
    """The chair once worked in organisation B and her chair role for G3 stayed behind."""
    chair = world.h
    chair.organisation_id = world.org_b.id
    directory.assign_role(chair, Role.CHAIR, group=world.g3)
    chair.organisation_id = world.org_a.id
    session.flush()
    viewer = world.viewer("h")
    audience = event_access.audience_for(viewer)
    assert world.g3.id not in audience.followed_groups
    seen = _keys(plan, events.events_where(event_access.visible_condition(audience)))
    assert "g3" not in seen
    orgs = event_access.cohort_organisation_ids(world.round.id)
    assert not event_access.may_set(viewer, plan["g3"], orgs)
    assert [group.id for group in event_access.settable_groups(viewer, orgs)] == [world.g1.id]


def test_the_rounds_a_person_plans(world):
    def planned(person: str) -> set[str]:
        audience = event_access.audience_for(world.viewer(person))
        return {cohort.name for cohort in event_access.cohorts_to_plan(audience)}

    assert planned("a") == set() and planned("f") == set()
    assert planned("h") == {"Fælles forløb 2026-27", "Kun A"}
    assert planned("kb") == {"Fælles forløb 2026-27", "Kun B"}
    assert planned("ad") == {"Fælles forløb 2026-27", "Kun A", "Kun B"}


def test_a_meeting_of_a_group_whose_organisation_left_the_round_is_for_admins_only(
    world, plan, session
):
    world.round.organisations.remove(world.org_b)
    session.flush()
    for person in ("d", "kb"):
        audience = event_access.audience_for(world.viewer(person))
        seen = _keys(plan, events.events_where(event_access.visible_condition(audience)))
        assert "g3" not in seen, person
        # Her enrolment stays, so the leader still sees the round's own events; B's coordinator no.
        assert ("kickoff" in seen) == (person == "d")
        orgs = event_access.cohort_organisation_ids(world.round.id)
        assert not event_access.may_see(audience, plan["g3"], orgs)
    admin = event_access.audience_for(world.viewer("ad"))
    assert "g3" in _keys(plan, events.events_where(event_access.visible_condition(admin)))
