"""Planning an import (reads only): check every row, match it against the directory, and decide
what happens to each person. The plan is the preview; ``importer`` carries it out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer
from course_app.organisations.models import (
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    Role,
    RoleAssignment,
)
from course_app.people.csvfile import CsvRow, Problem

MAX_LENGTH = {"name": 200, "email": 254, "organisation": 200, "area": 200, "group": 200}
SLUG_LENGTH = 64  # organisations.slug
_BATCH = 500  # values per IN (...) list


class ImportRole(enum.StrEnum):
    LEADER = "leader"
    CHAIR = "chair"
    FACILITATOR = "facilitator"
    COORDINATOR = "coordinator"


ROLE_NAMES = {
    "": ImportRole.LEADER,
    "leader": ImportRole.LEADER,
    "leder": ImportRole.LEADER,
    "chair": ImportRole.CHAIR,
    "mødeleder": ImportRole.CHAIR,
    "moedeleder": ImportRole.CHAIR,
    "facilitator": ImportRole.FACILITATOR,
    "coordinator": ImportRole.COORDINATOR,
    "koordinator": ImportRole.COORDINATOR,
}
MEMBER_ROLES = (ImportRole.LEADER, ImportRole.CHAIR)


class RowStatus(enum.StrEnum):
    NEW = "ny"
    UNCHANGED = "uændret"
    UPDATED = "opdateret"


@dataclass
class RowPreview:
    """What happens (or, in a dry run, would happen) to one row's person."""

    line: int
    name: str
    email: str
    status: RowStatus
    actions: list[str] = field(default_factory=list)


def _key(name: str) -> str:
    """Names match ignoring case and repeated spaces."""
    return " ".join(name.split()).casefold()


def _tidy(name: str) -> str:
    return " ".join(name.split())


@dataclass
class PlannedRow:
    csv: CsvRow
    email: str
    role: ImportRole
    name: str
    organisation: str  # key
    area: str  # key, "" when none
    group: str  # key, "" when none
    user: User | None = None
    new_person: bool = False
    join_group: bool = False
    role_to_add: Role | None = None
    enrol_in: Cohort | None = None


@dataclass
class Plan:
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    previews: list[RowPreview] = field(default_factory=list)
    # key → existing object, or the tidy name to create it with
    organisations: dict[str, Organisation | str] = field(default_factory=dict)
    areas: dict[tuple[str, str], Area | str] = field(default_factory=dict)
    groups: dict[tuple[str, str], LeaderGroup | str] = field(default_factory=dict)
    group_areas: dict[tuple[str, str], str] = field(default_factory=dict)  # new group → area key


class _Planner:
    def __init__(self, actor: Viewer | None) -> None:
        self.actor = actor
        self.restricted = actor is not None and not actor.is_platform_admin
        self.plan = Plan()
        self._own_only_message: str | None = None
        self.email_lines: dict[str, int] = {}  # e-mail → the line it first appears on

    def problem(self, row: CsvRow, reason: str) -> None:
        self.plan.problems.append(Problem(row.line, reason))

    def build(self, csv_rows: list[CsvRow]) -> Plan:
        rows = [row for row in (self._check_cells(csv_row) for csv_row in csv_rows) if row]
        self._load_directory(rows)
        users = self._existing_users(rows)
        rows = [row for row in rows if self._check_against_directory(row, users)]
        self.plan.rows = rows
        self._decide(rows)
        return self.plan

    # 1. each row on its own
    def _check_cells(self, row: CsvRow) -> PlannedRow | None:
        before = len(self.plan.problems)
        values = {
            "name": row.name,
            "email": row.email,
            "organisation": row.organisation,
            "area": row.area,
            "group": row.group,
        }
        for column, value in values.items():
            if any(ord(char) < 32 or ord(char) == 127 for char in value):
                self.problem(
                    row,
                    _("Feltet %(column)s indeholder linjeskift eller styretegn.", column=column),
                )
            elif len(value) > MAX_LENGTH[column]:
                self.problem(
                    row,
                    _(
                        "Feltet %(column)s er for langt (højst %(length)s tegn).",
                        column=column,
                        length=MAX_LENGTH[column],
                    ),
                )
        if not row.name:
            self.problem(row, _("Navn mangler."))
        email = ""
        if not row.email:
            self.problem(row, _("E-mailadresse mangler."))
        else:
            try:
                email = accounts.normalise_email(row.email)
            except ServiceError:
                self.problem(row, _("Ugyldig e-mailadresse: »%(email)s«.", email=row.email))
            else:
                first_line = self.email_lines.setdefault(email, row.line)
                if first_line != row.line:
                    self.problem(
                        row,
                        _(
                            "E-mailadressen %(email)s står også på linje %(line)s.",
                            email=email,
                            line=first_line,
                        ),
                    )
        role = ROLE_NAMES.get(row.role.casefold())
        if role is None:
            self.problem(
                row,
                _(
                    "Ukendt rolle »%(role)s«. Brug leader, chair, facilitator eller coordinator "
                    "(eller leder, mødeleder, facilitator, koordinator).",
                    role=row.role,
                ),
            )
        if not row.organisation:
            if row.group:
                self.problem(row, _("Gruppen »%(group)s« står uden organisation.", group=row.group))
            elif row.area:
                self.problem(row, _("Området »%(area)s« står uden organisation.", area=row.area))
            else:
                self.problem(row, _("Organisation mangler."))
        elif len(directory.slugify(row.organisation)) > SLUG_LENGTH:
            self.problem(row, _("Organisationens navn er for langt."))
        if role in (ImportRole.LEADER, ImportRole.CHAIR, ImportRole.FACILITATOR) and not row.group:
            self.problem(
                row,
                {
                    ImportRole.LEADER: _("En leder skal have en ledergruppe (kolonnen group)."),
                    ImportRole.CHAIR: _("En mødeleder skal have en ledergruppe (kolonnen group)."),
                    ImportRole.FACILITATOR: _(
                        "En facilitator skal have en ledergruppe (kolonnen group)."
                    ),
                }[role],
            )
        if role == ImportRole.COORDINATOR and row.group:
            self.problem(
                row,
                _(
                    "En koordinator hører til organisationen, ikke til en ledergruppe. "
                    "Lad kolonnen group være tom."
                ),
            )
        if len(self.plan.problems) > before or role is None:
            return None
        return PlannedRow(
            csv=row,
            email=email,
            role=role,
            name=_tidy(row.name),
            organisation=_key(row.organisation),
            area=_key(row.area),
            group=_key(row.group),
        )

    # 2. the directory as it is
    def _load_directory(self, rows: list[PlannedRow]) -> None:
        plan = self.plan
        existing = {_key(org.name): org for org in db.session.scalars(select(Organisation))}
        self.slugs = {org.slug: key for key, org in existing.items()}
        for row in rows:
            if row.organisation not in plan.organisations:
                plan.organisations[row.organisation] = existing.get(
                    row.organisation, _tidy(row.csv.organisation)
                )
        org_ids = [org.id for org in plan.organisations.values() if isinstance(org, Organisation)]
        by_id = {org.id: key for key, org in existing.items()}
        areas = {
            (by_id[area.organisation_id], _key(area.name)): area
            for area in _in_batches(select(Area), Area.organisation_id, org_ids)
        }
        groups = {
            (by_id[group.organisation_id], _key(group.name)): group
            for group in _in_batches(select(LeaderGroup), LeaderGroup.organisation_id, org_ids)
        }
        self.area_names = {area.id: area.name for area in areas.values()}
        self.area_names.update(
            (area.id, area.name)
            for area in _in_batches(
                select(Area),
                Area.id,
                [group.area_id for group in groups.values() if group.area_id is not None],
            )
        )
        for row in rows:
            if row.area:
                key = (row.organisation, row.area)
                plan.areas.setdefault(key, areas.get(key, _tidy(row.csv.area)))
            if row.group:
                key = (row.organisation, row.group)
                plan.groups.setdefault(key, groups.get(key, _tidy(row.csv.group)))
        self.cohorts = {
            org.id: cohorts.current_cohort_for_organisation(org.id, today_local())
            for org in plan.organisations.values()
            if isinstance(org, Organisation)
        }

    def _existing_users(self, rows: list[PlannedRow]) -> dict[str, User]:
        emails = [row.email for row in rows]
        return {
            user.email.lower(): user
            for user in _in_batches(select(User), func.lower(User.email), emails)
        }

    def _check_against_directory(self, row: PlannedRow, users: dict[str, User]) -> bool:
        plan = self.plan
        before = len(plan.problems)
        organisation = plan.organisations[row.organisation]
        if self.restricted:
            assert self.actor is not None
            if not (
                isinstance(organisation, Organisation)
                and organisation.id in self.actor.coordinator_of
            ):
                self.problem(row.csv, self._own_organisations_only())
        if isinstance(organisation, str):
            slug = directory.slugify(organisation)
            if self.slugs.setdefault(slug, row.organisation) != row.organisation:
                self.problem(
                    row.csv,
                    _(
                        "Organisationen »%(name)s« kan ikke oprettes: navnet ligner en anden "
                        "organisation for meget.",
                        name=organisation,
                    ),
                )
        if row.group:
            self._check_group_area(row)
        user = users.get(row.email)
        if user is not None:
            row.user = user
            if user.deactivated_at is not None:
                self.problem(
                    row.csv,
                    _("%(email)s er deaktiveret og kan ikke importeres.", email=row.email),
                )
            elif not self._same_organisation(user, organisation, row.role):
                self.problem(
                    row.csv,
                    _(
                        "%(email)s findes allerede i en anden organisation. En person skifter "
                        "ikke organisation ved import.",
                        email=row.email,
                    ),
                )
        return len(plan.problems) == before

    def _own_organisations_only(self) -> str:
        assert self.actor is not None
        if self._own_only_message is not None:
            return self._own_only_message
        names = sorted(
            org.name
            for org in db.session.scalars(
                select(Organisation).where(Organisation.id.in_(self.actor.coordinator_of))
            )
        )
        self._own_only_message = _(
            "Du kan kun importere personer i din egen organisation (%(names)s).",
            names=", ".join(names),
        )
        return self._own_only_message

    def _same_organisation(
        self, user: User, organisation: Organisation | str, role: ImportRole
    ) -> bool:
        if user.organisation_id is None:
            # Platform staff belong to no organisation; the operator may make them facilitators.
            return role == ImportRole.FACILITATOR and not self.restricted
        return isinstance(organisation, Organisation) and user.organisation_id == organisation.id

    def _check_group_area(self, row: PlannedRow) -> None:
        plan = self.plan
        key = (row.organisation, row.group)
        group = plan.groups[key]
        if not row.area:
            return
        if isinstance(group, LeaderGroup):
            if group.area_id is None:
                return
            current = self.area_names.get(group.area_id, "")
            if _key(current) != row.area:
                self.problem(
                    row.csv,
                    _(
                        "Ledergruppen »%(group)s« hører til området »%(area)s«.",
                        group=group.name,
                        area=current,
                    ),
                )
            return
        first = plan.group_areas.setdefault(key, row.area)
        if first != row.area:
            self.problem(
                row.csv,
                _(
                    "Ledergruppen »%(group)s« står med et andet område længere oppe i filen.",
                    group=group,
                ),
            )

    # 3. what happens to each row
    def _decide(self, rows: list[PlannedRow]) -> None:
        plan = self.plan
        existing_ids = [row.user.id for row in rows if row.user is not None]
        current_groups = _current_groups(existing_ids)
        roles = _role_keys(existing_ids)
        enrolled = _enrolments(existing_ids)
        announced: set[object] = set()

        def announce(key: object, text: str, actions: list[str]) -> None:
            if key not in announced:
                announced.add(key)
                actions.append(text)

        for row in rows:
            actions: list[str] = []
            organisation = plan.organisations[row.organisation]
            if isinstance(organisation, str):
                announce(
                    ("org", row.organisation),
                    _("Opretter organisationen »%(name)s«.", name=organisation),
                    actions,
                )
            area = plan.areas.get((row.organisation, row.area)) if row.area else None
            if isinstance(area, str):
                announce(
                    ("area", row.organisation, row.area),
                    _("Opretter området »%(name)s«.", name=area),
                    actions,
                )
            group = plan.groups.get((row.organisation, row.group)) if row.group else None
            group_name = group.name if isinstance(group, LeaderGroup) else group
            if isinstance(group, str):
                announce(
                    ("group", row.organisation, row.group),
                    _("Opretter ledergruppen »%(name)s«.", name=group),
                    actions,
                )
            user = row.user
            row.new_person = user is None
            if user is None:
                actions.append(_("Opretter personen."))
            elif user.name != row.name or _area_name(user, self.area_names) != row.area:
                actions.append(_("Findes allerede; navn og område ændres ikke."))
            group_id = group.id if isinstance(group, LeaderGroup) else None

            if row.role in MEMBER_ROLES:
                current = current_groups.get(user.id) if user else None
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
            if row.role == ImportRole.CHAIR:
                self._add_role(row, Role.CHAIR, group_id, roles, actions, group_name)
            elif row.role == ImportRole.FACILITATOR:
                self._add_role(row, Role.FACILITATOR, group_id, roles, actions, group_name)
            elif row.role == ImportRole.COORDINATOR:
                org_id = organisation.id if isinstance(organisation, Organisation) else None
                org_name = (
                    organisation.name if isinstance(organisation, Organisation) else organisation
                )
                self._add_role(row, Role.COORDINATOR, org_id, roles, actions, org_name)
            if row.role in MEMBER_ROLES and isinstance(organisation, Organisation):
                cohort = self.cohorts.get(organisation.id)
                if cohort is not None and (user is None or (user.id, cohort.id) not in enrolled):
                    row.enrol_in = cohort
                    actions.append(_("Tilmeldes holdet »%(cohort)s«.", cohort=cohort.name))
            if user is None:
                actions.append(_("Får en invitation pr. e-mail."))

            changed = row.join_group or row.role_to_add is not None or row.enrol_in is not None
            status = (
                RowStatus.NEW
                if user is None
                else RowStatus.UPDATED
                if changed
                else RowStatus.UNCHANGED
            )
            plan.previews.append(
                RowPreview(
                    line=row.csv.line,
                    name=user.name if user else row.name,
                    email=row.email,
                    status=status,
                    actions=actions,
                )
            )

    @staticmethod
    def _add_role(
        row: PlannedRow,
        role: Role,
        scope_id: int | None,
        roles: set[tuple[int, Role, int | None]],
        actions: list[str],
        scope_name: str,
    ) -> None:
        if row.user is not None and scope_id is not None and (row.user.id, role, scope_id) in roles:
            return
        row.role_to_add = role
        actions.append(
            {
                Role.CHAIR: _("Bliver mødeleder for »%(name)s«.", name=scope_name),
                Role.FACILITATOR: _("Bliver facilitator for »%(name)s«.", name=scope_name),
                Role.COORDINATOR: _("Bliver koordinator for »%(name)s«.", name=scope_name),
            }[role]
        )


def _in_batches(statement, column, values: list) -> list:
    """``statement.where(column IN values)``, a few hundred values at a time."""
    found = []
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), _BATCH):
        found.extend(
            db.session.scalars(statement.where(column.in_(unique[start : start + _BATCH])))
        )
    return found


def _area_name(user: User, area_names: dict[int, str]) -> str:
    if user.area_id is None:
        return ""
    name = area_names.get(user.area_id)
    if name is None:
        area = db.session.get(Area, user.area_id)
        name = area.name if area else ""
    return _key(name)


def _current_groups(user_ids: list[int]) -> dict[int, tuple[int, str]]:
    """Person → (group id, group name) of their current membership."""
    now = utcnow()
    current: dict[int, tuple[int, str]] = {}
    unique = list(dict.fromkeys(user_ids))
    for start in range(0, len(unique), _BATCH):
        rows = db.session.execute(
            select(GroupMembership.user_id, LeaderGroup.id, LeaderGroup.name)
            .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
            .where(
                GroupMembership.user_id.in_(unique[start : start + _BATCH]),
                GroupMembership.current_at(now),
            )
            .order_by(GroupMembership.valid_from)
        )
        for user_id, group_id, name in rows:
            current[user_id] = (group_id, name)  # the latest one wins, as in current_membership
    return current


def _role_keys(user_ids: list[int]) -> set[tuple[int, Role, int | None]]:
    keys: set[tuple[int, Role, int | None]] = set()
    unique = list(dict.fromkeys(user_ids))
    for start in range(0, len(unique), _BATCH):
        for user_id, role, organisation_id, group_id in db.session.execute(
            select(
                RoleAssignment.user_id,
                RoleAssignment.role,
                RoleAssignment.organisation_id,
                RoleAssignment.group_id,
            ).where(RoleAssignment.user_id.in_(unique[start : start + _BATCH]))
        ):
            keys.add((user_id, role, organisation_id if role == Role.COORDINATOR else group_id))
    return keys


def _enrolments(user_ids: list[int]) -> set[tuple[int, int]]:
    pairs: set[tuple[int, int]] = set()
    unique = list(dict.fromkeys(user_ids))
    for start in range(0, len(unique), _BATCH):
        pairs.update(
            (user_id, cohort_id)
            for user_id, cohort_id in db.session.execute(
                select(Enrolment.user_id, Enrolment.cohort_id).where(
                    Enrolment.user_id.in_(unique[start : start + _BATCH])
                )
            )
        )
    return pairs


def plan_import(rows: list[CsvRow], actor: Viewer | None) -> Plan:
    """Check the rows and decide what happens to each; ``plan.problems`` lists what is wrong."""
    return _Planner(actor).build(rows)
