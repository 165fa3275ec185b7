"""Enrolling many people in a round at once: everyone of an organisation, an area or a leader group,
or the people named by e-mail.

``enrol_selection`` first finds everyone and checks every e-mail; when any is unknown, deactivated or
belongs outside the round's organisations, it raises ``EnrolmentRefused`` naming each of them and
enrols nobody. People already enrolled are counted, never enrolled twice, so running it again is
safe. A dry run reads only. A closed round enrols nobody. The caller commits.

Selecting by organisation, area or group takes the round's learners: active people who hold no
coordinator, facilitator, course editor or platform admin role (as a CSV import enrols only leaders
and chairs). Naming someone by e-mail enrols them whatever their role.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.exc import IntegrityError

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.cohorts.services import searchable
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.organisations.models import (
    STAFF_ROLES,
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    RoleAssignment,
)

_BATCH = 500  # values per IN (...) list


@dataclass(frozen=True)
class Selection:
    """Who to enrol: filters (organisation slug, area and group names), or e-mail addresses."""

    organisation: str | None = None
    area: str | None = None
    group: str | None = None
    emails: tuple[str, ...] = ()

    @property
    def has_filters(self) -> bool:
        return any(value is not None for value in (self.organisation, self.area, self.group))


@dataclass
class EnrolmentReport:
    cohort: Cohort
    enrolled: int = 0  # new enrolments (in a dry run: that would be made)
    already: int = 0
    staff_left_out: int = 0
    dry_run: bool = False

    def summary(self) -> list[str]:
        numbers = {"cohort": self.cohort.name, "id": self.cohort.id}
        lines = [
            ngettext(
                "%(num)s person ville blive tilmeldt forløbet »%(cohort)s« (id %(id)s).",
                "%(num)s personer ville blive tilmeldt forløbet »%(cohort)s« (id %(id)s).",
                self.enrolled,
                **numbers,
            )
            if self.dry_run
            else ngettext(
                "%(num)s ny tilmelding til forløbet »%(cohort)s« (id %(id)s).",
                "%(num)s nye tilmeldinger til forløbet »%(cohort)s« (id %(id)s).",
                self.enrolled,
                **numbers,
            ),
            ngettext(
                "%(num)s var allerede tilmeldt.", "%(num)s var allerede tilmeldt.", self.already
            ),
        ]
        if self.staff_left_out:
            lines.append(
                ngettext(
                    "%(num)s koordinator, facilitator eller administrator er ikke valgt; "
                    "tilmeld dem med deres e-mail.",
                    "%(num)s koordinatorer, facilitatorer eller administratorer er ikke valgt; "
                    "tilmeld dem med deres e-mail.",
                    self.staff_left_out,
                )
            )
        return lines


class EnrolmentRefused(ServiceError):
    """Nobody was enrolled; ``problems`` says why, one message per person or filter."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_l("Ingen blev tilmeldt."))
        self.problems = problems


@dataclass
class _Found:
    user_ids: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    staff_left_out: int = 0


def enrol_selection(
    cohort: Cohort, selection: Selection, *, dry_run: bool = False
) -> EnrolmentReport:
    """Enrol the selected people (flush only); all or nobody. See the module's description.
    A closed round takes nobody (``RoundClosed``), not even in a dry run."""
    require_open_round(cohort)
    if selection.has_filters and selection.emails:
        raise ServiceError(
            _l("Vælg enten med organisation, område og ledergruppe eller med e-mails, ikke begge.")
        )
    if not selection.has_filters and not selection.emails:
        raise ServiceError(
            _l(
                "Vælg hvem der skal tilmeldes: en organisation, et område, en ledergruppe eller e-mails."
            )
        )
    found = (
        _by_filters(cohort, selection) if selection.has_filters else _by_email(cohort, selection)
    )
    if found.problems:
        raise EnrolmentRefused(found.problems)
    already = _enrolled_among(cohort, found.user_ids)
    new = [user_id for user_id in found.user_ids if user_id not in already]
    if new and not dry_run:
        try:
            with db.session.begin_nested():
                db.session.add_all(
                    Enrolment(cohort_id=cohort.id, user_id=user_id) for user_id in new
                )
                db.session.flush()
        except IntegrityError as error:
            raise ServiceError(
                _l("Tilmeldingen blev afbrudt, fordi nogen tilmeldte samtidig. Prøv igen.")
            ) from error
    return EnrolmentReport(
        cohort=cohort,
        enrolled=len(new),
        already=len(already),
        staff_left_out=found.staff_left_out,
        dry_run=dry_run,
    )


def _by_filters(cohort: Cohort, selection: Selection) -> _Found:
    found = _Found()
    organisations = _participating(cohort, selection.organisation, found)
    if found.problems:
        return found
    conditions = [
        User.organisation_id.in_([organisation.id for organisation in organisations]),
        User.deactivated_at.is_(None),
    ]
    if selection.area is not None:
        area_ids = _ids_by_name(Area, selection.area, organisations, found)
        conditions.append(User.area_id.in_(area_ids))
    if selection.group is not None:
        group_ids = _ids_by_name(LeaderGroup, selection.group, organisations, found)
        conditions.append(
            exists().where(
                GroupMembership.user_id == User.id,
                GroupMembership.group_id.in_(group_ids),
                GroupMembership.current_at(utcnow()),
            )
        )
    if found.problems:
        return found
    is_staff = exists().where(
        RoleAssignment.user_id == User.id, RoleAssignment.role.in_(STAFF_ROLES)
    )
    for user_id, staff in db.session.execute(
        select(User.id, is_staff.label("is_staff")).where(*conditions).order_by(User.id)
    ):
        if staff:
            found.staff_left_out += 1
        else:
            found.user_ids.append(user_id)
    return found


def _participating(cohort: Cohort, slug: str | None, found: _Found) -> list[Organisation]:
    """The round's organisations, or the one named by ``slug`` (a problem unless it takes part)."""
    if slug is None:
        return list(cohort.organisations)
    chosen = [organisation for organisation in cohort.organisations if organisation.slug == slug]
    if not chosen:
        known = (
            db.session.scalar(select(Organisation).where(Organisation.slug == slug))
            if searchable(slug)
            else None
        )
        found.problems.append(
            _l("Organisationen %(organisation)s findes ikke.", organisation=slug)
            if known is None
            else _l(
                "%(organisation)s deltager ikke i forløbet »%(cohort)s«.",
                organisation=known.name,
                cohort=cohort.name,
            )
        )
    return chosen


def _ids_by_name(
    model: type[Area] | type[LeaderGroup],
    name: str,
    organisations: list[Organisation],
    found: _Found,
) -> list[int]:
    """Areas or groups of these organisations with this name (ignoring case and extra spaces);
    none is a problem."""
    rows = db.session.execute(
        select(model.id, model.name).where(
            model.organisation_id.in_([organisation.id for organisation in organisations])
        )
    )
    ids = [row_id for row_id, row_name in rows if _name_key(row_name) == _name_key(name)]
    if not ids:
        where = {"name": name, "organisations": _names(organisations)}
        found.problems.append(
            _l("Området »%(name)s« findes ikke i %(organisations)s.", **where)
            if model is Area
            else _l("Ledergruppen »%(name)s« findes ikke i %(organisations)s.", **where)
        )
    return ids


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _names(organisations: list[Organisation]) -> str:
    return ", ".join(organisation.name for organisation in organisations) or "–"


def _by_email(cohort: Cohort, selection: Selection) -> _Found:
    found = _Found()
    wanted = list(dict.fromkeys(e.strip().lower() for e in selection.emails if e.strip()))
    searched = [email for email in wanted if searchable(email)]
    if not wanted:
        found.problems.append(_l("Der er ingen e-mailadresser at tilmelde."))
    users = {
        user.email.lower(): user
        for user in _in_batches(select(User), func.lower(User.email), searched)
    }
    participating = {organisation.id for organisation in cohort.organisations}
    for email in wanted:
        user = users.get(email)
        if user is None:
            found.problems.append(_l("%(email)s: ingen person har den e-mail.", email=email))
        elif user.deactivated_at is not None:
            found.problems.append(_l("%(email)s er deaktiveret.", email=email))
        elif user.organisation_id not in participating:
            found.problems.append(
                _l(
                    "%(email)s hører ikke til forløbets organisationer (%(organisations)s).",
                    email=email,
                    organisations=_names(cohort.organisations),
                )
            )
        else:
            found.user_ids.append(user.id)
    return found


def _enrolled_among(cohort: Cohort, user_ids: list[int]) -> set[int]:
    enrolled = select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
    return set(_in_batches(enrolled, Enrolment.user_id, user_ids))


def _in_batches(statement: Select, column: ColumnElement, values: list) -> Iterator:
    """``statement.where(column IN values)``, a few hundred values at a time."""
    for start in range(0, len(values), _BATCH):
        yield from db.session.scalars(statement.where(column.in_(values[start : start + _BATCH])))
