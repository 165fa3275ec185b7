"""The authors' "preview as leader" page is assembled by the learning domain without a request."""

from __future__ import annotations

from flask import has_request_context
from sqlalchemy import select

from course_app.core.db import db
from course_app.courses.models import Lesson, Module, PublicationStatus
from course_app.learning.preview import preview_page
from course_app.progress.models import ProgressState
from tests import factories


def _module(course, key: str) -> Module:
    return db.session.scalar(select(Module).where(Module.course_id == course.id, Module.key == key))


def test_a_preview_is_the_page_of_a_leader_without_progress_or_answers(session):
    assert not has_request_context()
    course = factories.course()
    preview = preview_page(_module(course, "modul-a"))
    page = preview.page
    assert [module.outline.module.key for module in page.progress.modules] == ["modul-a"]
    assert page.module.state == ProgressState.NOT_STARTED
    assert all(lesson.state == ProgressState.NOT_STARTED for lesson in page.module.lessons)
    assert page.answers == {} and page.current_group_id is None
    assert page.previous_module is None and page.next_module is None
    assert preview.question_keys == ["spoergsmaal-1", "forberedelse-1"]
    assert preview.enrolment.cohort.id == 0 and preview.enrolment.cohort.course is course
    assert preview.hidden_drafts == []


def test_draft_lessons_are_named_and_shown_only_when_asked(session):
    course = factories.course()
    module = _module(course, "modul-a")
    draft = db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.key == "lektion-tekst")
    )
    draft.status = PublicationStatus.DRAFT
    db.session.flush()

    def shown(preview) -> list[str]:
        return [lesson.outline.lesson.key for lesson in preview.page.module.lessons]

    assert shown(preview_page(module)) == ["lektion-film"]
    assert preview_page(module).hidden_drafts == [draft]
    assert shown(preview_page(module, include_drafts=True)) == ["lektion-film", "lektion-tekst"]
    assert preview_page(module, include_drafts=True).hidden_drafts == [draft]
