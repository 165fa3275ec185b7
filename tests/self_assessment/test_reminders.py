"""The competence wheel's e-mails through the scheduler: the start measurement when the round
begins, the end measurement when it opens (30 days before the last day), one reminder of each a
week later; never to who has done it (participation; for an external tool, the dispatch), who
unsubscribed from reminders, who is deactivated, or in a closed round; always inside the one e-mail
per person per run. The round (tests/self_assessment/conftest.py) runs 5 January – 30 June 2026
with six leaders; the test course's two modules are open from the first day."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from course_app.core.db import db
from course_app.notifications.models import OutboxMessage
from course_app.notifications.services import deliver_outbox
from course_app.schedule.due_notices import record_due_notices
from course_app.schedule.models import Notice, NoticeReason
from course_app.schedule.scheduler import run_schedule
from course_app.self_assessment import round_tools
from course_app.self_assessment.models import AssessmentParticipation, MeasurementPoint
from course_app.self_assessment.reminders import ROUND_TOOL_NOTICES
from course_app.self_assessment.round_models import AssessmentDispatch
from tests import factories
from tests.helpers import copenhagen
from tests.mail import app_config

START_DAY = copenhagen(2026, 1, 5, 9)
TOOL_URL = "https://kompetencehjul.example.dk/start"
START, END = MeasurementPoint.START, MeasurementPoint.END


def _messages(user=None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if user is not None:
        query = query.where(OutboxMessage.user_id == user.id)
    return list(db.session.scalars(query))


def _told(reason: NoticeReason) -> list[int]:
    return sorted(db.session.scalars(select(Notice.user_id).where(Notice.reason == reason)).all())


def _ids(people) -> list[int]:
    return sorted(person.id for person in people)


def _completed(world, person, point=START, *, completed=True) -> None:
    db.session.add(
        AssessmentParticipation(
            user_id=person.id,
            cohort_id=world.cohort.id,
            assessment_id=world.assessment.id,
            point=point,
            completed=completed,
        )
    )


@pytest.fixture(autouse=True)
def base_url(app):
    with app_config(app, BASE_URL="http://forloeb.test"):
        yield


@pytest.fixture
def platform(world, session):
    """The round uses this platform's assessment."""
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    session.commit()
    return world


def test_the_start_measurement_is_told_once_in_the_digest_with_the_modules(platform, session):
    world = platform
    assert run_schedule(copenhagen(2026, 1, 4, 9)).emails == 0  # before the round begins
    report = run_schedule(START_DAY)
    assert report.emails == len(world.leaders)
    assert _told(NoticeReason.ASSESSMENT_START) == _ids(world.leaders)
    for leader in world.leaders:
        [message] = _messages(leader)  # one e-mail per person per run: modules and the wheel
        assert message.subject == "3 nye ting i dit forløb"
        body = message.body_text
        assert "Modul A" in body and "Modul B" in body
        assert "tid til startmålingen af dine digitale kompetencer i Forår" in body
        assert "http://forloeb.test/kompetencehjul" in body
        assert "omkring 30 minutter" in body and "anonyme" in body
        assert 'href="http://forloeb.test/kompetencehjul"' in message.body_html
        assert "List-Unsubscribe" not in (message.headers or {})  # not a reminder
    again = run_schedule(START_DAY + dt.timedelta(hours=2))
    assert (again.emails, again.notices) == (0, 0)
    assert run_schedule(copenhagen(2026, 1, 6, 9)).emails == 0


def test_a_leader_who_joins_late_gets_the_wheel_in_the_one_e_mail_with_her_modules(
    platform, session, mail_to_mailbox
):
    run_schedule(START_DAY)
    newcomer, _ = factories.enrolled_leader(platform.cohort, name="Ny Leder")
    session.commit()
    report = run_schedule(copenhagen(2026, 1, 8, 9))
    assert report.emails == 1
    [message] = _messages(newcomer)
    assert message.subject == "3 nye ting i dit forløb"
    assert "Modul A" in message.body_text and "startmålingen" in message.body_text
    assert deliver_outbox(now=copenhagen(2026, 1, 8, 10)).sent >= 1
    received = [mail for mail in mail_to_mailbox.received if mail.recipients == [newcomer.email]]
    assert len(received) == 1
    assert "http://forloeb.test/kompetencehjul" in received[0].body
    assert 'href="http://forloeb.test/kompetencehjul"' in received[0].html


def test_who_has_completed_the_start_is_not_called(platform, session):
    world = platform
    _completed(world, world.leaders[0])
    _completed(world, world.leaders[1], completed=False)  # begun, not finished: still called
    session.commit()
    run_schedule(START_DAY)
    assert _told(NoticeReason.ASSESSMENT_START) == _ids(world.leaders[1:])
    assert "startmålingen" not in _messages(world.leaders[0])[0].body_text


def test_an_external_tool_calls_who_has_not_been_sent_there(world, session):
    round_tools.set_tool(world.cohort, external_url=TOOL_URL)
    session.add(AssessmentDispatch(user_id=world.anna.id, cohort_id=world.cohort.id, point=START))
    # A completed participation means nothing for an external tool (only the dispatch counts).
    _completed(world, world.leaders[1])
    session.commit()
    run_schedule(START_DAY)
    assert _told(NoticeReason.ASSESSMENT_START) == _ids(world.leaders[1:])
    body = _messages(world.leaders[1])[0].body_text
    assert "eksternt værktøj" in body and "ikke dine svar" in body
    assert "http://forloeb.test/kompetencehjul" in body
    assert TOOL_URL not in body  # the page sends her on (and records the dispatch)


def test_a_round_without_a_tool_or_with_a_retired_assessment_calls_nobody(world, session):
    run_schedule(START_DAY)
    assert _told(NoticeReason.ASSESSMENT_START) == []
    round_tools.set_tool(world.cohort, assessment=world.assessment)
    world.assessment.retired_at = START_DAY
    session.commit()
    run_schedule(START_DAY + dt.timedelta(hours=1))
    assert _told(NoticeReason.ASSESSMENT_START) == []


def test_deactivated_people_and_closed_rounds_get_nothing(platform, session):
    world = platform
    world.anna.deactivated_at = copenhagen(2026, 1, 1)
    session.commit()
    run_schedule(START_DAY)
    assert world.anna.id not in _told(NoticeReason.ASSESSMENT_START)
    late, _ = factories.enrolled_leader(world.cohort, name="Sen")
    world.cohort.closed_at = copenhagen(2026, 1, 6)
    session.commit()
    run_schedule(copenhagen(2026, 1, 7))
    assert late.id not in _told(NoticeReason.ASSESSMENT_START)


def test_the_end_measurement_is_called_only_once_it_opens(platform, session):
    world = platform
    run_schedule(START_DAY)
    _completed(world, world.anna, END)
    session.commit()
    run_schedule(copenhagen(2026, 5, 30, 23))  # the end opens 31 May (30 days before 30 June)
    assert _told(NoticeReason.ASSESSMENT_END) == []
    before = len(_messages())
    run_schedule(copenhagen(2026, 5, 31, 7))
    assert _told(NoticeReason.ASSESSMENT_END) == _ids(world.leaders[1:])
    [message] = _messages(world.leaders[1])[-1:]
    assert message.subject == "Tid til slutmålingen af dit digitale kompetencehjul"
    assert "slutmålingen af dine digitale kompetencer i Forår" in message.body_text
    assert len(_messages()) == before + len(world.leaders) - 1
    run_schedule(copenhagen(2026, 5, 31, 8))
    assert len(_messages()) == before + len(world.leaders) - 1  # once


def test_nothing_is_called_after_the_last_day(platform, session):
    run_schedule(copenhagen(2026, 7, 2, 9))  # two days after the round's last day
    assert _told(NoticeReason.ASSESSMENT_START) == _told(NoticeReason.ASSESSMENT_END) == []


def test_one_reminder_a_week_later_only_to_who_has_not_done_it(platform, session):
    world = platform
    anna, bo, cecilie = world.leaders[:3]
    run_schedule(START_DAY)
    _completed(world, anna)  # done in between
    cecilie.reminders_stopped_at = copenhagen(2026, 1, 6)  # unsubscribed from reminders
    session.commit()
    run_schedule(copenhagen(2026, 1, 12, 8, 59))  # not quite a week
    assert _told(NoticeReason.ASSESSMENT_START_REMINDER) == []
    run_schedule(copenhagen(2026, 1, 12, 9))
    assert _told(NoticeReason.ASSESSMENT_START_REMINDER) == _ids(
        world.leaders[1:2] + world.leaders[3:]
    )
    reminder = _messages(bo)[-1]
    assert reminder.subject == "Påmindelse: dit digitale kompetencehjul i Forår"
    assert "Du mangler stadig startmålingen" in reminder.body_text
    assert "Afmeld" in reminder.body_text or "afmeld" in reminder.body_text.lower()
    assert "List-Unsubscribe" in (reminder.headers or {})
    for later in (copenhagen(2026, 1, 19, 9), copenhagen(2026, 2, 20, 9)):
        run_schedule(later)
    assert Counter(_told(NoticeReason.ASSESSMENT_START_REMINDER)) == Counter(
        _ids(world.leaders[1:2] + world.leaders[3:])
    )  # once each, never again
    assert len(_messages(bo)) == 2 and len(_messages(anna)) == 1 and len(_messages(cecilie)) == 1


def test_the_end_reminder_comes_a_week_after_the_end_call_and_not_after_completion(
    platform, session
):
    world = platform
    run_schedule(START_DAY)
    run_schedule(copenhagen(2026, 5, 31, 9))
    _completed(world, world.anna, END)
    session.commit()
    run_schedule(copenhagen(2026, 6, 7, 9))
    assert _told(NoticeReason.ASSESSMENT_END_REMINDER) == _ids(world.leaders[1:])
    # The start is no longer asked for once the end is open.
    assert _told(NoticeReason.ASSESSMENT_START_REMINDER) == []


def test_a_measurement_completed_before_the_e_mail_is_written_is_not_asked_for(platform, session):
    """A notice written but not yet told when she completes: the e-mail leaves it out."""
    world = platform
    record_due_notices(START_DAY)
    _completed(world, world.anna)
    session.commit()
    run_schedule(START_DAY)
    assert "startmålingen" not in _messages(world.anna)[0].body_text
    assert "startmålingen" in _messages(world.leaders[1])[0].body_text


def test_the_rules_take_a_few_queries_and_never_read_a_response(
    platform, session, count_statements
):
    world = platform
    with count_statements() as few:
        ROUND_TOOL_NOTICES.due([world.cohort.id], START_DAY)
    for n in range(30):
        factories.enrolled_leader(world.cohort, name=f"Flere {n}")
    session.commit()
    with count_statements() as many:
        due = ROUND_TOOL_NOTICES.due([world.cohort.id], START_DAY)
    assert len(due) == len(world.leaders) + 30
    assert many.count == few.count <= 5
    with count_statements() as run:
        run_schedule(START_DAY)
        run_schedule(copenhagen(2026, 1, 12, 9))
    statements = " ".join(run.statements).lower()
    assert "assessment_responses" not in statements
    assert "assessment_answers" not in statements


def test_the_english_e_mail(platform, session):
    platform.anna.locale = "en"
    session.commit()
    run_schedule(START_DAY)
    body = _messages(platform.anna)[0].body_text
    assert "start measurement of your digital competences in Forår" in body
    assert "about 30 minutes" in body and "anonymous" in body
