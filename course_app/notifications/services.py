"""Queueing and sending e-mail. Backends: ``smtp`` (production, tests against a local server) and
``console`` (the demo: messages are printed instead of sent)."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from sqlalchemy import select

from course_app.core.db import db, utcnow
from course_app.notifications.models import OutboxMessage

MAX_ATTEMPTS = 5


def enqueue(*, recipient: str, subject: str, body_text: str, kind: str) -> OutboxMessage:
    message = OutboxMessage(recipient=recipient, subject=subject, body_text=body_text, kind=kind)
    db.session.add(message)
    db.session.flush()
    return message


def _as_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(
        domain=current_app.config["MAIL_FROM"].split("@")[-1].strip(">")
    )
    email.set_content(message.body_text)
    return email


def send_pending(limit: int = 500) -> int:
    """Send queued messages (oldest first); returns how many were sent. Commit after calling."""
    pending = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    if not pending:
        return 0
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "console":
        return _send_to_console(pending)
    return _send_over_smtp(pending)


def _send_to_console(pending: list[OutboxMessage]) -> int:
    for message in pending:
        print(
            f"--- e-mail til {message.recipient}: {message.subject}\n{message.body_text}\n---",
            file=sys.stderr,
        )
        message.attempts += 1
        message.sent_at = utcnow()
    db.session.flush()
    return len(pending)


def _send_over_smtp(pending: list[OutboxMessage]) -> int:
    config = current_app.config
    sent = 0
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        for message in pending:
            message.attempts += 1
            try:
                smtp.send_message(_as_email(message))
            except smtplib.SMTPException as error:
                message.last_error = str(error)
                continue
            message.sent_at = utcnow()
            message.last_error = None
            sent += 1
    db.session.flush()
    return sent
