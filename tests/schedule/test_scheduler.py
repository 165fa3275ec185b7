"""``run_schedule``: modules open when their day comes, and each leader hears of it once, in one
e-mail per moment, delivered to a real SMTP server on localhost."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from course_app.accounts.models import User
from course_app.cohorts import services as cohorts
from course_app.core.db import db
from course_app.courses.models import Module
from course_app.notifications.models import OutboxMessage
from course_app.notifications.services import deliver_outbox
from course_app.organisations import services as organisations
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.models import ModuleUnlock, Notice
from course_app.schedule.scheduler import ScheduleReport, run_schedule
from tests import factories
from tests.helpers import copenhagen
from tests.notifications.test_concurrency import _at_once, own_app  # noqa: F401 - a fixture


def _messages(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_each_day_brings_one_e_mail_with_a_deep_link(session, round_, mail_to_mailbox):
    start = copenhagen(2027, 1, 11)
    report = run_schedule(start)
    assert (report.unlocked, report.emails) == (1, 1)  # module A is open from the start
    [welcome] = _messages(session)
    assert welcome.subject == "Nu er det tid til Modul A"
    assert welcome.user_id == round_.leader.id

    assert run_schedule(start + dt.timedelta(hours=1)) == ScheduleReport(0, 0)  # nothing new

    tuesday = copenhagen(2027, 1, 12, 8)
    assert run_schedule(tuesday).emails == 1
    assert deliver_outbox(now=tuesday).sent == 2
    second = mail_to_mailbox.received[-1]
    assert second.recipients == [round_.leader.email]
    assert second.message["Subject"] == "Nu er det tid til Modul B"
    link = f"http://forloeb.test/forloeb/{round_.cohort.id}/moduler/modul-b"
    assert link in second.body
    assert f'href="{link}"' in second.html


def test_a_leader_who_joins_a_running_round_gets_one_digest(session, round_):
    factories.enrolled_leader(round_.cohort, name="Sen Tilmeldt")
    session.commit()
    report = run_schedule(copenhagen(2027, 2, 1))
    assert report.emails == 2  # one for each leader, each listing both modules
    digests = _messages(session)
    assert [message.subject for message in digests] == [
        "2 moduler er åbnet i " + round_.course.title
    ] * 2
    assert all("Modul A" in m.body_text and "Modul B" in m.body_text for m in digests)


def test_three_modules_opening_on_one_day_make_one_message(session, round_):
    third = Module(
        course_id=round_.course.id,
        key="modul-c",
        title="Modul C",
        position=2,
        status="published",
        release={"days_after_start": 1},
    )
    session.add(third)
    round_.first.release = {"days_after_start": 1}
    session.commit()
    run_schedule(copenhagen(2027, 1, 11))
    assert _messages(session) == []  # nothing is open on the first day
    run_schedule(copenhagen(2027, 1, 12))
    [message] = _messages(session)
    assert message.subject == f"3 moduler er åbnet i {round_.course.title}"


def test_an_e_mail_is_never_written_twice_even_when_unlocks_are_marked_again(session, round_):
    run_schedule(copenhagen(2027, 1, 12))
    session.execute(update(ModuleUnlock).values(notified_at=None))
    session.commit()
    run_schedule(copenhagen(2027, 1, 12, 10))
    assert len(_messages(session)) == 1  # the same unlocks give the same idempotency key


def test_deactivated_people_get_no_e_mail_but_stay_counted_as_told(session, round_):
    session.get(User, round_.leader.id).deactivated_at = copenhagen(2027, 1, 1)
    session.commit()
    run_schedule(copenhagen(2027, 1, 12))
    assert _messages(session) == []
    assert (
        session.scalar(
            select(func.count()).select_from(ModuleUnlock).where(ModuleUnlock.notified_at.is_(None))
        )
        == 0
    )


def test_a_round_that_has_not_started_opens_nothing(session, round_):
    assert run_schedule(copenhagen(2027, 1, 10)) == type(run_schedule(copenhagen(2027, 1, 10)))(
        0, 0
    )


def test_written_in_the_evening_sent_in_the_morning(session, round_, mail_to_mailbox):
    evening = copenhagen(2027, 1, 12, 21)
    run_schedule(evening)
    assert deliver_outbox(now=evening).sent == 0
    assert (
        deliver_outbox(
            now=copenhagen(
                2027,
                1,
                13,
                6,
            )
        ).sent
        == 0
    )
    assert deliver_outbox(now=copenhagen(2027, 1, 13, 7)).sent == 1


def test_two_schedulers_at_once_open_and_tell_each_leader_once(own_app):  # noqa: F811
    with own_app.app_context():
        org = factories.organisation("Glostrup")
        course = factories.course()
        cohort = cohorts.create_cohort(
            course, name="Parallel", starts_on=dt.date(2027, 1, 4), organisations=[org]
        )
        for number in range(40):
            factories.enrolled_leader(cohort, org=org, name=f"Leder {number}")
        db.session.commit()
    moment = copenhagen(2027, 1, 20)
    reports = _at_once(own_app, lambda: run_schedule(moment, batch_size=7))
    with own_app.app_context():
        unlocks = db.session.scalar(select(func.count()).select_from(ModuleUnlock))
        messages = list(db.session.scalars(select(OutboxMessage)))
    assert unlocks == 80  # 40 leaders × 2 modules, none twice (a unique constraint would say so)
    assert sum(report.unlocked for report in reports) == 80
    assert len(messages) == 40
    assert len({message.recipient for message in messages}) == 40


def test_two_schedulers_at_once_tell_each_invitation_and_question_set_once(own_app):  # noqa: F811
    """Forty leaders in four groups, a kick-off ahead and each group's meeting in a week: two
    schedulers at once write each notice once and tell each in exactly one e-mail (a person may get
    her things in two e-mails when the schedulers split her rows: the documented window)."""
    with own_app.app_context():
        org = factories.organisation("Glostrup")
        course = factories.course()
        module_a = db.session.scalar(
            select(Module).where(Module.course_id == course.id, Module.key == "modul-a")
        )
        cohort = cohorts.create_cohort(
            course, name="Parallel", starts_on=dt.date(2027, 1, 4), organisations=[org]
        )
        groups = [factories.group(org, f"Gruppe {number}") for number in range(4)]
        for number in range(40):
            leader, _ = factories.enrolled_leader(cohort, org=org, name=f"Leder {number}")
            organisations.move_to_group(leader, groups[number % 4])
        kickoff = copenhagen(2027, 1, 25)
        db.session.add(
            Event(
                cohort_id=cohort.id,
                kind=EventKind.KICKOFF,
                title="Kick off",
                starts_at=kickoff,
                ends_at=kickoff + dt.timedelta(hours=2),
            )
        )
        for group in groups:
            meeting = copenhagen(2027, 1, 27)
            db.session.add(
                Event(
                    cohort_id=cohort.id,
                    kind=EventKind.LEADER_MEETING,
                    title="Ledermøde",
                    group_id=group.id,
                    module_id=module_a.id,
                    starts_at=meeting,
                    ends_at=meeting + dt.timedelta(hours=2),
                )
            )
        db.session.commit()
    moment = copenhagen(2027, 1, 20)
    _at_once(own_app, lambda: run_schedule(moment, batch_size=7))
    with own_app.app_context():
        notices = db.session.execute(select(Notice.reason, Notice.notified_at)).all()
        messages = list(db.session.scalars(select(OutboxMessage)))
    assert len(notices) == 80 and all(told is not None for _, told in notices)
    by_person: dict[str, list[str]] = {}
    for message in messages:
        by_person.setdefault(message.recipient, []).append(message.body_text)
    assert len(by_person) == 40
    for bodies in by_person.values():
        assert sum("Kick off" in body for body in bodies) == 1
        assert sum("Her er spørgsmålene" in body for body in bodies) == 1
        assert sum("Modul A" in body for body in bodies) >= 1
