"""Which home a person lands on: pure functions from her roles to a page, testable without a request.

| roles                              | lands on                                                     |
|------------------------------------|--------------------------------------------------------------|
| leader (enrolled, or in a group)   | "Mit forløb"                                                 |
| chair or facilitator               | one group: its page (a chair's group page, a facilitator's   |
|                                    | group dashboard); several: the list of groups                |
| coordinator                        | her organisation's overview (several: the home page)         |
| platform admin                     | the admin home                                               |
| course editor                      | the admin home (the courses she edits)                       |
| service-check supporter            | her times in the rounds (``/servicetjek/tider``)             |
| several of the above               | the home page, with a section for each                       |
| none                               | "Mit forløb" (which says how to get enrolled)                |

A role counts only where the person may use it (``Viewer``'s rule: a chair or facilitator role for a
group of another organisation is left behind and leads nowhere).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from course_app.organisations.access import Viewer

HOME_PAGE = "home.index"  # the page with a section per role


class Section(enum.StrEnum):
    LEARNING = "learning"
    GROUPS = "groups"
    ORGANISATION = "organisation"
    ADMIN = "admin"
    COURSES = "courses"
    SUPPORT = "support"  # the service check's supporter


@dataclass(frozen=True)
class Roles:
    """What a person is, as far as her home is concerned."""

    is_leader: bool = False  # enrolled in a round, or a current member of a leader group
    chaired: frozenset[int] = field(default_factory=frozenset)  # groups she chairs
    facilitated: frozenset[int] = field(default_factory=frozenset)  # groups she facilitates
    coordinated: frozenset[int] = field(default_factory=frozenset)  # organisations
    is_platform_admin: bool = False
    edits_courses: bool = False
    supports: bool = False  # a service-check supporter (an organisation's or the platform's)

    @property
    def groups(self) -> frozenset[int]:
        return self.chaired | self.facilitated


@dataclass(frozen=True)
class Landing:
    """A page as an endpoint and its URL values (``url_for(endpoint, **values)``)."""

    endpoint: str
    values: tuple[tuple[str, int], ...] = ()

    @property
    def url_values(self) -> dict[str, int]:
        return dict(self.values)


@dataclass(frozen=True)
class Home:
    sections: tuple[Section, ...]
    landing: Landing

    @property
    def is_home_page(self) -> bool:
        """The person lands on the home page itself (several roles)."""
        return self.landing.endpoint == HOME_PAGE


def roles_of(viewer: Viewer, *, is_enrolled: bool, group_organisations: Mapping[int, int]) -> Roles:
    """The roles a person may use. ``group_organisations``: the organisation of each group she chairs
    or facilitates (a group missing from it no longer exists)."""

    def usable(groups: frozenset[int]) -> frozenset[int]:
        return frozenset(
            group
            for group in groups
            if group in group_organisations
            and (
                viewer.organisation_id is None
                or group_organisations[group] == viewer.organisation_id
            )
        )

    return Roles(
        is_leader=is_enrolled or viewer.current_group_id is not None,
        chaired=usable(viewer.chair_of),
        facilitated=usable(viewer.facilitator_of),
        coordinated=viewer.coordinator_of,
        is_platform_admin=viewer.is_platform_admin,
        edits_courses=bool(viewer.course_editor_of),
        supports=viewer.is_supporter,
    )


def sections_of(roles: Roles) -> tuple[Section, ...]:
    """The home's sections, in the order the home page shows them. Nobody has none: a person without
    any role is a leader to be (her "Mit forløb" says how to get enrolled)."""
    sections = []
    if roles.is_leader:
        sections.append(Section.LEARNING)
    if roles.groups:
        sections.append(Section.GROUPS)
    if roles.coordinated:
        sections.append(Section.ORGANISATION)
    if roles.is_platform_admin:
        sections.append(Section.ADMIN)  # the admin home holds every course already
    elif roles.edits_courses:
        sections.append(Section.COURSES)
    if roles.supports:
        sections.append(Section.SUPPORT)
    return tuple(sections) or (Section.LEARNING,)


def choose_home(roles: Roles) -> Home:
    sections = sections_of(roles)
    if len(sections) > 1:
        return Home(sections, Landing(HOME_PAGE))
    return Home(sections, _landing(sections[0], roles))


def _landing(section: Section, roles: Roles) -> Landing:
    if section == Section.GROUPS:
        if len(roles.groups) > 1:
            return Landing("reports.group_list")
        (group,) = roles.groups
        if group in roles.chaired:
            return Landing("groups.group_page", (("group_id", group),))
        return Landing("reports.group_dashboard", (("group_id", group),))
    if section == Section.ORGANISATION:
        if len(roles.coordinated) > 1:
            return Landing(HOME_PAGE)
        (organisation,) = roles.coordinated
        return Landing("home.organisation", (("organisation_id", organisation),))
    if section in (Section.ADMIN, Section.COURSES):
        return Landing("admin.home")
    if section == Section.SUPPORT:
        return Landing("service_check.supporter_rounds")
    return Landing("learning.dashboard")
