"""Everything the platform holds about one person, section by section, for her to download (GDPR
art. 15 and 20; the zip with JSON and a readable page is ``archive.py``).

Only her own data: her account, roles, memberships, enrolments with progress and answers, what she
wrote (comments, meeting notes), what was sent to her, the links she was sent (times only) and what
she did that the audit log, the calendar and the material library record. Another person's text
never comes along: of a comment she wrote, the answer it is on is named by its question, not quoted.

``EXPORTED_TABLES`` and ``NOT_EXPORTED`` together name every table holding personal data; a test walks
the model metadata so that a new table cannot be forgotten (tests/privacy/test_export_coverage.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from course_app.accounts.models import Invitation, PasswordReset, SignInLink, User
from course_app.audit.models import AuditEntry
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.courses.models import Block, Course, Lesson, Module
from course_app.notifications.models import OutboxMessage
from course_app.organisations.models import (
    Area,
    GroupMembership,
    LeaderGroup,
    Organisation,
    RoleAssignment,
)
from course_app.privacy import export_identities, export_service_check, export_workshops
from course_app.progress import film_views
from course_app.progress.models import FilmView, LessonProgress
from course_app.reflections.models import Comment, MeetingNote, ReflectionAnswer
from course_app.resources.models import Resource
from course_app.schedule.event_models import CalendarFeed, Event
from course_app.schedule.models import ModuleUnlock, Notice
from course_app.self_assessment import personal_data as self_assessment

FORMAT_VERSION = 1

# Tables whose rows about the person the export carries (section names in brackets).
EXPORTED_TABLES = frozenset(
    {
        "users",  # [person], without the password hash
        "role_assignments",  # [roles]
        "group_memberships",  # [group_memberships], moves included (each period is a row)
        "enrolments",  # [enrolments]
        "lesson_progress",  # [progress]
        "film_views",  # [film_views]: where she stopped in each film, the seconds she played
        "module_unlocks",  # [module_unlocks]
        "reflection_answers",  # [answers], every one, with its visibility
        "comments",  # [comments] she wrote (not the answers they are on)
        "meeting_notes",  # [meeting_notes] she wrote as chair
        "notices",  # [notices]: what fell due for her (invitations, question sets, reminders)
        "outbox_messages",  # [emails] to her: subject, times and text
        "calendar_feeds",  # [calendar_feed]: when it was made; the secret address is not stored
        "invitations",  # [invitations]: times only
        "sign_in_links",  # [sign_in_links]: times only
        "password_resets",  # [password_resets]: times only
        "linked_identities",  # [linked_identities]: her accounts at her organisation's provider
        "audit_entries",  # [audit_entries] where she is the actor
        "events",  # [events_changed]: calendar events she last changed
        "resources",  # [uploaded_resources]: metadata of material she uploaded
    }
    | export_service_check.SERVICE_CHECK_TABLES
    | export_workshops.WORKSHOP_TABLES
    | self_assessment.EXPORTED_TABLES
)

# Tables with personal data that the export leaves out on purpose, and why.
NOT_EXPORTED: dict[str, str] = {
    # Keyed hashes (HMAC) of typed e-mails and client addresses, kept for minutes to throttle
    # guessing: they cannot be read back or tied to a person without guessing, and they are not
    # linked to her account. (No foreign key to users: listed so the reason is written down.)
    "sign_in_failures": "keyed hashes of typed e-mails and addresses, deleted within the window",
    **export_workshops.WORKSHOP_TABLES_NOT_EXPORTED,
}


@dataclass(frozen=True)
class Section:
    key: str
    label: Any  # a lazy string
    rows: list[dict[str, Any]]
    note: Any = None


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _row(**values: Any) -> dict[str, Any]:
    return {key: _value(value) for key, value in values.items()}


def _person(user: User) -> list[dict[str, Any]]:
    organisation = (
        db.session.get(Organisation, user.organisation_id) if user.organisation_id else None
    )
    area = db.session.get(Area, user.area_id) if user.area_id else None
    return [
        _row(
            id=user.id,
            name=user.name,
            email=user.email,
            locale=user.locale,
            organisation=organisation.name if organisation else None,
            area=area.name if area else None,
            has_password=user.password_hash is not None,
            created_at=user.created_at,
            last_sign_in_at=user.last_sign_in_at,
            deactivated_at=user.deactivated_at,
            reminders_stopped_at=user.reminders_stopped_at,
        )
    ]


def _roles(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(RoleAssignment, Organisation.name, Course.title, LeaderGroup.name)
        .outerjoin(Organisation, Organisation.id == RoleAssignment.organisation_id)
        .outerjoin(Course, Course.id == RoleAssignment.course_id)
        .outerjoin(LeaderGroup, LeaderGroup.id == RoleAssignment.group_id)
        .where(RoleAssignment.user_id == user.id)
        .order_by(RoleAssignment.created_at, RoleAssignment.id)
    ).all()
    return [
        _row(role=r.role, organisation=org, course=course, group=group, created_at=r.created_at)
        for r, org, course, group in rows
    ]


def _memberships(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(GroupMembership, LeaderGroup.name, Organisation.name)
        .join(LeaderGroup, LeaderGroup.id == GroupMembership.group_id)
        .join(Organisation, Organisation.id == LeaderGroup.organisation_id)
        .where(GroupMembership.user_id == user.id)
        .order_by(GroupMembership.valid_from, GroupMembership.id)
    ).all()
    return [
        _row(group=group, organisation=org, valid_from=m.valid_from, valid_until=m.valid_until)
        for m, group, org in rows
    ]


def _enrolments(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Enrolment, Cohort, Course.title)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrolment.user_id == user.id)
        .order_by(Cohort.starts_on, Enrolment.id)
    ).all()
    return [
        _row(
            round=cohort.name,
            course=course,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            enrolled_at=enrolment.enrolled_at,
        )
        for enrolment, cohort, course in rows
    ]


def _mine(user: User):
    """The condition for rows of her enrolments (the query joins ``Enrolment``)."""
    return Enrolment.user_id == user.id


def _progress(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(LessonProgress, Cohort.name, Module.title, Lesson.title)
        .join(Enrolment, Enrolment.id == LessonProgress.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .where(_mine(user))
        .order_by(Cohort.starts_on, Module.position, Lesson.position, LessonProgress.id)
    ).all()
    return [
        _row(
            round=round_name,
            module=module,
            lesson=lesson,
            state=p.state,
            started_at=p.started_at,
            completed_at=p.completed_at,
        )
        for p, round_name, module, lesson in rows
    ]


def _film_views(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(FilmView, Cohort.name, Block.data)
        .join(Enrolment, Enrolment.id == FilmView.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Block, Block.id == FilmView.block_id)
        .where(_mine(user))
        .order_by(Cohort.starts_on, FilmView.id)
    ).all()
    return [
        _row(
            round=round_name,
            film=(data or {}).get("title"),
            position_seconds=view.position_seconds,
            played_seconds=film_views.played_seconds(view),
            updated_at=view.updated_at,
        )
        for view, round_name, data in rows
    ]


def _unlocks(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ModuleUnlock, Cohort.name, Module.title)
        .join(Enrolment, Enrolment.id == ModuleUnlock.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Module, Module.id == ModuleUnlock.module_id)
        .where(_mine(user))
        .order_by(Cohort.starts_on, Module.position, ModuleUnlock.id)
    ).all()
    return [
        _row(round=r, module=m, unlocked_at=u.unlocked_at, notified_at=u.notified_at)
        for u, r, m in rows
    ]


def _question(block: Block) -> str:
    return str(block.data.get("prompt") or block.data.get("title") or block.key)


def _answers(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ReflectionAnswer, Cohort.name, Module.title, Lesson.title, Block, LeaderGroup.name)
        .join(Enrolment, Enrolment.id == ReflectionAnswer.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(Block, Block.id == ReflectionAnswer.block_id)
        .join(Lesson, Lesson.id == Block.lesson_id)
        .join(Module, Module.id == Lesson.module_id)
        .outerjoin(LeaderGroup, LeaderGroup.id == ReflectionAnswer.shared_group_id)
        .where(_mine(user))
        .order_by(Cohort.starts_on, Module.position, Lesson.position, Block.position, Block.id)
    ).all()
    return [
        _row(
            round=round_name,
            module=module,
            lesson=lesson,
            question=_question(block),
            text=a.text,
            status=a.status,
            version=a.version,
            visibility=a.visibility,
            shared_with_group=group,
            created_at=a.created_at,
            updated_at=a.updated_at,
            submitted_at=a.submitted_at,
        )
        for a, round_name, module, lesson, block, group in rows
    ]


def _comments(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Comment, Block, LeaderGroup.name)
        .join(ReflectionAnswer, ReflectionAnswer.id == Comment.answer_id)
        .join(Block, Block.id == ReflectionAnswer.block_id)
        .outerjoin(LeaderGroup, LeaderGroup.id == ReflectionAnswer.shared_group_id)
        .where(Comment.author_id == user.id)
        .order_by(Comment.created_at, Comment.id)
    ).all()
    return [
        _row(
            on_question=_question(block),
            group=group,
            text=c.text,
            created_at=c.created_at,
            updated_at=c.updated_at,
            deleted_at=c.deleted_at,
        )
        for c, block, group in rows
    ]


def _meeting_notes(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(MeetingNote, LeaderGroup.name, Cohort.name, Module.title)
        .join(LeaderGroup, LeaderGroup.id == MeetingNote.group_id)
        .join(Cohort, Cohort.id == MeetingNote.cohort_id)
        .join(Module, Module.id == MeetingNote.module_id)
        .where(MeetingNote.author_id == user.id)
        .order_by(MeetingNote.created_at, MeetingNote.id)
    ).all()
    return [
        _row(
            group=group,
            round=round_name,
            module=module,
            text=n.text,
            version=n.version,
            created_at=n.created_at,
            updated_at=n.updated_at,
        )
        for n, group, round_name, module in rows
    ]


def _notices(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Notice, Cohort.name)
        .join(Cohort, Cohort.id == Notice.cohort_id)
        .where(Notice.user_id == user.id)
        .order_by(Notice.created_at, Notice.id)
    ).all()
    return [
        _row(reason=n.reason, round=r, created_at=n.created_at, notified_at=n.notified_at)
        for n, r in rows
    ]


def _emails(user: User) -> list[dict[str, Any]]:
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(or_(OutboxMessage.user_id == user.id, OutboxMessage.recipient == user.email))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return [
        _row(
            subject=m.subject,
            kind=m.kind,
            created_at=m.created_at,
            sent_at=m.sent_at,
            failed_at=m.failed_at,
            body_text=m.body_text,
        )
        for m in messages
    ]


def _calendar_feed(user: User) -> list[dict[str, Any]]:
    feeds = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return [_row(created_at=feed.created_at) for feed in feeds]


def _links(
    user: User, model: type[Invitation | SignInLink | PasswordReset]
) -> list[dict[str, Any]]:
    links = db.session.scalars(
        select(model).where(model.user_id == user.id).order_by(model.created_at, model.id)
    )
    return [
        _row(created_at=link.created_at, expires_at=link.expires_at, used_at=link.used_at)
        for link in links
    ]


def _audit(user: User) -> list[dict[str, Any]]:
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == user.id)
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return [
        _row(
            created_at=e.created_at,
            action=e.action,
            object_type=e.object_type,
            object_key=e.object_key,
            summary=e.summary,
        )
        for e in entries
    ]


def _events(user: User) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(Event, Cohort.name)
        .join(Cohort, Cohort.id == Event.cohort_id)
        .where(Event.updated_by_id == user.id)
        .order_by(Event.updated_at, Event.id)
    ).all()
    return [_row(title=e.title, round=r, kind=e.kind, updated_at=e.updated_at) for e, r in rows]


def _resources(user: User) -> list[dict[str, Any]]:
    course = aliased(Course)
    rows = db.session.execute(
        select(Resource, course.title)
        .join(course, course.id == Resource.course_id)
        .where(Resource.uploaded_by_id == user.id)
        .order_by(Resource.created_at, Resource.id)
    ).all()
    return [
        _row(
            title=r.title,
            course=c,
            original_filename=r.original_filename,
            content_type=r.content_type,
            size_bytes=r.size_bytes,
            created_at=r.created_at,
            deleted_at=r.deleted_at,
        )
        for r, c in rows
    ]


def personal_data(user: User) -> list[Section]:
    """Her data, section by section (the order of the readable page)."""
    return [
        Section("person", _l("Dig"), _person(user)),
        Section("roles", _l("Roller"), _roles(user)),
        Section("group_memberships", _l("Ledergrupper"), _memberships(user)),
        Section("enrolments", _l("Tilmeldinger til forløb"), _enrolments(user)),
        Section("progress", _l("Fremdrift"), _progress(user)),
        Section("film_views", _l("Film, du har set"), _film_views(user)),
        Section("module_unlocks", _l("Åbnede moduler"), _unlocks(user)),
        Section("answers", _l("Dine svar"), _answers(user)),
        Section("comments", _l("Dine kommentarer"), _comments(user)),
        Section("meeting_notes", _l("Dine mødenoter"), _meeting_notes(user)),
        Section("notices", _l("Beskeder til dig"), _notices(user)),
        Section("emails", _l("E-mails til dig"), _emails(user)),
        Section(
            "calendar_feed",
            _l("Kalender-abonnement"),
            _calendar_feed(user),
            _l("Selve den hemmelige adresse gemmes ikke, kun et kontrolnummer for den."),
        ),
        Section("invitations", _l("Invitationer"), _links(user, Invitation)),
        Section("sign_in_links", _l("Login-links"), _links(user, SignInLink)),
        Section("password_resets", _l("Nulstilling af adgangskode"), _links(user, PasswordReset)),
        Section(
            "linked_identities",
            _l("Log ind via din kommune"),
            export_identities.linked_identities(user, _row),
        ),
        Section("audit_entries", _l("Dine handlinger i loggen"), _audit(user)),
        Section("events_changed", _l("Begivenheder, du har ændret"), _events(user)),
        Section("uploaded_resources", _l("Materialer, du har lagt op"), _resources(user)),
        Section(
            "service_check",
            _l("Dine tider til servicetjek"),
            export_service_check.bookings(user, _row),
        ),
        Section(
            "service_check_slots",
            _l("Tider, du har udbudt som supporter"),
            export_service_check.slots(user, _row),
        ),
        Section("workshops", _l("Dine workshops"), export_workshops.workshops(user, _row)),
        Section(
            "workshops_run",
            _l("Workshops, du står for"),
            export_workshops.workshops_run(user, _row),
        ),
        Section(
            "self_assessment_participations",
            _l("Dine målinger med kompetencehjulet"),
            self_assessment.participations(user, _row),
        ),
        Section(
            "self_assessment_responses",
            _l("Dine svar i kompetencehjulet"),
            self_assessment.responses(user, _row),
            _l("Dine svar er gemt uden dit navn. De er fundet med din kode, kun til dig."),
        ),
        Section(
            "self_assessment_reflections",
            _l("Dine refleksioner ved kompetencehjulet"),
            self_assessment.reflections(user, _row),
        ),
        Section(
            "self_assessment_dispatches",
            _l("Målinger, du er sendt videre til i et eksternt værktøj"),
            self_assessment.dispatches(user, _row),
            _l("Vi gemmer kun, at du er sendt videre, ikke hvad du har svaret i værktøjet."),
        ),
    ]
