"""Queueing and sending e-mail. Backends: ``smtp`` (production, tests against a local server) and
``console`` (the demo: messages are printed instead of sent)."""

from __future__ import annotations

import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select

from course_app.core.db import db, utcnow
from course_app.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5
BATCH_SIZE = 500


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    error: str | None = None  # set when the mail server could not be reached; the rest stays queued


def enqueue(*, recipient: str, subject: str, body_text: str, kind: str) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body_text=body_text, kind=kind)
    db.session.add(message)
    db.session.flush()
    return message


def deliver_outbox(batch_size: int = BATCH_SIZE) -> DeliveryReport:
    """Send every queued message, oldest first, in batches.

    Unlike other services this one commits: an e-mail that has left cannot be unsent, so its "sent"
    mark must be durable at once, batch by batch, or a later failure would send it again. Rows are
    claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so several workers never send one twice.
    """
    sent = 0
    after_id = 0
    while True:
        batch = _claim(batch_size, after_id)
        if not batch:
            return DeliveryReport(sent)
        after_id = batch[-1].id
        delivered: list[OutboxMessage] = []
        try:
            _send(batch, delivered)
        except (OSError, smtplib.SMTPException) as error:
            db.session.commit()  # keep the marks of what left before the failure
            return DeliveryReport(sent + len(delivered), str(error))
        db.session.commit()
        sent += len(delivered)
        if len(batch) < batch_size:
            return DeliveryReport(sent)


def _claim(limit: int, after_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts < MAX_ATTEMPTS,
                OutboxMessage.id > after_id,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def _send(batch: list[OutboxMessage], delivered: list[OutboxMessage]) -> None:
    if current_app.config["MAIL_BACKEND"] == "console":
        for message in batch:
            print(
                f"--- e-mail til {message.recipient}: {message.subject}\n{message.body_text}\n---",
                file=sys.stderr,
            )
            _mark_sent(message, delivered)
        return
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in batch:
            message.attempts += 1
            try:
                smtp.send_message(_as_email(message))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                message.last_error = str(error)  # this message only; try again on a later run
                continue
            _mark_sent(message, delivered)


def _mark_sent(message: OutboxMessage, delivered: list[OutboxMessage]) -> None:
    message.sent_at = utcnow()
    message.last_error = None
    delivered.append(message)


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    sender = current_app.config["MAIL_FROM"]
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=sender.split("@")[-1].strip(">"))
    email.set_content(message.body_text)
    return email
