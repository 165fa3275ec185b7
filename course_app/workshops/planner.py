"""Propose a table plan for a workshop: pure, no database, no web, deterministic for a given seed.

1. The hard rules' arithmetic (``rules.table_count``) picks the number of tables, the fewest that hold
   everyone, or refuses naming the rule that cannot hold. ``rules.layout`` fixes each table's size and
   its seats per organisation; every later step keeps them, so every plan keeps the hard rules.
2. A greedy start: each organisation's attendees in the order of the area correspondence's components
   (areas linked by the mapping, directly or through others), then area, then the group policy
   (spread: the groups of an area take turns; together: one group after the other). Table k takes the
   next seats from both lists, so the same stretch of the component order meets at a table.
3. A bounded local search: swaps of two people of the same organisation between tables, kept when
   they improve the soft scores lexicographically (areas, then groups, then workshop 1 pairs). A
   person's candidate tables are some where her corresponding areas sit and some at random.

Randomness comes only from ``random.Random(seed)`` over lists in id order, never from set or dict
iteration of hashed values, so the same request and seed give the same plan in every process.
"""

from __future__ import annotations

import random
from collections import defaultdict

from course_app.workshops import rules, scoring
from course_app.workshops.explain import explain
from course_app.workshops.model import GroupPolicy, Plan, PlanRequest, PlanResult, Violation

MAX_PASSES = 10
CANDIDATE_TABLES = 4  # per person and pass: up to this many where her areas' counterparts sit …
RANDOM_TABLES = 3  # … and this many at random
MAX_SWAPS_TRIED = 60_000  # the search's bound, whatever the population (about 0.5 s)


def plan_tables(request: PlanRequest) -> PlanResult:
    count = rules.table_count(request.attendees, request.settings)
    if isinstance(count, Violation):
        return PlanResult(plan=None, refusal=count)
    population = scoring.index(request)
    rng = random.Random(request.seed)  # noqa: S311 -- a reproducible shuffle, not a secret
    tables = _greedy(population, count, rng)
    _Search(population, tables, rng).run()
    ordered = sorted((sorted(table) for table in tables), key=lambda table: table[0])
    return PlanResult(
        plan=Plan(
            tables=tuple(
                explain(population, number, table) for number, table in enumerate(ordered, start=1)
            ),
            scores=scoring.soft_scores(population, ordered),
            seed=request.seed,
        )
    )


def _components(population: scoring.Population) -> dict[int, int]:
    """Area id -> the smallest area id of its component in the correspondence (union-find)."""
    parent: dict[int, int] = {}

    def find(area: int) -> int:
        parent.setdefault(area, area)
        while parent[area] != area:
            parent[area] = parent[parent[area]]
            area = parent[area]
        return area

    for area, others in sorted(population.counterparts_of_area.items()):
        for other in sorted(others):
            first, second = sorted((find(area), find(other)))
            parent[second] = first
    return {area: find(area) for area in sorted(parent)}


def _greedy(population: scoring.Population, count: int, rng: random.Random) -> list[list[int]]:
    component = _components(population)
    tiebreak = [rng.random() for _ in range(population.size)]
    turn: dict[tuple[int | None, int | None], int] = defaultdict(int)
    order_key = {}
    for member in sorted(range(population.size), key=lambda member: tiebreak[member]):
        area, group = population.area[member], population.group[member]
        unmapped = area is None or area not in component
        place = (unmapped, component.get(area, 0) if area is not None else 0, area or 0)
        if population.policy is GroupPolicy.SPREAD:
            turn[(area, group)] += 1
            order_key[member] = (*place, turn[(area, group)], group or 0, tiebreak[member])
        else:
            order_key[member] = (*place, group or 0, 0, tiebreak[member])
    sides = [
        sorted(
            (member for member in range(population.size) if population.side[member] == side),
            key=order_key.__getitem__,
        )
        for side in (0, 1)
    ]
    plan = rules.layout(population.size, len(sides[0]), count)
    tables: list[list[int]] = []
    taken = [0, 0]
    for size, first in zip(plan.sizes, plan.first_side, strict=True):
        seats = (first, size - first)
        table = []
        for side in (0, 1):
            table.extend(sides[side][taken[side] : taken[side] + seats[side]])
            taken[side] += seats[side]
        tables.append(table)
    return tables


class _Search:
    """Same-organisation swaps between tables; table sizes and the mix never change."""

    def __init__(self, population: scoring.Population, tables: list[list[int]], rng: random.Random):
        self.population = population
        self.tables = tables
        self.rng = rng
        self.where = [0] * population.size
        self.at_area: dict[tuple[int, int], dict[int, int]] = defaultdict(dict)  # (side, area)
        for number, table in enumerate(tables):
            for member in table:
                self.where[member] = number
                self._count(member, number, 1)
        self.scores = [scoring.table_score(population, table) for table in tables]
        self.budget = MAX_SWAPS_TRIED

    def _count(self, member: int, table: int, step: int) -> None:
        area = self.population.area[member]
        if area is None:
            return
        seats = self.at_area[(self.population.side[member], area)]
        seats[table] = seats.get(table, 0) + step
        if not seats[table]:
            del seats[table]

    def _candidates(self, member: int) -> list[int]:
        side = 1 - self.population.side[member]
        near = sorted(
            {
                table
                for area in sorted(self.population.counterparts[member])
                for table in self.at_area.get((side, area), {})
            }
        )
        chosen = self.rng.sample(near, min(CANDIDATE_TABLES, len(near)))
        chosen += [self.rng.randrange(len(self.tables)) for _ in range(RANDOM_TABLES)]
        own = self.where[member]
        return sorted({table for table in chosen if table != own})

    def _try(self, member: int) -> bool:
        population, own = self.population, self.where[member]
        if scoring.perfect(population, self.tables[own], self.scores[own]):
            return False
        side = population.side[member]
        best, best_key = None, (0, 0, 0)
        for other_table in self._candidates(member):
            before = scoring.total([self.scores[own], self.scores[other_table]])
            for other in self.tables[other_table]:
                if population.side[other] != side:
                    continue
                self.budget -= 1
                mine = [other if seat == member else seat for seat in self.tables[own]]
                theirs = [member if seat == other else seat for seat in self.tables[other_table]]
                after_own = scoring.table_score(population, mine)
                after_other = scoring.table_score(population, theirs)
                after = scoring.total([after_own, after_other])
                change = scoring.key(tuple(a - b for a, b in zip(after, before, strict=True)))
                if change < best_key:
                    best, best_key = (
                        (other, other_table, mine, theirs, after_own, after_other),
                        change,
                    )
        if best is None:
            return False
        other, other_table, mine, theirs, after_own, after_other = best
        self.tables[own], self.tables[other_table] = mine, theirs
        self.scores[own], self.scores[other_table] = after_own, after_other
        for moved, source, target in ((member, own, other_table), (other, other_table, own)):
            self._count(moved, source, -1)
            self._count(moved, target, 1)
            self.where[moved] = target
        return True

    def run(self) -> None:
        if len(self.tables) < 2:
            return
        members = list(range(self.population.size))
        for _ in range(MAX_PASSES):
            self.rng.shuffle(members)
            improved = False
            for member in members:
                if self.budget <= 0:
                    return
                improved = self._try(member) or improved
            if not improved:
                return
