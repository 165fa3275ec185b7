"""A local SMTP server that accepts every message and counts it (aiosmtpd, in a thread of its own)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller

from bench.server import free_port

HOST = "127.0.0.1"


@dataclass
class MailSink:
    """What the server accepted: messages, and the distinct recipients they were addressed to."""

    host: str
    port: int
    messages: int = 0
    recipients: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server, _session, envelope) -> str:
        with self.lock:
            self.messages += 1
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def counts(self) -> tuple[int, int]:
        with self.lock:
            return self.messages, len(self.recipients)


@contextmanager
def mail_sink() -> Iterator[MailSink]:
    """A counting server on a free port of 127.0.0.1, stopped on leaving."""
    for attempt in range(3):
        sink = MailSink(HOST, free_port())
        # server_hostname: no getfqdn() (a DNS lookup) for the greeting
        controller = Controller(sink, hostname=HOST, port=sink.port, server_hostname="localhost")
        try:
            controller.start()
        except OSError:  # the port was taken between probing and binding
            if attempt == 2:
                raise
            continue
        break
    try:
        yield sink
    finally:
        controller.stop()
