"""Small SQL expressions that the two databases spell differently."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


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
