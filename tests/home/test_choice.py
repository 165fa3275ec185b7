"""The home choice (issue 11, point 2): every combination of roles, without a request or a database."""

from __future__ import annotations

import itertools

import pytest

from course_app.home.choice import (
    HOME_PAGE,
    Landing,
    Roles,
    Section,
    choose_home,
    roles_of,
    sections_of,
)
from course_app.organisations.access import Viewer

G1, G2, G3 = 11, 12, 13
ORG_A, ORG_B = 1, 2


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        (Roles(), Landing("learning.dashboard")),  # nobody yet: "Mit forløb" says what to do
        (Roles(is_leader=True), Landing("learning.dashboard")),
        (Roles(chaired=frozenset({G1})), Landing("groups.group_page", (("group_id", G1),))),
        (
            Roles(facilitated=frozenset({G1})),
            Landing("reports.group_dashboard", (("group_id", G1),)),
        ),
        # chairing and facilitating the same group: still one group, the chair's page
        (
            Roles(chaired=frozenset({G1}), facilitated=frozenset({G1})),
            Landing("groups.group_page", (("group_id", G1),)),
        ),
        (Roles(chaired=frozenset({G1, G2})), Landing("reports.group_list")),
        (Roles(facilitated=frozenset({G1, G2})), Landing("reports.group_list")),
        (
            Roles(chaired=frozenset({G1}), facilitated=frozenset({G2})),
            Landing("reports.group_list"),
        ),
        (
            Roles(coordinated=frozenset({ORG_A})),
            Landing("home.organisation", (("organisation_id", ORG_A),)),
        ),
        (Roles(coordinated=frozenset({ORG_A, ORG_B})), Landing(HOME_PAGE)),
        (Roles(is_platform_admin=True), Landing("admin.home")),
        (Roles(edits_courses=True), Landing("admin.home")),
        (Roles(is_platform_admin=True, edits_courses=True), Landing("admin.home")),
        # a supporter (in no round herself): her times in the rounds, not "Mit forløb"
        (Roles(supports=True), Landing("service_check.supporter_rounds")),
        # several roles: the home page
        (Roles(is_leader=True, chaired=frozenset({G1})), Landing(HOME_PAGE)),
        (Roles(is_leader=True, facilitated=frozenset({G2})), Landing(HOME_PAGE)),
        (Roles(is_leader=True, coordinated=frozenset({ORG_A})), Landing(HOME_PAGE)),
        (Roles(coordinated=frozenset({ORG_A}), is_platform_admin=True), Landing(HOME_PAGE)),
        (Roles(facilitated=frozenset({G1}), edits_courses=True), Landing(HOME_PAGE)),
        (Roles(is_leader=True, supports=True), Landing(HOME_PAGE)),
        (Roles(coordinated=frozenset({ORG_A}), supports=True), Landing(HOME_PAGE)),
    ],
)
def test_the_landing_of_each_role(roles: Roles, landing: Landing):
    assert choose_home(roles).landing == landing


def test_a_chair_who_is_also_a_leader_gets_both_sections():
    home = choose_home(Roles(is_leader=True, chaired=frozenset({G1})))
    assert home.sections == (Section.LEARNING, Section.GROUPS)
    assert home.is_home_page


# Every combination: leader or not; 0, 1 or 2 chaired / facilitated groups; 0, 1 or 2 coordinated
# organisations; platform admin or not; course editor or not; supporter or not.
GROUP_SETS = (frozenset(), frozenset({G1}), frozenset({G2, G3}))
ORG_SETS = (frozenset(), frozenset({ORG_A}), frozenset({ORG_A, ORG_B}))
EVERY_COMBINATION = [
    Roles(leader, chaired, facilitated, coordinated, admin, editor, supports)
    for leader, chaired, facilitated, coordinated, admin, editor, supports in itertools.product(
        (False, True), GROUP_SETS, GROUP_SETS, ORG_SETS, (False, True), (False, True), (False, True)
    )
]


@pytest.mark.parametrize("roles", EVERY_COMBINATION, ids=repr)
def test_every_combination_has_one_home_with_a_section_per_role(roles: Roles):
    home = choose_home(roles)
    expected = [
        section
        for section, held in (
            (Section.LEARNING, roles.is_leader),
            (Section.GROUPS, bool(roles.groups)),
            (Section.ORGANISATION, bool(roles.coordinated)),
            (Section.ADMIN, roles.is_platform_admin),
            (Section.COURSES, roles.edits_courses and not roles.is_platform_admin),
            (Section.SUPPORT, roles.supports),
        )
        if held
    ] or [Section.LEARNING]
    assert list(home.sections) == expected == list(sections_of(roles))
    if len(expected) > 1:
        assert home.landing == Landing(HOME_PAGE)
    else:
        # One role: straight to its page, never the home page unless it needs a choice (several
        # organisations to coordinate).
        assert home.is_home_page == (len(roles.coordinated) > 1)
    # Nobody with a role beyond being a leader lands on "Mit forløb".
    staff = (
        roles.groups
        or roles.coordinated
        or roles.is_platform_admin
        or roles.edits_courses
        or roles.supports
    )
    if staff:
        assert home.landing.endpoint != "learning.dashboard"


def _viewer(**values) -> Viewer:
    return Viewer(user_id=1, **{"organisation_id": ORG_A, "current_group_id": None, **values})


def test_roles_of_a_leader_by_enrolment_or_by_group():
    assert roles_of(_viewer(), is_enrolled=True, group_organisations={}).is_leader
    in_group = _viewer(current_group_id=G1)
    assert roles_of(in_group, is_enrolled=False, group_organisations={}).is_leader
    assert not roles_of(_viewer(), is_enrolled=False, group_organisations={}).is_leader


def test_a_group_role_left_behind_in_another_organisation_does_not_count():
    viewer = _viewer(chair_of=frozenset({G1, G3}), facilitator_of=frozenset({G2}))
    roles = roles_of(
        viewer, is_enrolled=False, group_organisations={G1: ORG_A, G2: ORG_B, G3: ORG_B}
    )
    assert roles.chaired == {G1} and roles.facilitated == frozenset()
    assert choose_home(roles).landing == Landing("groups.group_page", (("group_id", G1),))


def test_platform_staff_without_an_organisation_follow_their_groups_anywhere():
    viewer = _viewer(organisation_id=None, facilitator_of=frozenset({G1, G2}))
    roles = roles_of(viewer, is_enrolled=False, group_organisations={G1: ORG_A, G2: ORG_B})
    assert roles.facilitated == {G1, G2}


def test_a_role_for_a_group_that_no_longer_exists_does_not_count():
    viewer = _viewer(facilitator_of=frozenset({G1}))
    roles = roles_of(viewer, is_enrolled=False, group_organisations={})
    assert choose_home(roles).landing == Landing("learning.dashboard")


def test_the_roles_of_each_kind_are_copied():
    viewer = _viewer(
        coordinator_of=frozenset({ORG_A}), is_platform_admin=True, course_editor_of=frozenset({5})
    )
    roles = roles_of(viewer, is_enrolled=False, group_organisations={})
    assert roles.coordinated == {ORG_A} and roles.is_platform_admin and roles.edits_courses


@pytest.mark.parametrize(
    "viewer",
    [
        _viewer(supporter_of=frozenset({ORG_A})),
        _viewer(organisation_id=None, is_platform_supporter=True),
    ],
    ids=["organisation's supporter", "platform supporter"],
)
def test_a_supporter_in_no_round_lands_on_her_times(viewer: Viewer):
    roles = roles_of(viewer, is_enrolled=False, group_organisations={})
    assert roles.supports and not roles.is_leader
    home = choose_home(roles)
    assert home.sections == (Section.SUPPORT,)
    assert home.landing == Landing("service_check.supporter_rounds")


def test_a_supporter_who_is_also_a_leader_gets_both_sections():
    viewer = _viewer(supporter_of=frozenset({ORG_A}))
    home = choose_home(roles_of(viewer, is_enrolled=True, group_organisations={}))
    assert home.sections == (Section.LEARNING, Section.SUPPORT)
    assert home.is_home_page
