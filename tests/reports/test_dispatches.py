""" "Udsendelser": a round's planned releases and its e-mails, for coordinators (their own
organisation's participants only) and platform admins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from course_app.cohorts.models import Enrolment
from course_app.courses.models import Module
from course_app.notifications import services as notifications
from course_app.schedule.event_models import Event, EventKind
from course_app.schedule.scheduler import run_schedule
from tests.helpers import sign_in
from tests.reports.conftest import FOREIGN_GROUP, FOREIGN_NAME

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


def _meetings(session, world) -> None:
    """A kick-off, and a meeting about module A for Nord (Albertslund) and for Vest (Glostrup)."""
    start = dt.datetime.combine(world.cohort.starts_on, dt.time(8), tzinfo=dt.UTC)
    module_a = session.scalar(
        select(Module).where(Module.course_id == world.course.id, Module.key == "modul-a")
    )
    events = [
        Event(kind=EventKind.KICKOFF, title="Kick off på rådhuset", starts_at=start),
        Event(
            kind=EventKind.LEADER_MEETING,
            title="Nordmødet",
            group_id=world.group.id,
            module_id=module_a.id,
            starts_at=start + dt.timedelta(days=20),
        ),
        Event(
            kind=EventKind.LEADER_MEETING,
            title="Vestmødet",
            group_id=world.foreign.id,
            module_id=module_a.id,
            starts_at=start + dt.timedelta(days=21),
        ),
    ]
    for event in events:
        event.cohort_id = world.cohort.id
        event.ends_at = event.starts_at + dt.timedelta(hours=2)
        session.add(event)
    session.commit()
    run_schedule(start - dt.timedelta(days=1))  # the invitations
    run_schedule(start + dt.timedelta(days=11))  # the question sets, 9 days before


def test_the_events_e_mails_are_planned_with_dates_and_counts(client, session, world):
    _meetings(session, world)
    sign_in(client, world.admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Planlagte e-mails om kick-off og ledermøder" in page
    assert "Invitation til kick-off" in page and "Kick off på rådhuset" in page
    assert page.count("Spørgsmål til ledermødet") == 2
    assert "Nordmødet" in page and "Vestmødet" in page
    invited = session.scalar(
        select(func.count()).select_from(Enrolment).where(Enrolment.cohort_id == world.cohort.id)
    )
    assert f"{invited} personer" in page  # the invitation, to every participant


def test_a_coordinator_sees_only_her_own_groups_meetings_and_people(client, session, world):
    _meetings(session, world)
    sign_in(client, world.coordinator.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Nordmødet" in page and "Vestmødet" not in page
    assert FOREIGN_GROUP not in page


def test_without_events_the_page_says_where_to_plan_them(client, world):
    sign_in(client, world.admin.email)
    page = client.get(URL).get_data(as_text=True)
    assert "Der er ikke planlagt kick-off eller ledermøder endnu." in page
    assert f"/kalender/forloeb/{world.cohort.id}" in page
