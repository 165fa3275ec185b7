"""The e-mails the platform sends, as an admin previews them: a catalogue (what each one is, who gets
it and when) and a sample of each, made from sample data and nothing else.

A sample is rendered by the very code that renders the real message (``digest.compose`` for the
scheduler's e-mails), so the preview shows the real wording in either language. The data are made
up: a fictional leader, Lene Jensen, and a leader group, meetings and a kick-off dated from ``now``;
only the course is real when there is one to show (the first published course the viewer may see:
platform admins any, coordinators one that a round of their organisation runs), so its title and
module titles appear as they will. Nothing is written to the database and nothing is sent.

The account invitation is rendered by ``accounts.invitations.compose_invitation``, which
``invite`` uses too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.accounts.invitations import compose_invitation, invitation_link
from course_app.cohorts.models import Cohort, cohort_organisations
from course_app.core.clock import local_day
from course_app.core.db import db
from course_app.core.i18n import COPENHAGEN
from course_app.core.links import absolute_url
from course_app.courses.models import Course, ModuleMode, PublicationStatus
from course_app.courses.outlines import course_outline
from course_app.organisations.access import Viewer
from course_app.organisations.models import Organisation
from course_app.schedule import digest as mail
from course_app.schedule.due_notices import ASSESSMENT_REMINDER_AFTER

RECIPIENT_NAME = "Lene Jensen"
RECIPIENT_EMAIL = "lene.jensen@kommune.example"
GROUP_NAME = "Ledergruppe Solsikken"
EXAMPLE_SENDER = "Direktionen i Eksempel Kommune"
# Ids in the sample's links: the links show the address's shape, they lead to nothing real.
SAMPLE_ID = 1
SAMPLE_TOKEN = "eksempel"  # noqa: S105 - not a secret: the shape of a link in a sample

# When a course has nothing to show (or there is no course), these stand in for it.
EXAMPLE_COURSE = "Digital ledelse"
EXAMPLE_MODULES = (
    ("film-1", "Film 1: Hvad er digital ledelse?"),
    ("film-2", "Film 2: Data i din hverdag"),
)
EXAMPLE_MEETING_MODULE = ("ledermoede-1", "Ledermøde 1: Jeres erfaringer")
EXAMPLE_ROUND = "Digital ledelse – hold 1"


@dataclass(frozen=True)
class SampleModule:
    key: str
    title: str


@dataclass(frozen=True)
class SampleSource:
    """What the samples are made from: a course (real or made up), a moment and a sender name."""

    now: dt.datetime
    course_title: str
    course_language: str
    cohort_id: int
    modules: tuple[SampleModule, ...]  # modules that open for a leader, in course order
    meeting_module: SampleModule  # the question set a leader group meets about
    kickoff_sender: str  # the From name of the kick-off invitation
    is_real_course: bool


@dataclass(frozen=True)
class PreviewMail:
    sender: str
    recipient: mail.Recipient
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class MailSample:
    slug: str
    name: Any  # a lazy Danish text
    recipients: Any
    describe_when: Callable[[Mapping[str, Any]], str]  # from the app's config
    render: Callable[[SampleSource, mail.Recipient], PreviewMail]

    def when(self) -> str:
        return self.describe_when(current_app.config)


# --- the source: the course, the moment, the sender ------------------------------------------------


def sample_source(viewer: Viewer, now: dt.datetime) -> SampleSource:
    """The sample data for this viewer: the first published course they may see, else a made-up
    one (read only)."""
    course = db.session.scalar(_visible_courses(viewer).order_by(Course.id).limit(1))
    outline = [item.module for item in course_outline(course)] if course is not None else []
    sender = _kickoff_sender(viewer)
    if course is None or not outline:
        return SampleSource(
            now=now,
            course_title=EXAMPLE_COURSE,
            course_language="da",
            cohort_id=SAMPLE_ID,
            modules=tuple(SampleModule(key, title) for key, title in EXAMPLE_MODULES),
            meeting_module=SampleModule(*EXAMPLE_MEETING_MODULE),
            kickoff_sender=sender,
            is_real_course=False,
        )
    # Modules that open on a date are the ones this e-mail tells of; else any done alone.
    alone = [module for module in outline if module.mode == ModuleMode.INDIVIDUAL]
    opening = [module for module in alone if module.release] or alone or outline
    meetings = [module for module in outline if module.mode == ModuleMode.GROUP] or outline[-1:]
    return SampleSource(
        now=now,
        course_title=course.title,
        course_language=course.language,
        cohort_id=_cohort_id(viewer, course) or SAMPLE_ID,
        modules=tuple(SampleModule(module.key, module.title) for module in opening[:2]),
        meeting_module=SampleModule(meetings[0].key, meetings[0].title),
        kickoff_sender=sender,
        is_real_course=True,
    )


def _visible_courses(viewer: Viewer):
    """Published courses; for a coordinator only those a round of their organisation runs."""
    query = select(Course).where(
        Course.status == PublicationStatus.PUBLISHED, Course.retired_at.is_(None)
    )
    if viewer.is_platform_admin:
        return query
    return query.where(Course.id.in_(_own_rounds(select(Cohort.course_id), viewer)))


def _own_rounds(query, viewer: Viewer):
    """``query`` (over cohorts) narrowed to the rounds the viewer's organisations take part in."""
    if viewer.is_platform_admin:
        return query
    return query.join(cohort_organisations, cohort_organisations.c.cohort_id == Cohort.id).where(
        cohort_organisations.c.organisation_id.in_(viewer.coordinator_of)
    )


def _cohort_id(viewer: Viewer, course: Course) -> int | None:
    return db.session.scalar(
        _own_rounds(select(Cohort.id), viewer)
        .where(Cohort.course_id == course.id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
        .limit(1)
    )


def _kickoff_sender(viewer: Viewer) -> str:
    """A coordinator sees her own organisation's sender name (or the platform's, when it has
    none); a platform admin, who belongs to no organisation, an example."""
    if viewer.organisation_id is None:
        return EXAMPLE_SENDER
    name = db.session.scalar(
        select(Organisation.mail_sender_name).where(Organisation.id == viewer.organisation_id)
    )
    return name or platform_sender()


def platform_sender() -> str:
    name, address = parseaddr(current_app.config["MAIL_FROM"])
    return name or address


# --- the samples ---------------------------------------------------------------------------------


def sample_recipient(locale: str) -> mail.Recipient:
    return mail.Recipient(RECIPIENT_NAME, RECIPIENT_EMAIL, locale)


def _moment(now: dt.datetime, days: int, hour: int) -> dt.datetime:
    """``hour`` o'clock in Copenhagen, ``days`` days from today there (UTC), on a working day: a
    weekend day moves to the Friday before (so "at most N days before" still holds), or to the
    Monday after when that Friday is not ahead of today any more."""
    today = local_day(now)
    day = today + dt.timedelta(days=days)
    if day.weekday() >= 5:
        friday = day - dt.timedelta(days=day.weekday() - 4)
        monday = day + dt.timedelta(days=7 - day.weekday())
        day = friday if days < 0 or friday > today else monday
    return dt.datetime.combine(day, dt.time(hour), tzinfo=COPENHAGEN).astimezone(dt.UTC)


def _event(now: dt.datetime, days: int, title: str, place: str) -> mail.EventInfo:
    starts_at = _moment(now, days, 10)
    return mail.EventInfo(
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        place=place,
        link=absolute_url("calendar.event_page", event_id=SAMPLE_ID),
    )


def _digest(source: SampleSource, recipient: mail.Recipient, **parts: Any) -> mail.Digest:
    # Sign-in links are only ever for leaders without a role (never for a chair).
    links_sign_in = current_app.config["SIGN_IN_LINKS"] and not parts.get("chair_notes")
    return mail.Digest(
        recipient=recipient,
        dashboard=absolute_url("learning.dashboard"),
        links_sign_in=bool(links_sign_in),
        **parts,
    )


def _opened(source: SampleSource, count: int) -> list[mail.OpenedModule]:
    return [
        mail.OpenedModule(
            title=module.title,
            link=absolute_url("learning.module", cohort_id=source.cohort_id, module_key=module.key),
            course_title=source.course_title,
            language=source.course_language,
        )
        for module in source.modules[:count]
    ]


def _meeting(source: SampleSource, days: int) -> mail.GroupMeeting:
    module = source.meeting_module
    return mail.GroupMeeting(
        group_name=GROUP_NAME,
        meeting=_event(source.now, days, "Ledermøde", "Mødelokale 2, Rådhuset"),
        module_title=module.title,
        module_link=absolute_url(
            "learning.module", cohort_id=source.cohort_id, module_key=module.key
        ),
    )


def _composed(digest: mail.Digest, sender: str) -> PreviewMail:
    composed = mail.compose(digest)
    return PreviewMail(
        sender=sender,
        recipient=digest.recipient,
        subject=composed.subject,
        body_text=composed.body_text,
        body_html=composed.body_html,
    )


def _modules_open(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    return _composed(_digest(source, recipient, modules=_opened(source, 1)), platform_sender())


def _kickoff(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    invitation = mail.Invitation(
        course_title=source.course_title,
        event=_event(source.now, 14, "Kick off", "Rådhuset, byrådssalen"),
        calendar_file=absolute_url("calendar.event_file", event_id=SAMPLE_ID),
    )
    return _composed(_digest(source, recipient, invitations=[invitation]), source.kickoff_sender)


def _question_set(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    days = current_app.config["QUESTION_SET_DAYS_BEFORE"]
    digest = _digest(source, recipient, question_sets=[_meeting(source, days)])
    return _composed(digest, platform_sender())


def _reminder(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    days = current_app.config["REMINDER_DAYS_BEFORE"]
    digest = _digest(source, recipient, reminders=[_meeting(source, days)])
    digest.unsubscribe_link = absolute_url("accounts.unsubscribe", token=SAMPLE_TOKEN)
    return _composed(digest, platform_sender())


def _chair_note(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    module = source.meeting_module
    note = mail.ChairNote(
        group_name=GROUP_NAME,
        meeting=_event(source.now, -1, "Ledermøde", "Mødelokale 2, Rådhuset"),
        note_link=absolute_url("groups.meeting_note", group_id=SAMPLE_ID, module_key=module.key),
    )
    return _composed(_digest(source, recipient, chair_notes=[note]), platform_sender())


def _wheel(point: str, *, is_reminder: bool = False) -> mail.AssessmentCall:
    return mail.AssessmentCall(
        round_name=EXAMPLE_ROUND,
        point=point,
        link=absolute_url("self_assessment.overview"),
        is_reminder=is_reminder,
    )


def _wheel_start(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    digest = _digest(source, recipient, assessments=[_wheel("start")])
    return _composed(digest, platform_sender())


def _wheel_end(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    return _composed(_digest(source, recipient, assessments=[_wheel("end")]), platform_sender())


def _wheel_reminder(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    digest = _digest(source, recipient, assessments=[_wheel("start", is_reminder=True)])
    digest.unsubscribe_link = absolute_url("accounts.unsubscribe", token=SAMPLE_TOKEN)
    return _composed(digest, platform_sender())


def _several(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    days = current_app.config["QUESTION_SET_DAYS_BEFORE"]
    digest = _digest(
        source, recipient, modules=_opened(source, 2), question_sets=[_meeting(source, days)]
    )
    return _composed(digest, platform_sender())


def _account_invitation(source: SampleSource, recipient: mail.Recipient) -> PreviewMail:
    """As ``accounts.invitations.invite`` renders it, with a sample token."""
    subject, body_text, body_html = compose_invitation(recipient, invitation_link(SAMPLE_TOKEN))
    return PreviewMail(platform_sender(), recipient, subject, body_text, body_html)


SAMPLES: tuple[MailSample, ...] = (
    MailSample(
        "moduler-aabner",
        _l("Moduler åbner"),
        _l("Deltageren"),
        lambda config: str(
            _l(
                "Den dag, et modul åbner for deltageren, efter forløbets plan. Åbner flere moduler "
                "samme dag, står de i samme e-mail."
            )
        ),
        _modules_open,
    ),
    MailSample(
        "invitation-til-kick-off",
        _l("Invitation til kick-off"),
        _l("Alle deltagere i forløbet"),
        lambda config: str(
            _l(
                "Når deltageren er tilmeldt, og forløbets kick-off ligger forude. Den sendes i "
                "organisationens afsendernavn, som du vælger på forløbets side."
            )
        ),
        _kickoff,
    ),
    MailSample(
        "spoergsmaal-til-ledermoedet",
        _l("Spørgsmål til ledermødet"),
        _l("Ledergruppens medlemmer"),
        lambda config: str(
            _l(
                "%(days)s dage før ledergruppens møde om et sæt spørgsmål.",
                days=config["QUESTION_SET_DAYS_BEFORE"],
            )
        ),
        _question_set,
    ),
    MailSample(
        "paamindelse",
        _l("Påmindelse"),
        _l("Medlemmer, der mangler at svare"),
        lambda config: str(
            _l(
                "Når der mangler svar højst %(days)s dage før mødet, og højst %(num)s gange om ugen. "
                "E-mailen har et link, så modtageren kan afmelde påmindelser.",
                days=config["REMINDER_DAYS_BEFORE"],
                num=config["REMINDERS_PER_WEEK"],
            )
        ),
        _reminder,
    ),
    MailSample(
        "notat-foer-workshoppen",
        _l("Notat før workshoppen"),
        _l("Mødelederen"),
        lambda config: str(
            _l(
                "Efter ledermødet, hvis mødenotatet ikke er skrevet, og den fælles workshop endnu "
                "ligger forude."
            )
        ),
        _chair_note,
    ),
    MailSample(
        "kompetencehjul-start",
        _l("Kompetencehjulet: startmåling"),
        _l("Deltagere i et forløb med kompetencehjul"),
        lambda config: str(
            _l(
                "Når forløbet begynder, eller når deltageren bliver tilmeldt et forløb, der er i "
                "gang. Den står i samme e-mail som de moduler, der åbner samtidig."
            )
        ),
        _wheel_start,
    ),
    MailSample(
        "kompetencehjul-slut",
        _l("Kompetencehjulet: slutmåling"),
        _l("Deltagere i et forløb med kompetencehjul"),
        lambda config: str(
            _l(
                "%(days)s dage før forløbets slutdato, når slutmålingen åbner.",
                days=config["ASSESSMENT_END_OPENS_DAYS_BEFORE"],
            )
        ),
        _wheel_end,
    ),
    MailSample(
        "paamindelse-kompetencehjul",
        _l("Påmindelse om kompetencehjulet"),
        _l("Deltagere, der ikke har gennemført målingen"),
        lambda config: str(
            _l(
                "Én gang, %(days)s dage efter e-mailen om start- eller slutmålingen, hvis "
                "deltageren ikke har gennemført den (eller ikke har åbnet det eksterne værktøj). "
                "E-mailen har et link, så modtageren kan afmelde påmindelser.",
                days=ASSESSMENT_REMINDER_AFTER.days,
            )
        ),
        _wheel_reminder,
    ),
    MailSample(
        "samlet-e-mail",
        _l("Samlet e-mail"),
        _l("Deltageren"),
        lambda config: str(
            _l(
                "Når flere ting falder på samme tid for én person, fx to moduler og spørgsmål til "
                "ledermødet. Så kommer det hele i én e-mail."
            )
        ),
        _several,
    ),
    MailSample(
        "invitation-til-platformen",
        _l("Invitation til platformen"),
        _l("En ny person"),
        lambda config: str(
            _l(
                "Når en ny person bliver oprettet, fx ved import af deltagere. Linket til at vælge "
                "adgangskode virker én gang i %(days)s dage. Sendes kun som ren tekst.",
                days=config["INVITATION_VALID_DAYS"],
            )
        ),
        _account_invitation,
    ),
)
BY_SLUG: dict[str, MailSample] = {sample.slug: sample for sample in SAMPLES}


def render_sample(sample: MailSample, source: SampleSource, locale: str) -> PreviewMail:
    """The sample e-mail as the recipient gets it in ``locale``."""
    return sample.render(source, sample_recipient(locale))
