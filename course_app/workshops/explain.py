"""Each table explains itself: which corresponding areas meet there, and which areas correspond to
nothing (unmapped areas are shown as such, never guessed)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l

from course_app.workshops.model import Area, Table
from course_app.workshops.scoring import Population


def explain(population: Population, number: int, members: Sequence[int]) -> Table:
    sides: tuple[dict[int, Area], dict[int, Area]] = ({}, {})
    unmapped: dict[int, Area] = {}
    without_area: list[str] = []
    for member in sorted(members):
        attendee = population.attendees[member]
        if attendee.area is None:
            without_area.append(attendee.name)
            continue
        if population.side[member] >= 0:
            sides[population.side[member]][attendee.area.id] = attendee.area
        if not population.counterparts[member]:
            unmapped[attendee.area.id] = attendee.area
    meetings = tuple(
        f"{first.name} ↔ {second.name}"
        for first in sorted(sides[0].values())
        for second in sorted(sides[1].values())
        if second.id in population.counterparts_of_area.get(first.id, ())
    )
    notes = []
    if not meetings:
        notes.append(_l("Ingen tilsvarende områder mødes ved dette bord."))
    unmapped_names = tuple(area.name for area in sorted(unmapped.values(), key=lambda a: a.name))
    if unmapped_names:
        notes.append(_l("Uden tilsvarende område: %(areas)s.", areas=", ".join(unmapped_names)))
    if without_area:
        notes.append(_l("Uden område: %(names)s.", names=", ".join(without_area)))
    return Table(
        number=number,
        attendee_ids=tuple(population.attendees[member].id for member in sorted(members)),
        meetings=meetings,
        unmapped_areas=unmapped_names,
        notes=tuple(notes),
    )
