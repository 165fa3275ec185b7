"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives: a pytest plugin loaded by
tests/conftest.py, so any test can use the ``smtp_server``, ``mailbox`` and ``mail_to_mailbox`` fixtures."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

LOCAL_HOST = "127.0.0.1"
INVITATION_PATH = re.compile(r"/invitation/[A-Za-z0-9_-]+")


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return part.get_content()

    @property
    def html(self) -> str | None:
        part = self.message.get_body(("html",))
        return None if part is None else part.get_content()

    @property
    def invitation_path(self) -> str:
        match = INVITATION_PATH.search(self.body)
        assert match, self.body
        return match.group(0)


@dataclass
class Mailbox:
    """What the local server received, in order; safe to read while the server thread appends."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    refused_data: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, address: str, reply: str = "550 No such user here") -> None:
        """Answer RCPT TO for this recipient with ``reply`` (until ``clear``): 5xx for good, 4xx
        for now."""
        with self.lock:
            self.refused[address] = reply

    def refuse_data(self, address: str, reply: str) -> None:
        """Accept this recipient but answer the message's DATA with ``reply`` (until ``clear``)."""
        with self.lock:
            self.refused_data[address] = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            reply = self.refused.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            for address in envelope.rcpt_tos:
                if address in self.refused_data:
                    return self.refused_data[address]
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)

    def clear(self) -> None:
        with self.lock:
            self.received.clear()
            self.refused.clear()
            self.refused_data.clear()

    @property
    def env(self) -> dict[str, str]:
        """For a ``course-app`` process: send to this server."""
        return {
            "COURSE_APP_MAIL_BACKEND": "smtp",
            "COURSE_APP_MAIL_SERVER": self.host,
            "COURSE_APP_MAIL_PORT": str(self.port),
        }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOCAL_HOST, 0))
        return probe.getsockname()[1]


def start_server(mailbox: Mailbox) -> Controller:
    """A server on ``mailbox.port`` that delivers into ``mailbox``; ``.stop()`` it when done."""
    # server_hostname: skip aiosmtpd's getfqdn() (a DNS lookup) for the greeting
    controller = Controller(
        mailbox, hostname=LOCAL_HOST, port=mailbox.port, server_hostname="localhost"
    )
    controller.start()
    return controller


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    for attempt in range(3):
        mailbox = Mailbox(LOCAL_HOST, free_port())
        try:
            controller = start_server(mailbox)
        except OSError:  # the port was taken between probing and binding
            if attempt == 2:
                raise
            continue
        break
    yield mailbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.clear()
    return smtp_server


@contextmanager
def app_config(app: Flask, **values):
    """Set config on the shared app for a test, and put the old values back."""
    missing = object()
    old = {key: app.config.get(key, missing) for key in values}
    app.config.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is missing:
                app.config.pop(key, None)
            else:
                app.config[key] = value


@pytest.fixture
def mail_to_mailbox(app: Flask, mailbox: Mailbox) -> Iterator[Mailbox]:
    """The shared app sends its e-mail to the local SMTP server during the test."""
    with app_config(
        app,
        MAIL_BACKEND="smtp",
        MAIL_SERVER=mailbox.host,
        MAIL_PORT=mailbox.port,
        BASE_URL="http://forloeb.test",
    ):
        yield mailbox
