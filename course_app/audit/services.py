"""Recording and reading the audit log. Services call ``record`` in the same transaction as the change,
so a rolled-back change leaves no entry and a committed one always has its entry."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.core.db import db


def record(
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_key: str,
    course_id: int | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_key=object_key,
        course_id=course_id,
        summary=summary[:500],
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries(
    *,
    course_id: int | None = None,
    actor_id: int | None = None,
    limit: int = 200,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Newest first, optionally for one course and/or one person; page with ``before_id``."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if course_id is not None:
        query = query.where(AuditEntry.course_id == course_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query))
