"""Alembic environment: runs against a connection given by course_app.migrate, or a URL."""

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine

from course_app.models import Base

config = context.config
if config.config_file_name and not config.attributes.get("skip_logging_config"):
    fileConfig(config.config_file_name, disable_existing_loggers=False, encoding="utf-8")

target_metadata = Base.metadata


def _url() -> str:
    return (
        config.get_main_option("sqlalchemy.url")
        or os.environ.get("COURSE_APP_DATABASE_URL")
        or "sqlite:///instance/course_app.sqlite"
    )


def _configure(**kwargs):
    context.configure(
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite needs ALTER TABLE done as copy-and-move
        compare_type=True,
        **kwargs,
    )


def run_migrations_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(_url(), hide_parameters=True)
    with engine.connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
