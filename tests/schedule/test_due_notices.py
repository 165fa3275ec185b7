"""What falls due besides modules opening (issue 10, points 4 and 5): the kick-off invitation in the
organisation's name, the group's question set before its meeting, the chair's note before the
workshop, and reminders from state — each told once, with whatever else fell due, in one e-mail."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import SignInLink
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.courses.models import Block
from course_app.notifications.models import OutboxMessage
from course_app.notifications.services import deliver_outbox
from course_app.organisations import services as organisations
from course_app.organisations.models import Role
from course_app.reflections.models import AnswerStatus, MeetingNote, ReflectionAnswer
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.models import ModuleUnlock, Notice, NoticeReason
from course_app.schedule.scheduler import run_schedule
from tests import factories
from tests.helpers import copenhagen
from tests.mail import app_config
from tests.schedule.conftest import Round

DAY = dt.timedelta(days=1)


@dataclass
class Plan:
    group: object
    chair: object
    kickoff: Event
    meeting: Event
    workshop: Event


def _event(cohort, kind: EventKind, start: dt.datetime, **fields) -> Event:
    event = Event(
        cohort_id=cohort.id,
        kind=kind,
        title=fields.pop("title", str(kind)),
        place=fields.pop("place", ""),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        **fields,
    )
    db.session.add(event)
    db.session.flush()
    return event


@pytest.fixture
def plan(session, round_: Round) -> Plan:
    """Lene and the chair in one group; kick-off on 18 January, their meeting about module A on
    1 February (in Rådhuset), workshop 1 on 15 February."""
    org = round_.cohort.organisations[0]
    org.mail_sender_name = "Direktionen i Albertslund Kommune"
    group = factories.group(org, "Ledergruppe Nord")
    chair, _ = factories.enrolled_leader(round_.cohort, org=org, name="Carl Formand")
    for member in (round_.leader, chair):
        organisations.move_to_group(member, group)
    organisations.assign_role(chair, Role.CHAIR, group=group)
    kickoff = _event(round_.cohort, EventKind.KICKOFF, copenhagen(2027, 1, 18, 9), title="Kick off")
    meeting = _event(
        round_.cohort,
        EventKind.LEADER_MEETING,
        copenhagen(2027, 2, 1, 13),
        title="Ledermøde 1",
        place="Rådhuset, lokale 2",
        group_id=group.id,
        module_id=round_.first.id,
    )
    workshop = _event(
        round_.cohort, EventKind.WORKSHOP, copenhagen(2027, 2, 15, 9), title="Workshop 1", number=1
    )
    session.commit()
    return Plan(group, chair, kickoff, meeting, workshop)


def _messages(session, user=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if user is not None:
        query = query.where(OutboxMessage.user_id == user.id)
    return list(session.scalars(query))


def _notices(session, reason: NoticeReason) -> list[tuple[int, int]]:
    rows = session.execute(
        select(Notice.user_id, Notice.object_id).where(Notice.reason == reason).order_by(Notice.id)
    )
    return [tuple(row) for row in rows]


def _submit_answer(session, round_: Round) -> None:
    block = session.scalar(
        select(Block).where(Block.course_id == round_.course.id, Block.key == "spoergsmaal-1")
    )
    session.add(
        ReflectionAnswer(
            enrolment_id=round_.enrolment.id,
            block_id=block.id,
            text="Mit svar",
            status=AnswerStatus.SUBMITTED,
        )
    )
    session.commit()


def test_the_first_run_sends_each_person_one_message_with_invitation_and_open_module(
    session, round_, plan, mail_to_mailbox
):
    start = copenhagen(2027, 1, 11)
    report = run_schedule(start)
    assert report.emails == 2 and report.notices == 2  # Lene and the chair: one e-mail each
    lene = _messages(session, round_.leader)
    assert len(lene) == 1
    assert lene[0].subject == "2 nye ting i dit forløb"
    assert "Kick off" in lene[0].body_text and "Modul A" in lene[0].body_text
    assert "mandag 18. januar 2027 kl. 09.00–11.00" in lene[0].body_text
    assert run_schedule(start + dt.timedelta(minutes=1)).emails == 0  # told once

    assert deliver_outbox(now=start).sent == 2
    received = mail_to_mailbox.received[0]
    [sender] = received.message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Direktionen i Albertslund Kommune",
        "noreply@localhost",
    )
    assert f"/kalender/{plan.kickoff.id}.ics" in received.body


def test_the_invitation_alone_has_its_own_subject_and_no_invitation_after_the_kick_off(
    session, round_, plan
):
    run_schedule(copenhagen(2027, 1, 11))
    late, _ = factories.enrolled_leader(round_.cohort, name="Sen Tilmeldt")
    session.commit()
    # She joins after the kick-off: no invitation to something past, just what opened.
    run_schedule(copenhagen(2027, 1, 19))
    [message] = _messages(session, late)
    assert "Kick off" not in message.body_text
    assert message.subject == "2 moduler er åbnet i " + round_.course.title
    assert message.sender_name is None


def test_without_a_sender_name_the_invitation_comes_from_the_platform(session, round_, plan):
    round_.cohort.organisations[0].mail_sender_name = ""
    round_.second.release = None
    session.commit()
    run_schedule(copenhagen(2027, 1, 11))
    assert {message.sender_name for message in _messages(session)} == {None}


def test_the_question_set_goes_out_the_configured_days_before_the_meeting(
    session, round_, plan, app
):
    run_schedule(copenhagen(2027, 1, 11))
    with app_config(app, QUESTION_SET_DAYS_BEFORE=10):
        assert _notices(session, NoticeReason.QUESTION_SET) == []
        run_schedule(copenhagen(2027, 1, 22, 12))  # 10 days and one hour before: not yet
        assert _notices(session, NoticeReason.QUESTION_SET) == []
        run_schedule(
            copenhagen(
                2027,
                1,
                22,
                13,
            )
        )
    assert sorted(_notices(session, NoticeReason.QUESTION_SET)) == sorted(
        [(round_.leader.id, plan.meeting.id), (plan.chair.id, plan.meeting.id)]
    )
    message = _messages(session, round_.leader)[-1]
    assert message.subject == "Spørgsmål til ledermødet mandag 1. februar 2027"
    assert "Rådhuset, lokale 2" in message.body_text
    assert f"/forloeb/{round_.cohort.id}/moduler/modul-a" in message.body_text
    assert "Ledergruppe Nord" in message.body_html


def test_members_of_other_groups_and_people_who_left_get_no_question_set(session, round_, plan):
    org = round_.cohort.organisations[0]
    outsider, _ = factories.enrolled_leader(round_.cohort, org=org, name="Anden Gruppe")
    organisations.move_to_group(outsider, factories.group(round_.cohort.organisations[0], "Syd"))
    session.commit()
    run_schedule(copenhagen(2027, 1, 25))
    told = {user_id for user_id, _ in _notices(session, NoticeReason.QUESTION_SET)}
    assert told == {round_.leader.id, plan.chair.id}


def test_a_reminder_comes_when_answers_are_missing_and_never_twice(session, round_, plan):
    run_schedule(copenhagen(2027, 1, 22, 14))  # question sets out
    run_schedule(copenhagen(2027, 1, 23, 14))  # meeting 9 days ahead: no reminder yet
    assert _notices(session, NoticeReason.REMINDER) == []
    _submit_answer(session, round_)  # Lene answers; the chair does not
    run_schedule(copenhagen(2027, 1, 25, 14))  # 7 days ahead
    assert _notices(session, NoticeReason.REMINDER) == [(plan.chair.id, plan.meeting.id)]
    reminder = _messages(session, plan.chair)[-1]
    assert reminder.subject == "Påmindelse: dine svar til ledermødet mandag 1. februar 2027"
    run_schedule(copenhagen(2027, 1, 26, 14))
    run_schedule(copenhagen(2027, 1, 30, 14))
    assert (
        session.scalar(
            select(func.count()).select_from(Notice).where(Notice.reason == NoticeReason.REMINDER)
        )
        == 1
    )


def test_no_reminder_right_after_the_question_set(session, round_, plan):
    """A leader who joins five days before the meeting gets the question set, and a reminder only
    two days later if she still has not answered."""
    late, _ = factories.enrolled_leader(
        round_.cohort, org=round_.cohort.organisations[0], name="Sen Tilmeldt"
    )
    organisations.move_to_group(late, plan.group)
    session.commit()
    run_schedule(copenhagen(2027, 1, 27, 10))
    assert (late.id, plan.meeting.id) not in _notices(session, NoticeReason.REMINDER)
    run_schedule(copenhagen(2027, 1, 29, 10))
    assert (late.id, plan.meeting.id) in _notices(session, NoticeReason.REMINDER)


def test_unsubscribed_people_get_no_reminders_but_still_the_question_set(session, round_, plan):
    round_.leader.reminders_stopped_at = copenhagen(2027, 1, 1)
    session.commit()
    run_schedule(copenhagen(2027, 1, 22, 14))
    run_schedule(copenhagen(2027, 1, 26, 14))
    assert (round_.leader.id, plan.meeting.id) in _notices(session, NoticeReason.QUESTION_SET)
    assert round_.leader.id not in {u for u, _ in _notices(session, NoticeReason.REMINDER)}


def test_never_more_reminders_a_week_than_configured(session, round_, plan, app):
    """Two rounds of the course, each with a meeting of Lene's group the same week: with one
    reminder a week allowed, she gets one."""
    second_round = cohorts.create_cohort(
        round_.course,
        name="Ekstra",
        starts_on=dt.date(2027, 1, 11),
        organisations=round_.cohort.organisations,
    )
    cohorts.enrol(round_.leader, second_round)
    other_meeting = _event(
        second_round,
        EventKind.LEADER_MEETING,
        copenhagen(2027, 2, 2, 13),
        group_id=plan.group.id,
        module_id=round_.first.id,
    )
    session.commit()
    with app_config(app, REMINDERS_PER_WEEK=1):
        run_schedule(copenhagen(2027, 1, 22, 14))
        run_schedule(copenhagen(2027, 1, 27, 14))
        mine = [
            event
            for user, event in _notices(session, NoticeReason.REMINDER)
            if user == round_.leader.id
        ]
        assert len(mine) == 1
    assert other_meeting.id in {event for _, event in _notices(session, NoticeReason.QUESTION_SET)}


def test_the_chair_is_reminded_to_write_the_note_before_the_workshop(session, round_, plan):
    run_schedule(copenhagen(2027, 1, 31, 14))
    assert _notices(session, NoticeReason.CHAIR_NOTE) == []  # the meeting is ahead
    run_schedule(copenhagen(2027, 2, 1, 16))  # it is over, the note is not written
    assert _notices(session, NoticeReason.CHAIR_NOTE) == [(plan.chair.id, plan.meeting.id)]
    message = _messages(session, plan.chair)[-1]
    assert message.subject == "Skriv mødenotatet før workshoppen"
    assert f"/grupper/{plan.group.id}/moeder/modul-a" in message.body_text
    assert _messages(session, round_.leader)[-1].subject != message.subject


def test_no_note_reminder_once_written_or_after_the_workshop(session, round_, plan):
    session.add(
        MeetingNote(
            group_id=plan.group.id,
            cohort_id=round_.cohort.id,
            module_id=round_.first.id,
            text="Vi tager dette med.",
            author_id=plan.chair.id,
        )
    )
    session.commit()
    run_schedule(copenhagen(2027, 2, 1, 16))
    assert _notices(session, NoticeReason.CHAIR_NOTE) == []
    session.execute(MeetingNote.__table__.delete())
    session.commit()
    run_schedule(copenhagen(2027, 2, 16, 9))  # the workshop is over: too late to remind
    assert _notices(session, NoticeReason.CHAIR_NOTE) == []


def test_closed_rounds_and_deactivated_people_get_nothing(session, round_, plan):
    round_.leader.deactivated_at = copenhagen(2027, 1, 1)
    session.commit()
    run_schedule(copenhagen(2027, 1, 11))
    assert _messages(session, round_.leader) == []
    round_.cohort.closed_at = copenhagen(2027, 1, 12)
    session.commit()
    before = len(_messages(session))
    run_schedule(copenhagen(2027, 1, 25))
    assert len(_messages(session)) == before
    assert _notices(session, NoticeReason.QUESTION_SET) == []


def test_a_notice_whose_meeting_was_deleted_tells_nothing(session, round_, plan):
    run_schedule(copenhagen(2027, 1, 11))
    session.add(
        Notice(
            user_id=round_.leader.id,
            cohort_id=round_.cohort.id,
            reason=NoticeReason.QUESTION_SET,
            object_id=10**6,
        )
    )
    session.commit()
    before = len(_messages(session))
    run_schedule(copenhagen(2027, 1, 11, 10))
    assert len(_messages(session)) == before
    assert (
        session.scalar(select(func.count()).select_from(Notice).where(Notice.notified_at.is_(None)))
        == 0
    )


def test_the_question_set_opens_its_module_for_the_group_before_its_release(session, round_, plan):
    """Module B opens for everyone after 60 days, but Lene's group meets about it on 1 February:
    it opens for the group's members with the question set, told once, in that e-mail."""
    round_.second.release = {"days_after_start": 60}
    plan.meeting.module_id = round_.second.id
    _, outsider_enrolment = factories.enrolled_leader(
        round_.cohort, org=round_.cohort.organisations[0], name="Uden Gruppe"
    )
    session.commit()
    run_schedule(copenhagen(2027, 1, 11))
    run_schedule(copenhagen(2027, 1, 23))
    opened = set(
        session.execute(
            select(ModuleUnlock.enrolment_id, ModuleUnlock.notified_at).where(
                ModuleUnlock.module_id == round_.second.id
            )
        ).all()
    )
    assert opened == {(round_.enrolment.id, copenhagen(2027, 1, 23))} | {
        (enrolment_id, copenhagen(2027, 1, 23))
        for enrolment_id in session.scalars(
            select(Enrolment.id).where(Enrolment.user_id == plan.chair.id)
        )
    }
    message = _messages(session, round_.leader)[-1]
    assert message.subject == "Spørgsmål til ledermødet mandag 1. februar 2027"
    assert "Nu er det tid til" not in message.body_text
    assert outsider_enrolment.id not in {enrolment_id for enrolment_id, _ in opened}


def test_a_reminder_carries_a_one_click_unsubscribe_that_stops_the_next(
    session, round_, plan, client
):
    """The reminder's List-Unsubscribe address, posted as a mail client does (RFC 8058), stops
    reminders; the question set of the next meeting still comes."""
    run_schedule(copenhagen(2027, 1, 22, 14))
    service = _messages(session, round_.leader)[-1]
    assert service.headers is None  # the question set is a service e-mail
    run_schedule(copenhagen(2027, 1, 25, 14))
    reminder = _messages(session, round_.leader)[-1]
    assert reminder.subject.startswith("Påmindelse")
    assert reminder.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = reminder.headers["List-Unsubscribe"].strip("<>")
    assert address in reminder.body_text
    response = client.post(
        address.removeprefix("http://forloeb.test"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    session.expire_all()
    assert round_.leader.reminders_stopped_at is not None

    second_meeting = _event(
        round_.cohort,
        EventKind.LEADER_MEETING,
        copenhagen(2027, 3, 1, 13),
        group_id=plan.group.id,
        module_id=round_.second.id,
    )
    session.commit()
    run_schedule(copenhagen(2027, 2, 19, 14))
    assert (round_.leader.id, second_meeting.id) in _notices(session, NoticeReason.QUESTION_SET)


def test_with_sign_in_links_on_a_leader_gets_one_token_and_a_chair_plain_links(
    session, round_, plan, app
):
    with app_config(app, SIGN_IN_LINKS=True, BASE_URL="http://forloeb.test"):
        run_schedule(copenhagen(2027, 1, 11))
    [lene] = _messages(session, round_.leader)
    [carl] = _messages(session, plan.chair)
    tokens = set(re.findall(r"/log-ind/link/([A-Za-z0-9_-]+)\?next=", lene.body_text))
    assert len(tokens) == 1  # every link of the e-mail shares one token
    assert "/log-ind/link/" not in carl.body_text  # the chair holds a role: plain links
    assert f"/forloeb/{round_.cohort.id}/moduler/modul-a" in carl.body_text
    assert "Linkene logger dig ind én gang" in lene.body_text
    assert "Linket logger dig ikke ind" in carl.body_text
    assert session.scalar(select(func.count()).select_from(SignInLink)) == 1


def test_links_never_sign_in_by_default(session, round_, plan):
    run_schedule(copenhagen(2027, 1, 11))
    assert all("/log-ind/link/" not in m.body_text for m in _messages(session))
    assert session.scalar(select(func.count()).select_from(SignInLink)) == 0
