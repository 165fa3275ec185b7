"""Which modules are open for a leader, and when the locked ones open.

A module is open for a leader when it has opened for her before (a ``ModuleUnlock`` row: never
revoked), or when its rule holds now: always; on its date; N days after the round starts; or once she
has finished the module it waits for. The rule is the round's own (``CohortRelease``) when it has one,
else the course's default from module.md. Dates are Copenhagen days.

Pages only read; unlocks are written by the scheduler (``scheduler.py``) and by the leader's own
POSTs (``record_open_modules``), so an admin who later moves a date never closes a module again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.core.i18n import LONG_DATE, format_day
from course_app.courses.models import Module
from course_app.courses.release_rules import ReleaseKind, ReleaseRule, rule_from_data
from course_app.schedule.models import CohortRelease, ModuleUnlock


@dataclass(frozen=True)
class ModuleRelease:
    """A module's state for one leader: open, or locked until ``opens_on`` (a day) or until
    ``waits_for`` (another module's title) is done."""

    is_open: bool
    opens_on: dt.date | None = None
    waits_for: Module | None = None
    # An unlock row exists: open for good, nothing to record.
    recorded: bool = False


OPEN = ModuleRelease(True)
RECORDED = ModuleRelease(True, recorded=True)


# Built once with the ids bound per call, so SQLAlchemy finds them in its compiled cache without
# building and hashing them again.
_ROUND_RULES = select(CohortRelease).where(CohortRelease.cohort_id == bindparam("cohort_id"))
_UNLOCKED = select(ModuleUnlock.module_id).where(
    ModuleUnlock.enrolment_id == bindparam("enrolment_id")
)


def _plan(overrides: Mapping[int, object], modules: Iterable[Module]) -> dict[int, ReleaseRule]:
    return {
        module.id: rule_from_data(overrides.get(module.id, module.release)) for module in modules
    }


def release_plan(cohort: Cohort, modules: Iterable[Module]) -> dict[int, ReleaseRule]:
    """Each module's rule in this round: the round's own where it has one, else the course's."""
    overrides = {
        row.module_id: row.rule
        for row in db.session.scalars(_ROUND_RULES, {"cohort_id": cohort.id})
    }
    return _plan(overrides, modules)


def opening_day(rule: ReleaseRule, cohort: Cohort) -> dt.date | None:
    """The Copenhagen day a date rule opens on; None for rules that do not depend on a date."""
    if rule.kind == ReleaseKind.ON_DATE:
        return rule.date
    if rule.kind == ReleaseKind.DAYS_AFTER_START:
        return cohort.starts_on + dt.timedelta(days=rule.days)
    return None


def open_by_rule(
    rule: ReleaseRule, cohort: Cohort, today: dt.date, done_module_keys: set[str]
) -> bool:
    if rule.kind == ReleaseKind.ALWAYS:
        return True
    if rule.kind == ReleaseKind.AFTER_MODULE:
        return rule.after in done_module_keys
    day = opening_day(rule, cohort)
    return day is not None and today >= day


def unlocked_module_ids(enrolment: Enrolment) -> set[int]:
    return set(db.session.scalars(_UNLOCKED, {"enrolment_id": enrolment.id}))


def module_releases(
    enrolment: Enrolment,
    modules: list[Module],
    done_module_keys: set[str],
    now: dt.datetime,
    *,
    round_rules: Mapping[int, object],
    unlocked: set[int],
) -> dict[int, ModuleRelease]:
    """Open or locked, per module id, for this leader at ``now``, from the round's own rules
    (module id → rule) and the modules opened for her (``unlocked``), read by the caller with her
    progress (``learning.timeline``)."""
    cohort = enrolment.cohort
    plan = _plan(round_rules, modules)
    today = local_day(now)
    by_key = {module.key: module for module in modules}
    states = {}
    for module in modules:
        rule = plan[module.id]
        if module.id in unlocked:
            states[module.id] = RECORDED
        elif open_by_rule(rule, cohort, today, done_module_keys):
            states[module.id] = OPEN
        else:
            states[module.id] = ModuleRelease(
                False, opens_on=opening_day(rule, cohort), waits_for=by_key.get(rule.after or "")
            )
    return states


def record_open_modules(
    enrolment: Enrolment,
    releases: Mapping[int, ModuleRelease],
    now: dt.datetime,
    *,
    seen_in_platform: Iterable[int] = (),
) -> list[int]:
    """Write an unlock for every open module that has none yet, so it stays open. Modules in
    ``seen_in_platform`` (opened by the leader's own action, e.g. finishing the module they wait
    for) need no e-mail and are marked notified. Returns the module ids newly recorded."""
    seen = set(seen_in_platform)
    new = [
        module_id
        for module_id, release in releases.items()
        if release.is_open and not release.recorded
    ]
    for _attempt in range(2):
        if not new:
            return []
        try:
            with db.session.begin_nested():  # the scheduler may record the same unlock meanwhile
                db.session.add_all(
                    ModuleUnlock(
                        enrolment_id=enrolment.id,
                        module_id=module_id,
                        unlocked_at=now,
                        notified_at=now if module_id in seen else None,
                    )
                    for module_id in new
                )
            return new
        except IntegrityError:
            unlocked = unlocked_module_ids(enrolment)
            new = [module_id for module_id in new if module_id not in unlocked]
    return []


def describe_rule(rule: ReleaseRule, titles: Mapping[str, str]) -> str:
    """The rule in words, e.g. "7 dage efter start" (in the current language)."""
    if rule.kind == ReleaseKind.ON_DATE and rule.date is not None:
        return str(_l("På en dato: %(date)s", date=format_day(rule.date, LONG_DATE)))
    if rule.kind == ReleaseKind.DAYS_AFTER_START:
        days = rule.days or 0
        return ngettext("%(num)s dag efter start", "%(num)s dage efter start", days)
    if rule.kind == ReleaseKind.AFTER_MODULE:
        after = rule.after or ""
        return str(_l("Når %(module)s er gennemført", module=titles.get(after, after)))
    return str(_l("Altid åben"))
