"""Bringing people in from a CSV file (columns name, email, organisation, area, group, role).

``import_people`` reads the file, checks every row, and then either reports every problem (with its
line) and changes nothing, or applies all rows. It works in two steps:

1. **Plan** (reads only): rows are validated and matched against the directory, and each row gets a
   preview line – ``ny``, ``uændret`` or ``opdateret`` with the actions that will happen. A dry run
   stops here, so it takes no write locks, uses no id sequence values and creates no invitation
   tokens; it is what the admin preview shows.
2. **Apply**: the plan is carried out through the directory, accounts, cohort and invitation services
   inside a savepoint, so a failure leaves nothing half-done. The counts are those of the plan.

The e-mail is the key: an existing person is never changed (name, organisation and area stay as
they are); an import only adds – a group membership (moving the person when it names another group),
a role, an enrolment – and never removes anything. Importing the same file again changes nothing and
invites nobody. Organisations, areas and groups are matched by name, ignoring case and extra spaces.

Roles: ``leader`` (the default when the cell is empty) and ``chair`` are members of their group and
enrolled in the organisation's current cohort (unless it is closed); a chair also chairs the group.
With a round chosen for the whole import (``cohort``), they are enrolled in that round instead,
new and existing people alike, through the rounds' enrolment service
(``cohorts.enrolling.enrol_selection``: all or nobody, never anyone twice); a leader or chair of an
organisation that does not take part in it is a problem of its line. A ``facilitator``
facilitates the group; a ``coordinator`` coordinates the organisation. Danish names are accepted.

The caller commits (the CLI, or the admin view) and sends the queued invitations afterwards.

A large file at the command line (``check_people`` then ``apply_in_batches``): the whole file is
checked first, as above, so a bad row still means nothing is imported; the checked rows are then
written a batch at a time, the CLI committing after each batch, so no single write transaction holds
SQLite's write lock for long and sign-ins and saves keep working meanwhile. Only a crash (or data
changed by someone else) between two batches leaves part of the file imported; running the same
import again completes it, because people who exist already are skipped and nobody is invited twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from course_app.accounts import invitations
from course_app.accounts import services as accounts
from course_app.cohorts import enrolling
from course_app.cohorts import services as cohorts
from course_app.cohorts.enrolling import EnrolmentReport
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.organisations import services as directory
from course_app.organisations.access import Viewer
from course_app.organisations.models import Area, LeaderGroup, Organisation, Role
from course_app.people.csvfile import Problem, read_rows
from course_app.people.plan import (
    MEMBER_ROLES,
    ImportRole,
    Plan,
    PlannedRow,
    RowPreview,
    RowStatus,
)
from course_app.people.planning import plan_import

__all__ = [
    "ImportResult",
    "ImportRole",
    "Plan",
    "Problem",
    "RowPreview",
    "RowStatus",
    "apply_in_batches",
    "check_people",
    "import_people",
]


@dataclass
class ImportResult:
    rows: list[RowPreview] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    people_created: int = 0
    organisations_created: int = 0
    areas_created: int = 0
    groups_created: int = 0
    memberships: int = 0  # people put in (or moved to) a group
    roles_added: int = 0
    enrolments: int = 0
    invitations: int = 0
    # The round chosen for the whole import, and its leaders and chairs who were in it already.
    cohort_name: str | None = None
    already_enrolled: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(
            (
                self.people_created,
                self.organisations_created,
                self.areas_created,
                self.groups_created,
                self.memberships,
                self.roles_added,
                self.enrolments,
            )
        )

    @classmethod
    def from_plan(cls, plan: Plan, *, problems: list[Problem], dry_run: bool) -> ImportResult:
        return cls(
            rows=plan.previews,
            problems=problems,
            dry_run=dry_run,
            people_created=sum(row.new_person for row in plan.rows),
            organisations_created=sum(isinstance(v, str) for v in plan.organisations.values()),
            areas_created=sum(isinstance(v, str) for v in plan.areas.values()),
            groups_created=sum(isinstance(v, str) for v in plan.groups.values()),
            memberships=sum(row.join_group for row in plan.rows),
            roles_added=sum(row.role_to_add is not None for row in plan.rows),
            enrolments=sum(row.enrol_in is not None for row in plan.rows),
            invitations=sum(row.new_person for row in plan.rows),
            cohort_name=plan.cohort.name if plan.cohort is not None else None,
            already_enrolled=sum(row.already_enrolled for row in plan.rows),
        )

    def summary(self) -> list[str]:
        """One Danish line per kind of change; a single line when nothing changes."""
        counts = [
            (self.people_created, ngettext("%(num)s ny person", "%(num)s nye personer", self.people_created)),
            (self.organisations_created, ngettext("%(num)s ny organisation", "%(num)s nye organisationer", self.organisations_created)),
            (self.areas_created, ngettext("%(num)s nyt område", "%(num)s nye områder", self.areas_created)),
            (self.groups_created, ngettext("%(num)s ny ledergruppe", "%(num)s nye ledergrupper", self.groups_created)),
            (self.memberships, ngettext("%(num)s sat i eller flyttet til en ledergruppe", "%(num)s sat i eller flyttet til en ledergruppe", self.memberships)),
            (self.roles_added, ngettext("%(num)s ny rolle", "%(num)s nye roller", self.roles_added)),
            (self.enrolments, self._enrolments_line()),
            (self.invitations, ngettext("%(num)s invitation", "%(num)s invitationer", self.invitations)),
        ]  # fmt: skip
        lines = [text for count, text in counts if count]
        lines = lines or [_("Ingen ændringer: alle i filen er allerede importeret.")]
        if self.already_enrolled:
            lines.append(
                ngettext(
                    "%(num)s var allerede tilmeldt forløbet »%(cohort)s«",
                    "%(num)s var allerede tilmeldt forløbet »%(cohort)s«",
                    self.already_enrolled,
                    cohort=self.cohort_name,
                )
            )
        return lines

    def _enrolments_line(self) -> str:
        if self.cohort_name is None:
            return ngettext(
                "%(num)s ny tilmelding til et hold",
                "%(num)s nye tilmeldinger til et hold",
                self.enrolments,
            )
        return ngettext(
            "%(num)s ny tilmelding til forløbet »%(cohort)s«",
            "%(num)s nye tilmeldinger til forløbet »%(cohort)s«",
            self.enrolments,
            cohort=self.cohort_name,
        )


def import_people(
    data: bytes | str,
    *,
    actor: Viewer | None = None,
    dry_run: bool = False,
    cohort: Cohort | None = None,
) -> ImportResult:
    """Check the file and, unless it has problems or ``dry_run`` is set, import it (flush only).

    ``actor`` is the person importing in the admin area: a coordinator may only import into their own
    organisation (other rows are problems), a platform admin anywhere. ``None`` is the operator at the
    command line. ``cohort``: a round to enrol the file's leaders and chairs in (the caller checked
    that ``actor`` may; ``cohorts.enrollable``). Raises ``ServiceError`` only if the database refuses
    the plan (e.g. another import created the same person meanwhile) or the round takes nobody now
    (``RoundClosed``); nothing is then left behind.
    """
    plan, result = check_people(data, actor=actor, dry_run=dry_run, cohort=cohort)
    if result.problems or dry_run:
        return result
    try:
        with db.session.begin_nested():
            applier = _Applier(plan)
            for row in plan.rows:
                applier.apply(row)
            report = _enrol_in_chosen_round(plan)
    except IntegrityError as error:
        raise ServiceError(
            _("Importen blev afbrudt, fordi data blev ændret samtidig. Prøv igen.")
        ) from error
    _count_enrolments(result, report)
    return result


def check_people(
    data: bytes | str,
    *,
    actor: Viewer | None = None,
    dry_run: bool = False,
    cohort: Cohort | None = None,
) -> tuple[Plan, ImportResult]:
    """Read and check the whole file and plan every row; reads only, writes nothing."""
    rows, problems = read_rows(data)
    plan = plan_import(rows, actor, cohort) if rows else Plan(cohort=cohort)
    problems = sorted([*problems, *plan.problems], key=lambda problem: problem.line)
    return plan, ImportResult.from_plan(plan, problems=problems, dry_run=dry_run)


def apply_in_batches(plan: Plan, result: ImportResult, *, size: int) -> Iterator[int]:
    """Carry out a checked plan without problems ``size`` rows at a time (flush only), yielding the
    number of rows done after each batch: the caller commits there, so every write transaction is
    short. A round chosen for the whole import is enrolled last, in one go (all or nobody)."""
    if result.problems or size < 1:
        raise ValueError("apply_in_batches needs a plan without problems and a batch size of 1+")
    applier = _Applier(plan)
    for start in range(0, len(plan.rows), size):
        for row in plan.rows[start : start + size]:
            applier.apply(row)
        db.session.flush()
        yield min(start + size, len(plan.rows))
    if plan.cohort is not None:
        _count_enrolments(result, _enrol_in_chosen_round(plan))
        db.session.flush()
        yield len(plan.rows)


def _count_enrolments(result: ImportResult, report: EnrolmentReport | None) -> None:
    if report is not None:  # what the enrolment service did, to the person
        result.enrolments, result.already_enrolled = report.enrolled, report.already


class _Applier:
    """Carries out a plan's rows, creating each organisation, area and group once."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.organisations: dict[str, Organisation] = {}
        self.areas: dict[tuple[str, str], Area] = {}
        self.groups: dict[tuple[str, str], LeaderGroup] = {}

    def organisation_for(self, key: str) -> Organisation:
        if key not in self.organisations:
            found = self.plan.organisations[key]
            self.organisations[key] = (
                found
                if isinstance(found, Organisation)
                else directory.get_or_create_organisation(found)
            )
        return self.organisations[key]

    def area_for(self, key: tuple[str, str]) -> Area:
        if key not in self.areas:
            found = self.plan.areas[key]
            self.areas[key] = (
                found
                if isinstance(found, Area)
                else directory.get_or_create_area(self.organisation_for(key[0]), found)
            )
        return self.areas[key]

    def group_for(self, key: tuple[str, str]) -> LeaderGroup:
        if key not in self.groups:
            found = self.plan.groups[key]
            if isinstance(found, LeaderGroup):
                self.groups[key] = found
            else:
                area_key = self.plan.group_areas.get(key)
                self.groups[key] = directory.get_or_create_group(
                    self.organisation_for(key[0]),
                    found,
                    area=self.area_for((key[0], area_key)) if area_key else None,
                )
        return self.groups[key]

    def apply(self, row: PlannedRow) -> None:
        organisation = self.organisation_for(row.organisation)
        area = self.area_for((row.organisation, row.area)) if row.area else None
        group = self.group_for((row.organisation, row.group)) if row.group else None
        user = row.user
        if user is None:
            user = accounts.create_user(
                email=row.email,
                name=row.name,
                organisation_id=organisation.id,
                area_id=area.id if area else None,
            )
        if row.join_group:
            assert group is not None
            directory.move_to_group(user, group)
        if row.role_to_add in (Role.COORDINATOR, Role.SUPPORTER):
            directory.assign_role(user, row.role_to_add, organisation=organisation)
        elif row.role_to_add is not None:
            directory.assign_role(user, row.role_to_add, group=group)
        if row.enrol_in is not None and self.plan.cohort is None:
            cohorts.enrol(user, row.enrol_in)
        if row.new_person:
            invitations.invite(user)


def _enrol_in_chosen_round(plan: Plan) -> EnrolmentReport | None:
    """The file's leaders and chairs, new and existing, in the round chosen for the import."""
    if plan.cohort is None:
        return None
    emails = tuple(row.email for row in plan.rows if row.role in MEMBER_ROLES)
    if not emails:
        return EnrolmentReport(cohort=plan.cohort)
    try:
        return enrolling.enrol_selection(plan.cohort, enrolling.Selection(emails=emails))
    except enrolling.EnrolmentRefused as refused:
        raise ServiceError(" ".join([str(refused), *map(str, refused.problems)])) from refused
