"""A round's release table, "Moduler og åbning": one row per module of the course with the course's
rule (module.md), the round's own rule and the day the module opens; and saving the whole table.

Saving checks every changed row (a date inside the round, 0 to 3650 days, an "after" rule pointing
at another module of the course) and the table as a whole (no "after" rules that wait for each other
in a circle), then writes the round's own rules (``schedule.models.CohortRelease``; a rule equal to
the course's is no row at all) and one audit entry, in the caller's transaction.

Two people editing at once: the form carries the table's ``version`` (a digest of every rule and the
round's dates, as shown). Saving a table that has changed since it was shown is refused
(``StaleReleaseTable``), so nobody overwrites what they have not seen. The round's row is locked
first (PostgreSQL; SQLite's POSTs hold the write lock from the start), so two saves queue.

Moving a date never closes a module again for a leader it has opened for (``ModuleUnlock``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.audit import services as audit
from course_app.cohorts.models import Cohort
from course_app.cohorts.read_only import require_open_round
from course_app.cohorts.round_access import RoundAccess, require_release_changes
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses.models import Module
from course_app.courses.outlines import course_outline
from course_app.courses.release_rules import (
    MAX_DAYS_AFTER_START,
    ReleaseKind,
    ReleaseRule,
    circular_after,
    rule_from_data,
)
from course_app.schedule.models import CohortRelease
from course_app.schedule.releases import opening_day, release_plan


@dataclass(frozen=True)
class ReleaseRow:
    module: Module
    default: ReleaseRule  # the course's rule (module.md)
    rule: ReleaseRule  # the round's: its own where it has one, else the course's
    opens_on: dt.date | None  # None: when another module is done

    @property
    def is_own(self) -> bool:
        return self.rule != self.default


@dataclass(frozen=True)
class ReleaseTable:
    cohort: Cohort
    rows: list[ReleaseRow]
    version: str

    @property
    def titles(self) -> dict[str, str]:
        return {row.module.key: row.module.title for row in self.rows}

    def after_row_ends(self, row: ReleaseRow) -> bool:
        """The module opens after the round's last day."""
        ends = self.cohort.ends_on
        return ends is not None and row.opens_on is not None and row.opens_on > ends


def release_table(cohort: Cohort) -> ReleaseTable:
    """The table as it is stored now (the course's visible modules in course order)."""
    modules = [outline.module for outline in course_outline(cohort.course)]
    plan = release_plan(cohort, modules)
    rows = []
    for module in modules:
        rule = plan[module.id]
        always = rule.kind == ReleaseKind.ALWAYS
        rows.append(
            ReleaseRow(
                module=module,
                default=rule_from_data(module.release),
                rule=rule,
                opens_on=cohort.starts_on if always else opening_day(rule, cohort),
            )
        )
    return ReleaseTable(cohort, rows, _version(cohort, rows))


def _version(cohort: Cohort, rows: list[ReleaseRow]) -> str:
    shown = {
        "round": [cohort.starts_on.isoformat(), cohort.ends_on and cohort.ends_on.isoformat()],
        "rules": [[row.module.key, row.default.to_data(), row.rule.to_data()] for row in rows],
    }
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:20]


# --- saving --------------------------------------------------------------------------------------


class StaleReleaseTable(ServiceError):
    """The table changed after it was shown; nothing was saved."""


class ReleaseRulesInvalid(ServiceError):
    """Nothing was saved; ``problems`` holds one message per module key, naming the module."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(_l("Åbningerne blev ikke gemt. Ret fejlene i tabellen."))
        self.problems = problems


def save_release_rules(
    access: RoundAccess, rules: Mapping[str, ReleaseRule], *, version: str
) -> list[str]:
    """Store the round's rules (flush only); ``rules`` maps module keys to the rule wanted, and a
    module left out keeps its rule. Returns the keys of the modules whose rule changed."""
    require_release_changes(access)
    cohort = access.cohort
    db.session.execute(
        select(Cohort.id).where(Cohort.id == cohort.id).with_for_update(key_share=True)
    )
    require_open_round(cohort)
    table = release_table(cohort)
    if version != table.version:
        raise StaleReleaseTable(
            _l(
                "Nogen har ændret åbningerne, siden du åbnede siden, så dine ændringer er ikke "
                "gemt. Tabellen viser nu det, du skrev; kolonnen »Åbner« viser det, der er gemt. "
                "Gem igen, hvis dine ændringer stadig skal gælde."
            )
        )
    wanted = {row.module.key: rules.get(row.module.key, row.rule) for row in table.rows}
    problems = release_problems(table, wanted)
    if problems:
        raise ReleaseRulesInvalid(problems)
    changed = [row for row in table.rows if wanted[row.module.key] != row.rule]
    if not changed:
        return []
    own = {
        release.module_id: release
        for release in db.session.scalars(
            select(CohortRelease).where(CohortRelease.cohort_id == cohort.id)
        )
    }
    for row in changed:
        rule = wanted[row.module.key]
        stored = own.get(row.module.id)
        if rule == row.default:
            if stored is not None:
                db.session.delete(stored)
        elif stored is not None:
            stored.rule = rule.to_data()
        else:
            db.session.add(
                CohortRelease(cohort_id=cohort.id, module_id=row.module.id, rule=rule.to_data())
            )
    db.session.flush()
    audit.record(
        actor_id=access.viewer.user_id,
        action="changed",
        object_type="cohort",
        object_key=str(cohort.id),
        course_id=cohort.course_id,
        summary=f"Åbninger ændret i forløbet {cohort.name}: "
        + ", ".join(row.module.key for row in changed),
        details={
            "releases": {
                row.module.key: [row.rule.to_data(), wanted[row.module.key].to_data()]
                for row in changed
            }
        },
    )
    return [row.module.key for row in changed]


def release_problems(table: ReleaseTable, wanted: Mapping[str, ReleaseRule]) -> dict[str, str]:
    """What is wrong with the table as wanted, per module key (changed rows are checked; the
    circle check looks at the whole table)."""
    cohort = table.cohort
    titles = table.titles
    problems: dict[str, str] = {}
    for row in table.rows:
        key = row.module.key
        rule = wanted[key]
        if rule != row.rule:
            problem = _rule_problem(rule, key, cohort, titles)
            if problem:
                problems[key] = str(problem)
    for key in circular_after(wanted):
        problems.setdefault(
            key,
            str(
                _l(
                    "%(module)s venter på et modul, der selv (direkte eller via andre) venter på "
                    "%(module)s. Så åbner ingen af dem.",
                    module=titles[key],
                )
            ),
        )
    return problems


def _rule_problem(rule: ReleaseRule, key: str, cohort: Cohort, titles: Mapping[str, str]):
    module = titles[key]
    if rule.kind == ReleaseKind.ON_DATE:
        if rule.date is None:
            return _l("%(module)s: skriv datoen.", module=module)
        if rule.date < cohort.starts_on:
            return _l(
                "%(module)s: datoen %(date)s ligger før forløbets start (%(start)s).",
                module=module,
                date=rule.date.isoformat(),
                start=cohort.starts_on.isoformat(),
            )
        if cohort.ends_on is not None and rule.date > cohort.ends_on:
            return _l(
                "%(module)s: datoen %(date)s ligger efter forløbets slutdato (%(end)s).",
                module=module,
                date=rule.date.isoformat(),
                end=cohort.ends_on.isoformat(),
            )
    if rule.kind == ReleaseKind.DAYS_AFTER_START and not (
        rule.days is not None and 0 <= rule.days <= MAX_DAYS_AFTER_START
    ):
        return _l(
            "%(module)s: antal dage efter start skal være et helt tal fra 0 til %(most)s.",
            module=module,
            most=MAX_DAYS_AFTER_START,
        )
    if rule.kind == ReleaseKind.AFTER_MODULE:
        if rule.after == key:
            return _l("%(module)s kan ikke vente på sig selv. Vælg et andet modul.", module=module)
        if rule.after not in titles:
            return _l("%(module)s: vælg modulet fra listen.", module=module)
    return None
