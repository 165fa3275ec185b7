"""Sharing an answer from the answer form: private by default, shared with the author's CURRENT group
(with their name), only once submitted, and private again at will (its comments are then hidden)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app.cohorts import services as cohorts
from course_app.core.errors import NotFound
from course_app.courses.models import Block
from course_app.organisations import services as directory
from course_app.reflections import services as reflections
from course_app.reflections.models import (
    AnswerStatus,
    Comment,
    ReflectionAnswer,
    Visibility,
)
from tests import factories
from tests.groups.conftest import A_SHARED, B_PRIVATE
from tests.helpers import post_form


def input_tag(html: str, element_id: str) -> str:
    match = re.search(rf'<input[^>]*\bid="{re.escape(element_id)}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def _answer(session, world, who: str, block_key: str = "lg-1-q1") -> ReflectionAnswer | None:
    session.expire_all()
    for answer in session.scalars(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == world.enrolments[who].id)
    ):
        if answer.block_id == _block_id(session, world, block_key):
            return answer
    return None


def _block_id(session, world, key: str) -> int:
    return session.scalar(
        select(Block.id).where(Block.course_id == world.course.id, Block.key == key)
    )


def _visibility(answer: ReflectionAnswer | None) -> tuple:
    assert answer is not None
    return answer.visibility, answer.shared_group_id


def test_answer_form_offers_private_by_default_and_keeps_the_field_ids(world, browser):
    html = browser(world.c).get(world.module_url()).get_data(as_text=True)
    for field_id in ("svar-lg-1-q1", "gem-lg-1-q1", "indsend-lg-1-q1"):
        assert f'id="{field_id}"' in html
    assert "<legend>Hvem kan se dit svar?</legend>" in html
    assert " checked" in input_tag(html, "synlighed-lg-1-q1-privat")
    assert " checked" not in input_tag(html, "synlighed-lg-1-q1-delt")
    assert "Delt med min ledergruppe (med mit navn)" in html


def test_submitting_with_shared_sets_the_authors_current_group(session, world, browser):
    b = browser(world.b)
    response = post_form(
        b,
        world.module_url(),
        world.answer_url(),
        {"text": "B deler nu", "submit_answer": "Gem ændringer", "visibility": "group"},
    )
    assert response.status_code == 302
    assert _visibility(_answer(session, world, "b")) == (Visibility.GROUP, world.g1.id)
    html = b.get(world.module_url()).get_data(as_text=True)
    assert "Dit svar er nu delt med din ledergruppe med dit navn." in html
    assert "Dit svar er delt med Ledergruppe Børn med dit navn." in html
    assert f'href="/grupper/{world.g1.id}/spoergsmaal/lg-1-q1"' in html


def test_a_draft_cannot_be_shared_and_nothing_is_saved(session, world, browser):
    c = browser(world.c)
    response = post_form(
        c,
        world.module_url(),
        world.answer_url("lg-1-q2"),
        {"text": "Kladde, jeg ville dele", "save_draft": "Gem kladde", "visibility": "group"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Du kan først dele dit svar, når du indsender det." in html
    assert "Kladde, jeg ville dele" in html  # the typed text survives
    assert _answer(session, world, "c", "lg-1-q2") is None
    # Submitting with the same choice works.
    response = post_form(
        c,
        world.module_url(),
        world.answer_url("lg-1-q2"),
        {"text": "Nu indsendt", "submit_answer": "Indsend", "visibility": "group"},
    )
    assert response.status_code == 302
    answer = _answer(session, world, "c", "lg-1-q2")
    assert answer.status == AnswerStatus.SUBMITTED
    assert _visibility(answer) == (Visibility.GROUP, world.g2.id)


def test_a_leader_without_a_group_cannot_share(session, world, browser):
    loner, enrolment = factories.enrolled_leader(world.cohort, org=world.albertslund, name="Ib")
    session.commit()
    client = browser(loner)
    html = client.get(world.module_url()).get_data(as_text=True)
    assert "Du er ikke med i en ledergruppe, så du kan ikke dele dit svar." in html
    assert " disabled" in input_tag(html, "synlighed-lg-1-q1-delt")
    response = post_form(
        client,
        world.module_url(),
        world.answer_url(),
        {"text": "Vil dele", "submit_answer": "Indsend", "visibility": "group"},
    )
    assert response.status_code == 400
    assert "Du er ikke med i en ledergruppe, så du kan ikke dele dit svar." in response.get_data(
        as_text=True
    )
    assert cohorts.enrolment_of(loner, world.cohort.id) is not None
    assert (
        session.scalar(
            select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == enrolment.id)
        )
        is None
    )


def test_shared_answer_stays_with_the_group_when_the_author_moves(session, world, browser):
    directory.move_to_group(world.a, world.g2)
    session.commit()
    a = browser(world.a)
    # Editing the text with "shared" still chosen keeps the answer where it was shared.
    post_form(
        a,
        world.module_url(),
        world.answer_url(),
        {"text": A_SHARED + " (rettet)", "submit_answer": "Gem", "visibility": "group"},
    )
    assert _visibility(_answer(session, world, "a")) == (Visibility.GROUP, world.g1.id)
    html = a.get(world.module_url()).get_data(as_text=True)
    assert "Dit svar er delt med Ledergruppe Børn med dit navn." in html
    # The old group still sees it; the new group does not.
    assert A_SHARED in browser(world.b).get(world.review_url()).get_data(as_text=True)
    assert A_SHARED not in browser(world.c).get(world.review_url(group=world.g2)).get_data(
        as_text=True
    )
    # Private, then shared again: now with the current group.
    post_form(
        a,
        world.module_url(),
        world.answer_url(),
        {"text": A_SHARED, "submit_answer": "G", "visibility": "private"},
    )
    assert _visibility(_answer(session, world, "a")) == (Visibility.PRIVATE, None)
    post_form(
        a,
        world.module_url(),
        world.answer_url(),
        {"text": A_SHARED, "submit_answer": "G", "visibility": "group"},
    )
    assert _visibility(_answer(session, world, "a")) == (Visibility.GROUP, world.g2.id)


def test_making_an_answer_private_hides_it_and_its_comments_for_good(session, world, browser):
    answer = _answer(session, world, "a")
    b = browser(world.b)
    post_form(b, world.review_url(), world.comment_url(answer.id), {"text": "Godt tænkt, Anna!"})
    assert session.scalar(select(Comment).where(Comment.answer_id == answer.id)) is not None

    a = browser(world.a)
    response = post_form(
        a,
        world.module_url(),
        world.answer_url(),
        {"text": A_SHARED, "submit_answer": "Gem ændringer", "visibility": "private"},
    )
    assert response.status_code == 302
    assert _visibility(_answer(session, world, "a")) == (Visibility.PRIVATE, None)
    assert "Dit svar er nu privat" in a.get(world.module_url()).get_data(as_text=True)
    html = b.get(world.review_url()).get_data(as_text=True)
    assert A_SHARED not in html and "Godt tænkt" not in html
    # The comment is kept (marked deleted) and does not come back when the answer is shared again.
    comment = session.scalar(select(Comment).where(Comment.answer_id == answer.id))
    assert comment is not None and comment.deleted_at is not None
    post_form(
        a,
        world.module_url(),
        world.answer_url(),
        {"text": A_SHARED, "submit_answer": "G", "visibility": "group"},
    )
    html = b.get(world.review_url()).get_data(as_text=True)
    assert A_SHARED in html and "Godt tænkt" not in html


def test_a_post_without_a_visibility_choice_leaves_it_as_it_is(session, world, browser):
    a = browser(world.a)
    response = post_form(
        a, world.module_url(), world.answer_url(), {"text": "Ny tekst", "submit_answer": "Gem"}
    )
    assert response.status_code == 302
    answer = _answer(session, world, "a")
    assert (answer.text, *_visibility(answer)) == ("Ny tekst", Visibility.GROUP, world.g1.id)
    # An unknown value changes nothing either.
    post_form(
        a,
        world.module_url(),
        world.answer_url(),
        {"text": "x", "submit_answer": "G", "visibility": "alle"},
    )
    assert _visibility(_answer(session, world, "a")) == (Visibility.GROUP, world.g1.id)


def test_forged_fields_cannot_choose_the_group_or_the_author(session, world, browser):
    b = browser(world.b)
    forged = {
        "group_id": str(world.g3.id),
        "shared_group_id": str(world.g3.id),
        "organisation_id": str(world.glostrup.id),
        "user_id": str(world.d.id),
        "role": "platform_admin",
        "enrolment_id": str(world.enrolments["d"].id),
    }
    response = post_form(
        b,
        world.module_url(),
        world.answer_url(),
        {"text": B_PRIVATE, "submit_answer": "Gem", "visibility": "group", **forged},
    )
    assert response.status_code == 302
    assert _visibility(_answer(session, world, "b")) == (Visibility.GROUP, world.g1.id)
    assert _answer(session, world, "d") is None


def test_the_database_refuses_a_shared_answer_without_a_group(session, world):
    answer = _answer(session, world, "b")
    answer.visibility = Visibility.GROUP
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_set_visibility_refuses_someone_elses_answer(session, world):
    answer = _answer(session, world, "a")
    with pytest.raises(NotFound):
        reflections.set_visibility(world.enrolments["b"], answer, share=False)
