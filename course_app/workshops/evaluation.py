"""Judge any table plan, also one a facilitator changed by hand: which hard rules it breaks (per table,
naming the people) and the soft rules' scores."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l

from course_app.workshops import rules, scoring
from course_app.workshops.model import (
    PER_ORGANISATION,
    Evaluation,
    HardRule,
    PlanRequest,
    Violation,
)


def _names(population: scoring.Population, members: Sequence[int]) -> str:
    return ", ".join(population.attendees[member].name for member in sorted(members))


def _seat_violations(
    population: scoring.Population, tables: Sequence[Sequence[int]]
) -> tuple[list[Violation], list[list[int]]]:
    position = {attendee.id: number for number, attendee in enumerate(population.attendees)}
    seated: dict[int, list[int]] = {}
    violations = []
    members_per_table: list[list[int]] = []
    for number, table in enumerate(tables, start=1):
        unknown = sorted({person for person in table if person not in position})
        if unknown:
            violations.append(
                Violation(
                    HardRule.SEATS,
                    _l(
                        "Bord %(table)d har personer, der ikke er tilmeldt (id %(ids)s).",
                        table=number,
                        ids=", ".join(str(person) for person in unknown),
                    ),
                    number,
                    tuple(unknown),
                )
            )
        members = []
        for person in table:
            if person in position:
                seated.setdefault(position[person], []).append(number)
                if len(seated[position[person]]) == 1:
                    members.append(position[person])
        members_per_table.append(members)
    for member, numbers in sorted(seated.items()):
        if len(numbers) > 1:
            violations.append(
                Violation(
                    HardRule.SEATS,
                    _l(
                        "%(name)s har plads ved flere borde: %(tables)s.",
                        name=population.attendees[member].name,
                        tables=", ".join(str(number) for number in numbers),
                    ),
                    None,
                    (population.attendees[member].id,),
                )
            )
    missing = [member for member in range(population.size) if member not in seated]
    if missing:
        violations.append(
            Violation(
                HardRule.SEATS,
                _l("Uden plads: %(names)s.", names=_names(population, missing)),
                None,
                tuple(population.attendees[member].id for member in missing),
            )
        )
    return violations, members_per_table


def _table_violations(
    population: scoring.Population, number: int, members: list[int], request: PlanRequest
) -> list[Violation]:
    settings = request.settings
    ids = tuple(population.attendees[member].id for member in sorted(members))
    violations = []
    if not settings.min_size <= len(members) <= settings.max_size:
        violations.append(
            Violation(
                HardRule.TABLE_SIZES,
                _l(
                    "Bord %(table)d har %(count)d personer; tilladt er %(min)d–%(max)d.",
                    table=number,
                    count=len(members),
                    min=settings.min_size,
                    max=settings.max_size,
                ),
                number,
                ids,
            )
        )
    for side, organisation in enumerate(population.organisations[:2]):
        present = [member for member in members if population.side[member] == side]
        if len(present) >= PER_ORGANISATION:
            continue
        if present:
            message = _l(
                "Bord %(table)d har kun %(count)d fra %(organisation)s (%(names)s); "
                "der skal være mindst to fra hver organisation.",
                table=number,
                count=len(present),
                organisation=organisation.name,
                names=_names(population, present),
            )
        else:
            message = _l(
                "Bord %(table)d har ingen fra %(organisation)s; "
                "der skal være mindst to fra hver organisation.",
                table=number,
                organisation=organisation.name,
            )
        violations.append(Violation(HardRule.MIX, message, number, ids))
    return violations


def evaluate_plan(request: PlanRequest, tables: Sequence[Sequence[int]]) -> Evaluation:
    """``tables``: attendee ids per table, table 1 first."""
    population = scoring.index(request)
    violations, members_per_table = _seat_violations(population, tables)
    whole = rules.table_count(request.attendees, request.settings)
    if isinstance(whole, Violation) and whole.rule in (HardRule.ATTENDEES, HardRule.ORGANISATIONS):
        violations.insert(0, whole)
    limit = request.settings.max_tables
    if limit is not None and len(tables) > limit:
        violations.append(
            Violation(
                HardRule.TABLE_SIZES,
                _l(
                    "Planen bruger %(count)d borde, men der er kun %(tables)d.",
                    count=len(tables),
                    tables=limit,
                ),
            )
        )
    for number, members in enumerate(members_per_table, start=1):
        violations.extend(_table_violations(population, number, members, request))
    return Evaluation(tuple(violations), scoring.soft_scores(population, members_per_table))
