"""One e-mail for everything that fell due for one person at one moment: modules that opened, a
kick-off invitation, a leader group's question set, a reminder, the chair's note to write, the
competence wheel's start or end measurement (or a reminder of it).

``compose`` only renders: it takes plain data (``Digest``) and gives subject, plain text and HTML in
the person's language, so the scheduler and the admins' preview with sample data
(``schedule.mail_samples``) share the very same templates and wording.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from course_app.schedule.event_text import day_text, when_text

TEMPLATE = "schedule/emails/digest"


@dataclass(frozen=True)
class EventInfo:
    """An event as an e-mail tells it (``event_text.when_text`` reads starts_at and ends_at)."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    link: str


@dataclass(frozen=True)
class OpenedModule:
    title: str
    link: str
    course_title: str
    language: str = "da"


@dataclass(frozen=True)
class Invitation:
    course_title: str
    event: EventInfo
    calendar_file: str


@dataclass(frozen=True)
class GroupMeeting:
    """A leader group's meeting about a question set: for the question set and the reminder."""

    group_name: str
    meeting: EventInfo
    module_title: str
    module_link: str


@dataclass(frozen=True)
class ChairNote:
    group_name: str
    meeting: EventInfo
    note_link: str


@dataclass(frozen=True)
class AssessmentCall:
    """The round's competence wheel: its start or end measurement (``point``) is open, or, as a
    reminder, still not done. ``external``: the round links out to another tool."""

    round_name: str
    point: str  # "start" or "end"
    link: str
    is_reminder: bool = False
    external: bool = False


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    locale: str


@dataclass
class Digest:
    recipient: Recipient
    dashboard: str
    invitations: list[Invitation] = field(default_factory=list)
    modules: list[OpenedModule] = field(default_factory=list)
    question_sets: list[GroupMeeting] = field(default_factory=list)
    reminders: list[GroupMeeting] = field(default_factory=list)
    chair_notes: list[ChairNote] = field(default_factory=list)
    assessments: list[AssessmentCall] = field(default_factory=list)
    # Where reminders can be stopped (set when the digest holds a reminder).
    unsubscribe_link: str | None = None
    # Said when links sign the person in (single-use sign-in links are on).
    links_sign_in: bool = False

    @property
    def parts(self) -> int:
        return (
            len(self.invitations)
            + len(self.modules)
            + len(self.question_sets)
            + len(self.reminders)
            + len(self.chair_notes)
            + len(self.assessments)
        )

    @property
    def has_reminders(self) -> bool:
        """Whether it reminds of anything (the only part people can unsubscribe from)."""
        return bool(self.reminders) or any(call.is_reminder for call in self.assessments)

    @property
    def modules_by_course(self) -> dict[str, list[OpenedModule]]:
        grouped: dict[str, list[OpenedModule]] = {}
        for module in self.modules:
            grouped.setdefault(module.course_title, []).append(module)
        return grouped


@dataclass(frozen=True)
class ComposedMail:
    subject: str
    body_text: str
    body_html: str


def compose(digest: Digest) -> ComposedMail:
    """Subject, plain text and HTML of the digest, in the recipient's language."""
    with force_locale(digest.recipient.locale):
        subject = _subject(digest)
        text = render_template(f"{TEMPLATE}.txt", digest=digest, when=when_text)
        html = render_template(f"{TEMPLATE}.html", digest=digest, when=when_text)
    return ComposedMail(subject, text, html)


def _subject(digest: Digest) -> str:
    """What the message is about, said as exactly as one line can."""
    if digest.parts == 1:
        if digest.invitations:
            return str(_l("Invitation: %(event)s", event=digest.invitations[0].event.title))
        if digest.modules:
            return str(_l("Nu er det tid til %(module)s", module=digest.modules[0].title))
        if digest.question_sets:
            meeting = digest.question_sets[0].meeting
            return str(_l("Spørgsmål til ledermødet %(day)s", day=day_text(meeting.starts_at)))
        if digest.reminders:
            meeting = digest.reminders[0].meeting
            return str(
                _l(
                    "Påmindelse: dine svar til ledermødet %(day)s",
                    day=day_text(meeting.starts_at),
                )
            )
        if digest.assessments:
            return _assessment_subject(digest.assessments[0])
        return str(_l("Skriv mødenotatet før workshoppen"))
    if digest.parts == len(digest.modules) and len(digest.modules_by_course) == 1:
        return str(
            _l(
                "%(num)s moduler er åbnet i %(course)s",
                num=len(digest.modules),
                course=digest.modules[0].course_title,
            )
        )
    return str(_l("%(num)s nye ting i dit forløb", num=digest.parts))


def _assessment_subject(call: AssessmentCall) -> str:
    if call.is_reminder:
        return str(_l("Påmindelse: dit digitale kompetencehjul i %(round)s", round=call.round_name))
    if call.point == "end":
        return str(_l("Tid til slutmålingen af dit digitale kompetencehjul"))
    return str(_l("Tid til startmålingen af dit digitale kompetencehjul"))
