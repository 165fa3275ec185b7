"""The app's own PostgreSQL connections run without JIT compilation: its queries are short, and a
short query estimated expensive was compiled for 22 ms to run for 3 (docs/operations.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from course_app.core.db import db


def test_the_apps_connections_have_jit_off(app, database_factory):
    if not database_factory.is_postgresql:
        pytest.skip("PostgreSQL only")
    with app.app_context():
        assert db.session.scalar(text("SHOW jit")) == "off"


def test_roles_have_statistics_on_role_and_organisation_together(app, database_factory):
    """Without them PostgreSQL guessed that nearly every supporter serves every organisation and read
    a round's every service-check slot to count one organisation's (migration 0019)."""
    if not database_factory.is_postgresql:
        pytest.skip("PostgreSQL only")
    with app.app_context():
        columns = db.session.scalar(
            text(
                "SELECT array_agg(attname::text ORDER BY attname) FROM pg_statistic_ext s"
                " JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = ANY(s.stxkeys)"
                " WHERE s.stxname = 'st_role_assignments_role_organisation_id'"
            )
        )
    assert columns == ["organisation_id", "role"]
