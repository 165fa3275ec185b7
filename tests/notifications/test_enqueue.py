"""Queueing: the same key is written once, bad input is cleaned or refused before it reaches the
outbox, and the caller's transaction always survives."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from course_app.accounts.models import User
from course_app.accounts.services import create_user
from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage


def _enqueue(**values) -> OutboxMessage | None:
    fields = {"recipient": "anne@test.example", "subject": "Emne", "body_text": "Hej"}
    return notifications.enqueue(kind="test", **{**fields, **values})


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxMessage))


def test_the_same_key_is_written_once_and_the_transaction_goes_on(app, session):
    first = _enqueue(idempotency_key="unlock:1:module:7")
    assert first is not None and first.id
    assert _enqueue(idempotency_key="unlock:1:module:7", subject="Igen") is None
    # The caller's transaction is intact: it can go on writing and reading.
    other = _enqueue(idempotency_key="unlock:1:module:8")
    plain = _enqueue()
    assert other is not None and plain is not None
    assert _count(session) == 3
    assert (
        session.scalar(
            select(OutboxMessage.subject).where(
                OutboxMessage.idempotency_key == "unlock:1:module:7"
            )
        )
        == "Emne"
    )


def test_a_key_that_was_sent_long_ago_still_counts(app, session, mail_to_mailbox):
    _enqueue(idempotency_key="welcome:1")
    notifications.deliver_outbox()
    assert _enqueue(idempotency_key="welcome:1") is None
    assert len(mail_to_mailbox.messages()) == 1


def test_messages_without_a_key_are_never_deduplicated(app, session):
    assert _enqueue() is not None and _enqueue() is not None
    assert _count(session) == 2


def test_an_integrity_error_that_is_not_a_duplicate_is_raised(app, session):
    with pytest.raises(IntegrityError):
        _enqueue(idempotency_key="x:1", user_id=987654)  # no such person
    session.rollback()


def test_the_callers_own_errors_are_not_taken_for_a_duplicate(app, session):
    session.add(OutboxMessage(recipient="x", subject="x", body_text="x", kind=None))  # NOT NULL
    with pytest.raises(IntegrityError):
        _enqueue(idempotency_key="x:2")
    session.rollback()


def test_user_id_is_kept_and_cleared_when_the_person_is_deleted(app, session):
    user = create_user(email="anne@test.example", name="Anne")
    message = _enqueue(user_id=user.id, idempotency_key=f"reminder:{user.id}:1")
    session.execute(delete(User).where(User.id == user.id))
    session.refresh(message)
    assert message.user_id is None and message.idempotency_key == f"reminder:{user.id}:1"


def test_a_long_subject_is_cut_and_nul_bytes_and_line_breaks_are_removed(
    app, session, mail_to_mailbox
):
    message = _enqueue(
        subject="Påmindelse\x00\u2028\x0b " + "x" * 10_000 + "\r\nBcc: alle@test.example",
        body_text="Hej\x00 Anne",
        body_html="<p>Hej\x00</p>",
        headers={"List-Unsubscribe": "<https://forloeb.test/afmeld>\x00\r\nBcc: x@test.example"},
    )
    assert len(message.subject) == 300 and message.subject.endswith("…")
    assert "\x00" not in message.subject + message.body_text + message.body_html
    assert message.headers == {
        "List-Unsubscribe": "<https://forloeb.test/afmeld> Bcc: x@test.example"
    }
    session.flush()
    session.expire(message)
    assert len(message.subject) == 300  # stored as given on both databases

    report = notifications.deliver_outbox()
    assert (report.sent, report.failed, report.error) == (1, 0, None)
    [received] = mail_to_mailbox.messages()
    assert received.recipients == ["anne@test.example"] and received.message["Bcc"] is None
    assert received.message["Subject"] == message.subject
    assert received.body.strip() == "Hej Anne"


def test_a_sender_name_is_one_line_cut_to_size_and_keeps_the_platforms_address(
    app, session, mail_to_mailbox
):
    message = _enqueue(sender_name="Direktionen\x00 i\r\nBcc: x@test.example, " + "Å" * 500)
    assert len(message.sender_name) == 120 and "\n" not in message.sender_name
    assert notifications.deliver_outbox().sent == 1
    [received] = mail_to_mailbox.messages()
    [sender] = received.message["From"].addresses
    assert sender.addr_spec == "noreply@localhost"
    assert sender.display_name.startswith("Direktionen i Bcc: x@test.example, Å")
    assert received.recipients == ["anne@test.example"] and received.message["Bcc"] is None


def test_an_empty_sender_name_means_the_platforms_own(app, session):
    assert _enqueue(sender_name="  \n ").sender_name is None


def test_a_nul_byte_in_the_recipient_does_not_crash_delivery(app, session, mail_to_mailbox):
    message = _enqueue(recipient="anne\x00@test.example")
    assert message.recipient == "anne@test.example"
    assert notifications.deliver_outbox().sent == 1


def test_a_row_that_cannot_make_an_e_mail_fails_that_message_only(app, session, mail_to_mailbox):
    # Written past enqueue (an old row, a hand edit): a second To header cannot be built.
    broken = OutboxMessage(
        recipient="anne@test.example",
        subject="x",
        body_text="x",
        kind="test",
        headers={"To": "alle@test.example"},
    )
    session.add(broken)
    _enqueue(recipient="bo@test.example")
    report = notifications.deliver_outbox()
    assert (report.sent, report.failed, report.error) == (1, 1, None)
    assert broken.failed_at is not None and "could not build" in broken.last_error
    assert [m.recipients for m in mail_to_mailbox.messages()] == [["bo@test.example"]]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"headers": {"To": "x@test.example"}}, "cannot be set"),
        ({"headers": {"Message-ID": "<x@y>"}}, "cannot be set"),
        ({"headers": {"Bad Name": "x"}}, "cannot be set"),
        ({"headers": {"X-Bad:Name": "x"}}, "cannot be set"),
        ({"headers": {"Reply-To": "a@test.example", "reply-to": "b@test.example"}}, "twice"),
        ({"idempotency_key": "k" * 201}, "idempotency_key"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"recipient": "a" * 250 + "@test.example"}, "recipient"),
        ({"not_before": dt.datetime(2026, 12, 7, 12, 0)}, "naive"),
    ],
)
def test_what_is_a_callers_mistake_is_refused(app, session, values, problem):
    with pytest.raises(ValueError, match=problem):
        _enqueue(**values)
    assert _count(session) == 0


@pytest.mark.parametrize(
    ("filename", "content_type", "problem"),
    [
        ("kalender.ics", "application/octet-stream", "not a text type"),
        ("kalender.ics", "text", "not a text type"),
        ("kalender.ics", "text/calendar/x", "not a text type"),
        ("", "text/calendar", "file name"),
        ("k" * 101, "text/calendar", "file name"),
        ("../kalender.ics", "text/calendar", "plain file name"),
        ('kal"ender.ics', "text/calendar", "plain file name"),
        ("kalender\r\n.ics", "text/calendar", "plain file name"),
    ],
)
def test_an_attachment_is_a_named_text_file(filename, content_type, problem):
    with pytest.raises(ValueError, match=problem):
        notifications.Attachment(filename, content_type, "BEGIN:VCALENDAR")


def test_an_attachment_is_sent_after_the_text_and_its_html(app, session, mail_to_mailbox):
    text = "BEGIN:VCALENDAR\r\nSUMMARY:Møde\r\nEND:VCALENDAR\r\n"
    _enqueue(
        body_html="<p>Hej</p>",
        attachment=notifications.Attachment("møde.ics", "text/calendar", text + "\x00"),
    )
    session.flush()
    assert notifications.deliver_outbox().sent == 1
    (message,) = mail_to_mailbox.messages()
    assert message.message.get_content_type() == "multipart/mixed"
    assert (message.body.strip(), message.html.strip()) == ("Hej", "<p>Hej</p>")
    (attached,) = [part for part in message.message.walk() if part.get_filename()]
    assert attached.get_filename() == "møde.ics"
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_payload(decode=True).decode("utf-8") == text  # NUL dropped
