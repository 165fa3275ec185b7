"""From what fell due for a person (modules that opened, notices) to the one e-mail that tells it.

``announce`` loads everything the claimed rows point at in a few queries, builds a ``Digest`` per
person and queues it. Rows whose reason has gone in the meantime (the round was closed, the meeting
moved into the past or was deleted, the answers were written, a module retired) tell nothing; the
caller marks them told all the same. Notices of a ``NoticeSource`` (the competence wheel's, whose
object is a round) are asked of their source, which says which still hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from course_app.accounts import sign_in_links, unsubscribe
from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import db
from course_app.core.links import absolute_url
from course_app.courses.models import Module
from course_app.notifications import services as notifications
from course_app.organisations.models import Organisation
from course_app.schedule import digest as mail
from course_app.schedule.due_notices import notice_sources
from course_app.schedule.event_models import Event
from course_app.schedule.models import ModuleUnlock, Notice, NoticeReason

KIND = "digest"
# The reasons whose object is an event; the others are a notice source's, about a round.
EVENT_REASONS = frozenset(
    {
        NoticeReason.KICKOFF_INVITATION,
        NoticeReason.QUESTION_SET,
        NoticeReason.CHAIR_NOTE,
        NoticeReason.REMINDER,
    }
)
# Where the e-mail sends people for the competence wheel (/kompetencehjul).
ASSESSMENT_ENDPOINT = "self_assessment.overview"

# Builds a link in an e-mail to one person: (endpoint, values) -> absolute URL.
LinkMaker = Callable[..., str]


@dataclass
class PersonDue:
    """What was claimed for one person in this run."""

    unlocks: list[ModuleUnlock] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def idempotency_key(self, user_id: int) -> str:
        """The same person and the same rows give the same key: written only once."""
        ids = ",".join(
            [f"u{row.id}" for row in sorted(self.unlocks, key=lambda row: row.id)]
            + [f"n{row.id}" for row in sorted(self.notices, key=lambda row: row.id)]
        )
        return f"{KIND}:{user_id}:{hashlib.sha256(ids.encode()).hexdigest()[:32]}"


@dataclass
class _Loaded:
    users: dict[int, User]
    enrolments: dict[int, Enrolment]
    modules: dict[int, Module]
    events: dict[int, Event]
    sender_names: dict[int, str]
    calls: dict[int, mail.AssessmentCall]  # notice id → the competence wheel's call


def announce(due: Mapping[int, PersonDue], now: dt.datetime) -> int:
    """Queue one e-mail per person for what is still worth telling; how many were written."""
    if not due:
        return 0
    loaded = _load(due, now)
    written = 0
    for user_id, person_due in due.items():
        user = loaded.users.get(user_id)
        if user is None or user.deactivated_at is not None:
            continue
        digest, sender_name = _digest(user, person_due, loaded, now)
        if digest.parts == 0:
            continue
        composed = mail.compose(digest)
        message = notifications.enqueue(
            recipient=user.email,
            subject=composed.subject,
            body_text=composed.body_text,
            body_html=composed.body_html,
            kind=KIND,
            idempotency_key=person_due.idempotency_key(user_id),
            not_before=now,
            # Only reminders can be unsubscribed from (RFC 8058); the rest are service e-mails.
            headers=unsubscribe.unsubscribe_headers(user) if digest.has_reminders else None,
            user_id=user.id,
            sender_name=sender_name,
        )
        written += message is not None
    return written


def _load(due: Mapping[int, PersonDue], now: dt.datetime) -> _Loaded:
    unlocks = [row for person in due.values() for row in person.unlocks]
    notices = [row for person in due.values() for row in person.notices]
    calls: dict[int, mail.AssessmentCall] = {}
    for source in notice_sources():
        theirs = [row for row in notices if row.reason in source.reasons]
        if theirs:
            calls.update(source.still_due(theirs, now))
    users = _by_id(User, set(due))
    enrolments = _by_id(
        Enrolment,
        {row.enrolment_id for row in unlocks},
        selectinload(Enrolment.cohort).selectinload(Cohort.course),
    )
    events = _by_id(
        Event,
        {row.object_id for row in notices if row.reason in EVENT_REASONS},
        selectinload(Event.cohort).selectinload(Cohort.course),
        selectinload(Event.group),
        selectinload(Event.module),
    )
    modules = _by_id(Module, {row.module_id for row in unlocks})
    invited = {
        users[row.user_id].organisation_id
        for row in notices
        if row.reason == NoticeReason.KICKOFF_INVITATION and row.user_id in users
    }
    sender_names = {
        organisation.id: organisation.mail_sender_name
        for organisation in _by_id(Organisation, invited - {None}).values()
    }
    return _Loaded(users, enrolments, modules, events, sender_names, calls)


def _by_id(model, ids: Iterable[int | None], *options) -> dict:
    wanted = [value for value in ids if value is not None]
    if not wanted:
        return {}
    rows = db.session.scalars(select(model).where(model.id.in_(wanted)).options(*options))
    return {row.id: row for row in rows}


def _digest(
    user: User, due: PersonDue, loaded: _Loaded, now: dt.datetime
) -> tuple[mail.Digest, str | None]:
    link = _Links(user, now)
    digest = mail.Digest(
        recipient=mail.Recipient(user.name, user.email, user.locale),
        dashboard=link("learning.dashboard"),
    )
    for unlock in sorted(
        due.unlocks,
        key=lambda row: (loaded.modules[row.module_id].position, row.module_id),
    ):
        enrolment = loaded.enrolments[unlock.enrolment_id]
        module = loaded.modules[unlock.module_id]
        if enrolment.cohort.is_closed or module.retired_at is not None:
            continue
        course = enrolment.cohort.course
        digest.modules.append(
            mail.OpenedModule(
                title=module.title,
                link=link("learning.module", cohort_id=enrolment.cohort_id, module_key=module.key),
                course_title=course.title,
                language=course.language,
            )
        )
    sender_name = None
    for notice in sorted(due.notices, key=lambda row: row.id):
        call = loaded.calls.get(notice.id)
        if call is not None:
            digest.assessments.append(replace(call, link=link(ASSESSMENT_ENDPOINT)))
            continue
        event = loaded.events.get(notice.object_id) if notice.reason in EVENT_REASONS else None
        if event is None or event.cohort.is_closed:
            continue
        if notice.reason == NoticeReason.KICKOFF_INVITATION and event.starts_at > now:
            digest.invitations.append(_invitation(event, link))
            sender_name = loaded.sender_names.get(user.organisation_id) or None
        elif notice.reason == NoticeReason.QUESTION_SET and event.starts_at > now:
            digest.question_sets.append(_group_meeting(event, link))
        elif notice.reason == NoticeReason.REMINDER and event.starts_at > now:
            digest.reminders.append(_group_meeting(event, link))
        elif notice.reason == NoticeReason.CHAIR_NOTE:
            digest.chair_notes.append(
                mail.ChairNote(
                    group_name=event.group.name,
                    meeting=_event_info(event, link),
                    note_link=link(
                        "groups.meeting_note", group_id=event.group_id, module_key=event.module.key
                    ),
                )
            )
    if digest.has_reminders:
        digest.unsubscribe_link = unsubscribe.unsubscribe_url(user)
    digest.links_sign_in = link.token is not None
    return digest, sender_name


def _event_info(event: Event, link: LinkMaker) -> mail.EventInfo:
    return mail.EventInfo(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        place=event.place,
        link=link("calendar.event_page", event_id=event.id),
    )


def _invitation(event: Event, link: LinkMaker) -> mail.Invitation:
    return mail.Invitation(
        course_title=event.cohort.course.title,
        event=_event_info(event, link),
        calendar_file=absolute_url("calendar.event_file", event_id=event.id),
    )


def _group_meeting(event: Event, link: LinkMaker) -> mail.GroupMeeting:
    return mail.GroupMeeting(
        group_name=event.group.name,
        meeting=_event_info(event, link),
        module_title=event.module.title,
        module_link=link("learning.module", cohort_id=event.cohort_id, module_key=event.module.key),
    )


class _Links:
    """The links of one person's e-mail. When she may sign in by link (``SIGN_IN_LINKS`` on, a
    leader without roles), they share one single-use token, issued with the first link."""

    def __init__(self, user: User, now: dt.datetime) -> None:
        self.user = user
        self.now = now
        self.token: str | None = None
        self._issued = False

    def __call__(self, endpoint: str, **values: object) -> str:
        if not self._issued:
            self.token = sign_in_links.issue_token(self.user, self.now)
            self._issued = True
        return sign_in_links.link_with_token(self.token, endpoint, **values)
