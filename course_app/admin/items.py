"""The course and the outline item a course-authoring URL names, and the outline anchor to go back
to: shared by the editing views and the lifecycle views (order, publishing, retiring, deleting).
"""

from __future__ import annotations

from flask import abort, url_for
from sqlalchemy import select

from course_app.admin.blueprint import require_course_editor
from course_app.core.db import db
from course_app.courses.models import Block, Course, Lesson, Module

# The URL's word for each kind of outline item.
KINDS = {"moduler": Module, "lektioner": Lesson, "blokke": Block}


def editable_course(course_id: int) -> Course:
    """The course, once the person is known to edit it: the role is checked before anything loads."""
    require_course_editor(course_id)
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    return course


def course_item(course: Course, kind: str, key: str) -> Module | Lesson | Block:
    """An item by its key within the course only, so a key from another course is a 404."""
    model = KINDS[kind]
    item = db.session.scalar(select(model).where(model.course_id == course.id, model.key == key))
    if item is None:
        abort(404)
    return item


def outline_url(course: Course, item=None) -> str:
    """The course outline, scrolled to ``item`` when given."""
    anchor = None
    if item is not None:
        anchor = f"{type(item).__name__.lower()}-{item.key}"
    return url_for("admin.course", course_id=course.id, _anchor=anchor)
