"""No double booking, tested to break: requests at once, on committed data in a database of the
test's own (SQLite with WAL, or PostgreSQL when COURSE_APP_TEST_DATABASE_URL is set). The unique
constraints decide; every loser gets the clear message, never a 500."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from course_app import create_app
from course_app.accounts.services import find_user_by_email
from course_app.core import migrate
from course_app.core.db import db, make_engine, writes_from_the_start
from course_app.notifications.models import OutboxMessage
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import Role
from course_app.service_check import booking, reminders, slots
from course_app.service_check.models import ServiceCheckBooking, ServiceCheckSlot
from tests import factories
from tests.conftest import TEST_CONFIG, csrf_token_from
from tests.helpers import sign_in
from tests.service_check.conftest import copenhagen

NOW = copenhagen(2026, 9, 1)
TAKEN = "Tiden er lige blevet booket af en anden. Vælg en anden tid."
ALREADY = "Du har allerede booket en tid i dette forløb."


@pytest.fixture
def own_app(fresh_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            **TEST_CONFIG,
            "DATABASE_URL": fresh_database_url,
            "MAIL_BACKEND": "console",
            "CLOCK": lambda: NOW,
        },
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    db.engine(app).dispose()


def _setup(app: Flask, leaders: int, slot_count: int) -> tuple[int, list[str], list[int]]:
    """A round with ``leaders`` leaders of one organisation and ``slot_count`` slots; committed."""
    with app.app_context():
        org = factories.organisation("Albertslund")
        cohort = factories.cohort(factories.course(), orgs=[org])
        emails = [
            factories.enrolled_leader(cohort, org=org, name=f"Leder {n}")[0].email
            for n in range(leaders)
        ]
        supporter = factories.user(org=org, name="Sofie Support")
        directory.assign_role(supporter, Role.SUPPORTER, organisation=org)
        slot_ids = [
            slots.create_slot(
                viewer_for(supporter),
                cohort,
                slots.SlotInput(
                    day=dt.date(2026, 9, 10),
                    start=dt.time(9 + n),
                    length_minutes=30,
                    place="Rådhuset",
                ),
                now=NOW,
            ).id
            for n in range(slot_count)
        ]
        db.session.commit()
        return cohort.id, emails, slot_ids


def _at_once(posts: list[Callable[[], object]]) -> list:
    start = threading.Barrier(len(posts), timeout=60)
    results: list = []
    errors: list[BaseException] = []

    def run(post: Callable[[], object]) -> None:
        try:
            start.wait()
            results.append(post())
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(post,)) for post in posts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors[0]
    assert len(results) == len(posts), "a request did not finish"
    return results


def _client(app: Flask, email: str):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    token = csrf_token_from(client.get("/servicetjek").get_data(as_text=True))
    return client, token


def _bookings(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ServiceCheckBooking))


def test_fifty_leaders_booking_one_slot_at_once_give_one_booking(own_app):
    cohort_id, emails, (slot_id,) = _setup(own_app, 50, 1)
    clients = [_client(own_app, email) for email in emails]

    def post(client, token):
        def send():
            response = client.post(
                f"/servicetjek/forloeb/{cohort_id}/book",
                data={"slot": str(slot_id), "questions": "Hjælp", "csrf_token": token},
            )
            return response.status_code, response.get_data(as_text=True)

        return send

    results = _at_once([post(client, token) for client, token in clients])
    statuses = [status for status, _ in results]
    assert statuses.count(302) == 1, statuses
    refused = [html for status, html in results if status != 302]
    assert len(refused) == 49 and all(status == 409 for status in statuses if status != 302)
    assert all(TAKEN in html for html in refused), next(h for h in refused if TAKEN not in h)[
        -3000:
    ]
    assert _bookings(own_app) == 1


def test_one_leader_booking_several_slots_at_once_gets_one(own_app):
    cohort_id, (email,), slot_ids = _setup(own_app, 1, 10)
    tabs = [_client(own_app, email) for _ in slot_ids]

    def post(client, token, slot_id):
        def send():
            response = client.post(
                f"/servicetjek/forloeb/{cohort_id}/book",
                data={"slot": str(slot_id), "questions": "", "csrf_token": token},
            )
            return response.status_code, response.get_data(as_text=True)

        return send

    results = _at_once(
        [
            post(client, token, slot_id)
            for (client, token), slot_id in zip(tabs, slot_ids, strict=True)
        ]
    )
    statuses = [status for status, _ in results]
    assert statuses.count(302) == 1, statuses
    assert all(ALREADY in html for status, html in results if status != 302)
    assert statuses.count(409) == len(slot_ids) - 1
    assert _bookings(own_app) == 1


def test_two_schedulers_at_once_queue_each_reminder_once(own_app):
    _, emails, slot_ids = _setup(own_app, 3, 3)
    with own_app.app_context():
        for email, slot_id in zip(emails, slot_ids, strict=True):
            leader = find_user_by_email(email)
            slot = db.session.get(ServiceCheckSlot, slot_id)
            booking.book(viewer_for(leader), slot, "", now=NOW)
        db.session.commit()
    day_before = copenhagen(2026, 9, 9, 12)

    def schedule():
        with own_app.app_context():
            writes_from_the_start()
            queued = reminders.queue_due_reminders(day_before)
            db.session.commit()
            return queued

    assert sum(_at_once([schedule, schedule])) == 3
    with own_app.app_context():
        kinds = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == "service_check_reminder")
        ).all()
    assert sorted(kinds) == sorted(emails)
