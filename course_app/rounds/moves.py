"""Moving a participant to another leader group in the middle of a round.

Her current membership ends now and one in the new group starts (``valid_until``/``valid_from``).
Answers she shared earlier stay with the group she shared them with; from now on she shares with her
new group. Coordinators move only people of their own organisation, and only into that
organisation's groups. Nobody is moved in a closed round.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.audit import services as audit
from course_app.cohorts.models import Enrolment
from course_app.cohorts.read_only import require_open_round
from course_app.cohorts.round_access import RoundAccess
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotFound, ServiceError
from course_app.core.i18n import danish_sort_key
from course_app.organisations.models import LeaderGroup
from course_app.organisations.services import current_membership, move_to_group


@dataclass(frozen=True)
class MoveChoice:
    person: User
    current: LeaderGroup | None
    groups: list[LeaderGroup]  # the groups of her organisation, by name


def move_choice(access: RoundAccess, user_id: int) -> MoveChoice:
    """The participant and the groups she can move to; ``NotFound`` for anyone who is not enrolled
    in the round or not in the viewer's part of it (the same answer as for a missing id)."""
    person = _participant(access, user_id)
    membership = current_membership(person)
    groups = sorted(
        db.session.scalars(
            select(LeaderGroup).where(LeaderGroup.organisation_id == person.organisation_id)
        ),
        key=lambda group: danish_sort_key(group.name),
    )
    current = db.session.get(LeaderGroup, membership.group_id) if membership else None
    return MoveChoice(person, current, groups)


def move_participant(access: RoundAccess, user_id: int, group_id: int | None) -> bool:
    """Move her to ``group_id`` (one of her organisation's groups); False when she is in it already."""
    choice = move_choice(access, user_id)
    require_open_round(access.cohort)
    group = next((group for group in choice.groups if group.id == group_id), None)
    if group is None:
        raise ServiceError(_l("Vælg en af ledergrupperne i listen."))
    if choice.current is not None and choice.current.id == group.id:
        return False
    move_to_group(choice.person, group)
    audit.record(
        actor_id=access.viewer.user_id,
        action="changed",
        object_type="membership",
        object_key=str(choice.person.id),
        summary=f"{choice.person.name} flyttet til {group.name}",
        details={
            "cohort_id": access.cohort.id,
            "from": choice.current.name if choice.current else None,
            "to": group.name,
        },
    )
    return True


def _participant(access: RoundAccess, user_id: int) -> User:
    person = None
    if is_possible_id(user_id):
        person = db.session.scalar(
            select(User)
            .join(Enrolment, Enrolment.user_id == User.id)
            .where(User.id == user_id, Enrolment.cohort_id == access.cohort.id)
        )
    if person is None or not access.sees_person_of(person.organisation_id):
        raise NotFound(_l("Deltageren findes ikke i forløbet."))
    return person
