"""Every authoring change leaves an audit entry in the same transaction as the change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course_app.audit import services as audit
from course_app.courses.models import Block, Course, LearningGoal, Lesson, Module, OutlineContent


def _object_type(item: Course | OutlineContent) -> str:
    return {Course: "course", Module: "module", Lesson: "lesson", Block: "block"}[type(item)]


def _object_key(item: Course | OutlineContent) -> str:
    return item.slug if isinstance(item, Course) else item.key


def _course_id(item: Course | OutlineContent) -> int:
    return item.id if isinstance(item, Course) else item.course_id


def log_change(item, action: str, actor, *, summary: str = "", details: dict | None = None) -> None:
    audit.record(
        actor_id=actor.id if actor is not None else None,  # a User (None: the system)
        action=action,
        object_type=_object_type(item),
        object_key=_object_key(item),
        course_id=_course_id(item),
        summary=summary,
        details=details,
    )


def apply_values(item, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set attributes; returns {field: [old, new]} for the ones that changed."""
    changed = {}
    for name, new in values.items():
        old = getattr(item, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
            setattr(item, name, new)
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], LearningGoal):
        return [goal.key for goal in value]
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def log_changes(item, actor, changed: dict[str, list[Any]]) -> None:
    if changed:
        log_change(item, "changed", actor, summary=", ".join(changed), details={"changed": changed})
