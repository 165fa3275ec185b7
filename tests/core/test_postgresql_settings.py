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
