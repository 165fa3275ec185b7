"""Two workers at once, on committed data in a database of the test's own (SQLite, or PostgreSQL
when COURSE_APP_TEST_DATABASE_URL is set): every message arrives exactly once, and a key raced for
by two schedulers is written once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.notifications import services as notifications
from course_app.notifications.models import OutboxMessage
from tests.conftest import TEST_CONFIG
from tests.mail import Mailbox


@pytest.fixture
def own_app(fresh_database_url: str, tmp_path: Path, mailbox: Mailbox) -> Iterator[Flask]:
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    config = {
        **TEST_CONFIG,
        "DATABASE_URL": fresh_database_url,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": mailbox.host,
        "MAIL_PORT": mailbox.port,
    }
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    yield app
    db.engine(app).dispose()


def _at_once(app: Flask, work: Callable[[], Any], workers: int = 2) -> list[Any]:
    """Run ``work`` in ``workers`` threads, each in an app context (and so a session) of its own,
    started together; their results, or the first exception raised."""
    start = threading.Barrier(workers, timeout=30)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                results.append(work())
        except BaseException as error:  # reported to the test below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    assert len(results) == workers, "a worker did not finish"
    return results


def test_two_workers_deliver_every_message_exactly_once(own_app, mailbox):
    with own_app.app_context():
        for n in range(200):
            notifications.enqueue(
                recipient=f"person{n}@test.example", subject=f"Emne {n}", body_text="Hej", kind="t"
            )
        db.session.commit()

    reports = _at_once(own_app, lambda: notifications.deliver_outbox(batch_size=10))

    assert sum(report.sent for report in reports) == 200
    assert all(report.error is None for report in reports)
    arrived = Counter(received.message["Subject"] for received in mailbox.messages())
    assert len(arrived) == 200 and set(arrived.values()) == {1}
    with own_app.app_context():
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert all(row.sent_at is not None for row in rows)
        assert {row.attempts for row in rows} == {1}  # each claimed by one worker only


def test_two_schedulers_racing_for_one_key_write_one_message(own_app):
    def schedule() -> bool:
        # The scheduler's own write in the same transaction, which must survive the race.
        notifications.enqueue(recipient="log@test.example", subject="x", body_text="x", kind="t")
        queued = notifications.enqueue(
            recipient="anne@test.example",
            subject="Modul 2 er åbent",
            body_text="Hej",
            kind="unlock",
            idempotency_key="unlock:enrolment:1:module:2",
        )
        time.sleep(0.2)  # hold the transaction open while the other one tries
        db.session.commit()
        return queued is not None

    written = _at_once(own_app, schedule)

    assert sorted(written) == [False, True]
    with own_app.app_context():
        kinds = db.session.execute(
            select(OutboxMessage.kind, func.count()).group_by(OutboxMessage.kind)
        ).all()
    assert dict(kinds) == {"t": 2, "unlock": 1}
