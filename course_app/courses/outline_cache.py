"""The leader's course outline kept in memory per process, checked against the course's content stamp.

Every leader page needs the published outline (modules, lessons, blocks, their goals): about 150 rows
turned into objects on each request, a third of a dashboard's time. Course content changes rarely,
so each process keeps one copy per course and reuses it while the course row, which the request
reads anyway, carries the same ``content_stamp``. Any change to a course, module, lesson, block or
learning goal through the ORM gives the course a new stamp in the same flush (``stamp_changed_courses``
below), so every process, on every machine, sees the change on its next request.

The cached objects are loaded by a session of their own and detached when it closes, with everything
the pages read loaded: goals, ``lesson.module`` and ``block.lesson``. They are shared between
requests: read them, never change them (authoring loads its own objects).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from course_app.courses.models import Block, Course, LearningGoal, Lesson, Module, new_content_stamp

MAX_COURSES = 64
_OUTLINE_TYPES = (Module, Lesson, Block, LearningGoal)


class OutlineCache:
    """Outlines by course id and stamp; least recently used courses are dropped beyond a limit."""

    def __init__(self, limit: int = MAX_COURSES) -> None:
        self.limit = limit
        self._entries: OrderedDict[int, tuple[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, course: Course) -> Any | None:
        with self._lock:
            entry = self._entries.get(course.id)
            if entry is None or entry[0] != course.content_stamp:
                return None
            self._entries.move_to_end(course.id)
            return entry[1]

    def put(self, course: Course, outline: Any) -> None:
        with self._lock:
            self._entries[course.id] = (course.content_stamp, outline)
            self._entries.move_to_end(course.id)
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


outlines = OutlineCache()


def link_parents(outline: list) -> None:
    """Set ``lesson.module`` and ``block.lesson`` from the outline itself, so pages can follow them
    on the detached objects without a query."""
    for module in outline:
        for lesson in module.lessons:
            set_committed_value(lesson.lesson, "module", module.module)
            for block in lesson.blocks:
                set_committed_value(block, "lesson", lesson.lesson)


@event.listens_for(Session, "before_flush")
def stamp_changed_courses(session: Session, _context: Any, _instances: Any) -> None:
    """Give a course a new content stamp when it, or anything in it, is added, changed or deleted."""
    course_ids: set[int] = set()
    for item in chain(session.new, session.dirty, session.deleted):
        if isinstance(item, Course):
            if item in session.dirty and session.is_modified(item):
                item.content_stamp = new_content_stamp()
        elif isinstance(item, _OUTLINE_TYPES) and item.course_id is not None:
            if item in session.dirty and not session.is_modified(item):
                continue
            course_ids.add(item.course_id)
    with session.no_autoflush:
        for course_id in course_ids:
            course = session.get(Course, course_id)
            if course is not None:
                course.content_stamp = new_content_stamp()
