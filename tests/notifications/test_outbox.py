"""Delivering the outbox to a real SMTP server on 127.0.0.1: nothing is lost, nothing goes twice,
refusals for good fail the message, refusals for now try it again after a wait."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage
from tests.mail import Mailbox, app_config, free_port, start_server

NOON = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)  # a Monday, 12:00 in Copenhagen
MINUTE = dt.timedelta(minutes=1)


def _queue(count: int) -> list[OutboxMessage]:
    return [
        notifications.enqueue(
            recipient=f"person{n}@test.example", subject=f"Emne {n}", body_text="Hej", kind="test"
        )
        for n in range(count)
    ]


def _one(recipient: str = "person@test.example", **values) -> OutboxMessage:
    message = notifications.enqueue(
        recipient=recipient, subject="Emne", body_text="Hej", kind="test", **values
    )
    assert message is not None
    return message


def test_delivers_in_batches_and_marks_each_message_once(app, session, mail_to_mailbox):
    _queue(5)
    report = notifications.deliver_outbox(batch_size=2)
    assert (report.sent, report.error) == (5, None)
    assert sorted(m.recipients[0] for m in mail_to_mailbox.messages()) == sorted(
        f"person{n}@test.example" for n in range(5)
    )
    rows = session.scalars(select(OutboxMessage)).all()
    assert all(row.sent_at is not None and row.next_attempt_at is None for row in rows)
    assert {row.attempts for row in rows} == {1}
    # A second run sends nothing again.
    assert notifications.deliver_outbox().sent == 0
    assert len(mail_to_mailbox.messages()) == 5


def test_unreachable_server_keeps_everything_queued(app, session):
    _queue(3)
    with app_config(app, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port()):
        report = notifications.deliver_outbox()
    assert report.sent == 0 and report.error
    rows = session.scalars(select(OutboxMessage)).all()
    assert len(rows) == 3 and all(row.sent_at is None for row in rows)


def test_a_server_that_is_down_counts_no_attempt_and_the_mail_goes_when_it_is_up(app, session):
    message = _one()
    down = Mailbox("127.0.0.1", free_port())
    with app_config(app, MAIL_BACKEND="smtp", MAIL_SERVER=down.host, MAIL_PORT=down.port):
        report = notifications.deliver_outbox(now=NOON)
        assert report.sent == 0 and report.error
        assert (message.attempts, message.next_attempt_at, message.failed_at) == (0, None, None)

        server = start_server(down)  # the server comes up on the port the app sends to
        try:
            report = notifications.deliver_outbox(now=NOON + 5 * MINUTE)
        finally:
            server.stop()
    assert (report.sent, report.error) == (1, None)
    assert [m.recipients for m in down.messages()] == [["person@test.example"]]
    assert message.sent_at == NOON + 5 * MINUTE and message.attempts == 1


def test_a_refused_recipient_does_not_stop_the_others(app, session, mail_to_mailbox):
    _queue(2)
    notifications.enqueue(recipient="afvist@test.example", subject="x", body_text="x", kind="test")
    mail_to_mailbox.refuse("afvist@test.example")
    report = notifications.deliver_outbox()
    assert (report.sent, report.failed, report.retrying) == (2, 1, 0)
    refused = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "afvist@test.example")
    )
    assert refused.sent_at is None and refused.attempts == 1 and "550" in refused.last_error
    assert refused.failed_at is not None  # a 5xx reply is for good: never tried again
    assert notifications.deliver_outbox().failed == 0


def test_a_refused_message_body_fails_for_good(app, session, mail_to_mailbox):
    message = _one()
    mail_to_mailbox.refuse_data("person@test.example", "554 Message rejected as spam")
    report = notifications.deliver_outbox(now=NOON)
    assert (report.sent, report.failed) == (0, 1)
    assert message.failed_at == NOON and message.last_error.startswith("554")


def test_a_temporary_refusal_is_tried_again_after_a_wait(app, session, mail_to_mailbox):
    message = _one()
    mail_to_mailbox.refuse("person@test.example", "450 Mailbox busy, try later")
    report = notifications.deliver_outbox(now=NOON)
    assert (report.sent, report.retrying, report.error) == (0, 1, None)
    assert message.next_attempt_at == NOON + MINUTE and message.last_error.startswith("450")
    assert message.failed_at is None and message.attempts == 1

    mail_to_mailbox.clear()
    assert notifications.deliver_outbox(now=NOON + MINUTE / 2).sent == 0  # still waiting
    assert notifications.deliver_outbox(now=NOON + MINUTE).sent == 1
    assert message.sent_at == NOON + MINUTE and message.attempts == 2
    assert message.last_error is None and message.next_attempt_at is None
    assert len(mail_to_mailbox.messages()) == 1


def test_a_temporary_data_failure_is_tried_again(app, session, mail_to_mailbox):
    message = _one()
    mail_to_mailbox.refuse_data("person@test.example", "451 Local error in processing")
    assert notifications.deliver_outbox(now=NOON).retrying == 1
    assert message.next_attempt_at == NOON + MINUTE and message.failed_at is None


def test_waits_grow_and_the_message_fails_after_the_last_attempt(app, session, mail_to_mailbox):
    message = _one()
    mail_to_mailbox.refuse("person@test.example", "421 Too busy")
    now = NOON
    waits = []
    for _attempt in range(notifications.MAX_ATTEMPTS - 1):
        assert notifications.deliver_outbox(now=now).retrying == 1
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert waits == [dt.timedelta(minutes=m) for m in (1, 5, 15, 60, 240)]

    report = notifications.deliver_outbox(now=now)
    assert (report.retrying, report.failed) == (0, 1)
    assert message.attempts == notifications.MAX_ATTEMPTS
    assert message.failed_at == now and message.next_attempt_at is None
    mail_to_mailbox.clear()
    assert notifications.deliver_outbox(now=now + dt.timedelta(days=1)).sent == 0


def test_not_before_holds_a_message_back(app, session, mail_to_mailbox):
    _one(not_before=NOON + dt.timedelta(hours=2))
    assert notifications.deliver_outbox(now=NOON).sent == 0
    assert notifications.deliver_outbox(now=NOON + dt.timedelta(hours=2)).sent == 1


def test_nothing_scheduled_leaves_in_the_quiet_hours(app, session, mail_to_mailbox):
    evening = dt.datetime(2026, 12, 7, 20, 30, tzinfo=dt.UTC)  # 21:30 in Copenhagen
    scheduled = _one("planlagt@test.example", not_before=NOON)
    at_once = _one("straks@test.example")  # e.g. an invitation: leaves at any hour
    assert notifications.deliver_outbox(now=evening).sent == 1
    assert at_once.sent_at == evening and scheduled.sent_at is None
    assert scheduled.attempts == 0  # not even claimed

    morning = dt.datetime(2026, 12, 8, 6, 0, tzinfo=dt.UTC)  # 07:00 in Copenhagen
    assert notifications.deliver_outbox(now=morning - MINUTE).sent == 0
    assert notifications.deliver_outbox(now=morning).sent == 1
    assert scheduled.sent_at == morning


def test_html_alternative_and_extra_headers(app, session, mail_to_mailbox):
    message = _one(
        body_html="<p>Hej <strong>Anne</strong></p>",
        headers={
            "List-Unsubscribe": "<https://forloeb.test/afmeld/abc>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    assert notifications.deliver_outbox().sent == 1
    [received] = mail_to_mailbox.messages()
    assert received.message.get_content_type() == "multipart/alternative"
    assert received.body.strip() == "Hej"
    assert received.html.strip() == "<p>Hej <strong>Anne</strong></p>"
    assert received.message["List-Unsubscribe"] == "<https://forloeb.test/afmeld/abc>"
    assert received.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received.message["Message-ID"].startswith(f"<outbox.{message.id}.")


def test_plain_text_only_without_html(app, session, mail_to_mailbox):
    _one()
    notifications.deliver_outbox()
    [received] = mail_to_mailbox.messages()
    assert received.message.get_content_type() == "text/plain" and received.html is None


def test_a_message_whose_worker_stopped_is_tried_again_after_its_lease(
    app, session, mail_to_mailbox
):
    message = _one()
    # A worker claimed it and stopped before sending (or before marking it sent).
    notifications._claim(10, NOON)
    assert message.attempts == 1 and message.next_attempt_at == NOON + notifications.LEASE
    assert notifications.deliver_outbox(now=NOON + MINUTE).sent == 0
    assert notifications.deliver_outbox(now=NOON + notifications.LEASE).sent == 1
    assert message.attempts == 2


def test_a_message_out_of_attempts_after_a_stopped_worker_is_given_up(
    app, session, mail_to_mailbox
):
    message = _one()
    message.attempts = notifications.MAX_ATTEMPTS - 1
    session.flush()
    notifications._claim(10, NOON)  # its last attempt; the worker stopped
    assert notifications.deliver_outbox(now=NOON + notifications.LEASE).failed == 1
    assert message.failed_at == NOON + notifications.LEASE
    assert message.last_error == "no attempts left" and mail_to_mailbox.messages() == []


def test_a_batch_needs_room_for_a_message(app, session):
    with pytest.raises(ValueError, match="batch_size"):
        notifications.deliver_outbox(batch_size=0)


def test_the_console_backend_prints_and_marks_sent(app, session, capsys):
    message = _one()
    with app_config(app, MAIL_BACKEND="console"):
        assert notifications.deliver_outbox(now=NOON).sent == 1
    assert "person@test.example: Emne" in capsys.readouterr().err
    assert message.sent_at == NOON
