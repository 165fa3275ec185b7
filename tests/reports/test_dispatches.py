""" "Udsendelser": a round's planned releases and its e-mails, for coordinators (their own
organisation's participants only) and platform admins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from course_app.courses.models import Module
from course_app.notifications import services as notifications
from course_app.schedule.scheduler import run_schedule
from tests.helpers import sign_in
from tests.reports.conftest import FOREIGN_NAME

URL = "/rapport/udsendelser"


def _schedule(session, world) -> None:
    second = session.scalar(
        select(Module).where(Module.course_id == world.course.id, Module.key == "modul-b")
    )
    second.release = {"days_after_start": 30}
    session.commit()
    run_schedule(dt.datetime.combine(world.cohort.starts_on, dt.time(9), tzinfo=dt.UTC))


def test_the_admin_sees_plans_and_every_message(client, session, world):
    _schedule(session, world)
    sign_in(client, world.admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Planlagte åbninger" in page
    assert "Modul B" in page and "30 dage efter start" in page
    assert "Nu er det tid til Modul A" in page
    assert FOREIGN_NAME in page  # Glostrup's leader: the admin sees every organisation


def test_a_coordinator_sees_only_her_own_organisations_messages(client, session, world):
    _schedule(session, world)
    sign_in(client, world.coordinator.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Nu er det tid til Modul A" in page
    assert world.anna.name in page
    assert FOREIGN_NAME not in page
    assert world.foreign_leader.email not in page


def test_a_leader_is_refused(client, world):
    sign_in(client, world.anna.email)
    assert client.get(URL).status_code == 403


def test_waiting_failed_and_sent_are_counted(client, session, world):
    _schedule(session, world)
    message = notifications.enqueue(
        recipient=world.bo.email, subject="Prøve", body_text="x", kind="test", user_id=world.bo.id
    )
    message.failed_at = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    session.commit()
    sign_in(client, world.admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Fejlet: 1" in page


def test_the_page_has_a_helpful_empty_state_without_messages(client, world):
    sign_in(client, world.coordinator.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Der er ikke skrevet e-mails til forløbets deltagere endnu." in page


def test_statements_do_not_grow_with_messages(client, session, world, count_statements):
    _schedule(session, world)
    sign_in(client, world.admin.email)
    with count_statements() as few:
        client.get(URL)
    for number in range(30):
        notifications.enqueue(
            recipient=world.anna.email,
            subject=f"Flere {number}",
            body_text="x",
            kind="test",
            user_id=world.anna.id,
        )
    session.commit()
    with count_statements() as many:
        client.get(URL)
    assert many.count == few.count
