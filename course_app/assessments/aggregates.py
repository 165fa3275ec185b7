"""Average wheels with a floor (issue 14, point 5): pure, plain data in, shown or hidden averages out.

A **result** is one respondent's completed measurement: her pseudonym, what the screens slice by
(organisation, area in the directory, leader group, round, measurement point) and a score per
competence area × dimension. A **slice** fixes some of those attributes ("start in round 7",
"Glostrup, Børn og unge, end"); its members are the results that match. ``aggregate(results,
slices, k=5)`` decides, for the slices shown together on one screen or in one CSV, which are shown
(means and the number of respondents) and which are hidden (a reason, and no count: a count of a
hidden slice would itself help differencing).

The rule, applied to one request as a whole, k ≥ 3 (``ValueError`` below), default 5:

1. **Floor.** A slice with fewer than k respondents (distinct pseudonyms) is hidden.
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

Rules 2–4 repeat until nothing changes (hiding only ever grows, so this ends), one slice at a time:
each turn hides for the first rule that finds something, at the first place it finds it. Ties are
broken by the slices' keys and the results are put in a fixed order first, so the outcome depends
only on the data, never on the order it came in. Start and end are different results, so slices of
different measurement points never overlap. The caller passes at most one result per pseudonym,
round and point (for "løbende": the latest).

A hidden slice carries its reason for the code (``Hidden.reason``) but shows one text for every
reason (``Hidden.message``), and no count: which rule hid it would itself tell something.

**Every result counts; the cells are those all of them have.** When an assessment gains a statement
(a new area or dimension, a learning goal on a new statement), the results from before it have no
score for the new cells. Such a result is not left out: instead a request averages only the cells
that *every* result passed to it scores (``common_cells``), and leaves the new cells out of all its
numbers until the older results are out of the request (another round). So each number of a slice
averages all of its members, the same people, and the rule on people holds for each number.

**Cost.** Rule 2's breaking pairs depend on members only, so they are found once and taken in
order; rule 3 looks again only at the parents and siblings of what was hidden since; rule 4 solves
each group of slices that share results (start, end) on its own, only after one of them was hidden,
and not at all while none of its atoms is small. The outcome is the same as checking every rule
afresh after each slice hidden; a request of 900 slices and 1,200 leaders takes a fraction of a
second.

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
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from course_app.assessments.derivable import atoms_of, derivable_atoms

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
        """The one text shown for every hidden slice, whatever the reason: a reason of its own would
        tell a viewer something (that the slice has at least k people and another exceeds it by
        fewer than k, say). ``reason`` is for the code and the tests, never for the screen."""
        return _l(
            "Vises først, når mindst %(k)d har svaret, og ingen enkeltpersons svar kan regnes ud",
            k=self.k,
        )


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


def ordered_results(results: Iterable[Result]) -> tuple[Result, ...]:
    """Every result, in a fixed order; at most one per pseudonym, round and point (``ValueError``
    otherwise)."""
    results = sorted(results, key=_result_key)
    seen = set()
    for result in results:
        identity = (result.respondent, result.round, result.point)
        if identity in seen:
            raise ValueError(f"two results for one respondent, round {result.round!r} and point")
        seen.add(identity)
    return tuple(results)


def common_cells(results: Iterable[Result]) -> frozenset[Cell]:
    """The cells (area × dimension, or learning goal) that every result scores: the only ones a
    request averages, so that each of its numbers covers all of a slice's members."""
    found: set[Cell] | None = None
    for result in results:
        scored = {cell for cell, value in result.scores.items() if value is not None}
        found = scored if found is None else found & scored
    return frozenset(found or ())


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
    """The members of every slice as sets of indexes into the ordered results, and what is hidden
    (in the order it was hidden)."""

    def __init__(self, results: tuple[Result, ...], slices: Sequence[Slice], k: int) -> None:
        self.results = results
        self.k = k
        self.slices = {item.key: item for item in sorted(slices, key=lambda item: item.key)}
        self.respondents = [result.respondent for result in results]
        # Members by an index per attribute and value (equal to ``Slice.matches`` on each result).
        index: dict[str, dict[Value | None, set[int]]] = {name: {} for name in ATTRIBUTES}
        for i, result in enumerate(results):
            for name in ATTRIBUTES:
                index[name].setdefault(getattr(result, name), set()).add(i)
        everyone = frozenset(range(len(results)))
        self.members: dict[str, frozenset[int]] = {}
        for key, item in self.slices.items():
            found = sorted((index[name].get(value, set()) for name, value in item.filters), key=len)
            self.members[key] = frozenset(found[0].intersection(*found[1:])) if found else everyone
        self.hidden: dict[str, HiddenReason] = {}
        self._people: dict[str, int] = {}

    def people(self, members: Iterable[int]) -> int:
        respondents = self.respondents
        return len({respondents[i] for i in members})

    def people_of(self, key: str) -> int:
        found = self._people.get(key)
        if found is None:
            found = self._people[key] = self.people(self.members[key])
        return found

    def shown(self) -> list[str]:
        return [key for key in self.slices if key not in self.hidden]

    def too_small(self, members: Iterable[int]) -> bool:
        return 0 < self.people(members) < self.k

    def smallest(self, keys: Iterable[str]) -> str:
        return min(keys, key=lambda key: (self.people_of(key), key))


class _Difference:
    """Rule 2: hide B when a shown A ⊋ B differs from it by fewer than k.

    Whether a pair breaks the rule depends on its members only, and hiding only grows, so the pairs
    that break it are found once (among the slices rule 1 left) in the order the pairs of shown
    slices are visited (by key); each turn takes the first pair whose slices are both still shown."""

    def __init__(self, request: _Request) -> None:
        self.request = request
        shown = request.shown()
        members = request.members
        found: list[tuple[str, str, str]] = []
        for n, first in enumerate(shown):
            a = members[first]
            for second in shown[n + 1 :]:
                b = members[second]
                if b < a:
                    outer, inner = a, second
                elif a < b:
                    outer, inner = b, first
                else:
                    continue
                if request.too_small(outer - members[inner]):
                    found.append((first, second, inner))
        self.pairs = found
        self.position = 0

    def __call__(self) -> bool:
        hidden = self.request.hidden
        while self.position < len(self.pairs):
            first, second, inner = self.pairs[self.position]
            self.position += 1
            if first not in hidden and second not in hidden:
                hidden[inner] = HiddenReason.DIFFERENCE
                return True
        return False


class _Complement:
    """Rule 3: the remainder of a shown slice after its shown siblings is 0 or at least k.

    The possible siblings of each (parent, attribute) are found once; a pair's remainder changes only
    when its parent or one of its siblings is hidden, so only those pairs are looked at again. Each
    turn takes the first pair (parents by key, then attributes in ``ATTRIBUTES`` order) that breaks
    the rule."""

    def __init__(self, request: _Request) -> None:
        self.request = request
        shown = request.shown()
        by_members: dict[frozenset[int], list[str]] = {}
        for key in shown:
            if request.members[key]:
                by_members.setdefault(request.members[key], []).append(key)
        self.pairs: list[tuple[str, tuple[str, ...]]] = []  # (parent, its possible siblings)
        self.watching: dict[str, list[int]] = {}  # slice → the pairs it is parent or sibling in
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
                siblings = tuple(
                    key
                    for value, cut in cuts.items()
                    if value is not None
                    for key in by_members.get(frozenset(cut), ())
                    if getattr(request.slices[key], name) == value
                )
                if not siblings:
                    continue
                number = len(self.pairs)
                self.pairs.append((parent, siblings))
                for key in (parent, *siblings):
                    self.watching.setdefault(key, []).append(number)
        self.breaking = {number for number in range(len(self.pairs)) if self._breaks(number)}
        self.seen = len(request.hidden)

    def _breaks(self, number: int) -> bool:
        request = self.request
        parent, siblings = self.pairs[number]
        if parent in request.hidden:
            return False
        shown = [key for key in siblings if key not in request.hidden]
        if not shown:
            return False
        covered = frozenset().union(*(request.members[key] for key in shown))
        return request.too_small(request.members[parent] - covered)

    def __call__(self) -> bool:
        request = self.request
        hidden = list(request.hidden)
        for key in hidden[self.seen :]:  # hidden since the last turn, by any rule
            for number in self.watching.get(key, ()):
                if self._breaks(number):
                    self.breaking.add(number)
                else:
                    self.breaking.discard(number)
        self.seen = len(hidden)
        if not self.breaking:
            return False
        _, siblings = self.pairs[min(self.breaking)]
        shown = [key for key in siblings if key not in request.hidden]
        request.hidden[request.smallest(shown)] = HiddenReason.COMPLEMENT
        return True


class _Combination:
    """Rule 4: no atom of fewer than k respondents follows from the shown totals.

    Slices that share no result (start and end, say) are independent systems: the shown slices are
    split into the groups of slices connected by shared results (found once; hiding only splits
    them further), and a group is solved again only when one of its slices was hidden, and not at
    all while none of its atoms is small. The atom taken is the same as over all shown slices at
    once: the first small derivable atom by its first result."""

    def __init__(self, request: _Request) -> None:
        self.request = request
        keys = [key for key in request.shown() if request.members[key]]
        parent = {key: key for key in keys}

        def root(key: str) -> str:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        first_of: dict[int, str] = {}
        for key in keys:
            for i in request.members[key]:
                other = first_of.setdefault(i, key)
                if other != key:
                    a, b = root(other), root(key)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
        groups: dict[str, list[str]] = {}
        for key in keys:
            groups.setdefault(root(key), []).append(key)
        self.groups = list(groups.values())  # each in key order
        self.solved: dict[int, tuple[tuple[str, ...], list[frozenset[int]]]] = {}

    def _small_derivable(self, number: int) -> list[frozenset[int]]:
        request = self.request
        shown = tuple(key for key in self.groups[number] if key not in request.hidden)
        cached = self.solved.get(number)
        if cached is not None and cached[0] == shown:
            return cached[1]
        members = [request.members[key] for key in shown]
        found: list[frozenset[int]] = []
        if any(request.too_small(atom) for atom in atoms_of(members).values()):
            found = [atom for atom in derivable_atoms(members) if request.too_small(atom)]
        self.solved[number] = (shown, found)
        return found

    def __call__(self) -> bool:
        request = self.request
        small = [atom for n in range(len(self.groups)) for atom in self._small_derivable(n)]
        if not small:
            return False
        atom = min(small, key=min)
        holding = [
            key for key in request.shown() if request.members[key] and atom <= request.members[key]
        ]
        request.hidden[request.smallest(holding)] = HiddenReason.COMBINATION
        return True


def aggregate(
    results: Iterable[Result], slices: Iterable[Slice], *, k: int = DEFAULT_K
) -> tuple[Outcome, ...]:
    """For each slice, in the order given: its averages (``Shown``) or why not (``Hidden``)."""
    if k < MIN_K:
        raise ValueError(f"k must be at least {MIN_K}, got {k}")
    slices = tuple(slices)
    if len({item.key for item in slices}) != len(slices):
        raise ValueError("slice keys must be unique")
    ordered = ordered_results(results)
    request = _Request(ordered, slices, k)
    for key in request.slices:
        if request.people_of(key) < k:
            request.hidden[key] = HiddenReason.TOO_FEW
    rules = (_Difference(request), _Complement(request), _Combination(request))
    while any(rule() for rule in rules):  # in this order: the first rule that hides, then again
        pass
    cells = sorted(common_cells(ordered))
    return tuple(_outcome(request, item, cells) for item in slices)


def _sum(values: Iterable[float]) -> Fraction:
    """The exact sum of the floats (or integers): their ratios over one power-of-two denominator."""
    ratios = [value.as_integer_ratio() for value in values]
    if not ratios:
        return Fraction(0)
    denominator = max(d for _, d in ratios)
    if any(denominator % d for _, d in ratios):  # not floats or integers after all
        return sum((Fraction(n, d) for n, d in ratios), Fraction(0))
    return Fraction(sum(n * (denominator // d) for n, d in ratios), denominator)


def _outcome(request: _Request, item: Slice, cells: Sequence[Cell]) -> Outcome:
    reason = request.hidden.get(item.key)
    if reason is not None:
        return Hidden(item, reason, request.k)
    members = sorted(request.members[item.key])
    results = request.results
    means = {
        cell: round(float(_sum(results[i].scores[cell] for i in members) / len(members)), 2)
        for cell in cells
    }
    return Shown(item, request.people_of(item.key), means)
