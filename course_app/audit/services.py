"""Recording the audit log. Services call ``record`` in the same transaction as the change, so a
rolled-back change leaves no entry and a committed one always has its entry. The log page
(``admin/audit_views.py``) reads it with the names of people and courses, which live on higher floors."""

from __future__ import annotations

from typing import Any

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
