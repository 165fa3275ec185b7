"""Who runs a workshop's day besides platform admins and the round's coordinators: the facilitators
assigned to it. Platform admins and coordinators of the round assign them
(``access.may_assign_facilitators``); the candidates are people holding the facilitator role whose
organisation takes part in the round, or who belong to no organisation (platform staff), with an
active account. Every change is in the audit log; assigning twice or removing twice changes nothing.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select

from course_app.accounts.models import User
from course_app.audit import services as audit
from course_app.cohorts.read_only import require_open_round
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotAllowed, ServiceError
from course_app.core.i18n import danish_sort_key
from course_app.core.sql import insert_ignoring_duplicates
from course_app.organisations.access import Viewer
from course_app.organisations.models import Role, RoleAssignment
from course_app.schedule import event_access
from course_app.schedule.event_models import Event, EventKind
from course_app.workshops.access import may_assign_facilitators
from course_app.workshops.models import WorkshopFacilitator

OBJECT_TYPE = "workshop_facilitator"


def facilitators_of(event: Event) -> list[User]:
    users = db.session.scalars(
        select(User)
        .join(WorkshopFacilitator, WorkshopFacilitator.user_id == User.id)
        .where(WorkshopFacilitator.event_id == event.id)
    ).all()
    return sorted(users, key=lambda user: (danish_sort_key(user.name), user.id))


def candidates(event: Event) -> list[User]:
    """Facilitators who may be assigned (those assigned already included)."""
    cohort_orgs = sorted(event_access.cohort_organisation_ids(event.cohort_id))
    users = db.session.scalars(
        select(User).where(
            User.id.in_(
                select(RoleAssignment.user_id).where(RoleAssignment.role == Role.FACILITATOR)
            ),
            or_(User.organisation_id.is_(None), User.organisation_id.in_(cohort_orgs)),
            User.deactivated_at.is_(None),
        )
    ).all()
    return sorted(users, key=lambda user: (danish_sort_key(user.name), user.id))


def _checked(event: Event, actor: Viewer) -> None:
    if event.kind != EventKind.WORKSHOP:
        raise ServiceError(_l("Begivenheden er ikke en workshop."))
    if not may_assign_facilitators(actor, event_access.cohort_organisation_ids(event.cohort_id)):
        raise NotAllowed(_l("Du kan ikke vælge facilitatorer til denne workshop."))
    require_open_round(event.cohort)


def _record(event: Event, actor: Viewer, action: str, user: User) -> None:
    audit.record(
        actor_id=actor.user_id,
        action=action,
        object_type=OBJECT_TYPE,
        object_key=f"{event.id}-{user.id}",
        summary=(
            f"Facilitator {'tilføjet til' if action == 'created' else 'fjernet fra'} "
            f"{event.title}: {user.name}"
        ),
        details={"event_id": event.id, "user_id": user.id, "cohort_id": event.cohort_id},
    )


def assign(event: Event, user_id: int | None, actor: Viewer) -> bool:
    """Assign a candidate; False when she is assigned already."""
    _checked(event, actor)
    chosen = next(
        (user for user in candidates(event) if user_id is not None and user.id == user_id), None
    )
    if chosen is None:
        raise ServiceError(_l("Vælg en af facilitatorerne i listen."))
    inserted = db.session.execute(
        insert_ignoring_duplicates(WorkshopFacilitator)
        .values(event_id=event.id, user_id=chosen.id)
        .returning(WorkshopFacilitator.id)
    ).scalar()
    if inserted is None:
        return False
    _record(event, actor, "created", chosen)
    return True


def unassign(event: Event, user_id: int | None, actor: Viewer) -> bool:
    """Remove an assigned facilitator; False when she is not (or no longer) assigned."""
    _checked(event, actor)
    if user_id is None or not is_possible_id(user_id):
        return False
    removed = db.session.execute(
        delete(WorkshopFacilitator)
        .where(WorkshopFacilitator.event_id == event.id, WorkshopFacilitator.user_id == user_id)
        .returning(WorkshopFacilitator.id)
    ).scalar()
    if removed is None:
        return False
    user = db.session.get(User, user_id)
    assert user is not None
    _record(event, actor, "deleted", user)
    return True
