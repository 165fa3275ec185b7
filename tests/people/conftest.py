"""CSV helpers for the people tests (the SMTP server fixtures live in tests/mail.py)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from course_app.core.db import Base, db

HEADER = ("name", "email", "organisation", "area", "group", "role")
IMPORT_TABLES = (
    "users",
    "invitations",
    "organisations",
    "areas",
    "leader_groups",
    "group_memberships",
    "role_assignments",
    "enrolments",
    "outbox_messages",
)


def csv_text(rows: list[tuple[str, ...]], *, separator: str = ";", header=HEADER) -> str:
    """A CSV file as Excel writes it (quotes only where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def table_counts() -> dict[str, int]:
    """Rows per table an import may write to, to show that something wrote nothing."""
    return {
        name: db.session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0
        for name in IMPORT_TABLES
    }
