"""The life of content after it is made: retire (hidden from leaders, learners' work kept), restore,
and delete (only what no learner data points at).

Content that learners' work points at is retired, never deleted; deleting is only allowed for items
that no row outside the content tables refers to (answers, progress, meeting notes …).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from course_app.core.db import Base, db, utcnow
from course_app.core.errors import ServiceError
from course_app.courses.authoring import siblings
from course_app.courses.authoring_rules import NeedsConfirmation
from course_app.courses.block_authoring import block_summary
from course_app.courses.change_log import log_change
from course_app.courses.models import Block, Lesson, Module, OutlineContent

# The content tables themselves (and the goal tags) are not "learner work pointing at an item".
_CONTENT_TABLES = frozenset(
    {"courses", "modules", "lessons", "blocks", "module_goals", "lesson_goals", "block_goals"}
)


def _subtree(item: OutlineContent) -> dict[str, list[int]]:
    """Ids of the item and everything under it, per content table."""
    ids: dict[str, list[int]] = {"modules": [], "lessons": [], "blocks": []}
    if isinstance(item, Module):
        ids["modules"] = [item.id]
        ids["lessons"] = list(
            db.session.scalars(select(Lesson.id).where(Lesson.module_id == item.id))
        )
    elif isinstance(item, Lesson):
        ids["lessons"] = [item.id]
    if ids["lessons"]:
        ids["blocks"] = list(
            db.session.scalars(select(Block.id).where(Block.lesson_id.in_(ids["lessons"])))
        )
    if isinstance(item, Block):
        ids["blocks"] = [item.id]
    return ids


def references(item: OutlineContent) -> dict[str, int]:
    """Rows outside the content that point at the item or anything under it, per table (answers,
    progress, meeting notes …). Found from the foreign keys, so new kinds of learner data count
    without this module knowing them."""
    ids = _subtree(item)
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in _CONTENT_TABLES:
            continue
        for foreign_key in table.foreign_keys:
            target = foreign_key.column.table.name
            if target in ids and ids[target] and foreign_key.column.name == "id":
                count = db.session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(foreign_key.parent.in_(ids[target]))
                )
                if count:
                    counts[table.name] = counts.get(table.name, 0) + count
    return counts


def answer_count(item: OutlineContent) -> int:
    return references(item).get("reflection_answers", 0)


def retire_item(item: OutlineContent, *, actor, confirm_answers: bool = False) -> None:
    """Hide a module, lesson or block from leaders for good, keeping every answer and all progress
    stored. Retiring something with answers needs ``confirm_answers``."""
    if item.retired_at is not None:
        return
    answers = answer_count(item)
    if answers and not confirm_answers:
        raise NeedsConfirmation(
            _l("Der er %(num)s svar. Bekræft, at du vil udfase alligevel.", num=answers)
        )
    item.retired_at = utcnow()
    db.session.flush()
    summary = getattr(item, "title", None) or block_summary(item.type, item.data)
    log_change(item, "retired", actor, summary=summary, details={"answers": answers})


def restore_item(item: OutlineContent, *, actor) -> None:
    """Bring a retired item back, at the end of its siblings."""
    if item.retired_at is None:
        return
    item.retired_at = None
    item.position = (
        max((sibling.position for sibling in siblings(item) if sibling is not item), default=-1) + 1
    )
    db.session.flush()
    log_change(
        item, "changed", actor, summary="restored", details={"changed": {"retired": [True, False]}}
    )


@dataclass(frozen=True)
class Deletable:
    allowed: bool
    references: dict[str, int] = field(default_factory=dict)


def deletable(item: OutlineContent) -> Deletable:
    found = references(item)
    return Deletable(not found, found)


def delete_item(item: OutlineContent, *, actor) -> None:
    """Delete a module, lesson or block with everything under it, only when nothing points at any
    of it (no answers, no progress, no meeting notes …). Otherwise retire it."""
    if references(item):
        raise ServiceError(
            _l(
                "Der er deltagerdata knyttet til indholdet, så det kan ikke slettes. Udfas det i stedet."
            )
        )
    ids = _subtree(item)
    summary = getattr(item, "title", None) or block_summary(item.type, item.data)
    log_change(item, "deleted", actor, summary=summary)
    for model, table in ((Block, "blocks"), (Lesson, "lessons"), (Module, "modules")):
        for row in db.session.scalars(select(model).where(model.id.in_(ids[table]))):
            row.goals = []
            db.session.flush()
            db.session.delete(row)
        db.session.flush()
