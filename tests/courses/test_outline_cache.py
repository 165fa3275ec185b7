"""The leader's course outline kept in memory per process: read once, then served from memory until
anything in the course changes (a new content stamp), never stale, never the caller's objects."""

from __future__ import annotations

from sqlalchemy import select

from course_app.core.db import utcnow
from course_app.courses import outline_cache
from course_app.courses.models import Block, Course, LearningGoal, Lesson, PublicationStatus
from course_app.courses.outlines import course_outline
from tests import factories


def _titles(course: Course) -> list[str]:
    return [lesson.lesson.title for module in course_outline(course) for lesson in module.lessons]


def test_outline_is_read_once_then_served_without_queries(session, count_statements):
    course = factories.course()
    first = course_outline(course)
    with count_statements() as counter:
        again = course_outline(course)
    assert counter.count == 0
    assert [module.module.key for module in again] == ["modul-a", "modul-b"]
    assert again[0].lessons[0].lesson is first[0].lessons[0].lesson


def test_pages_can_follow_parents_and_goals_without_a_session(session):
    course = factories.course()
    goal = LearningGoal(course_id=course.id, key="maal-1", title="Mål 1")
    session.add(goal)
    module = course_outline(course)[0].module
    session.flush()
    module_row = session.get(type(module), module.id)
    module_row.goals.append(goal)
    session.flush()
    outline = course_outline(course)
    session.expunge_all()  # nothing of the outline may need this request's session
    block = outline[0].lessons[0].blocks[1]
    assert block.lesson.module.key == "modul-a"
    assert [g.title for g in outline[0].module.goals] == ["Mål 1"]
    assert outline[0].lessons[0].lesson.goals == []


def test_a_changed_lesson_gives_a_new_stamp_and_a_fresh_outline(session):
    course = factories.course()
    stamp = course.content_stamp
    assert _titles(course)[0] == "Film og refleksion"
    lesson = session.scalar(select(Lesson).where(Lesson.course_id == course.id).limit(1))
    lesson.title = "Ny titel"
    session.flush()
    assert course.content_stamp != stamp
    assert "Ny titel" in _titles(course)


def test_new_retired_and_deleted_content_each_refresh_the_outline(session):
    course = factories.course()
    lesson = session.scalar(select(Lesson).where(Lesson.key == "lektion-tekst"))
    count = len(course_outline(course)[0].lessons[1].blocks)
    session.add(
        Block(course_id=course.id, lesson_id=lesson.id, key="ny", type="text", position=5, data={})
    )
    session.flush()
    assert len(course_outline(course)[0].lessons[1].blocks) == count + 1

    block = session.scalar(select(Block).where(Block.key == "ny"))
    block.retired_at = utcnow()
    session.flush()
    assert len(course_outline(course)[0].lessons[1].blocks) == count

    session.delete(block)
    session.flush()
    assert len(course_outline(course)[0].lessons[1].blocks) == count

    lesson.status = PublicationStatus.DRAFT
    session.flush()
    assert "Læsning" not in _titles(course)


def test_an_unpublished_course_shows_nothing_at_once(session):
    course = factories.course()
    assert course_outline(course)
    course.status = PublicationStatus.DRAFT
    session.flush()
    assert course_outline(course) == []


def test_the_callers_own_objects_stay_in_its_session(session):
    course = factories.course()
    lesson = session.scalar(select(Lesson).where(Lesson.key == "lektion-film"))
    cached = course_outline(course)[0].lessons[0].lesson
    assert cached is not lesson
    assert lesson in session
    lesson.title = "Ændret efter læsningen"
    session.flush()
    assert "Ændret efter læsningen" in _titles(course)


def test_the_shared_copy_survives_a_rollback_in_the_request(session):
    course = factories.course()
    outline = course_outline(course)
    session.rollback()
    assert outline[0].lessons[0].lesson.title == "Film og refleksion"
    assert outline[0].lessons[0].blocks[0].lesson.module.title == "Modul A"


def test_the_cache_keeps_a_limited_number_of_courses(session):
    cache = outline_cache.OutlineCache(limit=2)
    courses = [factories.course() for _ in range(3)]
    for course in courses:
        cache.put(course, ("outline", course.id))
    assert cache.get(courses[0]) is None
    assert cache.get(courses[2]) == ("outline", courses[2].id)
    courses[2].content_stamp = "another"
    assert cache.get(courses[2]) is None
