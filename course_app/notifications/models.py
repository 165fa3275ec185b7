"""The outbox: e-mails are written as rows in the same transaction as the change that causes them,
then sent by ``deliver_outbox`` (so a rolled-back import sends nothing, and a crash loses nothing)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course_app.core.db import Base, UTCDateTime, utcnow

SUBJECT_LENGTH = 300
RECIPIENT_LENGTH = 254
IDEMPOTENCY_KEY_LENGTH = 200
SENDER_NAME_LENGTH = 120
ATTACHMENT_NAME_LENGTH = 100
ATTACHMENT_TYPE_LENGTH = 100


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(RECIPIENT_LENGTH))
    subject: Mapped[str] = mapped_column(String(SUBJECT_LENGTH))
    body_text: Mapped[str] = mapped_column(Text)
    # The HTML alternative of body_text (multipart/alternative), when there is one.
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058).
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    # The display name of From, when it is not the platform's (a kick-off invitation in the name of
    # the municipal directors); the address stays MAIL_FROM's.
    sender_name: Mapped[str | None] = mapped_column(String(SENDER_NAME_LENGTH))
    # One text attachment, e.g. a calendar file (``text/calendar``): its file name, type and text.
    attachment_name: Mapped[str | None] = mapped_column(String(ATTACHMENT_NAME_LENGTH))
    attachment_type: Mapped[str | None] = mapped_column(String(ATTACHMENT_TYPE_LENGTH))
    attachment_text: Mapped[str | None] = mapped_column(Text)
    # What the message is about, for support and statistics.
    kind: Mapped[str] = mapped_column(String(64), index=True)
    # Person × reason × object: no e-mail is written twice for the same key.
    idempotency_key: Mapped[str | None] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH), unique=True)
    # Whom it was written to, when it is a person of ours (to count reminders per person and week).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Scheduled: not sent before this moment (nor in quiet hours, see quiet_hours.py).
    not_before: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # Not tried again before this moment: the back-off after a temporary failure, and the lease a
    # worker takes while it sends.
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Given up: refused for good (5xx) or out of attempts; last_error says why.
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
