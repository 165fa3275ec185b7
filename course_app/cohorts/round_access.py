"""Who may do what with rounds: the one place the rules live; the services ask it, the views never
decide themselves.

- Platform admins: every round and everyone in it; create rounds for any organisations; enrol anyone
  of a round's organisations; change every round's release table.
- Coordinators: the rounds their organisation takes part in, and only their organisation's part of
  each (its people, its enrolled count); create rounds for their own organisation only (it is then
  the only one taking part), of the courses it already takes; enrol only its people; read the release table, and change it only when
  their organisation is the round's only one (a shared round's dates are the other organisations'
  programme too).
- Closing a round (read-only afterwards): platform admins, and coordinators of an organisation
  taking part (closing a shared round closes it for every organisation in it). Reopening: platform
  admins only (a mistake is put right by someone who sees the whole round).
- Everyone else: 403 on every rounds page.

A round the coordinator's organisation takes no part in answers 404, exactly like one that does not
exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from course_app.cohorts.models import Cohort
from course_app.cohorts.services import cohort_by_id
from course_app.core.errors import NotAllowed, NotFound
from course_app.organisations.access import Viewer
from course_app.organisations.models import Organisation


def may_manage_rounds(viewer: Viewer) -> bool:
    return viewer.is_platform_admin or bool(viewer.coordinator_of)


def require_round_staff(viewer: Viewer) -> None:
    if not may_manage_rounds(viewer):
        raise NotAllowed(_l("Forløbene er for koordinatorer og administratorer."))


@dataclass(frozen=True)
class RoundAccess:
    """One round as one person may see it: ``organisations`` is their part of it (all of the
    round's organisations for platform admins)."""

    viewer: Viewer
    cohort: Cohort
    organisations: tuple[Organisation, ...]

    @property
    def is_platform_admin(self) -> bool:
        return self.viewer.is_platform_admin

    @property
    def organisation_ids(self) -> frozenset[int] | None:
        """Whose people the person sees: None for everyone (platform admins), else these ids."""
        if self.viewer.is_platform_admin:
            return None
        return frozenset(organisation.id for organisation in self.organisations)

    def sees_person_of(self, organisation_id: int | None) -> bool:
        ids = self.organisation_ids
        return ids is None or organisation_id in ids

    @property
    def may_change_releases(self) -> bool:
        return runs_the_whole_round(self.viewer, self.cohort)

    @property
    def may_close(self) -> bool:
        return may_close_round(self.viewer, self.cohort)

    @property
    def may_reopen(self) -> bool:
        return may_reopen_round(self.viewer)


def runs_the_whole_round(viewer: Viewer, cohort: Cohort) -> bool:
    """Platform admins, and coordinators of every organisation taking part: what changes the round
    for everyone in it (its release table, closing it) is not one municipality's to decide for
    the other."""
    if viewer.is_platform_admin:
        return True
    taking_part = {organisation.id for organisation in cohort.organisations}
    return bool(taking_part) and taking_part <= viewer.coordinator_of


def may_close_round(viewer: Viewer, cohort: Cohort) -> bool:
    return runs_the_whole_round(viewer, cohort)


def may_reopen_round(viewer: Viewer) -> bool:
    return viewer.is_platform_admin


def round_access(viewer: Viewer, cohort_id: int) -> RoundAccess:
    """The round as ``viewer`` may see it; ``NotAllowed`` for people without a rounds role,
    ``NotFound`` for a round that does not exist or that the coordinator's organisation is not in."""
    require_round_staff(viewer)
    cohort = cohort_by_id(cohort_id)
    if viewer.is_platform_admin:
        return RoundAccess(viewer, cohort, tuple(cohort.organisations))
    own = tuple(o for o in cohort.organisations if o.id in viewer.coordinator_of)
    if not own:
        raise NotFound(_l("Forløbet med id %(id)s findes ikke.", id=cohort_id))
    return RoundAccess(viewer, cohort, own)


def require_release_changes(access: RoundAccess) -> None:
    if not access.may_change_releases:
        raise NotAllowed(
            _l(
                "Kun en platformsadministrator kan ændre, hvornår modulerne åbner i et forløb, "
                "som flere organisationer deltager i."
            )
        )
