"""Enrolling from the browser: everyone of an organisation, an area or a leader group, or the people
named by pasted e-mails, with a preview (a dry run) before anything is written.
``cohorts.enrolling`` does the work: all or nobody, never anyone twice.

The choices are ids from the page's lists, checked against the person's part of the round: a
coordinator always enrols within their own organisation (whatever organisation was posted), and an
e-mail of anyone outside it is refused with the same words as an e-mail nobody has, so the form
cannot be used to find out who exists elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course_app.accounts.models import User
from course_app.cohorts.enrolling import EnrolmentRefused, EnrolmentReport, Selection
from course_app.cohorts.enrolling import enrol_selection as enrol_selected
from course_app.cohorts.round_access import RoundAccess
from course_app.cohorts.services import searchable
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.core.i18n import danish_sort_key
from course_app.organisations.models import Area, LeaderGroup, Organisation

MAX_EMAILS = 2000
MAX_EMAIL_LENGTH = 254
_EMAIL_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class EnrolChoice:
    """Who to enrol, as posted: ids from the lists (None: not chosen), or e-mails."""

    by_email: bool = False
    organisation_id: int | None = None
    area_id: int | None = None
    group_id: int | None = None
    emails: tuple[str, ...] = ()


@dataclass(frozen=True)
class EnrolOptions:
    organisations: tuple[Organisation, ...]
    areas: tuple[Area, ...]
    groups: tuple[LeaderGroup, ...]


def enrol_options(access: RoundAccess) -> EnrolOptions:
    """The organisations, areas and groups of the person's part of the round (two queries)."""
    ids = [organisation.id for organisation in access.organisations]

    def of(model):
        rows = db.session.scalars(select(model).where(model.organisation_id.in_(ids))).all()
        return tuple(sorted(rows, key=lambda row: (row.organisation_id, danish_sort_key(row.name))))

    return EnrolOptions(access.organisations, of(Area), of(LeaderGroup))


def emails_from_text(text: str) -> tuple[str, ...]:
    """The addresses in pasted text: separated by line breaks, spaces, commas or semicolons."""
    return tuple(part for part in _EMAIL_SEPARATORS.split(text) if part)


def enrol_people(
    access: RoundAccess, choice: EnrolChoice, *, dry_run: bool = False
) -> EnrolmentReport:
    """Enrol (flush only) or, with ``dry_run``, only count who would be. Raises ``ServiceError`` for
    a choice outside the lists, ``EnrolmentRefused`` (nobody enrolled) naming each problem."""
    if choice.by_email:
        _check_emails(choice.emails)
    selection = _selection(access, choice)
    if selection.emails and not access.is_platform_admin:
        _refuse_outsiders(access, selection.emails)
    return enrol_selected(access.cohort, selection, dry_run=dry_run)


def _check_emails(emails: tuple[str, ...]) -> None:
    if not emails:
        raise ServiceError(_l("Der er ingen e-mailadresser at tilmelde."))
    if len(emails) > MAX_EMAILS:
        raise ServiceError(_l("Højst %(most)s e-mails ad gangen. Del listen op.", most=MAX_EMAILS))
    too_long = [email for email in emails if len(email) > MAX_EMAIL_LENGTH]
    if too_long:
        raise EnrolmentRefused(
            [
                str(_l("»%(start)s…« er for lang til at være en e-mailadresse.", start=email[:40]))
                for email in too_long
            ]
        )


def _selection(access: RoundAccess, choice: EnrolChoice) -> Selection:
    if choice.by_email:
        return Selection(emails=choice.emails)
    options = enrol_options(access)
    organisations = {organisation.id: organisation for organisation in options.organisations}
    organisation = _chosen(organisations, choice.organisation_id)
    area = _chosen({area.id: area for area in options.areas}, choice.area_id)
    group = _chosen({group.id: group for group in options.groups}, choice.group_id)
    # An area or a group belongs to one organisation: enrol in that one only (a name may recur).
    within = {row.organisation_id for row in (area, group) if row is not None}
    if organisation is not None:
        within.add(organisation.id)
    if len(within) > 1:
        raise ServiceError(_l("Området og ledergruppen skal høre til den valgte organisation."))
    if not within and not access.is_platform_admin:
        within = set(organisations)  # a coordinator's own organisation
    if not within:
        raise ServiceError(_l("Vælg en organisation, et område eller en ledergruppe."))
    [organisation_id] = within
    return Selection(
        organisation=organisations[organisation_id].slug,
        area=area.name if area else None,
        group=group.name if group else None,
        emails=(),
    )


def _chosen(rows: dict, row_id: int | None):
    if row_id is None:
        return None
    if row_id not in rows:
        raise ServiceError(_l("Vælg fra listerne på siden."))
    return rows[row_id]


def _refuse_outsiders(access: RoundAccess, emails: tuple[str, ...]) -> None:
    """Every e-mail must be someone's of the coordinator's own organisation."""
    wanted = list(dict.fromkeys(email.strip().lower() for email in emails if email.strip()))
    searched = [email for email in wanted if searchable(email)]
    own_ids = list(access.organisation_ids or ())
    found: set[str] = set()
    for start in range(0, len(searched), 500):
        found.update(
            db.session.scalars(
                select(func.lower(User.email)).where(
                    func.lower(User.email).in_(searched[start : start + 500]),
                    User.organisation_id.in_(own_ids),
                )
            )
        )
    outside = [email for email in wanted if email not in found]
    if outside:
        raise EnrolmentRefused(
            [
                str(_l("%(email)s: ingen person i din organisation har den e-mail.", email=email))
                for email in outside
            ]
        )
