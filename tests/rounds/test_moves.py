"""Moving a participant to another leader group mid-round: her membership ends and a new one
starts; what she shared stays with the old group; coordinators move only their own people."""

from __future__ import annotations

from sqlalchemy import func, select

from course_app.organisations.models import GroupMembership
from course_app.organisations.services import current_membership
from tests.conftest import csrf_token_from
from tests.helpers import sign_in


def _url(world, person: str, round_: str = "shared") -> str:
    cohort = getattr(world, round_)
    return f"/forloeb/{cohort.id}/deltagere/{world.people[person].id}/ledergruppe"


def _move(client, world, person: str, group_id, *, round_: str = "shared"):
    page = client.get(_url(world, person, round_))
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(_url(world, person, round_), data={"csrf_token": token, "group": group_id})


def _memberships(session) -> int:
    return session.scalar(select(func.count()).select_from(GroupMembership))


def test_a_coordinator_moves_her_own_leader(client, session, world, clock):
    sign_in(client, world.people.karin.email)
    page = client.get(_url(world, "anna")).get_data(as_text=True)
    assert "Nu i Gruppe Børn." in page
    response = _move(client, world, "anna", world.groups["ga2"].id)
    assert response.status_code == 302
    session.expire_all()
    assert current_membership(world.people.anna).group_id == world.groups["ga2"].id
    assert "er flyttet til en ny ledergruppe" in client.get(response.location).get_data(
        as_text=True
    )


def test_moving_to_the_same_group_changes_nothing(client, session, world, clock):
    sign_in(client, world.people.karin.email)
    before = _memberships(session)
    assert _move(client, world, "anna", world.groups["ga1"].id).status_code == 302
    assert _move(client, world, "anna", world.groups["ga1"].id).status_code == 302
    assert _memberships(session) == before


def test_another_organisations_group_or_nonsense_is_refused_and_changes_nothing(
    client, session, world, clock
):
    sign_in(client, world.people.karin.email)
    before = _memberships(session)
    for value in (world.groups["gb"].id, "", "abc", "9" * 40, "1\x00"):
        response = _move(client, world, "anna", value)
        assert response.status_code == 400, value
        assert "Vælg en af ledergrupperne i listen." in response.get_data(as_text=True)
    assert _memberships(session) == before


def test_coordinators_cannot_reach_other_organisations_people(client, world, clock):
    sign_in(client, world.people.kasper.email)  # Glostrup's coordinator
    assert client.get(_url(world, "anna")).status_code == 404
    assert client.get(_url(world, "dorte")).status_code == 200
    assert client.get(_url(world, "ida")).status_code == 404  # Albertslund's, not enrolled
    assert (
        client.get(f"/forloeb/{world.shared.id}/deltagere/{2**40}/ledergruppe").status_code == 404
    )


def test_leaders_are_refused(client, world, clock):
    sign_in(client, world.people.anna.email)
    assert client.get(_url(world, "anna")).status_code == 403
