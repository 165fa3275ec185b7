"""Rule 4's algebra (``aggregates.py``): which small cells of people follow from shown totals by a
linear combination. Pure, exact arithmetic (integers where a division is exact, fractions otherwise)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def atoms_of(members: Sequence[frozenset[int]]) -> dict[tuple[int, ...], list[int]]:
    """The results in exactly the same of the given sets, by the sets they are in."""
    signature: dict[int, list[int]] = {}
    for row, item in enumerate(members):
        for index in item:
            signature.setdefault(index, []).append(row)
    atoms: dict[tuple[int, ...], list[int]] = {}
    for index in sorted(signature):
        atoms.setdefault(tuple(signature[index]), []).append(index)
    return atoms


def _divide(value: int | Fraction, lead: int | Fraction) -> int | Fraction:
    if isinstance(value, int) and isinstance(lead, int) and value % lead == 0:
        return value // lead
    return Fraction(value) / lead


def derivable_atoms(members: Sequence[frozenset[int]]) -> list[frozenset[int]]:
    """The atoms (results in exactly the same of the given sets) whose total follows from the sets'
    totals by a linear combination: a unit vector in the row space, found by exact Gauss-Jordan
    elimination over the atoms (integers where the division is exact, fractions otherwise)."""
    atoms = atoms_of(members)
    columns = sorted(atoms)
    # Sparse rows (column -> value): the sets are 0/1 rows over the atoms, and mostly zeros.
    rows: list[dict[int, int | Fraction]] = [{} for _ in members]
    for c, column in enumerate(columns):
        for row in column:
            rows[row][c] = 1
    reduced: list[tuple[int, dict[int, int | Fraction]]] = []  # (pivot column, row)
    pending = rows
    for c in range(len(columns)):
        pivot = next((row for row in pending if row.get(c)), None)
        if pivot is None:
            continue
        pending = [row for row in pending if row is not pivot]
        lead = pivot[c]
        if lead != 1:
            pivot = {column: _divide(value, lead) for column, value in pivot.items()}
        for row in [*pending, *(row for _, row in reduced)]:
            factor = row.get(c)
            if factor:
                for column, value in pivot.items():
                    updated = row.get(column, 0) - factor * value
                    if isinstance(updated, Fraction) and updated.denominator == 1:
                        updated = updated.numerator
                    if updated:
                        row[column] = updated
                    else:
                        row.pop(column, None)
        reduced.append((c, pivot))
    return [
        frozenset(atoms[columns[c]]) for c, row in reduced if all(column == c for column in row)
    ]
