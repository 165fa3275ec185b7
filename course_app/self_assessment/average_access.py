"""Who sees the competence wheel's averages, of which rounds and organisations: platform admins every
round and organisation; coordinators the rounds their organisation takes part in, and only the
slices inside their own organisation (``averages.py`` gives each viewer her part of one aggregate);
everyone else 403. A round out of view answers 404, like one that does not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.cohorts.models import Cohort, cohort_organisations
from course_app.cohorts.services import cohort_by_id
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotAllowed, NotFound
from course_app.core.i18n import danish_sort_key
from course_app.organisations.access import Viewer
from course_app.organisations.models import Organisation
from course_app.self_assessment.round_models import RoundAssessment


@dataclass(frozen=True)
class AveragesScope:
    """Whose responses a person may see averages of: everyone's (platform admins, ``None``) or those
    completed in the organisations she coordinates."""

    viewer: Viewer

    @property
    def organisation_ids(self) -> frozenset[int] | None:
        return None if self.viewer.is_platform_admin else self.viewer.coordinator_of

    @property
    def is_platform_admin(self) -> bool:
        return self.viewer.is_platform_admin


def may_see_averages(viewer: Viewer) -> bool:
    return viewer.is_platform_admin or bool(viewer.coordinator_of)


def averages_scope(viewer: Viewer) -> AveragesScope:
    if not may_see_averages(viewer):
        raise NotAllowed(
            _l("Gennemsnittene for kompetencehjulet er for koordinatorer og administratorer.")
        )
    return AveragesScope(viewer)


@dataclass(frozen=True)
class RoundChoice:
    cohort: Cohort
    tool: RoundAssessment | None


def round_choices(scope: AveragesScope) -> tuple[RoundChoice, ...]:
    """The rounds in view that use a competence wheel (this platform's or an external tool), newest
    first (one query)."""
    query = (
        select(Cohort, RoundAssessment)
        .join(RoundAssessment, RoundAssessment.cohort_id == Cohort.id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    ids = scope.organisation_ids
    if ids is not None:
        query = query.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(sorted(ids))
                )
            )
        )
    return tuple(RoundChoice(cohort, tool) for cohort, tool in db.session.execute(query))


def default_round(choices: Sequence[RoundChoice], today: dt.date) -> RoundChoice | None:
    """As the reports: the latest round that has started, else the next to start."""
    started = [choice for choice in choices if choice.cohort.starts_on <= today]
    if started:
        return max(started, key=lambda choice: (choice.cohort.starts_on, choice.cohort.id))
    return min(
        choices, key=lambda choice: (choice.cohort.starts_on, choice.cohort.id), default=None
    )


def by_name(organisations: Iterable[Organisation]) -> tuple[Organisation, ...]:
    return tuple(sorted(organisations, key=lambda organisation: danish_sort_key(organisation.name)))


def organisations_in_view(scope: AveragesScope, cohort: Cohort) -> tuple[Organisation, ...]:
    ids = scope.organisation_ids
    return by_name(o for o in cohort.organisations if ids is None or o.id in ids)


def chosen_round(
    scope: AveragesScope, choices: tuple[RoundChoice, ...], cohort_id: int | None, today: dt.date
) -> tuple[RoundChoice | None, tuple[RoundChoice, ...]]:
    """The round asked for (``NotFound`` when it does not exist or is out of view), or the default;
    and the choices, with the round asked for among them even when it has no competence wheel."""
    if cohort_id is None:
        return default_round(choices, today), choices
    found = next((choice for choice in choices if choice.cohort.id == cohort_id), None)
    if found is not None:
        return found, choices
    if not is_possible_id(cohort_id):
        raise NotFound(_l("Forløbet findes ikke."))
    cohort = cohort_by_id(cohort_id)
    ids = scope.organisation_ids
    if ids is not None and not any(o.id in ids for o in cohort.organisations):
        raise NotFound(_l("Forløbet med id %(id)s findes ikke.", id=cohort_id))
    # In view, but without a competence wheel: shown as such, and in the choice so it stays chosen.
    found = RoundChoice(cohort, None)
    return found, (found, *choices)
