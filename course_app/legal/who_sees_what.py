"""Who sees what about a leader group: the table the privacy notice shows.

Each row names the ``Viewer`` rule (``course_app/organisations/access.py``) that enforces it, and
``tests/legal/test_who_sees_what.py`` asks that rule, for every role, about the person's own group,
another group in the same organisation and a group in another organisation. Change a rule and the
test fails until this table (and so the notice) says the same.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class Reach(enum.Enum):
    """Which leader groups a role sees a kind of data for."""

    NONE = "none"
    OWN_GROUP = "own_group"  # the group the person is a member of, or chairs
    FOLLOWED_GROUPS = "followed_groups"  # the groups the person is facilitator for
    ORGANISATION = "organisation"  # every group of the person's own organisation
    ALL = "all"  # every group of every organisation


REACH_LABELS = {
    Reach.NONE: _l("Nej"),
    Reach.OWN_GROUP: _l("Egen ledergruppe"),
    Reach.FOLLOWED_GROUPS: _l("De ledergrupper, de er facilitator for"),
    Reach.ORGANISATION: _l("Egen kommune"),
    Reach.ALL: _l("Alle kommuner"),
}


@dataclass(frozen=True)
class RoleColumn:
    key: str
    label: object  # a lazy string
    description: object


ROLES = (
    RoleColumn("leader", _l("Leder"), _l("deltager i forløbet")),
    RoleColumn("chair", _l("Mødeleder"), _l("leder ledergruppens møder")),
    RoleColumn("facilitator", _l("Facilitator"), _l("følger bestemte ledergrupper")),
    RoleColumn("coordinator", _l("Koordinator"), _l("én pr. kommune")),
    RoleColumn("course_editor", _l("Kursusredaktør"), _l("skriver kursets indhold")),
    RoleColumn("platform_admin", _l("Platformsadministrator"), _l("driver platformen")),
)


@dataclass(frozen=True)
class DataKind:
    """One row: a kind of data, the rule that guards it and each role's reach."""

    label: object  # a lazy string
    rule: str  # the name of the Viewer method that enforces the row
    per: str  # what the rule is asked about: "group" or "organisation"
    reach: dict[str, Reach]

    def cells(self) -> list[tuple[RoleColumn, object]]:
        return [(role, REACH_LABELS[self.reach[role.key]]) for role in ROLES]


def _reach(**given: Reach) -> dict[str, Reach]:
    return {role.key: given.get(role.key, Reach.NONE) for role in ROLES}


TABLE = (
    DataKind(
        _l("Ledergruppens samlede fremdrift (tal, ikke navne)"),
        rule="may_see_group_counts",
        per="group",
        reach=_reach(
            leader=Reach.OWN_GROUP,
            chair=Reach.OWN_GROUP,
            facilitator=Reach.FOLLOWED_GROUPS,
            coordinator=Reach.ORGANISATION,
            platform_admin=Reach.ALL,
        ),
    ),
    DataKind(
        _l("Hver deltagers navn og fremdrift i forløbet"),
        rule="may_see_member_progress",
        per="group",
        reach=_reach(
            chair=Reach.OWN_GROUP,
            facilitator=Reach.FOLLOWED_GROUPS,
            coordinator=Reach.ORGANISATION,
            platform_admin=Reach.ALL,
        ),
    ),
    DataKind(
        _l("Refleksionssvar, som en deltager har delt med sin ledergruppe (med navn)"),
        rule="may_read_shared_answers",
        per="group",
        reach=_reach(leader=Reach.OWN_GROUP, chair=Reach.OWN_GROUP),
    ),
    DataKind(
        _l("Mødenoter fra ledergruppens møder (læse)"),
        rule="may_read_meeting_notes",
        per="group",
        reach=_reach(
            leader=Reach.OWN_GROUP, chair=Reach.OWN_GROUP, facilitator=Reach.FOLLOWED_GROUPS
        ),
    ),
    DataKind(
        _l("Mødenoter fra ledergruppens møder (skrive)"),
        rule="may_write_meeting_notes",
        per="group",
        reach=_reach(chair=Reach.OWN_GROUP),
    ),
    DataKind(
        _l("Rapporter om forløbet for en hel kommune (deltagere og fremdrift)"),
        rule="may_see_organisation_report",
        per="organisation",
        reach=_reach(coordinator=Reach.ORGANISATION, platform_admin=Reach.ALL),
    ),
)

# Viewer rules the notice has no row for: authoring is about course content, not people, and
# ``may_see_any_report`` only decides whether the menu shows Rapporter (the report itself is the
# per-organisation rule above).
NOT_ABOUT_PEOPLE = frozenset({"may_edit_course", "may_author", "may_see_any_report"})
