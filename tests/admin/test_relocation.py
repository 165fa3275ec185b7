"""Moving a lesson to another module and a block to another lesson in the browser: answers and
progress follow their ids; moves that would break the course are refused and change nothing."""

from __future__ import annotations

from sqlalchemy import select

from course_app.core.db import db
from course_app.courses.models import Block, BlockType, Lesson, Module
from course_app.learning import services as learning
from course_app.progress.models import LessonProgress
from course_app.reflections.models import ReflectionAnswer
from tests import factories
from tests.helpers import post_form, sign_in


def _one(model, world, key):
    item = db.session.scalar(
        select(model).where(model.course_id == world.course.id, model.key == key)
    )
    db.session.refresh(item)
    return item


def _move(client, world, kind, key, target):
    page = f"/admin/kurser/{world.course.id}/{kind}/{key}"
    return post_form(client, page, f"{page}/flyt-til", {"target": target})


def test_a_lesson_moves_to_another_module_with_its_progress(client, world, session):
    org = factories.organisation()
    cohort = factories.cohort(world.course, orgs=[org])
    _leader, enrolment = factories.enrolled_leader(cohort, org=org)
    learning.complete_lesson(enrolment, "lektion-tekst")
    session.commit()
    sign_in(client, world.editor.email)
    page = client.get(f"/admin/kurser/{world.course.id}/lektioner/lektion-tekst").get_data(
        as_text=True
    )
    assert (
        "Flyt lektionen til et andet modul" in page
        and '<option value="modul-b">Modul B</option>' in page
    )

    response = _move(client, world, "lektioner", "lektion-tekst", "modul-b")

    assert response.status_code == 302
    lesson = _one(Lesson, world, "lektion-tekst")
    assert lesson.module.key == "modul-b"
    assert [
        each.key
        for each in db.session.scalars(
            select(Lesson).where(Lesson.module_id == lesson.module_id).order_by(Lesson.position)
        )
    ] == ["lektion-afslutning", "lektion-tekst"]
    progress = db.session.scalar(
        select(LessonProgress).where(LessonProgress.enrolment_id == enrolment.id)
    )
    assert progress.lesson_id == lesson.id and progress.state == "done"


def test_a_block_moves_to_another_lesson_with_its_answers(client, world, session):
    org = factories.organisation()
    cohort = factories.cohort(world.course, orgs=[org])
    _leader, enrolment = factories.enrolled_leader(cohort, org=org)
    learning.answer_question(enrolment, "forberedelse-1", "Mit eksempel", submit=True)
    session.commit()
    sign_in(client, world.editor.email)

    response = _move(client, world, "blokke", "forberedelse-1", "lektion-afslutning")

    assert response.status_code == 302
    block = _one(Block, world, "forberedelse-1")
    assert (block.lesson.key, block.position) == ("lektion-afslutning", 1)
    answer = db.session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == enrolment.id)
    )
    assert answer.block_id == block.id and answer.text == "Mit eksempel"


def _positions(world):
    session = db.session
    session.expire_all()
    return sorted(
        (block.key, block.lesson_id, block.position)
        for block in session.scalars(select(Block).where(Block.course_id == world.course.id))
    ) + sorted(
        (lesson.key, lesson.module_id, lesson.position)
        for lesson in session.scalars(select(Lesson).where(Lesson.course_id == world.course.id))
    )


def test_moves_that_would_break_the_course_are_refused_and_change_nothing(client, world, session):
    film = _one(Block, world, "film-video")
    question = _one(Block, world, "spoergsmaal-1")
    question.data = {**question.data, "at": "12:30"}
    session.commit()
    sign_in(client, world.editor.email)
    before = _positions(world)
    cases = [
        (
            "blokke",
            "film-video",
            "lektion-tekst",
            "Der er spørgsmål på bestemte tidspunkter i filmen",
        ),
        ("blokke", "spoergsmaal-1", "lektion-tekst", "Spørgsmålet stilles på et bestemt tidspunkt"),
        ("blokke", "tekst-1", "lektion-tekst", "Vælg en anden af kursets lektioner."),  # its own
        # Keys are looked up in this course only: another course's lessons are never found.
        ("blokke", "tekst-1", "findes-ikke", "Vælg, hvor det skal flyttes hen."),
        ("lektioner", "lektion-tekst", "modul-a", "Vælg et andet af kursets moduler."),
        ("lektioner", "lektion-tekst", "\x00" + "x" * 5000, "Vælg, hvor det skal flyttes hen."),
    ]
    for kind, key, target, message in cases:
        response = _move(client, world, kind, key, target)
        assert response.status_code == 302, (key, target)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert message in page, (key, target)
    assert _positions(world) == before
    assert film.lesson_id == _one(Block, world, "film-video").lesson_id


def test_a_timed_question_may_follow_to_a_lesson_with_a_film(client, world, session):
    question = _one(Block, world, "spoergsmaal-1")
    question.data = {**question.data, "at": "05:00"}
    target = _one(Lesson, world, "lektion-afslutning")
    factories._block(
        target,
        "anden-film",
        BlockType.VIDEO,
        5,
        title="Anden film",
        url="https://vimeo.com/2",
        duration_minutes=10,
    )
    session.commit()
    sign_in(client, world.editor.email)

    response = _move(client, world, "blokke", "spoergsmaal-1", "lektion-afslutning")

    assert response.status_code == 302
    assert _one(Block, world, "spoergsmaal-1").lesson.key == "lektion-afslutning"
    assert db.session.scalar(
        select(Module).where(Module.key == "modul-b", Module.course_id == world.course.id)
    )
