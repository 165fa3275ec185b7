"""Erasing a person (GDPR art. 17) by anonymising her, and the retention purge of ended rounds.
Plain functions that need no request: they flush, the view or the command commits once.

The rule (docs/privacy.md, "Sletning"): the account stays as an anonymous row, so that the learning
history of groups and rounds (counts, progress, meeting notes) keeps its shape, but nothing in it
points at her any more:

- the account: name "Slettet person", e-mail ``slettet-<id>@slettet.invalid`` (unique, and
  undeliverable: ``.invalid`` is reserved), no password, no area, deactivated, reminders stopped,
  the session version raised (every session ends at once); the organisation stays (its counts);
- every text she wrote is gone: her answers keep their row (status and version, which progress and
  question counts read) with the text emptied and the sharing withdrawn; other people's comments on
  her answers go with the text they answered; her comments on other people's answers are deleted;
- her service-check bookings are deleted, with her questions and the supporter's note to her; the
  times she offered as a supporter stay (their supporter is now the anonymous row);
- her progress, module unlocks and enrolments stay: without a name they are counts; so do her
  workshop answers, attendance and seats (a table keeps its size); her workshop facilitator
  assignments are deleted like her roles;
- meeting notes she wrote as chair stay: they are the group's record; their author is now the
  anonymous row;
- her roles, invitations, sign-in links, password resets, calendar feed, notices and every e-mail
  to her (sent or not) are deleted; current group memberships end today (past ones stay, as counts);
- her self-assessment participations are deleted, her unfinished responses too, and her completed
  responses get a new random pseudonym: they still count in the averages, but not even the key
  leads to them; her reflections on the wheel page and the record of being sent to a round's
  external tool are deleted (``self_assessment.personal_data.forget``);
- audit entries she caused stay (their actor is now anonymous), and one entry records the erasure,
  with the person's id only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, or_, select, update

from course_app.accounts.identity_models import LinkedIdentity
from course_app.accounts.models import Invitation, PasswordReset, SignInLink, User
from course_app.audit import services as audit
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.core.errors import NotAllowed, NotFound, ServiceError
from course_app.core.i18n import COPENHAGEN
from course_app.notifications.models import OutboxMessage
from course_app.organisations.access import Viewer
from course_app.organisations.models import STAFF_ROLES, GroupMembership, Role, RoleAssignment
from course_app.reflections.models import Comment, ReflectionAnswer, Visibility
from course_app.schedule.event_models import CalendarFeed
from course_app.schedule.models import Notice
from course_app.self_assessment import personal_data as self_assessment
from course_app.service_check.models import ServiceCheckBooking
from course_app.workshops.models import WorkshopFacilitator

ANONYMOUS_NAME = "Slettet person"
PLACEHOLDER_DOMAIN = "slettet.invalid"


def placeholder_email(user_id: int) -> str:
    return f"slettet-{user_id}@{PLACEHOLDER_DOMAIN}"


def is_anonymised(person: User) -> bool:
    return person.email == placeholder_email(person.id)


# --- who may erase whom -----------------------------------------------------------------------------


def may_erase_anyone(viewer: Viewer) -> bool:
    return viewer.is_platform_admin or bool(viewer.coordinator_of)


def _is_platform_admin(user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    RoleAssignment.user_id == user_id,
                    RoleAssignment.role == Role.PLATFORM_ADMIN,
                )
            )
        )
    )


def person_to_erase(viewer: Viewer, user_id: int) -> User:
    """The person ``viewer`` may erase: platform admins anyone but themselves; coordinators the
    people of their own organisation (not platform admins). Everyone else: ``NotAllowed`` (403);
    a person outside the coordinator's reach: ``NotFound`` (404, like one who does not exist)."""
    if not may_erase_anyone(viewer):
        raise NotAllowed(_l("Kun administratorer og koordinatorer kan slette en persons data."))
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound(_l("Personen findes ikke."))
    if not viewer.is_platform_admin and (
        person.organisation_id not in viewer.coordinator_of or _is_platform_admin(person.id)
    ):
        raise NotFound(_l("Personen findes ikke."))
    if person.id == viewer.user_id:
        raise NotAllowed(_l("Du kan ikke slette dine egne data her. Spørg en anden administrator."))
    return person


# --- anonymising ------------------------------------------------------------------------------------


@dataclass
class Erasure:
    """What anonymising one person removed (row counts)."""

    answers_emptied: int = 0
    comments_deleted: int = 0
    emails_deleted: int = 0
    links_deleted: int = 0
    other_rows_deleted: int = 0

    def add(self, other: Erasure) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _deleted(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def anonymise_person(
    person: User, *, actor_id: int | None, now: dt.datetime, reason: str
) -> Erasure | None:
    """Anonymise ``person`` by the rule above; None when she already is (nothing changes)."""
    if is_anonymised(person):
        return None
    db.session.flush()
    result = Erasure()
    own_answers = (
        select(ReflectionAnswer.id)
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .where(Enrolment.user_id == person.id)
    )
    result.comments_deleted = _deleted(
        delete(Comment).where(
            or_(Comment.answer_id.in_(own_answers), Comment.author_id == person.id)
        )
    )
    result.answers_emptied = db.session.execute(
        update(ReflectionAnswer)
        .where(ReflectionAnswer.id.in_(own_answers), ReflectionAnswer.text != "")
        .values(text="")
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        update(ReflectionAnswer)
        .where(ReflectionAnswer.id.in_(own_answers))
        .values(visibility=Visibility.PRIVATE, shared_group_id=None)
        .execution_options(synchronize_session=False)
    )
    result.emails_deleted = _deleted(
        delete(OutboxMessage).where(
            or_(OutboxMessage.user_id == person.id, OutboxMessage.recipient == person.email)
        )
    )
    for model in (Invitation, SignInLink, PasswordReset):
        result.links_deleted += _deleted(delete(model).where(model.user_id == person.id))
    for model in (
        CalendarFeed,
        Notice,
        RoleAssignment,
        ServiceCheckBooking,
        WorkshopFacilitator,
        LinkedIdentity,  # her provider's subject would sign the anonymised account in again
    ):
        result.other_rows_deleted += _deleted(delete(model).where(model.user_id == person.id))
    result.other_rows_deleted += self_assessment.forget(person)
    _end_memberships(person, now)

    person.name = ANONYMOUS_NAME
    person.email = placeholder_email(person.id)
    person.password_hash = None
    person.area_id = None
    person.last_sign_in_at = None
    person.deactivated_at = person.deactivated_at or now
    person.reminders_stopped_at = person.reminders_stopped_at or now
    person.session_version = (person.session_version or 1) + 1
    audit.record(
        actor_id=actor_id,
        action="anonymised",
        object_type="person",
        object_key=str(person.id),
        summary="Person anonymiseret",
        details={"reason": reason},
    )
    db.session.expire_all()
    return result


def _end_memberships(person: User, now: dt.datetime) -> None:
    """Current memberships end now (one that would start now or later is deleted)."""
    _deleted(
        delete(GroupMembership).where(
            GroupMembership.user_id == person.id, GroupMembership.valid_from >= now
        )
    )
    db.session.execute(
        update(GroupMembership)
        .where(GroupMembership.user_id == person.id, GroupMembership.current_at(now))
        .values(valid_until=now)
        .execution_options(synchronize_session=False)
    )


def erase_person(viewer: Viewer, person: User, now: dt.datetime) -> Erasure | None:
    """The confirmation page's erasure: ``person`` comes from ``person_to_erase``."""
    reason = "platform_admin" if viewer.is_platform_admin else "coordinator"
    return anonymise_person(person, actor_id=viewer.user_id, now=now, reason=reason)


# --- the retention purge ------------------------------------------------------------------------------


@dataclass
class PurgeSummary:
    ended_before: dt.date
    rounds: list[str] = field(default_factory=list)  # the names of the ended rounds
    anonymised: int = 0
    kept_in_later_round: int = 0
    kept_staff: int = 0
    already_anonymised: int = 0
    erased: Erasure = field(default_factory=Erasure)


def purge_ended_rounds(ended_before: dt.date, *, now: dt.datetime) -> PurgeSummary:
    """Anonymise the people of rounds that ended before ``ended_before`` (their last day earlier
    than that date): everyone enrolled in such a round and in no other round (a later round, or one
    without an end), except people holding a staff role (their accounts outlast rounds). The caller
    commits, or rolls back for a dry run (the counts are then exactly what a real run would do)."""
    today = now.astimezone(COPENHAGEN).date()
    if ended_before > today:
        raise ServiceError(
            _l(
                "Datoen %(date)s ligger efter i dag: kun forløb, der er slut, kan ryddes.",
                date=ended_before.isoformat(),
            )
        )
    ended = Cohort.ends_on.is_not(None) & (Cohort.ends_on < ended_before)
    summary = PurgeSummary(ended_before)
    summary.rounds = list(
        db.session.scalars(select(Cohort.name).where(ended).order_by(Cohort.ends_on, Cohort.id))
    )
    in_ended = select(Enrolment.user_id).join(Cohort, Cohort.id == Enrolment.cohort_id).where(ended)
    in_other = (
        select(Enrolment.user_id).join(Cohort, Cohort.id == Enrolment.cohort_id).where(~ended)
    )
    staff = select(RoleAssignment.user_id).where(RoleAssignment.role.in_(STAFF_ROLES))
    people = db.session.scalars(select(User).where(User.id.in_(in_ended)).order_by(User.id)).all()
    later = set(db.session.scalars(in_other))
    staff_ids = set(db.session.scalars(staff))
    for person in people:
        if person.id in later:
            summary.kept_in_later_round += 1
        elif person.id in staff_ids:
            summary.kept_staff += 1
        elif is_anonymised(person):
            summary.already_anonymised += 1
        else:
            erasure = anonymise_person(
                person, actor_id=None, now=now, reason=f"purge:{ended_before.isoformat()}"
            )
            if erasure is not None:
                summary.anonymised += 1
                summary.erased.add(erasure)
    return summary
