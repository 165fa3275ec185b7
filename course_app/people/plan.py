"""What an import plan is made of: the roles a file may name, each checked row with what will happen
to it, and the preview line it shows. Kept apart from the steps that fill it (``planning``,
``decisions``) so that each of them, and ``importer`` that carries it out, can share these types.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort
from course_app.organisations.models import Area, LeaderGroup, Organisation, Role
from course_app.people.csvfile import CsvRow, Problem


class ImportRole(enum.StrEnum):
    LEADER = "leader"
    CHAIR = "chair"
    FACILITATOR = "facilitator"
    COORDINATOR = "coordinator"
    SUPPORTER = "supporter"  # the service check's supporter for the row's organisation


ROLE_NAMES = {
    "": ImportRole.LEADER,
    "leader": ImportRole.LEADER,
    "leder": ImportRole.LEADER,
    "chair": ImportRole.CHAIR,
    "mødeleder": ImportRole.CHAIR,
    "moedeleder": ImportRole.CHAIR,
    "facilitator": ImportRole.FACILITATOR,
    "coordinator": ImportRole.COORDINATOR,
    "koordinator": ImportRole.COORDINATOR,
    "supporter": ImportRole.SUPPORTER,
}
MEMBER_ROLES = (ImportRole.LEADER, ImportRole.CHAIR)


class RowStatus(enum.StrEnum):
    NEW = "ny"
    UNCHANGED = "uændret"
    UPDATED = "opdateret"


@dataclass
class RowPreview:
    """What happens (or, in a dry run, would happen) to one row's person."""

    line: int
    name: str
    email: str
    status: RowStatus
    actions: list[str] = field(default_factory=list)


def name_key(name: str) -> str:
    """Names match ignoring case and repeated spaces."""
    return " ".join(name.split()).casefold()


def tidy(name: str) -> str:
    return " ".join(name.split())


@dataclass
class PlannedRow:
    csv: CsvRow
    email: str
    role: ImportRole
    name: str
    organisation: str  # key
    area: str  # key, "" when none
    group: str  # key, "" when none
    user: User | None = None
    new_person: bool = False
    join_group: bool = False
    role_to_add: Role | None = None
    enrol_in: Cohort | None = None
    already_enrolled: bool = False  # in the round chosen for the whole import


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    previews: list[RowPreview] = field(default_factory=list)
    # key → existing object, or the tidy name to create it with
    organisations: dict[str, Organisation | str] = field(default_factory=dict)
    areas: dict[tuple[str, str], Area | str] = field(default_factory=dict)
    groups: dict[tuple[str, str], LeaderGroup | str] = field(default_factory=dict)
    group_areas: dict[tuple[str, str], str] = field(default_factory=dict)  # new group → area key
    # The round chosen for the whole import (the admin page's "Tilmeld forløb"): its leaders and
    # chairs are enrolled in it, instead of in their organisation's current round.
    cohort: Cohort | None = None
