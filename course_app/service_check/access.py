"""Who sees what of the service check: the one place the rules live. Services load through these
functions; views never decide themselves. Anything a person may not see is ``NotFound`` (404, the
same as an id that does not exist); a page for a role she does not have is ``NotAllowed`` (403).

| role (scope)                         | free slots                  | a booking (time, place)  | questions, outcome note | counts (offered, booked, held) |
|--------------------------------------|-----------------------------|--------------------------|-------------------------|--------------------------------|
| leader (enrolled in the round)       | her rounds' slots of the    | her own                  | her own: writes the     | no                             |
|                                      | supporters serving her org. |                          | questions, reads note   |                                |
| supporter (organisation or platform) | her own slots               | the bookings of her slots| of her slots: reads the | her own slots only             |
|                                      |                             | (the leader's name)      | questions, writes note  |                                |
| coordinator (organisation)           | no                          | no                       | **no**                  | her organisation's part of its |
|                                      |                             |                          |                         | rounds                         |
| platform admin                       | no                          | no                       | **no**                  | every round                    |
| everyone else                        | no                          | no                       | no                      | no                             |

A supporter serves the leaders of the organisation her role names, or (a platform supporter, whose
role has no scope) every organisation's. A leader sees and books only slots in rounds she is enrolled
in, of supporters who serve her organisation; another organisation's slot is 404 to her.

The questions and the note appear nowhere else: not in counts, reports, CSV files, the audit log,
e-mails (they tell times and places, never the questions) or calendar files.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, exists, or_, select

from course_app.cohorts.models import Cohort, Enrolment, cohort_organisations
from course_app.core.db import db, is_possible_id
from course_app.core.errors import NotAllowed, NotFound
from course_app.organisations.access import Viewer
from course_app.organisations.models import Role, RoleAssignment
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot


def _not_found() -> NotFound:
    return NotFound(_l("Tiden findes ikke."))


def serves(organisation_id: int | None) -> ColumnElement[bool]:
    """SQL: the slot's supporter serves leaders of this organisation (platform supporters serve all)."""
    return exists().where(
        RoleAssignment.user_id == ServiceCheckSlot.supporter_id,
        RoleAssignment.role == Role.SUPPORTER,
        or_(
            RoleAssignment.organisation_id.is_(None),
            RoleAssignment.organisation_id == organisation_id,
        ),
    )


def leader_slot_condition(viewer: Viewer) -> ColumnElement[bool]:
    """SQL: slots the leader may see and book (rounds she is enrolled in, supporters serving her)."""
    enrolled = select(Enrolment.cohort_id).where(Enrolment.user_id == viewer.user_id)
    return ServiceCheckSlot.cohort_id.in_(enrolled) & serves(viewer.organisation_id)


def slot_for_leader(viewer: Viewer, slot_id: int) -> ServiceCheckSlot:
    """A slot the leader may book (it may be past, full or cancelled: the booking rules say so)."""
    slot = None
    if is_possible_id(slot_id):
        slot = db.session.scalar(
            select(ServiceCheckSlot).where(
                ServiceCheckSlot.id == slot_id, leader_slot_condition(viewer)
            )
        )
    if slot is None:
        raise _not_found()
    return slot


def leader_round(viewer: Viewer, cohort_id: int) -> Cohort:
    """A round the leader is enrolled in; any other is 404."""
    cohort = None
    if is_possible_id(cohort_id):
        cohort = db.session.scalar(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Cohort.id == cohort_id, Enrolment.user_id == viewer.user_id)
        )
    if cohort is None:
        raise NotFound(_l("Forløbet findes ikke."))
    return cohort


def own_booking(viewer: Viewer, booking_id: int) -> ServiceCheckBooking:
    """The leader's own booking; anyone else's is 404."""
    booking = (
        db.session.get(ServiceCheckBooking, booking_id) if is_possible_id(booking_id) else None
    )
    if booking is None or booking.user_id != viewer.user_id:
        raise _not_found()
    return booking


def readable_booking(viewer: Viewer, booking_id: int) -> ServiceCheckBooking:
    """A booking the person may read: her own (the leader) or one of her slots (the supporter)."""
    booking = (
        db.session.get(ServiceCheckBooking, booking_id) if is_possible_id(booking_id) else None
    )
    if booking is None or viewer.user_id not in (booking.user_id, booking.slot.supporter_id):
        raise _not_found()
    return booking


# --- Supporters -----------------------------------------------------------------------------------


def require_supporter(viewer: Viewer) -> None:
    if not viewer.is_supporter:
        raise NotAllowed(_l("Siden er for servicetjekkets supportere."))


def served_round_condition(viewer: Viewer) -> ColumnElement[bool]:
    """SQL on ``Cohort``: rounds with leaders she serves (every round for a platform supporter)."""
    if viewer.is_platform_supporter:
        return Cohort.id.is_not(None)
    return Cohort.id.in_(
        select(cohort_organisations.c.cohort_id).where(
            cohort_organisations.c.organisation_id.in_(viewer.supporter_of)
        )
    )


def round_for_supporter(viewer: Viewer, cohort_id: int) -> Cohort:
    """A round in which the supporter offers times; another round is 404."""
    require_supporter(viewer)
    cohort = (
        db.session.scalar(
            select(Cohort).where(Cohort.id == cohort_id, served_round_condition(viewer))
        )
        if is_possible_id(cohort_id)
        else None
    )
    if cohort is None:
        raise NotFound(_l("Forløbet findes ikke."))
    return cohort


def own_slot(viewer: Viewer, slot_id: int) -> ServiceCheckSlot:
    """One of the supporter's own slots; anyone else's is 404."""
    require_supporter(viewer)
    slot = db.session.get(ServiceCheckSlot, slot_id) if is_possible_id(slot_id) else None
    if slot is None or slot.supporter_id != viewer.user_id:
        raise _not_found()
    return slot


def booking_of_own_slot(viewer: Viewer, booking_id: int) -> ServiceCheckBooking:
    """A booking of one of the supporter's slots (to write the outcome note); else 404."""
    require_supporter(viewer)
    booking = (
        db.session.get(ServiceCheckBooking, booking_id) if is_possible_id(booking_id) else None
    )
    if booking is None or booking.slot.supporter_id != viewer.user_id:
        raise _not_found()
    return booking


# --- Counts ------------------------------------------------------------------------------------------


def may_see_counts(viewer: Viewer) -> bool:
    return viewer.is_platform_admin or bool(viewer.coordinator_of)


def counted_rounds(viewer: Viewer) -> list[Cohort]:
    """The rounds whose counts the person sees: every round (platform admins), her organisations'
    rounds (coordinators), none (everyone else)."""
    if not may_see_counts(viewer):
        return []
    query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    if not viewer.is_platform_admin:
        query = query.where(
            Cohort.id.in_(
                select(cohort_organisations.c.cohort_id).where(
                    cohort_organisations.c.organisation_id.in_(viewer.coordinator_of)
                )
            )
        )
    return list(db.session.scalars(query))


def counted_organisations(viewer: Viewer, cohort_id: int) -> tuple[Cohort, frozenset[int] | None]:
    """The round and whose part of it the person counts: None for all (platform admins), else her
    organisations taking part. 403 without the role, 404 for a round her organisation is not in."""
    if not may_see_counts(viewer):
        raise NotAllowed(_l("Overblikket er for koordinatorer og administratorer."))
    cohort = db.session.get(Cohort, cohort_id) if is_possible_id(cohort_id) else None
    if cohort is None:
        raise NotFound(_l("Forløbet findes ikke."))
    if viewer.is_platform_admin:
        return cohort, None
    own = frozenset(o.id for o in cohort.organisations if o.id in viewer.coordinator_of)
    if not own:
        raise NotFound(_l("Forløbet findes ikke."))
    return cohort, own
