"""The home's data: a person's roles with the facts the pure choice needs (``choice.py``), what the
home page shows in each section, and a coordinator's overview of her organisation.

Who may open the overview: its coordinators and platform admins (``Viewer.may_see_organisation_report``);
anyone else with a rounds role gets ``NotFound`` (another organisation is not revealed), anyone
without one ``NotAllowed``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.cohorts.round_access import require_round_staff
from course_app.core.db import db
from course_app.core.errors import NotFound
from course_app.core.i18n import danish_sort_key
from course_app.home.choice import Home, Roles, Section, choose_home, roles_of
from course_app.learning import services as learning
from course_app.learning.timeline import Timeline
from course_app.organisations.access import Viewer
from course_app.organisations.models import LeaderGroup, Organisation
from course_app.rounds.services import enrolled_counts

# --- A person's roles and home -------------------------------------------------------------------


def _staff_groups(viewer: Viewer) -> list[LeaderGroup]:
    ids = viewer.staff_group_ids
    if not ids:
        return []
    return list(db.session.scalars(select(LeaderGroup).where(LeaderGroup.id.in_(sorted(ids)))))


def _is_enrolled(user_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(Enrolment.user_id == user_id))))


def roles_for(viewer: Viewer) -> Roles:
    """The viewer's roles (two small queries: whether she is enrolled, her groups' organisations)."""
    groups = _staff_groups(viewer)
    return roles_of(
        viewer,
        is_enrolled=_is_enrolled(viewer.user_id),
        group_organisations={group.id: group.organisation_id for group in groups},
    )


# --- The home page: a section per role ---------------------------------------------------------------


@dataclass(frozen=True)
class GroupLink:
    group: LeaderGroup
    is_chair: bool  # the chair's page is the group page; a facilitator's the group dashboard


@dataclass(frozen=True)
class HomePage:
    home: Home
    courses: list[tuple[Enrolment, Timeline]]
    groups: list[GroupLink]
    organisations: list[Organisation]

    def has(self, section: Section) -> bool:
        return section in self.home.sections


def home_page(viewer: Viewer, roles: Roles, user: User, now: dt.datetime) -> HomePage:
    """The home page of a person with these ``roles`` (``roles_for(viewer)``)."""
    home = choose_home(roles)
    courses: list[tuple[Enrolment, Timeline]] = []
    if Section.LEARNING in home.sections:
        enrolments = cohorts.enrolments_of(user)
        timelines = learning.dashboard_timelines(enrolments, now)
        courses = list(zip(enrolments, timelines, strict=True))
    groups = [
        GroupLink(group, group.id in roles.chaired)
        for group in _staff_groups(viewer)
        if group.id in roles.groups
    ]
    groups.sort(key=lambda link: danish_sort_key(link.group.name))
    organisations = []
    if roles.coordinated:
        organisations = list(
            db.session.scalars(
                select(Organisation).where(Organisation.id.in_(sorted(roles.coordinated)))
            )
        )
        organisations.sort(key=lambda organisation: danish_sort_key(organisation.name))
    return HomePage(home, courses, groups, organisations)


# --- A coordinator's overview of her organisation ----------------------------------------------------


@dataclass(frozen=True)
class OverviewRound:
    cohort: Cohort
    enrolled: int  # the organisation's own people in the round

    @property
    def starts_on(self) -> dt.date:
        return self.cohort.starts_on

    @property
    def ends_on(self) -> dt.date | None:
        return self.cohort.ends_on


@dataclass(frozen=True)
class OrganisationOverview:
    organisation: Organisation
    rounds: list[OverviewRound]
    groups: int  # the organisation's leader groups


def organisation_overview(viewer: Viewer, organisation_id: int) -> OrganisationOverview:
    """The organisation's rounds (latest start first) with its own participants in each, and how many
    leader groups it has. Four statements whatever the number of rounds."""
    require_round_staff(viewer)  # NotAllowed for anyone who is neither coordinator nor admin
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not viewer.may_see_organisation_report(organisation_id):
        raise NotFound(_l("Siden findes ikke."))
    rounds = list(
        db.session.scalars(
            select(Cohort)
            .join(cohort_organisations, cohort_organisations.c.cohort_id == Cohort.id)
            .where(cohort_organisations.c.organisation_id == organisation_id)
            .options(joinedload(Cohort.course))
            .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        )
    )
    counts = enrolled_counts([cohort.id for cohort in rounds], frozenset({organisation_id}))
    groups = db.session.scalar(
        select(func.count())
        .select_from(LeaderGroup)
        .where(LeaderGroup.organisation_id == organisation_id)
    )
    return OrganisationOverview(
        organisation,
        [OverviewRound(cohort, counts.get(cohort.id, 0)) for cohort in rounds],
        groups or 0,
    )
