"""A leader can neither read nor change another leader's answers, nor reach hidden content.

A and B are leaders in the same cohort; C is a leader in a cohort of another course. Every check
compares a snapshot of all answers and progress rows before and after, so "nothing changed" is measured,
not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.cohorts.models import Cohort, Enrolment
from course_app.core.db import utcnow
from course_app.courses.models import Block, Course, Lesson, Module, PublicationStatus
from course_app.learning import services as learning
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import AnswerStatus, ReflectionAnswer
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import post_form, sign_in

A_SUBMITTED = "A-hemmelighed: min leder-udfordring er Jørgen"
A_DRAFT = "A-kladde: noget jeg ikke vil vise nogen endnu"


@dataclass
class World:
    course: Course
    cohort: Cohort
    a: User
    a_enrolment: Enrolment
    b: User
    b_enrolment: Enrolment
    other_cohort: Cohort
    c: User
    c_enrolment: Enrolment

    def module_url(self, key: str = "modul-a", cohort: Cohort | None = None) -> str:
        return f"/forloeb/{(cohort or self.cohort).id}/moduler/{key}"

    def answer_url(self, block_key: str = "spoergsmaal-1", cohort: Cohort | None = None) -> str:
        return f"/forloeb/{(cohort or self.cohort).id}/svar/{block_key}"

    def done_url(
        self, lesson_key: str = "lektion-film", action: str = "faerdig", cohort=None
    ) -> str:
        return f"/forloeb/{(cohort or self.cohort).id}/lektioner/{lesson_key}/{action}"


@pytest.fixture
def world(session) -> World:
    org = factories.organisation()
    other_org = factories.organisation()
    course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    a, a_enrolment = factories.enrolled_leader(cohort, org=org, name="Anna A")
    b, b_enrolment = factories.enrolled_leader(cohort, org=org, name="Bo B")
    other_cohort = factories.cohort(factories.course(), orgs=[other_org])
    c, c_enrolment = factories.enrolled_leader(other_cohort, org=other_org, name="Carl C")
    learning.answer_question(a_enrolment, "spoergsmaal-1", A_SUBMITTED, submit=True)
    learning.answer_question(a_enrolment, "forberedelse-1", A_DRAFT, submit=False)
    learning.complete_lesson(a_enrolment, "lektion-film")
    session.commit()
    return World(course, cohort, a, a_enrolment, b, b_enrolment, other_cohort, c, c_enrolment)


def snapshot(session) -> list[tuple]:
    """Every answer and progress row, read straight from the database."""
    answers = session.execute(
        select(
            ReflectionAnswer.id,
            ReflectionAnswer.enrolment_id,
            ReflectionAnswer.block_id,
            ReflectionAnswer.text,
            ReflectionAnswer.version,
            ReflectionAnswer.status,
        ).order_by(ReflectionAnswer.id)
    ).all()
    progress = session.execute(
        select(
            LessonProgress.id,
            LessonProgress.enrolment_id,
            LessonProgress.lesson_id,
            LessonProgress.state,
            LessonProgress.completed_at,
        ).order_by(LessonProgress.id)
    ).all()
    return [("answer", *row) for row in answers] + [("progress", *row) for row in progress]


def answers_of(session, enrolment: Enrolment) -> dict[str, tuple]:
    rows = session.execute(
        select(Block.key, ReflectionAnswer.text, ReflectionAnswer.version, ReflectionAnswer.status)
        .join(Block, Block.id == ReflectionAnswer.block_id)
        .where(ReflectionAnswer.enrolment_id == enrolment.id)
    ).all()
    return {key: (text, version, status) for key, text, version, status in rows}


def progress_of(session, enrolment: Enrolment) -> dict[str, ProgressState]:
    rows = session.execute(
        select(Lesson.key, LessonProgress.state)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.enrolment_id == enrolment.id)
    ).all()
    return dict(rows)


@pytest.fixture
def browser(app: Flask, client):
    """A browser of one's own, signed in as the given person."""

    def open_as(person: User | None):
        new = app.test_client()
        if person is not None:
            assert sign_in(new, person.email).status_code == 302
        return new

    return open_as


def test_world_is_as_expected(session, world):
    """The other tests only mean something if A really has answers and progress."""
    assert answers_of(session, world.a_enrolment) == {
        "spoergsmaal-1": (A_SUBMITTED, 1, AnswerStatus.SUBMITTED),
        "forberedelse-1": (A_DRAFT, 1, AnswerStatus.DRAFT),
    }
    assert progress_of(session, world.a_enrolment) == {"lektion-film": ProgressState.DONE}
    assert answers_of(session, world.b_enrolment) == {}


def test_a_sees_own_answers_but_b_never_does(session, world, browser):
    a_page = browser(world.a).get(world.module_url()).get_data(as_text=True)
    assert A_SUBMITTED in a_page and A_DRAFT in a_page

    b = browser(world.b)
    for url in ("/mit-forloeb", world.module_url(), world.module_url("modul-b")):
        response = b.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "A-hemmelighed" not in html, url
        assert "A-kladde" not in html, url
    # B's own page shows B's (empty) state, not A's progress.
    b_page = b.get(world.module_url()).get_data(as_text=True)
    assert "Ikke besvaret endnu." in b_page
    assert "Du har gennemført lektionen." not in b_page


def test_b_posting_to_the_same_question_changes_only_bs_own_answer(session, world, browser):
    b = browser(world.b)
    before_a = answers_of(session, world.a_enrolment)
    for block_key, text in (("spoergsmaal-1", "B's svar"), ("forberedelse-1", "B's forberedelse")):
        response = post_form(
            b,
            world.module_url(),
            world.answer_url(block_key),
            {"text": text, "submit_answer": "Indsend"},
        )
        assert response.status_code == 302
    assert answers_of(session, world.a_enrolment) == before_a
    assert answers_of(session, world.b_enrolment) == {
        "spoergsmaal-1": ("B's svar", 1, AnswerStatus.SUBMITTED),
        "forberedelse-1": ("B's forberedelse", 1, AnswerStatus.SUBMITTED),
    }
    # B marking the lesson done changes B's progress only; A's stays as it was.
    post_form(b, world.module_url(), world.done_url("lektion-film", "ikke-faerdig"), {})
    assert progress_of(session, world.a_enrolment) == {"lektion-film": ProgressState.DONE}
    assert progress_of(session, world.b_enrolment) == {"lektion-film": ProgressState.IN_PROGRESS}


def test_extra_form_fields_naming_someone_else_are_ignored(session, world, browser):
    b = browser(world.b)
    forged = {
        "enrolment_id": str(world.a_enrolment.id),
        "user_id": str(world.a.id),
        "cohort_id": str(world.other_cohort.id),
        "block_id": "1",
    }
    before_a = answers_of(session, world.a_enrolment)
    response = post_form(
        b,
        world.module_url(),
        world.answer_url(),
        {"text": "B overskriver?", "submit_answer": "Indsend", **forged},
    )
    assert response.status_code == 302
    post_form(b, world.module_url(), world.done_url("lektion-film", "ikke-faerdig"), forged)
    assert answers_of(session, world.a_enrolment) == before_a
    assert progress_of(session, world.a_enrolment) == {"lektion-film": ProgressState.DONE}
    assert answers_of(session, world.b_enrolment)["spoergsmaal-1"][0] == "B overskriver?"
    assert answers_of(session, world.c_enrolment) == {}


def test_leader_of_another_cohort_gets_404_and_changes_nothing(session, world, browser):
    c = browser(world.c)
    before = snapshot(session)
    response = c.get(world.module_url())
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "A-hemmelighed" not in html
    assert world.course.title not in html
    assert "Modul A" not in html

    token = csrf_token_from(c.get("/mit-forloeb").get_data(as_text=True))
    posts = [
        (world.answer_url("spoergsmaal-1"), {"text": "C var her", "submit_answer": "Indsend"}),
        (world.answer_url("forberedelse-1"), {"text": "C var her", "save_draft": "Gem"}),
        (world.done_url("lektion-film", "faerdig"), {}),
        (world.done_url("lektion-film", "ikke-faerdig"), {}),
        (world.done_url("lektion-tekst", "faerdig"), {}),
    ]
    for url, data in posts:
        response = c.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 404, url
        assert "A-hemmelighed" not in response.get_data(as_text=True)
    assert snapshot(session) == before


def test_leader_cannot_reach_a_cohort_by_changing_the_id(session, world, browser):
    b = browser(world.b)
    before = snapshot(session)
    for cohort_id in (world.other_cohort.id, world.other_cohort.id + 10_000):
        assert b.get(f"/forloeb/{cohort_id}/moduler/modul-a").status_code == 404
        response = post_form(
            b,
            world.module_url(),
            f"/forloeb/{cohort_id}/svar/spoergsmaal-1",
            {"text": "x", "submit_answer": "Indsend"},
        )
        assert response.status_code == 404
    assert snapshot(session) == before


LEADER_URLS = [
    ("GET", "/mit-forloeb"),
    ("GET", "/forloeb/{cohort}/moduler/modul-a"),
    ("GET", "/forloeb/{cohort}/moduler/modul-b"),
    ("GET", "/forloeb/{cohort}/moduler/findes-ikke"),
    ("POST", "/forloeb/{cohort}/svar/spoergsmaal-1"),
    ("POST", "/forloeb/{cohort}/svar/forberedelse-1"),
    ("POST", "/forloeb/{cohort}/lektioner/lektion-film/faerdig"),
    ("POST", "/forloeb/{cohort}/lektioner/lektion-film/ikke-faerdig"),
    ("POST", "/forloeb/{cohort}/lektioner/lektion-tekst/faerdig"),
    ("POST", "/log-ud"),
]


@pytest.mark.parametrize(("method", "url"), LEADER_URLS)
def test_anonymous_is_sent_to_sign_in_and_changes_nothing(session, world, browser, method, url):
    anonymous = browser(None)
    url = url.format(cohort=world.cohort.id)
    before = snapshot(session)
    if method == "GET":
        response = anonymous.get(url)
    else:
        token = csrf_token_from(anonymous.get("/log-ind").get_data(as_text=True))
        data = {"text": "anonym", "submit_answer": "Indsend", "csrf_token": token}
        response = anonymous.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind")
    assert "A-hemmelighed" not in response.get_data(as_text=True)
    assert snapshot(session) == before


# --- Hidden content ---------------------------------------------------------------------------------


def _block(session, course: Course, key: str) -> Block:
    return session.scalar(select(Block).where(Block.course_id == course.id, Block.key == key))


def _lesson(session, course: Course, key: str) -> Lesson:
    return session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.key == key))


def _module(session, course: Course, key: str) -> Module:
    return session.scalar(select(Module).where(Module.course_id == course.id, Module.key == key))


def test_draft_module_is_neither_shown_nor_usable(session, world, browser):
    _module(session, world.course, "modul-b").status = PublicationStatus.DRAFT
    session.commit()
    b = browser(world.b)
    assert "Modul B" not in b.get("/mit-forloeb").get_data(as_text=True)
    assert b.get(world.module_url("modul-b")).status_code == 404
    before = snapshot(session)
    response = post_form(b, world.module_url(), world.done_url("lektion-afslutning"), {})
    assert response.status_code == 404
    assert snapshot(session) == before


def test_retired_module_is_neither_shown_nor_usable(session, world, browser):
    _module(session, world.course, "modul-b").retired_at = utcnow()
    session.commit()
    b = browser(world.b)
    assert "Modul B" not in b.get("/mit-forloeb").get_data(as_text=True)
    assert b.get(world.module_url("modul-b")).status_code == 404
    response = post_form(b, world.module_url(), world.done_url("lektion-afslutning"), {})
    assert response.status_code == 404


@pytest.mark.parametrize("hide", ["draft", "retired"])
def test_hidden_lesson_is_neither_shown_nor_answerable(session, world, browser, hide):
    lesson = _lesson(session, world.course, "lektion-film")
    if hide == "draft":
        lesson.status = PublicationStatus.DRAFT
    else:
        lesson.retired_at = utcnow()
    session.commit()
    b = browser(world.b)
    page = b.get(world.module_url())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Film og refleksion" not in html
    assert "Hvad tager du med?" not in html
    assert "Læsning" in html  # the other lesson is still there
    before = snapshot(session)
    for url, data in (
        (world.answer_url("spoergsmaal-1"), {"text": "x", "submit_answer": "Indsend"}),
        (world.answer_url("forberedelse-1"), {"text": "x", "save_draft": "Gem"}),
        (world.done_url("lektion-film", "faerdig"), {}),
        (world.done_url("lektion-film", "ikke-faerdig"), {}),
    ):
        assert post_form(b, world.module_url(), url, data).status_code == 404, url
    assert snapshot(session) == before


def test_retired_question_is_neither_shown_nor_answerable(session, world, browser):
    _block(session, world.course, "spoergsmaal-1").retired_at = utcnow()
    session.commit()
    b = browser(world.b)
    html = b.get(world.module_url()).get_data(as_text=True)
    assert "Hvad tager du med?" not in html
    assert "Forbered et eksempel." in html  # the rest of the lesson is shown
    before = snapshot(session)
    response = post_form(
        b, world.module_url(), world.answer_url(), {"text": "x", "submit_answer": "Indsend"}
    )
    assert response.status_code == 404
    assert snapshot(session) == before
    # A's answer to the retired question is kept, not deleted.
    assert answers_of(session, world.a_enrolment)["spoergsmaal-1"][0] == A_SUBMITTED


def test_draft_course_hides_everything(session, world, browser):
    world.course.status = PublicationStatus.DRAFT
    session.commit()
    b = browser(world.b)
    assert b.get(world.module_url()).status_code == 404
    before = snapshot(session)
    response = post_form(
        b, "/mit-forloeb", world.answer_url(), {"text": "x", "submit_answer": "Indsend"}
    )
    assert response.status_code == 404
    assert snapshot(session) == before


@pytest.mark.parametrize("block_key", ["tekst-1", "film-video", "findes-ikke"])
def test_blocks_that_are_not_questions_cannot_be_answered(session, world, browser, block_key):
    b = browser(world.b)
    before = snapshot(session)
    response = post_form(
        b, world.module_url(), world.answer_url(block_key), {"text": "x", "submit_answer": "Ind"}
    )
    assert response.status_code == 404
    assert snapshot(session) == before


# --- Completion rule ----------------------------------------------------------------------------------


def test_marking_done_with_a_missing_required_answer_is_refused(session, world, browser):
    b = browser(world.b)
    before = snapshot(session)
    response = post_form(b, world.module_url(), world.done_url("lektion-film"), {})
    assert response.status_code == 302
    assert "Indsend dine svar på de påkrævede spørgsmål" in b.get(world.module_url()).get_data(
        as_text=True
    )
    assert snapshot(session) == before
    assert progress_of(session, world.b_enrolment) == {}

    # A draft is not enough either: the lesson stays "in progress", with no completion time.
    post_form(
        b, world.module_url(), world.answer_url(), {"text": "kladde", "save_draft": "Gem kladde"}
    )
    before = snapshot(session)
    post_form(b, world.module_url(), world.done_url("lektion-film"), {})
    assert snapshot(session) == before
    assert progress_of(session, world.b_enrolment) == {"lektion-film": ProgressState.IN_PROGRESS}

    # The rule is what refused it: a lesson without questions can be marked done at once.
    post_form(b, world.module_url(), world.done_url("lektion-tekst"), {})
    assert progress_of(session, world.b_enrolment)["lektion-tekst"] == ProgressState.DONE


def test_optional_question_does_not_block_completion(session, world, browser):
    b = browser(world.b)
    post_form(b, world.module_url(), world.answer_url(), {"text": "svar", "submit_answer": "Ind"})
    post_form(b, world.module_url(), world.done_url("lektion-film"), {})
    assert progress_of(session, world.b_enrolment) == {"lektion-film": ProgressState.DONE}
    assert "forberedelse-1" not in answers_of(session, world.b_enrolment)
