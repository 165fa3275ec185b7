"""The soft rules, scored per table so that a swap is judged by the two tables it touches.

A population is indexed once: attendees in id order, each with her organisation (0 or 1, in id order of
the organisations), her area, her leader group and the areas of the other organisation that correspond
to hers. A table's score is a tuple that sums over tables; ``key`` orders totals lexicographically,
best first: more attendees matched by area, then fewer group penalties, then fewer repeated pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from course_app.workshops.model import Attendee, GroupPolicy, Organisation, PlanRequest, SoftScores

Score = tuple[int, int, int]  # (area_matched, group_penalty, repeated_pairs)


@dataclass(frozen=True)
class Population:
    attendees: tuple[Attendee, ...]  # sorted by id
    organisations: tuple[Organisation, ...]  # sorted by id
    side: tuple[int, ...]  # index into organisations, per attendee (-1: a third organisation)
    area: tuple[int | None, ...]
    group: tuple[int | None, ...]
    counterparts: tuple[frozenset[int], ...]  # area ids of the other side that correspond
    counterparts_of_area: dict[int, frozenset[int]]
    matchable: tuple[bool, ...]  # a corresponding area is among the other side's attendees
    previous: frozenset[tuple[int, int]]  # attendee indices, smaller first
    policy: GroupPolicy

    @property
    def size(self) -> int:
        return len(self.attendees)


def index(request: PlanRequest) -> Population:
    attendees = tuple(sorted(request.attendees, key=lambda attendee: attendee.id))
    organisations = tuple(sorted({attendee.organisation for attendee in attendees}))
    side_of = {organisation: number for number, organisation in enumerate(organisations[:2])}
    side = tuple(side_of.get(attendee.organisation, -1) for attendee in attendees)
    area_side: dict[int, int] = {}
    for attendee, number in zip(attendees, side, strict=True):
        if attendee.area is not None:
            area_side.setdefault(attendee.area.id, number)
    linked: dict[int, set[int]] = {}
    for first, second in sorted(request.correspondence):
        linked.setdefault(first, set()).add(second)
        linked.setdefault(second, set()).add(first)
    counterparts_of_area = {
        area: frozenset(
            other
            for other in others
            # a pair within one organisation links nobody; an absent area may still correspond
            if area_side.get(other, 1 - area_side.get(area, 0)) != area_side.get(area, 0)
        )
        for area, others in sorted(linked.items())
    }
    counterparts = tuple(
        counterparts_of_area.get(attendee.area.id, frozenset()) if attendee.area else frozenset()
        for attendee in attendees
    )
    present: tuple[set[int], set[int]] = (set(), set())
    for attendee, number in zip(attendees, side, strict=True):
        if attendee.area is not None and number >= 0:
            present[number].add(attendee.area.id)
    matchable = tuple(
        number >= 0 and not mine.isdisjoint(present[1 - number])
        for mine, number in zip(counterparts, side, strict=True)
    )
    position = {attendee.id: number for number, attendee in enumerate(attendees)}
    previous = frozenset(
        tuple(sorted((position[first], position[second])))
        for first, second in request.previous_pairs
        if first in position and second in position
    )
    return Population(
        attendees=attendees,
        organisations=organisations,
        side=side,
        area=tuple(attendee.area.id if attendee.area else None for attendee in attendees),
        group=tuple(attendee.group_id for attendee in attendees),
        counterparts=counterparts,
        counterparts_of_area=counterparts_of_area,
        matchable=matchable,
        previous=previous,
        policy=request.settings.group_policy,
    )


def table_score(population: Population, members: Sequence[int]) -> Score:
    side, area, group = population.side, population.area, population.group
    areas: tuple[set[int], set[int]] = (set(), set())
    for member in members:
        if area[member] is not None and side[member] >= 0:
            areas[side[member]].add(area[member])
    matched = 0
    for member in members:
        if side[member] >= 0 and not population.counterparts[member].isdisjoint(
            areas[1 - side[member]]
        ):
            matched += 1
    counts: dict[int, int] = {}
    for member in members:
        if group[member] is not None:
            counts[group[member]] = counts.get(group[member], 0) + 1
    if population.policy is GroupPolicy.SPREAD:
        # pairs, not extra members: k of one group at a table count k*(k-1)/2
        group_penalty = sum(count * (count - 1) // 2 for count in counts.values() if count > 1)
    else:
        group_penalty = len(counts)  # summed over tables, minus the number of groups
    repeated = 0
    if population.previous:
        ordered = sorted(members)
        for number, first in enumerate(ordered):
            for second in ordered[number + 1 :]:
                if (first, second) in population.previous:
                    repeated += 1
    return matched, group_penalty, repeated


def perfect(population: Population, members: Sequence[int], score: Score) -> bool:
    """No swap can make this table better (for the together policy: never claimed)."""
    return (
        score[0] == sum(1 for member in members if population.matchable[member])
        and score[1] == 0
        and score[2] == 0
        and population.policy is GroupPolicy.SPREAD
    )


def key(score: Score) -> tuple[int, int, int]:
    """Smaller is better: lexicographic in the soft rules' priority."""
    return -score[0], score[1], score[2]


def total(scores: Sequence[Score]) -> Score:
    return (
        sum(score[0] for score in scores),
        sum(score[1] for score in scores),
        sum(score[2] for score in scores),
    )


def soft_scores(population: Population, tables: Sequence[Sequence[int]]) -> SoftScores:
    matched, penalty, repeated = total([table_score(population, table) for table in tables])
    if population.policy is GroupPolicy.TOGETHER:
        penalty -= len({group for group in population.group if group is not None})
    possible = sum(population.matchable)
    return SoftScores(
        area_matched=matched,
        area_possible=possible,
        unmapped=sum(1 for counterparts in population.counterparts if not counterparts),
        group_policy=population.policy,
        group_penalty=penalty,
        repeated_pairs=repeated,
        previous_pairs=len(population.previous),
    )
