"""Running the Alembic migrations in ``migrations/`` from code (CLI, demo, tests). Never at app start."""

from __future__ import annotations

from collections.abc import Callable
from configparser import ConfigParser
from functools import cached_property
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Engine

from course_app.core.errors import ServiceError
from course_app.paths import MIGRATIONS_DIR


class Utf8Config(Config):
    """Alembic's ``Config``, reading its .ini file as UTF-8 whatever the locale.

    Alembic itself reads the file in the locale's encoding, which is ASCII under ``LC_ALL=C`` (some
    servers, containers and cron jobs), so one non-ASCII character in a comment stopped ``db upgrade``.
    """

    @cached_property
    def file_config(self) -> ConfigParser:  # type: ignore[override]
        if self.config_file_name is None:
            return super().file_config
        path = Path(self.config_file_name)
        self.config_args["here"] = path.absolute().parent.as_posix()
        parser = ConfigParser(self.config_args)
        parser.read(path, encoding="utf-8")
        return parser


def alembic_config(engine: Engine) -> Config:
    config = Utf8Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["skip_logging_config"] = True
    return config


class MigrationRefused(ServiceError):
    """Alembic refused the request (an unknown revision, a target in the wrong direction): an
    operator's typo, so the CLI says so instead of showing a traceback."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        try:
            step(config, revision)
        except CommandError as error:
            raise MigrationRefused(
                f"Alembic kan ikke gå til version »{revision}«: {error}"
            ) from error


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
