"""The participants of a round: each enrolled person's organisation, area, current leader group,
state (invited or signed in, or deactivated), progress and last activity, with filters and a CSV.

Four statements whatever the number of people (the people, their current groups, their progress and
their answers, each one query over the whole round) plus two for the filters' choices. A coordinator
sees only the own organisation's people: the scope is applied in SQL, and filters outside it (an
edited URL) are dropped.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select

from course_app.accounts.models import User
from course_app.cohorts.models import Enrolment
from course_app.cohorts.round_access import RoundAccess
from course_app.core.db import db
from course_app.core.i18n import danish_sort_key
from course_app.core.spreadsheet import Cell, local_time
from course_app.courses.outlines import course_outline, lesson_ids_of
from course_app.organisations.models import Area, GroupMembership, LeaderGroup, Organisation
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import ReflectionAnswer
from course_app.rounds.enrolment import EnrolOptions, enrol_options


class ParticipantState(enum.StrEnum):
    INVITED = "invited"  # has never signed in
    SIGNED_IN = "signed_in"
    DEACTIVATED = "deactivated"


STATE_LABELS = {
    ParticipantState.INVITED: _l("Inviteret, ikke logget ind endnu"),
    ParticipantState.SIGNED_IN: _l("Har logget ind"),
    ParticipantState.DEACTIVATED: _l("Deaktiveret"),
}


@dataclass(frozen=True)
class Participant:
    """One enrolled person; ``group`` is the leader group they are in now."""

    user_id: int
    name: str
    email: str
    organisation: str | None
    area: str | None
    group: str | None
    state: ParticipantState
    lessons_done: int
    percent: int
    last_activity_at: dt.datetime | None


@dataclass(frozen=True)
class ParticipantList:
    access: RoundAccess
    options: EnrolOptions  # the filters' choices
    filters: ParticipantFilters  # as applied (choices outside the options dropped)
    rows: list[Participant]
    lessons_total: int


class ParticipantFilters(NamedTuple):
    """Whom to list; None: everyone (of the person's part of the round)."""

    organisation_id: int | None = None
    area_id: int | None = None
    group_id: int | None = None
    state: ParticipantState | None = None


def participant_list(
    access: RoundAccess, filters: ParticipantFilters, now: dt.datetime
) -> ParticipantList:
    options = enrol_options(access)
    filters = _cleaned(filters, options)
    cohort = access.cohort
    lesson_ids = lesson_ids_of(course_outline(cohort.course))
    in_round = select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)
    people = db.session.execute(_people_statement(access, filters, now)).all()
    groups = dict(
        db.session.execute(
            select(GroupMembership.user_id, LeaderGroup.name)
            .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
            .where(
                GroupMembership.user_id.in_(
                    select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)
                ),
                GroupMembership.current_at(now),
            )
            .order_by(GroupMembership.valid_from)  # the latest wins
        ).all()
    )
    progress = {
        enrolment_id: (done, updated)
        for enrolment_id, done, updated in db.session.execute(
            select(
                LessonProgress.enrolment_id,
                func.count(case((LessonProgress.state == ProgressState.DONE, 1))),
                func.max(LessonProgress.updated_at),
            )
            .where(
                LessonProgress.enrolment_id.in_(in_round),
                LessonProgress.lesson_id.in_(lesson_ids),
                LessonProgress.state != ProgressState.NOT_STARTED,
            )
            .group_by(LessonProgress.enrolment_id)
        )
    }
    answered = dict(
        db.session.execute(
            select(ReflectionAnswer.enrolment_id, func.max(ReflectionAnswer.updated_at))
            .where(ReflectionAnswer.enrolment_id.in_(in_round))
            .group_by(ReflectionAnswer.enrolment_id)
        ).all()
    )
    rows = []
    for enrolment_id, user_id, name, email, organisation, area, state in people:
        done, progressed = progress.get(enrolment_id, (0, None))
        moments = [moment for moment in (progressed, answered.get(enrolment_id)) if moment]
        rows.append(
            Participant(
                user_id=user_id,
                name=name,
                email=email,
                organisation=organisation,
                area=area,
                group=groups.get(user_id),
                state=ParticipantState(state),
                lessons_done=done,
                percent=round(100 * done / len(lesson_ids)) if lesson_ids else 0,
                last_activity_at=max(moments, default=None),
            )
        )
    rows.sort(key=lambda row: (danish_sort_key(row.name), row.email))
    return ParticipantList(access, options, filters, rows, len(lesson_ids))


def _cleaned(filters: ParticipantFilters, options: EnrolOptions) -> ParticipantFilters:
    def kept(value: int | None, rows) -> int | None:
        return value if value in {row.id for row in rows} else None

    return filters._replace(
        organisation_id=kept(filters.organisation_id, options.organisations),
        area_id=kept(filters.area_id, options.areas),
        group_id=kept(filters.group_id, options.groups),
    )


def _state_column():
    never_signed_in = or_(User.password_hash.is_(None), User.last_sign_in_at.is_(None))
    return case(
        (User.deactivated_at.is_not(None), ParticipantState.DEACTIVATED.value),
        (never_signed_in, ParticipantState.INVITED.value),
        else_=ParticipantState.SIGNED_IN.value,
    )


def _people_statement(access: RoundAccess, filters: ParticipantFilters, now: dt.datetime):
    state = _state_column()
    statement = (
        select(
            Enrolment.id,
            User.id,
            User.name,
            User.email,
            Organisation.name,
            Area.name,
            state,
        )
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(Organisation, Organisation.id == User.organisation_id)
        .outerjoin(Area, Area.id == User.area_id)
        .where(Enrolment.cohort_id == access.cohort.id)
    )
    if access.organisation_ids is not None:
        statement = statement.where(User.organisation_id.in_(access.organisation_ids))
    if filters.organisation_id is not None:
        statement = statement.where(User.organisation_id == filters.organisation_id)
    if filters.area_id is not None:
        statement = statement.where(User.area_id == filters.area_id)
    if filters.group_id is not None:
        statement = statement.where(
            exists().where(
                and_(
                    GroupMembership.user_id == User.id,
                    GroupMembership.group_id == filters.group_id,
                    GroupMembership.current_at(now),
                )
            )
        )
    if filters.state is not None:
        statement = statement.where(state == filters.state.value)
    return statement


CSV_HEADER = (
    _l("Navn"),
    _l("E-mail"),
    _l("Organisation"),
    _l("Område"),
    _l("Ledergruppe"),
    _l("Status"),
    _l("Færdige lektioner"),
    _l("Fremdrift i procent"),
    _l("Seneste aktivitet"),
)


def participant_table(participants: ParticipantList) -> Iterator[list[Cell]]:
    """The list as spreadsheet lines, a header first (for ``core.spreadsheet.csv_response``)."""
    yield [str(label) for label in CSV_HEADER]
    for row in participants.rows:
        yield [
            row.name,
            row.email,
            row.organisation,
            row.area,
            row.group,
            str(STATE_LABELS[row.state]),
            row.lessons_done,
            row.percent,
            local_time(row.last_activity_at),
        ]
