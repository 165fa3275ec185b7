"""Planning an import (reads only): check every row, match it against the directory, and decide
what happens to each person (``decisions``). The plan is the preview; ``importer`` carries it out.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, LeaderGroup, Organisation
from course_app.people.csvfile import CsvRow, Problem
from course_app.people.decisions import decide
from course_app.people.lookups import in_batches, users_by_email
from course_app.people.plan import (
    MEMBER_ROLES,
    ROLE_NAMES,
    ImportRole,
    Plan,
    PlannedRow,
    name_key,
    tidy,
)

MAX_LENGTH = {"name": 200, "email": 254, "organisation": 200, "area": 200, "group": 200}
SLUG_LENGTH = 64  # organisations.slug


def cell_problems(values: dict[str, str]) -> list[str]:
    """What is wrong with the text of each column (``MAX_LENGTH``'s keys) on its own: line breaks,
    control characters, too many characters. The CSV import and ``course-app users create`` both
    check people this way, so neither lets in what the other would refuse."""
    problems = []
    for column, value in values.items():
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            problems.append(
                _("Feltet %(column)s indeholder linjeskift eller styretegn.", column=column)
            )
        elif len(value) > MAX_LENGTH[column]:
            problems.append(
                _(
                    "Feltet %(column)s er for langt (højst %(length)s tegn).",
                    column=column,
                    length=MAX_LENGTH[column],
                )
            )
    return problems


class _Planner:
    """Checks the rows in two steps (each row on its own, then against the directory), keeping
    every problem, and hands the rows that pass to ``decide``."""

    def __init__(self, actor: Viewer | None, cohort: Cohort | None = None) -> None:
        self.actor = actor
        self.restricted = actor is not None and not actor.is_platform_admin
        self.plan = Plan(cohort=cohort)
        self._own_only_message: str | None = None
        self.email_lines: dict[str, int] = {}  # e-mail → the line it first appears on

    def problem(self, row: CsvRow, reason: str) -> None:
        self.plan.problems.append(Problem(row.line, reason))

    def build(self, csv_rows: list[CsvRow]) -> Plan:
        rows = [row for row in (self._check_cells(csv_row) for csv_row in csv_rows) if row]
        self._load_directory(rows)
        users = users_by_email([row.email for row in rows])
        rows = [row for row in rows if self._check_against_directory(row, users)]
        self.plan.rows = rows
        decide(self.plan, self.area_names, self.cohorts)
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
        for problem in cell_problems(values):
            self.problem(row, problem)
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
                    "Ukendt rolle »%(role)s«. Brug leader, chair, facilitator, coordinator eller "
                    "supporter (eller leder, mødeleder, facilitator, koordinator).",
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
        if role == ImportRole.SUPPORTER and row.group:
            self.problem(
                row,
                _(
                    "En supporter hører til organisationen, ikke til en ledergruppe. "
                    "Lad kolonnen group være tom."
                ),
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
            name=tidy(row.name),
            organisation=name_key(row.organisation),
            area=name_key(row.area),
            group=name_key(row.group),
        )

    # 2. the directory as it is
    def _load_directory(self, rows: list[PlannedRow]) -> None:
        plan = self.plan
        existing = {name_key(org.name): org for org in db.session.scalars(select(Organisation))}
        self.slugs = {org.slug: key for key, org in existing.items()}
        for row in rows:
            if row.organisation not in plan.organisations:
                plan.organisations[row.organisation] = existing.get(
                    row.organisation, tidy(row.csv.organisation)
                )
        org_ids = [org.id for org in plan.organisations.values() if isinstance(org, Organisation)]
        by_id = {org.id: key for key, org in existing.items()}
        areas = {
            (by_id[area.organisation_id], name_key(area.name)): area
            for area in in_batches(select(Area), Area.organisation_id, org_ids)
        }
        groups = {
            (by_id[group.organisation_id], name_key(group.name)): group
            for group in in_batches(select(LeaderGroup), LeaderGroup.organisation_id, org_ids)
        }
        self.area_names = {area.id: area.name for area in areas.values()}
        self.area_names.update(
            (area.id, area.name)
            for area in in_batches(
                select(Area),
                Area.id,
                [group.area_id for group in groups.values() if group.area_id is not None],
            )
        )
        for row in rows:
            if row.area:
                key = (row.organisation, row.area)
                plan.areas.setdefault(key, areas.get(key, tidy(row.csv.area)))
            if row.group:
                key = (row.organisation, row.group)
                plan.groups.setdefault(key, groups.get(key, tidy(row.csv.group)))
        self.cohorts = self._rounds_to_enrol_in()

    def _rounds_to_enrol_in(self) -> dict[int, Cohort | None]:
        """Per organisation the round its leaders and chairs are enrolled in: the round chosen for
        the import where the organisation takes part in it, else the organisation's current round
        (a closed one takes nobody)."""
        organisations = [o for o in self.plan.organisations.values() if isinstance(o, Organisation)]
        chosen = self.plan.cohort
        if chosen is not None:
            taking_part = {organisation.id for organisation in chosen.organisations}
            return {o.id: chosen for o in organisations if o.id in taking_part}
        current = {
            o.id: cohorts.current_cohort_for_organisation(o.id, today_local())
            for o in organisations
        }
        return {
            org_id: cohort if cohort is not None and not cohort.is_closed else None
            for org_id, cohort in current.items()
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
        self._check_chosen_round(row, organisation)
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

    def _check_chosen_round(self, row: PlannedRow, organisation: Organisation | str) -> None:
        """A leader or chair of an organisation outside the round chosen for the import cannot be
        enrolled in it (all or nobody: the file is refused)."""
        chosen = self.plan.cohort
        if chosen is None or row.role not in MEMBER_ROLES:
            return
        if not isinstance(organisation, Organisation) or all(
            organisation.id != taking_part.id for taking_part in chosen.organisations
        ):
            name = organisation.name if isinstance(organisation, Organisation) else organisation
            self.problem(
                row.csv,
                _(
                    "%(organisation)s deltager ikke i forløbet »%(cohort)s«, så %(email)s kan ikke "
                    "tilmeldes det. Vælg et andet forløb, eller fjern linjen.",
                    organisation=name,
                    cohort=chosen.name,
                    email=row.email,
                ),
            )

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
            if name_key(current) != row.area:
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


def plan_import(rows: list[CsvRow], actor: Viewer | None, cohort: Cohort | None = None) -> Plan:
    """Check the rows and decide what happens to each; ``plan.problems`` lists what is wrong.
    ``cohort``: the round chosen for the whole import (the caller checked the person may enrol
    into it)."""
    return _Planner(actor, cohort).build(rows)
