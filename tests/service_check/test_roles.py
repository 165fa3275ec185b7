"""The supporter role is granted like the others: by the people CSV import (the row's organisation),
idempotently, never with a group."""

from __future__ import annotations

from sqlalchemy import select

from course_app.accounts.services import find_user_by_email
from course_app.core.db import db
from course_app.organisations.access import viewer_for
from course_app.organisations.models import Role, RoleAssignment
from course_app.people.importer import import_people
from tests import factories
from tests.people.conftest import csv_text


def test_the_csv_import_makes_an_organisations_supporter(session):
    factories.organisation("Albertslund")
    rows = [("Sofie Support", "sofie@test.example", "Albertslund", "", "", "supporter")]
    result = import_people(csv_text(rows).encode("utf-8-sig"))
    assert not result.problems, result.problems
    sofie = find_user_by_email("sofie@test.example")
    viewer = viewer_for(sofie)
    assert viewer.supporter_of == {sofie.organisation_id} and viewer.is_supporter
    again = import_people(csv_text(rows).encode("utf-8-sig"))
    assert not again.problems
    count = db.session.scalars(
        select(RoleAssignment).where(
            RoleAssignment.user_id == sofie.id, RoleAssignment.role == Role.SUPPORTER
        )
    ).all()
    assert len(count) == 1


def test_a_supporter_row_with_a_group_is_refused(session):
    rows = [("Sofie Support", "sofie@test.example", "Albertslund", "", "Gruppe", "supporter")]
    result = import_people(csv_text(rows).encode("utf-8-sig"))
    assert any("En supporter hører til organisationen" in str(p) for p in result.problems)
