"""What the report says about the machine, the software and the password hash."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import select, text

from bench import sizes
from course_app.accounts.models import User
from course_app.core.db import make_engine


def _cpu_model() -> str:
    try:
        for line in (
            Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in (
            Path("/proc/meminfo").read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _wrk_version() -> str:
    completed = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    first_line = (completed.stdout or completed.stderr).splitlines()[0]
    return first_line.split(" Copyright")[0].strip()


def database_kind(database: str) -> str:
    return "postgresql" if database.startswith("postgresql") else "sqlite"


def machine_description(database: str, *, load_tool: bool = True) -> dict[str, str | int | float]:
    """The machine and the software; ``load_tool``: with wrk's version (the load benchmark)."""
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                server = "SQLite " + connection.scalar(text("select sqlite_version()"))
                size_bytes = connection.scalar(
                    text("select page_count * page_size from pragma_page_count, pragma_page_size")
                )
            else:
                server = connection.scalar(text("show server_version"))
                server = f"PostgreSQL {server}"
                size_bytes = connection.scalar(text("select pg_database_size(current_database())"))
    finally:
        engine.dispose()
    description: dict[str, str | int | float] = {
        "cpu": _cpu_model(),
        "cores": os.cpu_count() or 1,
        "memory_gib": _memory_gib(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "database": server,
        "database_size_mb": round((size_bytes or 0) / 2**20, 1),
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "sqlalchemy": version("sqlalchemy"),
    }
    if load_tool:
        description["wrk"] = _wrk_version()
    return description


def password_hash_parameters(database: str) -> str:
    """The stored hash's method and parameters (e.g. ``scrypt:32768:8:1``), never the hash."""
    engine = make_engine(database)
    try:
        with engine.connect() as connection:
            stored = connection.scalar(
                select(User.password_hash).where(User.email == sizes.ADMIN_EMAIL)
            )
    finally:
        engine.dispose()
    return (stored or "").split("$", 1)[0]
