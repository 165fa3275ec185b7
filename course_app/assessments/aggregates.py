"""Average wheels with a floor (issue 14, point 5): pure, plain data in, shown or hidden averages out.

A **result** is one respondent's completed measurement: her pseudonym, what the screens slice by
(organisation, area in the directory, leader group, round, measurement point) and a score per
competence area × dimension. A **slice** fixes some of those attributes ("start in round 7",
"Glostrup, Børn og unge, end"); its members are the results that match. ``aggregate(results,
slices, k=5)`` decides, for the slices shown together on one screen or in one CSV, which are shown
(means and the number of respondents) and which are hidden (a reason, and no count: a count of a
hidden slice would itself help differencing).

The rule, applied to one request as a whole, k ≥ 3 (``ValueError`` below), default 5:

1. **Floor.** A slice with fewer than k respondents (distinct pseudonyms) is hidden: "Færre end k
   besvarelser".
2. **Differences.** For two shown slices A ⊋ B (members, not filters, decide nesting), the averages
   and counts of both give the average of A \\ B. When A \\ B has fewer than k respondents (and more
   than none) the smaller, B, is hidden. Hiding the smaller keeps the overview (the organisation, the
   round) and removes the detail that made the difference small.
3. **Complements.** For a shown slice P and an attribute a, its shown *siblings* are the shown slices
   that are exactly P cut by a (members = P's members with a = v; e.g. the areas or the leader groups
   within an organisation). P minus their union is known by subtraction; when it has fewer than k
   respondents (and more than none) the smallest shown sibling is hidden too, so the remainder
   grows to at least k. This covers "one sibling is hidden and the parent is shown" as well as the
   few people with no area or no group.
4. **Combinations.** Members that fall in exactly the same shown slices form an *atom*. An atom whose
   total follows from the shown totals by any linear combination (exact arithmetic over the
   fractions) and that has fewer than k respondents is protected by hiding the smallest shown slice
   containing it. So no single person's scores, nor any such small cell's, can be worked out from the
   shown numbers, however they are combined.

Rules 2–4 repeat until nothing changes (hiding only ever grows, so this ends). Ties are broken by the
slices' keys and the results are put in a fixed order first, so the outcome depends only on the
data, never on the order it came in. Start and end are different results, so slices of different
measurement points never overlap; only complete results count (a result missing a score is left
out), so every area × dimension of a slice averages the same people and the rule on people holds
for each number. The caller passes at most one result per pseudonym, round and point (for
"løbende": the latest).

What this cannot protect: a viewer who knows some members' answers from elsewhere (her own, a
colleague's) learns the average of fewer people; k is a floor against differencing, not against
that. And counts of shown slices are shown: who took part is not secret from coordinators, what
they answered is.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from flask_babel.speaklater import LazyString

DEFAULT_K = 5
MIN_K = 3
ATTRIBUTES = ("organisation", "area", "group", "round", "point")
POINTS = ("start", "end", "adhoc")

Value = int | str
Cell = tuple[str, str]  # (competence area key, dimension key)


@dataclass(frozen=True)
class Result:
    """One completed measurement. ``area`` and ``group`` are the directory's (None: none)."""

    respondent: str  # the pseudonym; nothing here names a person
    organisation: Value
    round: Value
    point: str
    scores: Mapping[Cell, float]
    area: Value | None = None
    group: Value | None = None


@dataclass(frozen=True)
class Slice:
    """A named selection: each attribute given is fixed, None means any."""

    key: str
    organisation: Value | None = None
    area: Value | None = None
    group: Value | None = None
    round: Value | None = None
    point: str | None = None

    @property
    def filters(self) -> tuple[tuple[str, Value], ...]:
        return tuple(
            (name, getattr(self, name)) for name in ATTRIBUTES if getattr(self, name) is not None
        )

    def matches(self, result: Result) -> bool:
        return all(getattr(result, name) == value for name, value in self.filters)


class HiddenReason(enum.StrEnum):
    TOO_FEW = "too_few"  # rule 1
    DIFFERENCE = "difference"  # rule 2
    COMPLEMENT = "complement"  # rule 3
    COMBINATION = "combination"  # rule 4


@dataclass(frozen=True)
class Shown:
    slice: Slice
    respondents: int
    means: Mapping[Cell, float]  # rounded to two decimals

    hidden = False


@dataclass(frozen=True)
class Hidden:
    slice: Slice
    reason: HiddenReason
    k: int

    hidden = True

    @property
    def message(self) -> LazyString:
        if self.reason is HiddenReason.TOO_FEW:
            return _l("Færre end %(k)d besvarelser", k=self.k)
        if self.reason is HiddenReason.DIFFERENCE:
            return _l(
                "Skjult: forskellen til et andet tal er færre end %(k)d besvarelser", k=self.k
            )
        if self.reason is HiddenReason.COMPLEMENT:
            return _l("Skjult, så et andet skjult tal ikke kan regnes ud")
        return _l("Skjult, så ingen enkeltpersons svar kan regnes ud af de andre tal")


Outcome = Shown | Hidden


# --- which results and slices ---------------------------------------------------------------------


def _sort_value(value: Value | None) -> tuple[int, int, str]:
    if value is None:
        return (0, 0, "")
    if isinstance(value, int):
        return (1, value, "")
    return (2, 0, str(value))


def _result_key(result: Result) -> tuple:
    return (result.respondent, *(_sort_value(getattr(result, name)) for name in ATTRIBUTES))


def complete_results(results: Iterable[Result]) -> tuple[Result, ...]:
    """The results that count, in a fixed order: complete ones (every area × dimension any result
    has, scored), at most one per pseudonym, round and point (``ValueError`` otherwise)."""
    results = sorted(results, key=_result_key)
    seen = set()
    for result in results:
        identity = (result.respondent, result.round, result.point)
        if identity in seen:
            raise ValueError(f"two results for one respondent, round {result.round!r} and point")
        seen.add(identity)
    cells = {cell for result in results for cell in result.scores}
    return tuple(
        result for result in results if all(result.scores.get(cell) is not None for cell in cells)
    )


# The slicings the screens and the CSV offer, each with the measurement point fixed (start against
# end are two slices): everything, per organisation, per area in an organisation, and the same per
# round, plus per leader group in a round.
SLICINGS: tuple[tuple[str, ...], ...] = (
    ("point",),
    ("point", "organisation"),
    ("point", "organisation", "area"),
    ("point", "round"),
    ("point", "round", "organisation"),
    ("point", "round", "organisation", "area"),
    ("point", "round", "group"),
)


def slice_key(filters: Iterable[tuple[str, Value]]) -> str:
    """ "organisation=3;area=12;point=start": the attributes in ``ATTRIBUTES`` order."""
    given = dict(filters)
    return ";".join(f"{name}={given[name]}" for name in ATTRIBUTES if name in given)


def screen_slices(
    results: Iterable[Result], slicings: Sequence[tuple[str, ...]] = SLICINGS
) -> tuple[Slice, ...]:
    """Every slice of ``slicings`` that some result falls in, sorted by key."""
    found: dict[str, Slice] = {}
    for result in results:
        for slicing in slicings:
            values = [(name, getattr(result, name)) for name in slicing]
            if any(value is None for _, value in values):
                continue
            key = slice_key(values)
            found.setdefault(key, Slice(key, **dict(values)))
    return tuple(found[key] for key in sorted(found))


# --- the rule -------------------------------------------------------------------------------------


class _Request:
    """The members of every slice as sets of indexes into the ordered results."""

    def __init__(self, results: tuple[Result, ...], slices: Sequence[Slice], k: int) -> None:
        self.results = results
        self.k = k
        self.slices = {item.key: item for item in sorted(slices, key=lambda item: item.key)}
        self.members = {
            key: frozenset(i for i, result in enumerate(results) if item.matches(result))
            for key, item in self.slices.items()
        }
        self.hidden: dict[str, HiddenReason] = {}

    def people(self, members: Iterable[int]) -> int:
        return len({self.results[i].respondent for i in members})

    def shown(self) -> list[str]:
        return [key for key in self.slices if key not in self.hidden]

    def too_small(self, members: Iterable[int]) -> bool:
        return 0 < self.people(members) < self.k

    def smallest(self, keys: Iterable[str]) -> str:
        return min(keys, key=lambda key: (self.people(self.members[key]), key))


def _difference(request: _Request) -> bool:
    """Rule 2: hide B when a shown A ⊋ B differs from it by fewer than k."""
    shown = request.shown()
    for first, second in combinations(shown, 2):
        a, b = request.members[first], request.members[second]
        if a == b:
            continue
        if b < a:
            outer, inner = a, second
        elif a < b:
            outer, inner = b, first
        else:
            continue
        if request.too_small(outer - request.members[inner]):
            request.hidden[inner] = HiddenReason.DIFFERENCE
            return True
    return False


def _complement(request: _Request) -> bool:
    """Rule 3: the remainder of a shown slice after its shown siblings is 0 or at least k."""
    shown = request.shown()
    for parent in shown:
        members = request.members[parent]
        if not members:
            continue
        for name in ATTRIBUTES:
            if getattr(request.slices[parent], name) is not None:
                continue
            cuts: dict[Value | None, set[int]] = {}
            for i in members:
                cuts.setdefault(getattr(request.results[i], name), set()).add(i)
            siblings = [
                key
                for key in shown
                if (value := getattr(request.slices[key], name)) is not None
                and request.members[key]
                and request.members[key] == cuts.get(value)
            ]
            if not siblings:
                continue
            covered = frozenset().union(*(request.members[key] for key in siblings))
            if request.too_small(members - covered):
                request.hidden[request.smallest(siblings)] = HiddenReason.COMPLEMENT
                return True
    return False


def derivable_atoms(members: Sequence[frozenset[int]]) -> list[frozenset[int]]:
    """The atoms (results in exactly the same of the given sets) whose total follows from the sets'
    totals by a linear combination: a unit vector in the row space, found by exact Gauss-Jordan
    elimination over the atoms."""
    signature: dict[int, list[int]] = {}
    for row, item in enumerate(members):
        for index in item:
            signature.setdefault(index, []).append(row)
    atoms: dict[tuple[int, ...], list[int]] = {}
    for index in sorted(signature):
        atoms.setdefault(tuple(signature[index]), []).append(index)
    columns = sorted(atoms)
    position = {column: c for c, column in enumerate(columns)}
    # Sparse rows (column -> value): the sets are 0/1 rows over the atoms, and mostly zeros.
    rows: list[dict[int, Fraction]] = [{} for _ in members]
    for column in columns:
        for row in column:
            rows[row][position[column]] = Fraction(1)
    reduced: list[tuple[int, dict[int, Fraction]]] = []  # (pivot column, row)
    pending = rows
    for c in range(len(columns)):
        pivot = next((row for row in pending if row.get(c)), None)
        if pivot is None:
            continue
        pending = [row for row in pending if row is not pivot]
        lead = pivot[c]
        pivot = {column: value / lead for column, value in pivot.items()}
        for row in [*pending, *(row for _, row in reduced)]:
            factor = row.get(c)
            if factor:
                for column, value in pivot.items():
                    updated = row.get(column, 0) - factor * value
                    if updated:
                        row[column] = updated
                    else:
                        row.pop(column, None)
        reduced.append((c, pivot))
    return [
        frozenset(atoms[columns[c]]) for c, row in reduced if all(column == c for column in row)
    ]


def _combination(request: _Request) -> bool:
    """Rule 4: no atom of fewer than k respondents follows from the shown totals."""
    shown = [key for key in request.shown() if request.members[key]]
    for atom in sorted(derivable_atoms([request.members[key] for key in shown]), key=min):
        if request.too_small(atom):
            holding = [key for key in shown if atom <= request.members[key]]
            request.hidden[request.smallest(holding)] = HiddenReason.COMBINATION
            return True
    return False


def aggregate(
    results: Iterable[Result], slices: Iterable[Slice], *, k: int = DEFAULT_K
) -> tuple[Outcome, ...]:
    """For each slice, in the order given: its averages (``Shown``) or why not (``Hidden``)."""
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}, got {k}")
    slices = tuple(slices)
    if len({item.key for item in slices}) != len(slices):
        raise ValueError("slice keys must be unique")
    request = _Request(complete_results(results), slices, k)
    for key, members in request.members.items():
        if request.people(members) < k:
            request.hidden[key] = HiddenReason.TOO_FEW
    while _difference(request) or _complement(request) or _combination(request):
        pass
    return tuple(_outcome(request, item) for item in slices)


def _outcome(request: _Request, item: Slice) -> Outcome:
    reason = request.hidden.get(item.key)
    if reason is not None:
        return Hidden(item, reason, request.k)
    members = sorted(request.members[item.key])
    cells = sorted({cell for i in members for cell in request.results[i].scores})
    means = {
        cell: round(
            float(sum(Fraction(request.results[i].scores[cell]) for i in members) / len(members)),
            2,
        )
        for cell in cells
    }
    return Shown(item, request.people(members), means)
