"""Migrations: an empty database upgrades to head, the models match it, and it downgrades to base."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from course_app.core import migrate
from course_app.core.db import make_engine
from course_app.models import Base


def test_upgrade_to_head_matches_models_and_downgrades_to_base(fresh_database_url):
    engine = make_engine(fresh_database_url)
    try:
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())

        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == [], f"models and migrations disagree: {differences}"

        migrate.downgrade(engine, "base")
        assert migrate.current_revision(engine) is None
        remaining = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()

        migrate.upgrade(engine)  # and up again: downgrade left nothing behind that blocks it
        assert migrate.current_revision(engine) == migrate.head_revision(engine)
    finally:
        engine.dispose()
