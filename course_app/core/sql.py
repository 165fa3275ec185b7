"""Small SQL expressions that the two databases spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from course_app.core.db import db


class utc_day(FunctionElement):
    """The calendar day (UTC) of a stored UTC datetime, for GROUP BY day."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day)
def _utc_day_default(element: utc_day, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element: utc_day, compiler: Any, **kw: Any) -> str:
    # UTCDateTime is stored as "YYYY-MM-DD HH:MM:SS…" text, which date() reads.
    return f"date({compiler.process(element.clauses, **kw)})"


def insert_ignoring_duplicates(model: type) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING: a row that another worker wrote in the meantime (same unique
    key) is skipped instead of failing the transaction (PostgreSQL and SQLite)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite.insert(model).on_conflict_do_nothing()
    raise NotImplementedError(f"no insert-or-skip for {dialect}")
