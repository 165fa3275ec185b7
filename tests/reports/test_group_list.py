"""The groups a person follows: by role, by organisation, with member counts and completion."""

from __future__ import annotations

import datetime as dt

import pytest

from course_app.cohorts.services import (
    create_cohort,
    current_cohort_for_organisation,
    current_cohorts_for_organisations,
)
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import Role, RoleAssignment
from course_app.reports import services
from course_app.reports.services import followed_groups
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import World


def _followed(world: World, who) -> dict[str, list[str]]:
    return {
        entry.organisation.name: [summary.group.name for summary in entry.groups]
        for entry in followed_groups(viewer_for(who), today=today_local())
    }


def test_each_role_follows_its_groups(world):
    assert _followed(world, world.chair) == {"Albertslund": ["Ledergruppe Nord"]}
    assert _followed(world, world.sibling_facilitator) == {"Albertslund": ["Ledergruppe Syd"]}
    assert _followed(world, world.coordinator) == {
        "Albertslund": ["Ledergruppe Nord", "Ledergruppe Syd"]
    }
    assert _followed(world, world.other_coordinator) == {"Glostrup": ["Ledergruppe Vest"]}
    assert _followed(world, world.admin) == {
        "Albertslund": ["Ledergruppe Nord", "Ledergruppe Syd"],
        "Glostrup": ["Ledergruppe Vest"],
    }
    with pytest.raises(NotAllowed):
        followed_groups(viewer_for(world.anna), today=today_local())


def test_counts_and_completion(world):
    entries = followed_groups(viewer_for(world.admin), today=today_local())
    summaries = {summary.group.name: summary for entry in entries for summary in entry.groups}
    north, south, west = (
        summaries["Ledergruppe Nord"],
        summaries["Ledergruppe Syd"],
        summaries["Ledergruppe Vest"],
    )
    assert (north.members, north.completion_percent) == (3, 22)  # 2 of 3 × 3 lessons
    assert (south.members, south.completion_percent) == (2, 0)
    assert (west.members, west.completion_percent) == (1, 100)
    assert north.area.name == "Børn og unge" and north.cohort.id == world.cohort.id


def test_danish_alphabetical_order(session):
    org = factories.organisation("Ærø")
    for name in ("Åby", "Østby", "Aby", "Zby"):
        factories.group(org, name)
    coordinator = factories.user(org=org)
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    (entry,) = followed_groups(viewer_for(coordinator), today=today_local())
    assert [summary.group.name for summary in entry.groups] == ["Aby", "Zby", "Østby", "Åby"]


def test_page_lists_groups_by_organisation_with_completion(client, world):
    sign_in(client, world.admin.email)
    html = client.get("/ledergrupper").get_data(as_text=True)
    assert html.index("<h2") < html.index("Albertslund") < html.index("Glostrup")
    assert "<caption" in html and 'role="region"' in html
    assert f'<a href="/ledergrupper/{world.group.id}">Ledergruppe Nord</a>' in html
    assert 'aria-label="Gennemført i Ledergruppe Nord">22 %</progress>' in html


def test_group_of_an_organisation_without_cohort(client, session):
    org = factories.organisation()
    factories.group(org, "Gruppe uden forløb")
    coordinator = factories.user(org=org)
    directory.assign_role(coordinator, Role.COORDINATOR, organisation=org)
    session.commit()
    sign_in(client, coordinator.email)
    html = client.get("/ledergrupper").get_data(as_text=True)
    assert "Gruppe uden forløb" in html and "Ikke med i et forløb" in html


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PLATFORM_ADMIN])
def test_empty_state(client, session, role):
    org = factories.organisation()
    person = factories.user(org=org if role == Role.COORDINATOR else None)
    directory.assign_role(person, role, organisation=org if role == Role.COORDINATOR else None)
    session.commit()
    sign_in(client, person.email)
    response = client.get("/ledergrupper")
    assert response.status_code == 200
    assert "Der er ingen ledergrupper endnu" in response.get_data(as_text=True)


def test_chair_whose_group_is_in_another_organisation_sees_nothing_there(world, session):
    """Defence in depth: a role row pointing across organisations (not creatable through the
    services) still shows nothing of the other organisation."""
    session.add(RoleAssignment(user_id=world.chair.id, role=Role.CHAIR, group_id=world.foreign.id))
    session.flush()
    assert _followed(world, world.chair) == {"Albertslund": ["Ledergruppe Nord"]}
    with pytest.raises(NotFound):
        services.followed_group(viewer_for(world.chair), world.foreign.id)


def test_current_cohorts_agree_with_the_cohorts_service(session):
    today = dt.date(2026, 6, 1)
    course = factories.course()
    started_early, started_late, upcoming_only, none = (factories.organisation() for _ in range(4))
    create_cohort(
        course, name="Forår", starts_on=dt.date(2026, 1, 5), organisations=[started_early]
    )
    create_cohort(
        course,
        name="Sommer",
        starts_on=dt.date(2026, 5, 1),
        organisations=[started_early, started_late],
    )
    create_cohort(
        course,
        name="Efterår",
        starts_on=dt.date(2026, 9, 1),
        organisations=[started_late, upcoming_only],
    )
    create_cohort(
        course, name="Vinter", starts_on=dt.date(2026, 12, 1), organisations=[upcoming_only]
    )
    orgs = [started_early, started_late, upcoming_only, none]
    bulk = current_cohorts_for_organisations([org.id for org in orgs], today)
    for org in orgs:
        single = current_cohort_for_organisation(org.id, today)
        assert (bulk.get(org.id).name if org.id in bulk else None) == (
            single.name if single else None
        )
    assert {org.name: bulk[org.id].name for org in orgs[:3]} == {
        started_early.name: "Sommer",
        started_late.name: "Sommer",
        upcoming_only.name: "Efterår",
    }
