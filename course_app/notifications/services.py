"""Queueing and sending e-mail. Backends: ``smtp`` (production, tests against a local server) and
``console`` (the demo: messages are printed instead of sent)."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from course_app.core.db import db, utcnow
from course_app.notifications import scrubbing, sending
from course_app.notifications.models import (
    ATTACHMENT_NAME_LENGTH,
    IDEMPOTENCY_KEY_LENGTH,
    RECIPIENT_LENGTH,
    SENDER_NAME_LENGTH,
    SUBJECT_LENGTH,
    OutboxMessage,
)
from course_app.notifications.quiet_hours import is_quiet

# Waits after the 1st, 2nd … failed attempt; the attempt after the last wait is the last one.
RETRY_DELAYS = tuple(dt.timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 240))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
BATCH_SIZE = 500
# A worker owns the rows it claimed this long; it stops sending a batch after a third of it.
LEASE = dt.timedelta(minutes=15)

_HEADER_NAME = re.compile(r"[!-9;-~]+")  # printable ASCII without ":" (RFC 5322 field name)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int
    error: str | None = None  # set when the mail server could not be reached; the rest stays queued
    failed: int = 0  # refused for good, or out of attempts
    retrying: int = 0  # failed for now; tried again after a wait


@dataclass(frozen=True)
class Attachment:
    """A text file sent with an e-mail; ``content_type`` as ``maintype/subtype``."""

    filename: str
    content_type: str
    text: str

    def __post_init__(self) -> None:
        maintype, _, subtype = self.content_type.partition("/")
        if maintype != "text" or not subtype or "/" in subtype:
            raise ValueError(f"not a text type: {self.content_type!r}")
        if not self.filename or len(self.filename) > ATTACHMENT_NAME_LENGTH:
            raise ValueError("an attachment needs a file name of at most 100 characters")
        if any(char in self.filename for char in '/\\"\r\n\0'):
            raise ValueError(f"not a plain file name: {self.filename!r}")


def enqueue(
    *,
    recipient: str,
    subject: str,
    body_text: str,
    kind: str,
    body_html: str | None = None,
    idempotency_key: str | None = None,
    not_before: dt.datetime | None = None,
    headers: Mapping[str, str] | None = None,
    user_id: int | None = None,
    sender_name: str | None = None,
    attachment: Attachment | None = None,
) -> OutboxMessage | None:
    """Queue an e-mail in the caller's transaction (it leaves only if that commits).

    - ``kind``: what it is about ("invitation", "reminder" …), for support and statistics.
    - ``body_html``: an HTML alternative to ``body_text`` (sent as multipart/alternative).
    - ``idempotency_key``: person × reason × object, e.g. ``"unlock:17:enrolment:4:module:9"``.
      When a message with this key already exists (sent or not), nothing is written and None is
      returned; this holds when two schedulers race, on PostgreSQL and SQLite. The insert runs in a
      SAVEPOINT, so the caller's transaction goes on either way.
    - ``not_before``: not sent before this moment, and never in the quiet hours (20:00–07:00
      Copenhagen); messages without it are sent at once, at any hour.
    - ``headers``: extra headers, e.g. ``List-Unsubscribe`` and ``List-Unsubscribe-Post``.
    - ``user_id``: the person it is written to, when they have an account.
    - ``sender_name``: the From display name instead of the platform's (the address stays
      ``MAIL_FROM``'s); cut to the column and made one line like the subject.
    - ``attachment``: one text file sent with the message, e.g. a calendar file (``.ics``).

    A subject longer than the column is cut; NUL characters and line breaks in it and in header
    values are removed. Raises ValueError for what is a caller's mistake (a naive ``not_before``, a
    recipient or key too long, a header name that is invalid or one the outbox sets itself).
    """
    message = OutboxMessage(
        recipient=_one_line(recipient),
        subject=_subject(subject),
        body_text=_no_nul(body_text),
        body_html=None if body_html is None else _no_nul(body_html),
        headers=_headers(headers),
        kind=kind,
        idempotency_key=idempotency_key,
        not_before=not_before,
        user_id=user_id,
        sender_name=_sender_name(sender_name),
        attachment_name=None if attachment is None else attachment.filename,
        attachment_type=None if attachment is None else attachment.content_type,
        attachment_text=None if attachment is None else _no_nul(attachment.text),
        attempts=0,
    )
    _check(message)
    if idempotency_key is None:
        db.session.add(message)
        db.session.flush()
        return message
    db.session.flush()  # the caller's pending changes: their errors are theirs, not a duplicate
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        if _key_exists(idempotency_key):
            return None
        raise
    return message


def _check(message: OutboxMessage) -> None:
    if len(message.recipient) > RECIPIENT_LENGTH:
        raise ValueError(f"recipient longer than {RECIPIENT_LENGTH} characters")
    key = message.idempotency_key
    if key is not None and not 0 < len(key) <= IDEMPOTENCY_KEY_LENGTH:
        raise ValueError(f"idempotency_key must have 1 to {IDEMPOTENCY_KEY_LENGTH} characters")
    if message.not_before is not None and message.not_before.tzinfo is None:
        raise ValueError("naive not_before given; use an aware datetime (UTC)")


def _key_exists(key: str) -> bool:
    found = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == key))
    return found is not None


def _no_nul(text: str) -> str:
    return text.replace("\x00", "")


def _one_line(text: str) -> str:
    """Without NUL and every line break Python's e-mail package knows (also U+2028, form feed …)."""
    return " ".join(line.strip() for line in _no_nul(text).splitlines() if line.strip())


def _subject(subject: str) -> str:
    subject = _one_line(subject)
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    return subject


def _sender_name(name: str | None) -> str | None:
    name = _one_line(name or "")[:SENDER_NAME_LENGTH]
    return name or None


def _headers(headers: Mapping[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return None
    cleaned: dict[str, str] = {}
    for name, value in headers.items():
        if not _HEADER_NAME.fullmatch(name) or name.lower() in sending.RESERVED_HEADERS:
            raise ValueError(f"header {name!r} cannot be set on an outbox message")
        if name.lower() in {other.lower() for other in cleaned}:
            raise ValueError(f"header {name!r} given twice")
        cleaned[name] = _one_line(str(value))
    return cleaned


@dataclass
class _Tally:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    error: str | None = None

    def report(self) -> DeliveryReport:
        return DeliveryReport(self.sent, self.error, self.failed, self.retrying)


def deliver_outbox(
    batch_size: int = BATCH_SIZE, *, now: dt.datetime | None = None
) -> DeliveryReport:
    """Send every message that is due, oldest first, in batches.

    Due: not sent, not given up, past its ``not_before`` and its back-off, and, for scheduled
    messages (those with a ``not_before``), not in the quiet hours. ``now`` is the clock (tests);
    by default the real time.

    Unlike other services this one commits: an e-mail that has left cannot be unsent, so its "sent"
    mark is committed as soon as the server has accepted it. Each batch is first claimed in a short
    transaction of its own (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's write lock), which
    counts the attempt and leases the rows to this worker, so several workers never send one twice.
    A 5xx reply fails the message for good; a 4xx reply or a broken connection tries it again after
    a wait (``RETRY_DELAYS``), at most ``MAX_ATTEMPTS`` times. A server that cannot be reached
    changes nothing: every message waits for a later run.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    clock: Callable[[], dt.datetime] = (lambda: now) if now is not None else utcnow
    tally = _Tally(failed=_give_up_exhausted(clock()))
    while tally.error is None:
        batch = _claim(batch_size, clock())
        if batch:
            _deliver_batch(batch, clock, tally)
        if len(batch) < batch_size:
            break
    return tally.report()


def _due(now: dt.datetime) -> list[ColumnElement[bool]]:
    scheduled_may_leave = false() if is_quiet(now) else OutboxMessage.not_before <= now
    return [
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.attempts < MAX_ATTEMPTS,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        or_(OutboxMessage.not_before.is_(None), scheduled_may_leave),
    ]


def _give_up_exhausted(now: dt.datetime) -> int:
    """Messages whose last attempt never finished (its worker stopped) and that have none left:
    failed for good, and (like every message that will not be sent again) without their keys."""
    given_up = db.session.scalars(
        update(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.attempts >= MAX_ATTEMPTS,
            or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
        )
        .values(
            failed_at=now,
            next_attempt_at=None,
            last_error=func.coalesce(OutboxMessage.last_error, "no attempts left"),
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session="fetch")
    ).all()
    if given_up:
        for message in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_(given_up))
        ):
            scrubbing.scrub(message)
    return len(given_up)


def _claim(limit: int, now: dt.datetime) -> list[OutboxMessage]:
    """Lease up to ``limit`` due messages to this worker and count the attempt; commits.

    One UPDATE: on SQLite, as the transaction's first write it waits for the write lock (a SELECT
    first could not write later once another worker had committed); on PostgreSQL its inner SELECT
    skips the rows another worker is claiming.
    """
    due = (
        select(OutboxMessage.id)
        .where(*_due(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due))
        .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
        .returning(OutboxMessage),
        execution_options={"synchronize_session": False, "populate_existing": True},
    ).all()
    db.session.commit()
    return sorted(claimed, key=lambda message: message.id)


def _deliver_batch(
    batch: list[OutboxMessage], clock: Callable[[], dt.datetime], tally: _Tally
) -> None:
    if current_app.config["MAIL_BACKEND"] == "console":
        for message in batch:
            print(
                f"--- e-mail til {message.recipient}: {message.subject}\n{message.body_text}\n---",
                file=sys.stderr,
            )
            _settle(message, None, clock(), tally)
        return
    waiting = list(batch)  # _send_all takes each message off as it is settled
    try:
        with sending.smtp_connection() as smtp:
            _send_all(smtp, waiting, clock, tally)
    except (OSError, smtplib.SMTPException) as error:  # connecting, signing in, or saying goodbye
        if waiting:
            tally.error = str(error) or type(error).__name__
    _release(waiting)


def _send_all(
    smtp: smtplib.SMTP,
    waiting: list[OutboxMessage],
    clock: Callable[[], dt.datetime],
    tally: _Tally,
) -> None:
    deadline = time.monotonic() + LEASE.total_seconds() / 3
    while waiting and time.monotonic() < deadline:  # past it (a slow server): claim again
        message = waiting[0]
        mail = sending.build(message)
        lost: sending.ConnectionLost | None = None
        if isinstance(mail, sending.Failure):
            failure: sending.Failure | None = mail
        else:
            try:
                failure = sending.send(smtp, mail, message.recipient)
            except sending.ConnectionLost as error:
                lost, failure = error, sending.Failure(str(error), permanent=False)
        _settle(message, failure, clock(), tally)
        waiting.pop(0)
        if lost is not None:
            tally.error = str(lost)
            return


def _settle(
    message: OutboxMessage, failure: sending.Failure | None, now: dt.datetime, tally: _Tally
) -> None:
    """Record how this attempt went and commit it at once."""
    message.next_attempt_at = None
    if failure is None:
        message.sent_at = now
        message.last_error = None
        scrubbing.scrub(message)
        tally.sent += 1
    elif failure.permanent or message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
        message.last_error = failure.error
        scrubbing.scrub(message)
        tally.failed += 1
    else:
        message.next_attempt_at = now + RETRY_DELAYS[message.attempts - 1]
        message.last_error = failure.error
        tally.retrying += 1
    db.session.commit()


def _release(messages: list[OutboxMessage]) -> None:
    """Give back claimed messages that were not tried: no attempt counted, due again at once."""
    if not messages:
        return
    for message in messages:
        message.attempts -= 1
        message.next_attempt_at = None
    db.session.commit()
