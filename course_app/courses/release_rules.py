"""When a module opens for a leader: its release rule, as written in ``module.md`` and stored.

A module without a rule is always open. Otherwise exactly one of:

- ``date: "2027-01-12"``: on that day (Europe/Copenhagen);
- ``days_after_start: 7``: that many days after the round starts (0 is the start day);
- ``after: film-1``: when the leader has finished that module of the same course.

The rule is stored as the same small mapping (``Module.release``, and per round in ``schedule``), so the
files, the database and the round's overrides speak one language. Evaluating a rule for a leader is the
job of ``course_app.schedule``.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

MAX_DAYS_AFTER_START = 3650
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MODULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class ReleaseKind(enum.StrEnum):
    ALWAYS = "always"
    ON_DATE = "date"
    DAYS_AFTER_START = "days_after_start"
    AFTER_MODULE = "after"


@dataclass(frozen=True)
class ReleaseRule:
    kind: ReleaseKind
    date: dt.date | None = None
    days: int | None = None
    after: str | None = None  # a module id (key) of the same course

    def to_data(self) -> dict[str, Any] | None:
        """The stored and written form; None for "always open"."""
        if self.kind == ReleaseKind.ON_DATE:
            return {"date": self.date.isoformat()}
        if self.kind == ReleaseKind.DAYS_AFTER_START:
            return {"days_after_start": self.days}
        if self.kind == ReleaseKind.AFTER_MODULE:
            return {"after": self.after}
        return None


ALWAYS_OPEN = ReleaseRule(ReleaseKind.ALWAYS)


def parse_date(value: Any) -> dt.date | None:
    """A calendar date from a YAML date or a "YYYY-MM-DD" string, else None."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def release_problem(value: Any) -> str | None:
    """What is wrong with a ``release`` value from a file, or None (course-file rule). Only the
    course files use it (the rounds' release table has its own form checks), so it speaks as the
    format's other checks do: a Danish message id, the rest of a sentence after the key."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return _(
            "skal have præcis én nøgle: date, days_after_start eller after (fx release: "
            "{days_after_start: 7}); udelad »release«, hvis modulet altid skal være åbent"
        )
    (key, item), *_rest = value.items()
    if key == ReleaseKind.ON_DATE:
        if parse_date(item):
            return None
        return _('har en »date«, der skal være en dag skrevet "ÅÅÅÅ-MM-DD", fx "2027-01-12"')
    if key == ReleaseKind.DAYS_AFTER_START:
        whole = isinstance(item, int) and not isinstance(item, bool)
        if whole and 0 <= item <= MAX_DAYS_AFTER_START:
            return None
        return _(
            "har en »days_after_start«, der skal være et helt tal fra 0 til %(most)s",
            most=MAX_DAYS_AFTER_START,
        )
    if key == ReleaseKind.AFTER_MODULE:
        if isinstance(item, str) and _MODULE_ID.match(item):
            return None
        return _("har en »after«, der skal være id'et på et andet modul i dette kursus")
    return _("har en ukendt nøgle »%(key)s« (tilladt: date, days_after_start, after)", key=key)


def rule_from_data(data: Mapping[str, Any] | None) -> ReleaseRule:
    """The rule of a stored (already checked) mapping; None or an empty mapping is always open."""
    if not data:
        return ALWAYS_OPEN
    (key, value), *_rest = data.items()
    if key == ReleaseKind.ON_DATE:
        return ReleaseRule(ReleaseKind.ON_DATE, date=parse_date(value))
    if key == ReleaseKind.DAYS_AFTER_START:
        return ReleaseRule(ReleaseKind.DAYS_AFTER_START, days=int(value))
    if key == ReleaseKind.AFTER_MODULE:
        return ReleaseRule(ReleaseKind.AFTER_MODULE, after=str(value))
    return ALWAYS_OPEN


def circular_after(rules: Mapping[str, ReleaseRule]) -> list[str]:
    """Module ids whose ``after`` chain leads back to themselves (each such module once)."""
    circular = []
    for start in rules:
        seen = {start}
        current = rules[start]
        while current.kind == ReleaseKind.AFTER_MODULE and current.after in rules:
            if current.after in seen:
                if current.after == start:
                    circular.append(start)
                break
            seen.add(current.after)
            current = rules[current.after]
    return circular
