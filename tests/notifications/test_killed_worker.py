"""A sender killed in the middle of a batch loses nothing: the next run (once the dead worker's
lease has run out) delivers the rest. At most the one message that was on the wire when the worker
died can arrive twice (docs/operations.md, "The e-mail outbox")."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from course_app.core import migrate
from course_app.core.db import make_engine
from course_app.notifications.models import OutboxMessage
from course_app.notifications.services import LEASE
from tests.mail import Mailbox, free_port, start_server

pytestmark = pytest.mark.slow
MESSAGES = 120


class SlowMailbox(Mailbox):
    """A server that takes a while over each message, so a worker can be killed mid-batch."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.03)
        return await super().handle_DATA(server, session, envelope)


def _queue(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                OutboxMessage.__table__.insert(),
                [
                    {
                        "recipient": f"leder{number}@albertslund.example",
                        "subject": f"Besked {number}",
                        "body_text": "Nu er det tid.",
                        "kind": "test",
                        "attempts": 0,
                        "created_at": dt.datetime.now(dt.UTC),
                    }
                    for number in range(MESSAGES)
                ],
            )
    finally:
        engine.dispose()


def _sender(url: str, mailbox: Mailbox, tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **mailbox.env,
        "COURSE_APP_DATABASE_URL": url,
        "COURSE_APP_SECRET_KEY": "x" * 64,
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "course_app", "notify", "send", *extra],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_killed_mid_batch_loses_nothing(fresh_database_url: str, tmp_path: Path):
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    _queue(fresh_database_url)
    mailbox = SlowMailbox("127.0.0.1", free_port())
    server = start_server(mailbox)
    try:
        first = _sender(fresh_database_url, mailbox, tmp_path)
        deadline = time.monotonic() + 60
        while len(mailbox.messages()) < MESSAGES // 4 and time.monotonic() < deadline:
            time.sleep(0.01)
        first.kill()  # SIGKILL: no clean-up, its lease stays on the rest of its batch
        first.wait(timeout=30)
        arrived_before = len(mailbox.messages())
        assert 0 < arrived_before < MESSAGES, "the worker must die in the middle of its batch"

        later = dt.datetime.now(dt.UTC) + LEASE + dt.timedelta(minutes=1)
        second = _sender(fresh_database_url, mailbox, tmp_path, "--now", later.isoformat())
        out, err = second.communicate(timeout=120)
        assert second.returncode == 0, out + err
    finally:
        server.stop()

    received = Counter(message.recipients[0] for message in mailbox.messages())
    assert set(received) == {f"leder{number}@albertslund.example" for number in range(MESSAGES)}
    twice = [address for address, count in received.items() if count > 1]
    assert len(twice) <= 1, twice  # at most the message on the wire when the worker died
    engine = create_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            unsent = connection.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
    finally:
        engine.dispose()
    assert unsent == 0
