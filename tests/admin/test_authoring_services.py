"""The authoring services: keys, validation by the course-file rules, order, publishing, retiring,
deleting, the audit log, and that learners' answers and progress survive every edit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from course_app.audit.models import AuditEntry
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses import authoring, block_authoring, lifecycle
from course_app.courses.authoring_rules import InvalidData, NeedsConfirmation
from course_app.courses.models import Block, BlockType, LearningGoal, Lesson, Module
from course_app.courses.outlines import course_outline
from course_app.learning import services as learning
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import ReflectionAnswer


def _audit(course_id: int) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.course_id == course_id).order_by(AuditEntry.id)
    )
    return [(row.action, row.object_type, row.object_key) for row in rows]


def _answer_and_complete(world) -> ReflectionAnswer:
    result = learning.answer_question(
        world.enrolment, "spoergsmaal-1", "Mit svar", submit=True, share=None
    )
    learning.complete_lesson(world.enrolment, "lektion-film")
    return result.answer


# --- Courses --------------------------------------------------------------------------------------


def test_create_course_is_a_draft_with_a_fixed_slug_and_an_audit_entry(world):
    course = authoring.create_course(
        {"slug": "ny-ledelse", "title": "Ny ledelse", "language": "en", "summary": "Om."},
        actor=world.admin,
    )
    assert (course.slug, course.status, course.language) == ("ny-ledelse", "draft", "en")
    assert _audit(course.id) == [("created", "course", "ny-ledelse")]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.course_id == course.id))
    assert entry.actor_id == world.admin.id

    authoring.update_course(course, {"title": "Andet navn", "language": "da"}, actor=world.admin)
    assert course.slug == "ny-ledelse" and course.title == "Andet navn"
    with pytest.raises(InvalidData) as error:
        authoring.update_course(course, {"slug": "nyt-id", "title": "X"}, actor=world.admin)
    assert "slug" in error.value.errors
    changed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.course_id == course.id, AuditEntry.action == "changed")
    ).one()
    assert changed.details["changed"]["title"] == ["Ny ledelse", "Andet navn"]
    assert "title" in changed.summary and "language" in changed.summary


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"slug": "Ikke Gyldig", "title": "T"}, "slug"),
        ({"slug": "ok-id", "title": ""}, "title"),
        ({"slug": "ok-id", "title": "x" * 301}, "title"),
        ({"slug": "ok-id", "title": "T", "language": "de"}, "language"),
    ],
)
def test_create_course_refuses_invalid_data(world, data, field):
    with pytest.raises(InvalidData) as error:
        authoring.create_course(data, actor=world.admin)
    assert field in error.value.errors


def test_course_slug_must_be_unique(world):
    with pytest.raises(InvalidData) as error:
        authoring.create_course({"slug": world.course.slug, "title": "T"}, actor=world.admin)
    assert "slug" in error.value.errors


# --- Keys -----------------------------------------------------------------------------------------


def test_keys_come_from_the_title_are_unique_and_never_change(world):
    first = authoring.create_module(world.course, {"title": "Øvelse på åen"}, actor=world.admin)
    second = authoring.create_module(world.course, {"title": "Øvelse på åen"}, actor=world.admin)
    assert first.key == "oevelse-paa-aaen"
    assert second.key == "oevelse-paa-aaen-2"
    authoring.update_module(first, {"title": "Et helt andet navn"}, actor=world.admin)
    assert first.key == "oevelse-paa-aaen"
    # a retired item keeps its key for good
    lifecycle.retire_item(second, actor=world.admin)
    third = authoring.create_module(world.course, {"title": "Øvelse på åen"}, actor=world.admin)
    assert third.key == "oevelse-paa-aaen-3"
    nameless = authoring.create_lesson(first, {"title": "!!!"}, actor=world.admin)
    assert nameless.key == "lektion"
    long = authoring.create_lesson(first, {"title": "ord " * 40}, actor=world.admin)
    assert len(long.key) <= 63 and authoring.ID_PATTERN.match(long.key)


def test_new_items_are_drafts_at_the_end(world):
    module = authoring.create_module(
        world.course, {"title": "Modul C", "mode": "group", "intro": "Hej"}, actor=world.admin
    )
    assert module.status == "draft" and module.mode == "group"
    assert module.position == 2
    lesson = authoring.create_lesson(module, {"title": "L"}, actor=world.admin)
    assert lesson.status == "draft" and lesson.position == 0
    # a draft is invisible to leaders even inside a published course
    keys = [outline.module.key for outline in course_outline(world.course)]
    assert module.key not in keys


# --- Blocks ---------------------------------------------------------------------------------------


def test_blocks_of_every_type(world):
    lesson = world.lesson("lektion-tekst")
    text = block_authoring.create_block(
        lesson, "text", {"body": "  **Fed**\r\n"}, actor=world.admin
    )
    assert text.data == {"body": "**Fed**"}
    video = block_authoring.create_block(
        lesson,
        "video",
        {
            "title": "Film 2",
            "url": "https://www.youtube.com/watch?v=abcdefghijk",
            "duration_minutes": 12,
            "speaker": "",
            "chapters": "00:00 Start\n\n04:30 Midt i",
        },
        actor=world.admin,
    )
    assert video.data == {
        "title": "Film 2",
        "url": "https://www.youtube.com/watch?v=abcdefghijk",
        "duration_minutes": 12,
        "chapters": [{"at": "00:00", "title": "Start"}, {"at": "04:30", "title": "Midt i"}],
    }
    reflection = block_authoring.create_block(
        lesson,
        "reflection",
        {"prompt": "Hvad?", "required": False, "help": "Tænk"},
        actor=world.admin,
    )
    assert reflection.data == {"prompt": "Hvad?", "required": False, "help": "Tænk"}
    prep = block_authoring.create_block(
        lesson, "workshop_prep", {"prompt": "Forbered"}, actor=world.admin
    )
    assert prep.data == {"prompt": "Forbered", "required": False} and not prep.is_required
    resource = block_authoring.create_block(
        lesson,
        "resource",
        {
            "title": "Slides",
            "url": "https://example.org/s.pdf",
            "kind": "slides",
            "description": "",
        },
        actor=world.admin,
    )
    assert resource.data == {
        "title": "Slides",
        "url": "https://example.org/s.pdf",
        "kind": "slides",
    }
    assert [block.position for block in (text, video, reflection, prep, resource)] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert len({block.key for block in (text, video, reflection, prep, resource)}) == 5


@pytest.mark.parametrize(
    ("block_type", "data", "field"),
    [
        ("text", {"body": "  "}, "body"),
        ("video", {"title": "F", "url": "ftp://example.org/film.mp4"}, "url"),
        ("video", {"title": "", "url": "https://vimeo.com/1"}, "title"),
        (
            "video",
            {"title": "F", "url": "https://vimeo.com/1", "duration_minutes": 0},
            "duration_minutes",
        ),
        ("video", {"title": "F", "url": "https://vimeo.com/1", "chapters": "4:3 Nej"}, "chapters"),
        (
            "video",
            {"title": "F", "url": "https://vimeo.com/1", "chapters": "05:00 B\n01:00 A"},
            "chapters",
        ),
        ("reflection", {"prompt": ""}, "prompt"),
        ("resource", {"title": "R", "url": "javascript:alert(1)"}, "url"),
        ("resource", {"title": "R", "url": "https://e.org", "kind": "film"}, "kind"),
        ("text", {"body": "x", "goals": ["findes-ikke"]}, "goals"),
    ],
)
def test_blocks_follow_the_course_file_rules(world, block_type, data, field):
    with pytest.raises(InvalidData) as error:
        block_authoring.create_block(world.lesson(), block_type, data, actor=world.admin)
    assert field in error.value.errors


def test_a_video_url_that_cannot_be_embedded_needs_the_plain_link_choice(world):
    data = {"title": "Film", "url": "https://example.org/side-med-film"}
    with pytest.raises(InvalidData) as error:
        block_authoring.create_block(world.lesson(), "video", data, actor=world.admin)
    assert "almindeligt link" in str(error.value.errors["url"])
    block = block_authoring.create_block(
        world.lesson(), "video", data, actor=world.admin, allow_link=True
    )
    assert block.data["url"] == data["url"]
    # a placeholder needs no playable URL
    placeholder = block_authoring.create_block(
        world.lesson(), "video", {**data, "placeholder": True}, actor=world.admin
    )
    assert placeholder.data["placeholder"] is True


def test_goal_tags(world, session):
    goal = LearningGoal(course_id=world.course.id, key="lm-1", title="Mål 1", position=0)
    session.add(goal)
    session.flush()
    module = world.module()
    authoring.update_module(module, {"title": module.title, "goals": ["lm-1"]}, actor=world.admin)
    assert module.goals == [goal]
    block = world.block()
    block_authoring.update_block(block, {**block.data, "goals": ["lm-1"]}, actor=world.admin)
    assert block.goals == [goal]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.object_key == block.key).order_by(AuditEntry.id.desc())
    ).first()
    assert entry.details["changed"]["goals"] == [[], ["lm-1"]]


# --- Order ----------------------------------------------------------------------------------------


def test_move_up_and_down_and_stop_at_the_ends(world):
    first, second = world.module("modul-a"), world.module("modul-b")
    assert authoring.move_item(second, "up", actor=world.admin)
    assert [m.key for m in authoring.siblings(first)] == ["modul-b", "modul-a"]
    assert not authoring.move_item(second, "up", actor=world.admin)
    assert authoring.move_item(second, "down", actor=world.admin)
    assert [m.key for m in authoring.siblings(first)] == ["modul-a", "modul-b"]
    blocks = authoring.siblings(world.block("film-video"))
    authoring.move_item(blocks[2], "up", actor=world.admin)
    assert [b.key for b in authoring.siblings(blocks[0])] == [
        "film-video",
        "forberedelse-1",
        "spoergsmaal-1",
    ]
    assert ("moved", "module", "modul-b") in _audit(world.course.id)
    with pytest.raises(ServiceError):
        authoring.move_item(first, "sideways", actor=world.admin)


# --- Publishing -----------------------------------------------------------------------------------


def test_publish_and_withdraw_decide_what_leaders_see(world):
    lesson = world.lesson("lektion-tekst")
    authoring.set_published(lesson, False, actor=world.admin)
    keys = [o.lesson.key for m in course_outline(world.course) for o in m.lessons]
    assert "lektion-tekst" not in keys
    authoring.set_published(world.module("modul-b"), False, actor=world.admin)
    assert [m.module.key for m in course_outline(world.course)] == ["modul-a"]
    authoring.set_published(world.course, False, actor=world.admin)
    assert course_outline(world.course) == []
    assert not authoring.set_published(world.course, False, actor=world.admin)
    authoring.set_published(world.course, True, actor=world.admin)
    authoring.set_published(lesson, True, actor=world.admin)
    keys = [o.lesson.key for m in course_outline(world.course) for o in m.lessons]
    assert "lektion-tekst" in keys
    actions = _audit(world.course.id)
    assert ("unpublished", "lesson", "lektion-tekst") in actions
    assert ("unpublished", "course", world.course.slug) in actions
    assert ("published", "lesson", "lektion-tekst") in actions


# --- Learner work survives ------------------------------------------------------------------------


def test_editing_a_published_lesson_keeps_progress_and_answers(world, session):
    answer = _answer_and_complete(world)
    lesson, block = world.lesson(), world.block()
    authoring.update_lesson(
        lesson, {"title": "Ny titel", "intro": "Ny **tekst**"}, actor=world.admin
    )
    block_authoring.update_block(
        block, {"prompt": "Ny ordlyd?", "required": True}, actor=world.admin
    )
    authoring.move_item(block, "up", actor=world.admin)
    session.commit()
    assert lesson.status == "published" and lesson.key == "lektion-film"
    page = learning.module_page(world.enrolment, "modul-a")
    assert page.answers[block.id].text == "Mit svar"
    assert page.module.lessons[0].outline.lesson.title == "Ny titel"
    assert page.module.lessons[0].state == ProgressState.DONE
    assert session.get(ReflectionAnswer, answer.id).block_id == block.id


def test_retiring_a_question_with_answers_needs_confirmation_and_keeps_the_answers(world, session):
    answer = _answer_and_complete(world)
    block = world.block()
    assert lifecycle.answer_count(block) == 1
    with pytest.raises(NeedsConfirmation):
        lifecycle.retire_item(block, actor=world.admin)
    assert block.retired_at is None
    lifecycle.retire_item(block, actor=world.admin, confirm_answers=True)
    session.commit()
    assert block.retired_at is not None
    assert session.get(ReflectionAnswer, answer.id).text == "Mit svar"
    page = learning.module_page(world.enrolment, "modul-a")
    assert block.key not in [b.key for b in page.module.lessons[0].outline.blocks]
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "retired", AuditEntry.object_key == block.key)
    ).one()
    assert entry.details == {"answers": 1}
    # and it can come back, with the answer
    lifecycle.restore_item(block, actor=world.admin)
    page = learning.module_page(world.enrolment, "modul-a")
    assert page.answers[block.id].text == "Mit svar"


def test_retiring_a_lesson_with_progress_keeps_the_progress(world, session):
    _answer_and_complete(world)
    lesson = world.lesson()
    # the lesson has an answer under it, so confirmation is needed there too
    with pytest.raises(NeedsConfirmation):
        lifecycle.retire_item(lesson, actor=world.admin)
    lifecycle.retire_item(lesson, actor=world.admin, confirm_answers=True)
    assert (
        session.scalars(select(LessonProgress).where(LessonProgress.lesson_id == lesson.id))
        .one()
        .state
        == ProgressState.DONE
    )
    # retiring something without answers needs no confirmation
    lifecycle.retire_item(world.lesson("lektion-tekst"), actor=world.admin)


def test_delete_only_what_nothing_points_at(world, session):
    module = authoring.create_module(world.course, {"title": "Tom"}, actor=world.admin)
    lesson = authoring.create_lesson(module, {"title": "L"}, actor=world.admin)
    block_authoring.create_block(lesson, "reflection", {"prompt": "?"}, actor=world.admin)
    assert lifecycle.deletable(module).allowed
    lifecycle.delete_item(module, actor=world.admin)
    session.flush()
    assert session.scalar(select(Module).where(Module.key == "tom")) is None
    assert session.scalar(select(Lesson).where(Lesson.id == lesson.id)) is None
    assert ("deleted", "module", "tom") in _audit(world.course.id)

    _answer_and_complete(world)
    for item in (world.block(), world.lesson(), world.module()):
        check = lifecycle.deletable(item)
        assert not check.allowed
        with pytest.raises(ServiceError):
            lifecycle.delete_item(item, actor=world.admin)
    assert lifecycle.deletable(world.block("forberedelse-1")).allowed
    lifecycle.delete_item(world.block("forberedelse-1"), actor=world.admin)
    assert (
        session.scalar(
            select(Block).where(Block.key == "forberedelse-1", Block.course_id == world.course.id)
        )
        is None
    )


def test_every_change_is_in_the_audit_log(world):
    module = authoring.create_module(world.course, {"title": "Audit"}, actor=world.editor)
    lesson = authoring.create_lesson(module, {"title": "L"}, actor=world.editor)
    block = block_authoring.create_block(lesson, BlockType.TEXT, {"body": "a"}, actor=world.editor)
    block_authoring.update_block(block, {"body": "b"}, actor=world.editor)
    block_authoring.update_block(
        block, {"body": "b"}, actor=world.editor
    )  # nothing changed: no entry
    authoring.set_published(module, True, actor=world.editor)
    lifecycle.retire_item(block, actor=world.editor)
    assert _audit(world.course.id) == [
        ("created", "module", "audit"),
        ("created", "lesson", "l"),
        ("created", "block", "a"),
        ("changed", "block", "a"),
        ("published", "module", "audit"),
        ("retired", "block", "a"),
    ]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.course_id == world.course.id))
    assert {entry.actor_id for entry in entries} == {world.editor.id}
