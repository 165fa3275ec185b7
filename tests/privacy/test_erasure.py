"""Erasing a person by anonymising her: what goes, what stays, the audit entry, her sessions end and
she cannot sign in; who may (admins anyone, coordinators their organisation's people), forged ids,
CSRF, the same POST twice; the page erases nothing on GET."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.accounts.models import Invitation, PasswordReset, SignInLink, User
from course_app.audit.models import AuditEntry
from course_app.core import clock
from course_app.core.db import db
from course_app.notifications.models import OutboxMessage
from course_app.organisations.access import viewer_for
from course_app.organisations.models import GroupMembership, RoleAssignment
from course_app.privacy import erasure
from course_app.progress.models import LessonProgress
from course_app.reflections.models import Comment, MeetingNote, ReflectionAnswer
from course_app.schedule.event_models import CalendarFeed, Event
from course_app.schedule.models import ModuleUnlock, Notice
from tests.conftest import csrf_token_from
from tests.helpers import sign_in
from tests.privacy.conftest import ANNA_NOTE, BO_SHARED, DORTE_PRIVATE


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _name(user_id: int) -> str:
    return db.session.scalar(select(User.name).where(User.id == user_id))


def _texts() -> set[str]:
    return set(db.session.scalars(select(ReflectionAnswer.text)))


def test_anonymising_removes_her_and_keeps_the_counts(world):
    anna_id = world.anna.id
    result = erasure.erase_person(viewer_for(world.adam), world.anna, clock.now())
    assert result is not None and result.answers_emptied == 2 and result.comments_deleted == 2
    anna = db.session.get(User, anna_id)
    assert anna.name == "Slettet person" and anna.email == f"slettet-{anna_id}@slettet.invalid"
    assert anna.password_hash is None and anna.area_id is None and not anna.is_active
    assert anna.session_version == 2 and anna.reminders_stopped_at is not None
    # gone: her texts, her comments and the ones on her answers, links, roles, mail, feed, notices
    assert _texts() == {"", BO_SHARED, DORTE_PRIVATE}
    assert _count(Comment) == 0
    for model in (Invitation, SignInLink, CalendarFeed, Notice, RoleAssignment):
        assert _count(model, model.user_id == anna_id) == 0
    assert _count(PasswordReset) == 1  # Bo's stays
    assert _count(OutboxMessage, OutboxMessage.user_id == anna_id) == 0
    assert _count(OutboxMessage) == 1
    # kept: progress, unlocks, answers' rows (private now), the group's meeting note, her events
    assert _count(LessonProgress) == 2 and _count(ModuleUnlock) == 1
    answers = db.session.scalars(select(ReflectionAnswer).where(ReflectionAnswer.text == "")).all()
    assert len(answers) == 2 and all(a.shared_group_id is None for a in answers)
    assert db.session.scalar(select(MeetingNote.text)) == ANNA_NOTE
    assert _count(Event, Event.updated_by_id == anna_id) == 1
    assert (
        _count(
            GroupMembership,
            GroupMembership.user_id == anna_id,
            GroupMembership.valid_until.is_(None),
        )
        == 0
    )
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "anonymised")).one()
    assert entry.actor_id == world.adam.id and entry.object_key == str(anna_id)
    assert "Anna" not in f"{entry.summary}{entry.details}" and "anna@" not in str(entry.details)
    # again: nothing more happens
    assert erasure.erase_person(viewer_for(world.adam), anna, clock.now()) is None
    assert _count(AuditEntry, AuditEntry.action == "anonymised") == 1


def test_who_may_erase_whom(world):
    karin, kasper, adam = (viewer_for(p) for p in (world.karin, world.kasper, world.adam))
    assert erasure.person_to_erase(karin, world.anna.id) is world.anna
    assert erasure.person_to_erase(adam, world.dorte.id) is world.dorte
    with pytest.raises(erasure.NotFound):
        erasure.person_to_erase(kasper, world.anna.id)  # another organisation
    with pytest.raises(erasure.NotFound):
        erasure.person_to_erase(karin, world.adam.id)  # a platform admin (no organisation)
    with pytest.raises(erasure.NotFound):
        erasure.person_to_erase(adam, 10_000_000)
    with pytest.raises(erasure.NotAllowed):
        erasure.person_to_erase(adam, world.adam.id)  # not oneself
    for leader in (world.bo, world.anna):  # a leader; a chair
        with pytest.raises(erasure.NotAllowed):
            erasure.person_to_erase(viewer_for(leader), world.dorte.id)


def _erase_url(world) -> str:
    return f"/personer/{world.anna.id}/slet-data"


def test_confirmation_page_erases_nothing_on_get_and_needs_the_box(world, client):
    sign_in(client, "karin@test.example")
    participants = client.get(f"/forloeb/{world.cohort.id}/deltagere").get_data(as_text=True)
    assert f'href="/personer/{world.anna.id}/slet-data?next=' in participants
    page = client.get(_erase_url(world))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Anna Andersen" in html and "ikke fortrydes" in html
    assert _name(world.anna.id) == "Anna Andersen"
    token = csrf_token_from(html)
    unticked = client.post(_erase_url(world), data={"csrf_token": token})
    assert unticked.status_code == 400
    no_csrf = client.post(_erase_url(world), data={"confirm": "y"})
    assert no_csrf.status_code == 400
    assert _name(world.anna.id) == "Anna Andersen"
    done = client.post(
        _erase_url(world),
        data={"csrf_token": token, "confirm": "y", "user_id": str(world.bo.id)},  # forged
    )
    assert done.status_code == 302
    assert _name(world.anna.id) == "Slettet person"
    assert _name(world.bo.id) == "Bo Birkholm"
    again = client.post(_erase_url(world), data={"csrf_token": token, "confirm": "y"})
    assert again.status_code == 302
    assert _count(AuditEntry, AuditEntry.action == "anonymised") == 1
    listing = client.get(f"/forloeb/{world.cohort.id}/deltagere").get_data(as_text=True)
    assert f"/personer/{world.anna.id}/slet-data" not in listing


@pytest.mark.parametrize(
    ("email", "status"),
    [
        ("kasper@test.example", 404),  # coordinator of the other organisation
        ("bo@test.example", 403),  # a leader
        ("anna@test.example", 403),  # a chair
    ],
)
def test_refused_roles_change_nothing(world, client, email, status):
    sign_in(client, email)
    target = (
        f"/personer/{world.bo.id}/slet-data" if email == "anna@test.example" else _erase_url(world)
    )
    assert client.get(target).status_code == status
    token = csrf_token_from(client.get("/konto").get_data(as_text=True))
    assert client.post(target, data={"csrf_token": token, "confirm": "y"}).status_code == status
    assert _count(User, User.name == "Slettet person") == 0


def test_erased_person_is_signed_out_and_cannot_sign_in(world, client, app):
    sign_in(client, "anna@test.example")
    assert client.get("/konto").status_code == 200
    erasure.erase_person(viewer_for(world.adam), world.anna, clock.now())
    db.session.flush()
    assert client.get("/konto").status_code == 302  # the old session is gone
    other = app.test_client()
    sign_in(other, "anna@test.example")
    assert other.get("/konto").status_code == 302
    sign_in(other, f"slettet-{world.anna.id}@slettet.invalid")
    assert other.get("/konto").status_code == 302
