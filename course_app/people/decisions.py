"""Step 3 of planning an import: what happens to each checked row – places to create, a group to
join or move to, a role, an enrolment, an invitation – and the preview line that says so. Only adds:
what the person already has (read in batches up front) is left out.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from course_app.cohorts.models import Cohort
from course_app.organisations.models import LeaderGroup, Organisation, Role
from course_app.people.lookups import area_name, current_groups, enrolments, role_keys
from course_app.people.plan import MEMBER_ROLES, ImportRole, Plan, PlannedRow, RowPreview, RowStatus


def decide(plan: Plan, area_names: dict[int, str], cohorts: dict[int, Cohort | None]) -> None:
    """Fill in each of ``plan.rows``' changes and add its preview line to ``plan.previews``."""
    decisions = _Decisions(plan, area_names, cohorts)
    for row in plan.rows:
        plan.previews.append(decisions.preview(row))


class _Decisions:
    def __init__(
        self, plan: Plan, area_names: dict[int, str], cohorts: dict[int, Cohort | None]
    ) -> None:
        self.plan = plan
        self.area_names = area_names
        self.cohorts = cohorts
        existing_ids = [row.user.id for row in plan.rows if row.user is not None]
        self.current_groups = current_groups(existing_ids)
        self.roles = role_keys(existing_ids)
        self.enrolled = enrolments(existing_ids)
        self.announced: set[object] = set()  # places whose creation a row above already told

    def preview(self, row: PlannedRow) -> RowPreview:
        actions: list[str] = []
        organisation, group = self._places(row, actions)
        group_name = group.name if isinstance(group, LeaderGroup) else group
        user = row.user
        row.new_person = user is None
        if user is None:
            actions.append(_("Opretter personen."))
        elif user.name != row.name or area_name(user, self.area_names) != row.area:
            actions.append(_("Findes allerede; navn og område ændres ikke."))
        group_id = group.id if isinstance(group, LeaderGroup) else None
        if row.role in MEMBER_ROLES:
            self._membership(row, group_id, group_name, actions)
        if row.role == ImportRole.CHAIR:
            self._add_role(row, Role.CHAIR, group_id, actions, group_name)
        elif row.role == ImportRole.FACILITATOR:
            self._add_role(row, Role.FACILITATOR, group_id, actions, group_name)
        elif row.role in (ImportRole.COORDINATOR, ImportRole.SUPPORTER):
            role = Role.COORDINATOR if row.role == ImportRole.COORDINATOR else Role.SUPPORTER
            org_id = organisation.id if isinstance(organisation, Organisation) else None
            org_name = organisation.name if isinstance(organisation, Organisation) else organisation
            self._add_role(row, role, org_id, actions, org_name)
        if row.role in MEMBER_ROLES and isinstance(organisation, Organisation):
            self._enrolment(row, organisation, actions)
        if user is None:
            actions.append(_("Får en invitation pr. e-mail."))

        changed = row.join_group or row.role_to_add is not None or row.enrol_in is not None
        status = (
            RowStatus.NEW if user is None else RowStatus.UPDATED if changed else RowStatus.UNCHANGED
        )
        return RowPreview(
            line=row.csv.line,
            name=user.name if user else row.name,
            email=row.email,
            status=status,
            actions=actions,
        )

    def _announce(self, key: object, text: str, actions: list[str]) -> None:
        """A new place is told once, at the first row that names it."""
        if key not in self.announced:
            self.announced.add(key)
            actions.append(text)

    def _places(
        self, row: PlannedRow, actions: list[str]
    ) -> tuple[Organisation | str, LeaderGroup | str | None]:
        """The row's organisation and group (objects, or names still to create)."""
        plan = self.plan
        organisation = plan.organisations[row.organisation]
        area = plan.areas.get((row.organisation, row.area)) if row.area else None
        group = plan.groups.get((row.organisation, row.group)) if row.group else None
        for key, place, text in (
            (("org", row.organisation), organisation, _l("Opretter organisationen »%(name)s«.")),
            (("area", row.organisation, row.area), area, _l("Opretter området »%(name)s«.")),
            (
                ("group", row.organisation, row.group),
                group,
                _l("Opretter ledergruppen »%(name)s«."),
            ),
        ):
            if isinstance(place, str):
                self._announce(key, text % {"name": place}, actions)
        return organisation, group

    def _membership(
        self, row: PlannedRow, group_id: int | None, group_name: str | None, actions: list[str]
    ) -> None:
        current = self.current_groups.get(row.user.id) if row.user else None
        if current is None or group_id is None or current[0] != group_id:
            row.join_group = True
            if current is None:
                actions.append(_("Sættes i ledergruppen »%(group)s«.", group=group_name))
            else:
                actions.append(
                    _(
                        "Flyttes fra ledergruppen »%(old)s« til »%(new)s«.",
                        old=current[1],
                        new=group_name,
                    )
                )

    def _add_role(
        self,
        row: PlannedRow,
        role: Role,
        scope_id: int | None,
        actions: list[str],
        scope_name: str,
    ) -> None:
        if (
            row.user is not None
            and scope_id is not None
            and (row.user.id, role, scope_id) in self.roles
        ):
            return
        row.role_to_add = role
        actions.append(
            {
                Role.CHAIR: _("Bliver mødeleder for »%(name)s«.", name=scope_name),
                Role.FACILITATOR: _("Bliver facilitator for »%(name)s«.", name=scope_name),
                Role.COORDINATOR: _("Bliver koordinator for »%(name)s«.", name=scope_name),
                Role.SUPPORTER: _(
                    "Bliver supporter for servicetjek i »%(name)s«.", name=scope_name
                ),
            }[role]
        )

    def _enrolment(self, row: PlannedRow, organisation: Organisation, actions: list[str]) -> None:
        cohort = self.cohorts.get(organisation.id)
        user = row.user
        if cohort is not None and (user is None or (user.id, cohort.id) not in self.enrolled):
            row.enrol_in = cohort
            actions.append(
                _("Tilmeldes forløbet »%(cohort)s«.", cohort=cohort.name)
                if cohort is self.plan.cohort
                else _("Tilmeldes holdet »%(cohort)s«.", cohort=cohort.name)
            )
        elif cohort is not None and cohort is self.plan.cohort:
            row.already_enrolled = True
            actions.append(_("Er allerede tilmeldt forløbet »%(cohort)s«.", cohort=cohort.name))
