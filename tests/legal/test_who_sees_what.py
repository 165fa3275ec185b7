"""The privacy notice's who-sees-what table says what the access rules do.

Every row names a ``Viewer`` rule; here each role's viewer is asked that rule about its own group,
another group of its organisation and a group of another organisation, and the answers must be the
groups (or organisations) the row's reach promises. A rule changed in ``organisations/access.py``
without the table (or the other way round) fails here, so the notice cannot drift from the rules.
"""

from __future__ import annotations

import pytest

import course_app.models  # noqa: F401 - every mapper configured
from course_app.legal.who_sees_what import NOT_ABOUT_PEOPLE, ROLES, TABLE, Reach
from course_app.organisations.access import Viewer
from course_app.organisations.models import LeaderGroup
from tests.security.test_route_matrix import L1_PRIVATE, MARKERS

ORG_A, ORG_B = 1, 2
OWN = LeaderGroup(id=10, organisation_id=ORG_A, name="own")
OTHER = LeaderGroup(id=11, organisation_id=ORG_A, name="other in the same organisation")
FOREIGN = LeaderGroup(id=20, organisation_id=ORG_B, name="in another organisation")
GROUPS = (OWN, OTHER, FOREIGN)
ORGANISATIONS = (ORG_A, ORG_B)

# Each role as it can occur: the person's own group is OWN, the organisation is A.
VIEWERS: dict[str, list[Viewer]] = {
    "leader": [Viewer(user_id=1, organisation_id=ORG_A, current_group_id=OWN.id)],
    "chair": [
        Viewer(2, ORG_A, current_group_id=OWN.id, chair_of=frozenset({OWN.id})),
        Viewer(2, ORG_A, current_group_id=None, chair_of=frozenset({OWN.id})),  # not a member
    ],
    "facilitator": [
        Viewer(3, ORG_A, current_group_id=None, facilitator_of=frozenset({OWN.id})),
        Viewer(3, None, current_group_id=None, facilitator_of=frozenset({OWN.id})),  # staff
    ],
    "coordinator": [Viewer(4, ORG_A, current_group_id=None, coordinator_of=frozenset({ORG_A}))],
    "course_editor": [Viewer(5, None, current_group_id=None, course_editor_of=frozenset({1}))],
    "platform_admin": [Viewer(6, None, current_group_id=None, is_platform_admin=True)],
}

GROUPS_REACHED = {
    Reach.NONE: set(),
    Reach.OWN_GROUP: {OWN.id},
    Reach.FOLLOWED_GROUPS: {OWN.id},
    Reach.ORGANISATION: {OWN.id, OTHER.id},
    Reach.ALL: {OWN.id, OTHER.id, FOREIGN.id},
}
ORGANISATIONS_REACHED = {
    Reach.NONE: set(),
    Reach.ORGANISATION: {ORG_A},
    Reach.ALL: {ORG_A, ORG_B},
}


def test_every_role_of_the_table_has_a_viewer_and_every_row_a_reach_for_each():
    assert set(VIEWERS) == {role.key for role in ROLES}
    for row in TABLE:
        assert set(row.reach) == set(VIEWERS), row.label


def test_every_rule_about_people_is_in_the_table():
    rules = {name for name in dir(Viewer) if name.startswith("may_")}
    in_table = {row.rule for row in TABLE}
    assert rules - in_table - NOT_ABOUT_PEOPLE == set(), "add a row to legal/who_sees_what.py"
    assert in_table | NOT_ABOUT_PEOPLE <= rules, "the table names a rule that is gone"


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.rule)
@pytest.mark.parametrize("role", list(VIEWERS))
def test_the_table_says_what_the_rule_does(row, role):
    reach = row.reach[role]
    for viewer in VIEWERS[role]:
        rule = getattr(viewer, row.rule)
        if row.per == "group":
            reached = {group.id for group in GROUPS if rule(group)}
            expected = GROUPS_REACHED[reach]
        else:
            assert row.per == "organisation"
            assert reach in ORGANISATIONS_REACHED, f"{reach} means nothing for an organisation"
            reached = {org for org in ORGANISATIONS if rule(org)}
            expected = ORGANISATIONS_REACHED[reach]
        assert reached == expected, (
            f"{row.rule} for {role} ({viewer}): the notice says {reach.name}, the rule reaches "
            f"groups/organisations {sorted(reached)}"
        )


def test_private_answers_are_only_their_authors_as_the_notice_says():
    """The notice's sentence on private answers rests on the route matrix's marker."""
    assert MARKERS[L1_PRIVATE] == frozenset({"l1"})
