"""The planner's plain data: what goes in (attendees, the area correspondence, settings) and what comes
out (a plan with scores and explanations, or a refusal naming the hard rule that cannot hold)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask_babel.speaklater import LazyString

DEFAULT_MIN_SIZE = 4
DEFAULT_MAX_SIZE = 6
PER_ORGANISATION = 2  # a table seats at least this many from each of the two organisations


@dataclass(frozen=True, order=True)
class Organisation:
    id: int
    name: str


@dataclass(frozen=True, order=True)
class Area:
    id: int  # unique across organisations, as in the directory
    name: str


@dataclass(frozen=True)
class Attendee:
    id: int
    name: str
    organisation: Organisation
    area: Area | None = None  # None: the person has no area in the directory
    group_id: int | None = None  # her leader group, if any


class GroupPolicy(enum.StrEnum):
    SPREAD = "spread"  # members of a leader group at different tables
    TOGETHER = "together"  # members of a leader group at as few tables as possible


class HardRule(enum.StrEnum):
    ATTENDEES = "attendees"  # somebody signed up at all
    ORGANISATIONS = "organisations"  # attendees from exactly two organisations
    TABLE_SIZES = "table_sizes"  # every table within the size range (and the room's tables)
    MIX = "mix"  # every table at least PER_ORGANISATION from each organisation
    SEATS = "seats"  # exactly the attendees, each at exactly one table


@dataclass(frozen=True)
class PlanSettings:
    min_size: int = DEFAULT_MIN_SIZE
    max_size: int = DEFAULT_MAX_SIZE
    group_policy: GroupPolicy = GroupPolicy.SPREAD
    max_tables: int | None = None  # the room's tables; None: as many as needed

    def __post_init__(self) -> None:
        if not 1 <= self.min_size <= self.max_size:
            raise ValueError(f"table size range {self.min_size}-{self.max_size} is not a range")
        if self.max_tables is not None and self.max_tables < 1:
            raise ValueError("max_tables must be at least 1")
        object.__setattr__(self, "group_policy", GroupPolicy(self.group_policy))


def _pairs(pairs: Iterable[Iterable[int]]) -> frozenset[tuple[int, int]]:
    normalised = set()
    for pair in pairs:
        first, second = sorted(pair)
        normalised.add((first, second))
    return frozenset(normalised)


@dataclass(frozen=True)
class PlanRequest:
    """``correspondence``: pairs of area ids across the two organisations (many-to-many, unordered);
    ``previous_pairs``: attendee ids who sat at one table at workshop 1 (unordered)."""

    attendees: tuple[Attendee, ...]
    correspondence: frozenset[tuple[int, int]] = frozenset()
    settings: PlanSettings = field(default_factory=PlanSettings)
    previous_pairs: frozenset[tuple[int, int]] = frozenset()
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "attendees", tuple(self.attendees))
        ids = [attendee.id for attendee in self.attendees]
        if len(set(ids)) != len(ids):
            raise ValueError("attendee ids must be unique")
        object.__setattr__(self, "correspondence", _pairs(self.correspondence))
        object.__setattr__(self, "previous_pairs", _pairs(self.previous_pairs))


@dataclass(frozen=True)
class SoftScores:
    """The soft rules' scores, in priority order. ``*_possible`` is the ceiling where one is known."""

    area_matched: (
        int  # attendees seated with someone of the other organisation in a corresponding area
    )
    area_possible: (
        int  # attendees whose area corresponds to an area of an attendee of the other side
    )
    unmapped: int  # attendees whose area corresponds to nothing (or who have no area)
    group_policy: GroupPolicy
    group_penalty: (
        int  # spread: pairs of one group at one table; together: tables beyond one per group
    )
    repeated_pairs: int  # pairs from workshop 1 at one table again
    previous_pairs: int  # pairs from workshop 1 among these attendees


@dataclass(frozen=True)
class Table:
    number: int  # from 1
    attendee_ids: tuple[int, ...]
    meetings: tuple[
        str, ...
    ]  # "Børn og unge ↔ Dagtilbud og skole", first organisation's area first
    unmapped_areas: tuple[str, ...]  # areas at the table that correspond to nothing
    notes: tuple[LazyString, ...]  # sentences explaining the table (Danish message ids)


@dataclass(frozen=True)
class Violation:
    rule: HardRule
    message: LazyString  # Danish message id, translated when shown
    table: int | None = None  # table number, None for the plan as a whole
    attendee_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Plan:
    tables: tuple[Table, ...]
    scores: SoftScores
    seed: int


@dataclass(frozen=True)
class PlanResult:
    """Either a plan, or the refusal: the hard rule that cannot hold and why."""

    plan: Plan | None
    refusal: Violation | None = None


@dataclass(frozen=True)
class Evaluation:
    violations: tuple[Violation, ...]
    scores: SoftScores

    @property
    def keeps_hard_rules(self) -> bool:
        return not self.violations
