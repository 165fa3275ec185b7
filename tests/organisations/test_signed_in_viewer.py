"""The signed-in person and her roles come in one query (``access.load_signed_in_user``, Flask-Login's
loader): the Viewer it builds is the one ``viewer_for`` builds for every kind of person, and the
session-version check still revokes old cookies."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import g
from flask_login import current_user, login_user

from course_app.core.db import db, utcnow
from course_app.organisations import services as directory
from course_app.organisations.access import (
    load_signed_in_user,
    person_with_viewer,
    request_viewer,
    viewer_for,
)
from course_app.organisations.models import GroupMembership, Role, RoleAssignment
from tests import factories
from tests.helpers import sign_in


@pytest.fixture
def people(session):
    """One person of each kind, some with several roles, past groups and roles that reach outside
    their organisation (stored directly: the services refuse to give them)."""
    own, other = factories.organisation(), factories.organisation()
    group, later, foreign = factories.group(own), factories.group(own), factories.group(other)
    course = factories.course()
    people = {
        "leader": factories.user(org=own),
        "moved": factories.user(org=own),
        "former": factories.user(org=own),
        "without group": factories.user(org=own),
        "admin": factories.user(),
        "coordinator": factories.user(org=own),
        "chair and facilitator": factories.user(org=own),
        "editor and supporter": factories.user(org=own),
        "platform supporter": factories.user(),
        "reaching out": factories.user(org=own),
    }
    directory.move_to_group(people["leader"], group)
    directory.move_to_group(people["moved"], group)
    directory.move_to_group(people["moved"], later)
    past = utcnow() - dt.timedelta(days=30)
    db.session.add(
        GroupMembership(
            user_id=people["former"].id,
            group_id=group.id,
            valid_from=past,
            valid_until=past + dt.timedelta(days=1),
        )
    )
    directory.assign_role(people["admin"], Role.PLATFORM_ADMIN)
    directory.assign_role(people["coordinator"], Role.COORDINATOR, organisation=own)
    directory.move_to_group(people["coordinator"], later)
    directory.assign_role(people["chair and facilitator"], Role.CHAIR, group=group)
    directory.assign_role(people["chair and facilitator"], Role.FACILITATOR, group=group)
    directory.assign_role(people["chair and facilitator"], Role.FACILITATOR, group=later)
    directory.assign_role(people["editor and supporter"], Role.COURSE_EDITOR, course_id=course.id)
    directory.assign_role(people["editor and supporter"], Role.SUPPORTER, organisation=own)
    directory.assign_role(people["platform supporter"], Role.SUPPORTER)
    reaching = people["reaching out"]
    for role in (Role.COORDINATOR, Role.SUPPORTER):
        db.session.add(RoleAssignment(user_id=reaching.id, role=role, organisation_id=other.id))
    db.session.add(RoleAssignment(user_id=reaching.id, role=Role.CHAIR, group_id=foreign.id))
    db.session.flush()
    return people


def test_one_query_gives_the_viewer_that_viewer_for_gives(people, count_statements):
    for key, person in people.items():
        expected = viewer_for(person)
        with count_statements() as counter:
            user, viewer = person_with_viewer(person.id)
        assert counter.count == 1, (key, counter.statements)
        assert user is person
        assert viewer == expected, key
    assert person_with_viewer(max(p.id for p in people.values()) + 1000) is None


def test_the_loader_keeps_the_viewer_for_the_request(app, people, count_statements):
    chair = people["chair and facilitator"]
    with app.test_request_context():
        with count_statements() as counter:
            assert load_signed_in_user(chair.get_id()) is chair
        assert counter.count == 1
        assert g.viewer == viewer_for(chair)


def test_the_loader_refuses_old_sessions_deactivated_people_and_forged_ids(app, people):
    leader = people["leader"]
    with app.test_request_context():
        assert load_signed_in_user(f"{leader.id}:{leader.session_version + 1}") is None
        for forged in ("", "abc", "1", "1:", ":1", "999999:1", "x:y", "²:1", f"{leader.id}:²"):
            assert load_signed_in_user(forged) is None, forged
        assert "viewer" not in g
    leader.deactivated_at = utcnow()
    db.session.flush()
    with app.test_request_context():
        assert load_signed_in_user(leader.get_id()) is None
        assert "viewer" not in g


def test_someone_signing_in_mid_request_gets_her_own_viewer(app, people):
    leader, admin = people["leader"], people["admin"]
    with app.test_request_context():
        load_signed_in_user(leader.get_id())
        login_user(admin)
        assert current_user.id == admin.id
        assert request_viewer() == viewer_for(admin)


def test_revoking_the_session_signs_out_through_the_app(client, session, people):
    leader = people["leader"]
    session.commit()
    assert sign_in(client, leader.email).status_code == 302
    assert client.get("/mit-forloeb").status_code == 200
    leader.session_version += 1
    session.commit()
    assert client.get("/mit-forloeb").status_code == 302
