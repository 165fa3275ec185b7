"""One outbox row as an e-mail, and what the mail server said to it.

A reply in the 5xx range refuses the message for good; a 4xx reply asks to try again later. When the
connection itself breaks, the message in flight is tried again later and the rest wait for the next
connection (``ConnectionLost``).
"""

from __future__ import annotations

import email.errors
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from flask import current_app

from course_app.notifications.models import OutboxMessage

# Headers the outbox sets itself; a message's own ``headers`` may not replace them.
RESERVED_HEADERS = frozenset(
    {
        "bcc",
        "cc",
        "content-transfer-encoding",
        "content-type",
        "date",
        "from",
        "message-id",
        "mime-version",
        "sender",
        "subject",
        "to",
    }
)


@dataclass(frozen=True)
class Failure:
    error: str
    permanent: bool


class ConnectionLost(Exception):
    """The connection to the mail server broke while a message was being sent."""


def as_email(message: OutboxMessage) -> EmailMessage:
    """The message as an e-mail: plain text, with an HTML alternative when it has one.

    Its Message-ID is the same on every attempt, so a receiver that sees a message twice (a worker
    stopped between the server's acceptance and the sent mark) can tell it is the same one.
    """
    mail = EmailMessage()
    sender = current_app.config["MAIL_FROM"]
    domain = sender.split("@")[-1].strip(" >") or "localhost"
    if message.sender_name:
        # An Address object, not a string: the policy quotes or encodes the name as a whole, so
        # commas, colons or "@" in it never split From into several addresses when folded.
        mail["From"] = Address(display_name=message.sender_name, addr_spec=parseaddr(sender)[1])
    else:
        mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    stamp = int(message.created_at.timestamp() * 1_000_000)
    mail["Message-ID"] = f"<outbox.{message.id}.{stamp}@{domain}>"
    for name, value in (message.headers or {}).items():
        mail[name] = value
    mail.set_content(message.body_text)
    if message.body_html:
        mail.add_alternative(message.body_html, subtype="html")
    if message.attachment_text is not None and message.attachment_type and message.attachment_name:
        # multipart/mixed: the text (and its HTML alternative), then the file
        _maintype, _, subtype = message.attachment_type.partition("/")
        mail.add_attachment(
            message.attachment_text, subtype=subtype, filename=message.attachment_name
        )
    return mail


def build(message: OutboxMessage) -> EmailMessage | Failure:
    """The e-mail, or a permanent failure when the row cannot make one (bad stored data)."""
    try:
        return as_email(message)
    except (ValueError, TypeError, email.errors.MessageError) as error:
        return Failure(f"could not build the e-mail: {error}", permanent=True)


@contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """A connection to the configured server, signed in; raises OSError or SMTPException."""
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        yield smtp


def send(smtp: smtplib.SMTP, mail: EmailMessage, recipient: str) -> Failure | None:
    """Hand one e-mail to the server: None when accepted, else the failure for this message.

    Raises ``ConnectionLost`` when the connection broke (the message may or may not have arrived).
    """
    try:
        smtp.send_message(mail, to_addrs=[recipient])
    except smtplib.SMTPServerDisconnected as error:
        raise ConnectionLost(str(error) or "the mail server closed the connection") from error
    except smtplib.SMTPRecipientsRefused as error:
        code, reply = next(iter(error.recipients.values()), (550, b"recipient refused"))
        return _reply_failure(code, reply)
    except smtplib.SMTPResponseException as error:  # SMTPDataError, SMTPSenderRefused, …
        return _reply_failure(error.smtp_code, error.smtp_error)
    except smtplib.SMTPException as error:  # e.g. an address needing SMTPUTF8 the server lacks
        return Failure(str(error), permanent=True)
    except OSError as error:
        raise ConnectionLost(str(error) or type(error).__name__) from error
    return None


def _reply_failure(code: int, reply: bytes | str) -> Failure:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return Failure(f"{code} {text}", permanent=code >= 500)
