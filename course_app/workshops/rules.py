"""The hard rules as arithmetic: whether the attendees can be seated at all, and at how many tables.

With N attendees, G and H of them from the two organisations, a size range lo–hi and at most R tables
(the room), T tables are possible when

* sizes: ceil(N / hi) <= T <= floor(N / lo) and T <= R, and
* mix: 2·T <= G and 2·T <= H (every table at least two from each organisation).

Such a T can always be seated (sizes as even as possible, each organisation spread as evenly as
possible: each table then holds at least two of each), so the planner refuses exactly when no T
exists. Since the mix bound only falls as T grows, the fewest tables that hold everyone,
ceil(N / hi), is the one to try: the planner uses it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from course_app.workshops.model import PER_ORGANISATION, Attendee, HardRule, PlanSettings, Violation


@dataclass(frozen=True)
class Layout:
    """Per table: its size and how many seats go to the first organisation."""

    sizes: tuple[int, ...]
    first_side: tuple[int, ...]


def _ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


def table_count(attendees: tuple[Attendee, ...], settings: PlanSettings) -> int | Violation:
    """The number of tables to use, or the hard rule that cannot hold and why."""
    total = len(attendees)
    if total == 0:
        return Violation(HardRule.ATTENDEES, _l("Ingen har meldt sig til workshoppen."))
    counts = Counter(attendee.organisation for attendee in attendees)
    if len(counts) == 1:
        (organisation,) = counts
        return Violation(
            HardRule.ORGANISATIONS,
            _l(
                "Alle tilmeldte er fra %(organisation)s; hvert bord skal blande begge organisationer.",
                organisation=organisation.name,
            ),
        )
    if len(counts) > 2:
        return Violation(
            HardRule.ORGANISATIONS,
            _l(
                "De tilmeldte er fra %(count)d organisationer; en bordplan blander præcis to.",
                count=len(counts),
            ),
        )
    fewest = _ceil_div(total, settings.max_size)
    most = total // settings.min_size
    numbers = {
        "count": total,
        "tables": settings.max_tables,
        "min": settings.min_size,
        "max": settings.max_size,
    }
    if settings.max_tables is not None and fewest > settings.max_tables:
        return Violation(
            HardRule.TABLE_SIZES,
            _l(
                "%(count)d deltagere er flere, end %(tables)d borde med højst %(max)d pladser kan rumme.",
                **numbers,
            ),
        )
    if fewest > most:
        return Violation(
            HardRule.TABLE_SIZES,
            _l(
                "%(count)d deltagere kan ikke deles i borde med %(min)d–%(max)d personer.",
                **numbers,
            ),
        )
    smaller, have = min(counts.items(), key=lambda item: (item[1], item[0]))
    if PER_ORGANISATION * fewest > have:
        if settings.max_size < 2 * PER_ORGANISATION:
            message = _l(
                "Et bord med højst %(max)d pladser kan ikke have to fra hver organisation.",
                max=settings.max_size,
            )
        else:
            message = _l(
                "%(organisation)s har %(count)d tilmeldte, men de %(tables)d borde, der skal til, "
                "kræver mindst %(needed)d (to ved hvert bord).",
                organisation=smaller.name,
                count=have,
                tables=fewest,
                needed=PER_ORGANISATION * fewest,
            )
        return Violation(HardRule.MIX, message)
    return fewest


def layout(total: int, first: int, tables: int) -> Layout:
    """Sizes as even as possible, the first organisation as even as possible, larger with larger."""
    sizes = tuple(
        total // tables + (1 if number < total % tables else 0) for number in range(tables)
    )
    first_side = tuple(
        first // tables + (1 if number < first % tables else 0) for number in range(tables)
    )
    return Layout(sizes, first_side)
