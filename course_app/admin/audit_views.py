"""The audit log page: who created, changed, published, retired or deleted what, and when.

Platform admins read every entry; course editors only the entries of the courses they edit (entries
without a course are platform matters, for platform admins). Filters are a plain GET form (course,
person); pages go back in time with ``before_id`` (newest first), so a page never shifts when new
entries arrive.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import Select, select

from course_app.accounts.models import User
from course_app.admin.blueprint import bp, require_author
from course_app.audit.models import AuditEntry
from course_app.core.db import db
from course_app.core.i18n import danish_sort_key
from course_app.core.url_values import query_id
from course_app.courses.models import Course
from course_app.organisations.access import Viewer

PAGE_SIZE = 50

ACTION_LABELS = {
    "created": _l("Oprettet"),
    "changed": _l("Ændret"),
    "published": _l("Offentliggjort"),
    "unpublished": _l("Gjort til kladde"),
    "retired": _l("Udgået"),
    "restored": _l("Genoprettet"),
    "deleted": _l("Slettet"),
    "imported": _l("Indlæst fra filer"),
    "closed": _l("Lukket"),
    "reopened": _l("Genåbnet"),
    "anonymised": _l("Anonymiseret"),
}
OBJECT_LABELS = {
    "course": _l("Kursus"),
    "module": _l("Modul"),
    "lesson": _l("Lektion"),
    "block": _l("Blok"),
    "goal": _l("Læringsmål"),
    "resource": _l("Materiale"),
    "cohort": _l("Forløb"),
    "organisation": _l("Organisation"),
    "person": _l("Person"),
    "assessment": _l("Afdækning"),
}


@dataclass(frozen=True)
class LogRow:
    entry: AuditEntry
    actor_name: str | None
    course_title: str | None


def _scoped(query: Select, viewer: Viewer) -> Select:
    if viewer.is_platform_admin:
        return query
    return query.where(AuditEntry.course_id.in_(sorted(viewer.course_editor_of)))


def _entries(
    viewer: Viewer, *, course_id: int | None, actor_id: int | None, before_id: int | None
) -> list[LogRow]:
    """Newest first, at most PAGE_SIZE + 1 rows (the extra one says there is an older page)."""
    query = (
        select(AuditEntry, User.name, Course.title)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .outerjoin(Course, Course.id == AuditEntry.course_id)
        .order_by(AuditEntry.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    query = _scoped(query, viewer)
    if course_id is not None:
        query = query.where(AuditEntry.course_id == course_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [LogRow(*row) for row in db.session.execute(query)]


def _course_choices(viewer: Viewer) -> list[tuple[int, str]]:
    query = select(Course.id, Course.title)
    if not viewer.is_platform_admin:
        query = query.where(Course.id.in_(sorted(viewer.course_editor_of)))
    rows = db.session.execute(query).all()
    return sorted(((row.id, row.title) for row in rows), key=lambda c: danish_sort_key(c[1]))


def _person_choices(viewer: Viewer) -> list[tuple[int, str]]:
    """The people who appear in the entries this viewer may read."""
    actors = _scoped(
        select(AuditEntry.actor_id).where(AuditEntry.actor_id.is_not(None)).distinct(), viewer
    )
    rows = db.session.execute(select(User.id, User.name).where(User.id.in_(actors))).all()
    return sorted(((row.id, row.name) for row in rows), key=lambda p: danish_sort_key(p[1]))


@bp.get("/log")
@login_required
def audit_log():
    viewer = require_author()
    course_id = query_id("course_id")
    actor_id = query_id("actor_id")
    before_id = query_id("before_id")
    if course_id is not None and not viewer.may_edit_course(course_id):
        abort(403)
    rows = _entries(viewer, course_id=course_id, actor_id=actor_id, before_id=before_id)
    has_older = len(rows) > PAGE_SIZE
    filters = {
        key: value
        for key, value in (("course_id", course_id), ("actor_id", actor_id))
        if value is not None
    }
    return render_template(
        "admin/audit/log.html",
        rows=rows[:PAGE_SIZE],
        older_before_id=rows[PAGE_SIZE - 1].entry.id if has_older else None,
        is_first_page=before_id is None,
        filters=filters,
        course_id=course_id,
        actor_id=actor_id,
        courses=_course_choices(viewer),
        people=_person_choices(viewer),
        action_labels=ACTION_LABELS,
        object_labels=OBJECT_LABELS,
    )
