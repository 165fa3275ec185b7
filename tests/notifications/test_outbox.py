"""Delivering the outbox to a real SMTP server on 127.0.0.1: nothing is lost, nothing goes twice."""

from __future__ import annotations

from sqlalchemy import select

from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage
from tests.mail import app_config, free_port


def _queue(count: int) -> list[OutboxMessage]:
    return [
        notifications.enqueue(
            recipient=f"person{n}@test.example", subject=f"Emne {n}", body_text="Hej", kind="test"
        )
        for n in range(count)
    ]


def test_delivers_in_batches_and_marks_each_message_once(app, session, mail_to_mailbox):
    _queue(5)
    report = notifications.deliver_outbox(batch_size=2)
    assert (report.sent, report.error) == (5, None)
    assert sorted(m.recipients[0] for m in mail_to_mailbox.messages()) == sorted(
        f"person{n}@test.example" for n in range(5)
    )
    assert all(row.sent_at is not None for row in session.scalars(select(OutboxMessage)))
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


def test_a_refused_recipient_does_not_stop_the_others(app, session, mail_to_mailbox):
    _queue(2)
    notifications.enqueue(recipient="afvist@test.example", subject="x", body_text="x", kind="test")
    mail_to_mailbox.refuse("afvist@test.example")
    report = notifications.deliver_outbox()
    assert report.sent == 2
    refused = session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient == "afvist@test.example")
    )
    assert refused.sent_at is None and refused.attempts == 1 and refused.last_error
