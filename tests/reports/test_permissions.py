"""Every report route × every role, following the who-sees-what table (organisations/access.py):
expect the page, or 302 (anonymous), 403 (no report role) or 404 (a group you do not follow: exactly
like one that does not exist), and never any of the group's data."""

from __future__ import annotations

import re

import pytest

from tests.helpers import sign_in
from tests.reports.conftest import FOREIGN_GROUP, FOREIGN_NAME, World

# role attribute on World (None: anonymous) → expected status for each route
ROLES = [
    None,
    "anna",  # leader, member of the group
    "sara",  # leader of another group in the same organisation
    "foreign_leader",  # leader in the other organisation
    "chair",  # chair of the group
    "sibling_chair",  # chair of another group
    "facilitator",  # facilitator of the group
    "sibling_facilitator",  # facilitator of another group
    "coordinator",  # coordinator of the group's organisation
    "other_coordinator",  # coordinator of the other organisation
    "admin",
]
DASHBOARD = {
    None: 302,
    "anna": 404,
    "sara": 404,
    "foreign_leader": 404,
    "chair": 200,
    "sibling_chair": 404,
    "facilitator": 200,
    "sibling_facilitator": 404,
    "coordinator": 200,
    "other_coordinator": 404,
    "admin": 200,
}
GROUP_LIST = {
    None: 302,
    "anna": 403,
    "sara": 403,
    "foreign_leader": 403,
    "chair": 200,
    "sibling_chair": 200,
    "facilitator": 200,
    "sibling_facilitator": 200,
    "coordinator": 200,
    "other_coordinator": 200,
    "admin": 200,
}
REPORT = {
    None: 302,
    "anna": 403,
    "sara": 403,
    "foreign_leader": 403,
    "chair": 403,
    "sibling_chair": 403,
    "facilitator": 403,
    "sibling_facilitator": 403,
    "coordinator": 200,
    "other_coordinator": 200,
    "admin": 200,
}
# Who sees the group "Ledergruppe Nord" (and Anna's name) on the group list.
SEES_GROUP_IN_LIST = {"chair", "facilitator", "coordinator", "admin"}


def _without_token(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)


def _as(client, world: World, role: str | None) -> None:
    if role is not None:
        sign_in(client, getattr(world, role).email)


def _assert_refused(response, expected: int, *secrets: str) -> None:
    """Refused, and none of the secrets on the page (the header names the signed-in person, so a
    member's own name is left out of the secrets by the callers)."""
    assert response.status_code == expected
    body = response.get_data(as_text=True)
    for secret in secrets:
        assert secret not in body
    if expected == 302:
        assert "/log-ind" in response.headers["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["page", "csv", "csv-comma"])
def test_group_dashboard_and_export(client, world, role, kind):
    _as(client, world, role)
    url = {
        "page": world.dashboard_url,
        "csv": world.export_url,
        "csv-comma": world.export_url + "?separator=comma",
    }[kind]
    response = client.get(url)
    expected = DASHBOARD[role]
    if expected != 200:
        others = [world.anna.name, world.bo.name, world.group.name]
        if role == "anna":
            others.remove(world.anna.name)
        _assert_refused(response, expected, *others)
        return
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert world.anna.name in body and world.bo.name in body
    assert world.sara.name not in body and FOREIGN_NAME not in body


@pytest.mark.parametrize("role", ROLES)
def test_foreign_and_missing_groups_look_the_same(client, world, role):
    """A group you may not follow answers exactly like an id that does not exist."""
    _as(client, world, role)
    missing = client.get("/ledergrupper/999999")
    foreign = client.get(f"/ledergrupper/{world.foreign.id}")
    if role in ("other_coordinator", "admin"):
        assert foreign.status_code == 200
        return
    assert foreign.status_code == missing.status_code
    # The same page, apart from the address itself (the language form sends you back to it) and the
    # CSRF token (signed with a timestamp).
    same_page = _without_token(missing.get_data(as_text=True)).replace(
        "999999", str(world.foreign.id)
    )
    assert _without_token(foreign.get_data(as_text=True)) == same_page
    secrets = [FOREIGN_GROUP] + ([FOREIGN_NAME] if role != "foreign_leader" else [])
    csv = client.get(f"/ledergrupper/{world.foreign.id}/eksport.csv")
    assert csv.status_code == missing.status_code
    for secret in secrets:
        assert secret not in foreign.get_data(as_text=True)
        assert secret not in csv.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_group_list(client, world, role):
    _as(client, world, role)
    response = client.get("/ledergrupper")
    expected = GROUP_LIST[role]
    if expected != 200:
        _assert_refused(response, expected, world.group.name, world.sibling.name)
        return
    body = response.get_data(as_text=True)
    assert (world.group.name in body) == (role in SEES_GROUP_IN_LIST)
    sees_sibling = role in {"sibling_chair", "sibling_facilitator", "coordinator", "admin"}
    assert (world.sibling.name in body) == sees_sibling
    assert (world.foreign.name in body) == (role in {"other_coordinator", "admin"})
    # The list shows groups and counts, never people.
    assert world.anna.name not in body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ["/rapport", "/rapport/eksport.csv"])
def test_programme_report(client, world, role, url):
    _as(client, world, role)
    response = client.get(url)
    expected = REPORT[role]
    if expected != 200:
        _assert_refused(response, expected, world.group.name, world.foreign.name)
        return
    body = response.get_data(as_text=True)
    assert (world.group.name in body) == (role in {"coordinator", "admin"})
    assert (world.foreign.name in body) == (role in {"other_coordinator", "admin"})
    # The report holds counts, never names of people.
    assert world.anna.name not in body and FOREIGN_NAME not in body
