"""The review page of one question: only answers shared with THIS group, with author and time;
comments by members and the chair, with Danish validation, a 2,000-character limit, the typed text
kept after a rejected post, and deletion by the comment's own author."""

from __future__ import annotations

from sqlalchemy import select

from course_app.learning import services as learning
from course_app.organisations import services as directory
from course_app.reflections.models import Comment, ReflectionAnswer
from tests import factories
from tests.conftest import csrf_token_from
from tests.groups.conftest import A_SHARED, B_PRIVATE
from tests.helpers import post_form


def _shared_answer(session, world) -> ReflectionAnswer:
    return session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == world.enrolments["a"].id)
    )


def _comments(session, answer_id: int) -> list[tuple[int, str, bool]]:
    session.expire_all()
    rows = session.scalars(
        select(Comment).where(Comment.answer_id == answer_id).order_by(Comment.id)
    )
    return [(c.author_id, c.text, c.deleted_at is not None) for c in rows]


def test_review_lists_shared_answers_with_name_and_time_but_never_private_ones(world, browser):
    for person in (world.b, world.a, world.h):
        response = browser(person).get(world.review_url())
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert A_SHARED in html
        assert "Anna Andersen" in html
        assert "Indsendt " in html
        assert B_PRIVATE not in html  # B's own private answer is not shown, not even to B


def test_answers_shared_with_another_group_are_not_listed(session, world, browser):
    learning.answer_question(
        world.enrolments["c"], "lg-1-q1", "C-delt i G2", submit=True, share=True
    )
    session.commit()
    html = browser(world.b).get(world.review_url()).get_data(as_text=True)
    assert "C-delt i G2" not in html and A_SHARED in html
    html = browser(world.c).get(world.review_url(group=world.g2)).get_data(as_text=True)
    assert "C-delt i G2" in html and A_SHARED not in html


def test_empty_review_page_is_helpful(world, browser):
    html = browser(world.b).get(world.review_url("lg-1-q2")).get_data(as_text=True)
    assert "Ingen har delt et svar på spørgsmålet med ledergruppen endnu." in html


def test_member_and_chair_comment_and_everyone_in_the_group_sees_it(session, world, browser):
    answer = _shared_answer(session, world)
    b = browser(world.b)
    response = post_form(
        b, world.review_url(), world.comment_url(answer.id), {"text": "Spændende!"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{world.review_url()}#svar-{answer.id}")
    post_form(browser(world.h), world.review_url(), world.comment_url(answer.id), {"text": "Tak"})
    html = browser(world.a).get(world.review_url()).get_data(as_text=True)
    assert "Spændende!" in html and "Bo Berg" in html
    assert "Tak" in html and "Helle Mødeleder" in html
    assert "Kommentarer (2)" in html
    assert _comments(session, answer.id) == [
        (world.b.id, "Spændende!", False),
        (world.h.id, "Tak", False),
    ]


def test_empty_comment_is_refused_in_danish(session, world, browser):
    answer = _shared_answer(session, world)
    response = post_form(
        browser(world.b), world.review_url(), world.comment_url(answer.id), {"text": "  \r\n "}
    )
    assert response.status_code == 400
    assert "Skriv din kommentar, før du sender den." in response.get_data(as_text=True)
    assert _comments(session, answer.id) == []


def test_too_long_comment_is_refused_and_the_typed_text_survives(session, world, browser):
    answer = _shared_answer(session, world)
    b = browser(world.b)
    too_long = "ø" * 2001
    response = post_form(b, world.review_url(), world.comment_url(answer.id), {"text": too_long})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Din kommentar er for lang: højst 2.000 tegn (du har skrevet 2.001)." in html
    assert too_long in html
    assert 'aria-invalid="true"' in html
    assert f'id="kommentar-tekst-{answer.id}-fejl"' in html
    assert _comments(session, answer.id) == []
    # Exactly 2,000 is fine, and a Windows line ending counts as one character.
    for text in ("x" * 2000, "a\r\n" * 1000):  # the second is 3,000 characters as sent
        response = post_form(b, world.review_url(), world.comment_url(answer.id), {"text": text})
        assert response.status_code == 302
    assert len(_comments(session, answer.id)) == 2


def test_a_rejected_csrf_token_keeps_the_text(session, world, browser):
    answer = _shared_answer(session, world)
    response = browser(world.b).post(
        world.comment_url(answer.id), data={"text": "Min lange kommentar", "csrf_token": "forkert"}
    )
    assert response.status_code == 400
    assert "Min lange kommentar" in response.get_data(as_text=True)
    assert _comments(session, answer.id) == []


def test_forged_fields_in_a_comment_are_ignored(session, world, browser):
    answer = _shared_answer(session, world)
    forged = {
        "author_id": str(world.a.id),
        "user_id": str(world.a.id),
        "answer_id": "999999",
        "group_id": str(world.g3.id),
        "organisation_id": str(world.glostrup.id),
        "role": "chair",
        "deleted_at": "2020-01-01",
    }
    response = post_form(
        browser(world.b),
        world.review_url(),
        world.comment_url(answer.id),
        {"text": "Hej", **forged},
    )
    assert response.status_code == 302
    assert _comments(session, answer.id) == [(world.b.id, "Hej", False)]


def test_the_author_deletes_their_own_comment_but_no_one_elses(session, world, browser):
    answer = _shared_answer(session, world)
    b, h = browser(world.b), browser(world.h)
    post_form(b, world.review_url(), world.comment_url(answer.id), {"text": "B skriver"})
    post_form(h, world.review_url(), world.comment_url(answer.id), {"text": "H skriver"})
    b_comment, h_comment = session.scalars(
        select(Comment.id).where(Comment.answer_id == answer.id).order_by(Comment.id)
    ).all()
    page = b.get(world.review_url()).get_data(as_text=True)
    assert f"/grupper/{world.g1.id}/kommentarer/{b_comment}/slet" in page
    assert f"/grupper/{world.g1.id}/kommentarer/{h_comment}/slet" not in page
    # B cannot delete H's comment (404), nor via another group's URL.
    delete = f"/grupper/{world.g1.id}/kommentarer/{h_comment}/slet"
    assert post_form(b, world.review_url(), delete, {}).status_code == 404
    assert (
        post_form(
            b, world.review_url(), f"/grupper/{world.g2.id}/kommentarer/{b_comment}/slet", {}
        ).status_code
        == 404
    )
    response = post_form(
        b, world.review_url(), f"/grupper/{world.g1.id}/kommentarer/{b_comment}/slet", {}
    )
    assert response.status_code == 302
    assert _comments(session, answer.id) == [
        (world.b.id, "B skriver", True),
        (world.h.id, "H skriver", False),
    ]
    html = b.get(world.review_url()).get_data(as_text=True)
    assert "B skriver" not in html and "H skriver" in html
    assert "Din kommentar er slettet." in html
    # Deleting again: 404, nothing changes.
    assert (
        post_form(
            b, world.review_url(), f"/grupper/{world.g1.id}/kommentarer/{b_comment}/slet", {}
        ).status_code
        == 404
    )


def test_commenting_on_a_private_or_foreign_answer_is_404(session, world, browser):
    b_answer = session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == world.enrolments["b"].id)
    )
    learning.answer_question(world.enrolments["c"], "lg-1-q1", "C-delt", submit=True, share=True)
    session.commit()
    c_answer = session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == world.enrolments["c"].id)
    )
    a = browser(world.a)
    token = csrf_token_from(a.get(world.review_url()).get_data(as_text=True))
    for url in (
        world.comment_url(b_answer.id),  # private
        world.comment_url(c_answer.id),  # shared with G2
        world.comment_url(c_answer.id, group=world.g2),  # G2's page
        world.comment_url(_shared_answer(session, world).id, block_key="lg-1-q2"),  # wrong question
        world.comment_url(999_999),  # does not exist
    ):
        response = a.post(url, data={"text": "Hej", "csrf_token": token})
        assert response.status_code == 404, url
        assert "C-delt" not in response.get_data(as_text=True)
    assert session.scalar(select(Comment.id)) is None


def test_unknown_or_hidden_question_is_404(world, browser):
    b = browser(world.b)
    for key in ("findes-ikke", "film-1-lektion-tekst"):
        assert b.get(world.review_url(key)).status_code == 404


def test_member_of_the_group_who_is_not_enrolled_can_still_read(session, world, browser):
    e = factories.user(org=world.albertslund, name="Erik")
    directory.move_to_group(e, world.g1)
    session.commit()
    assert A_SHARED in browser(e).get(world.review_url()).get_data(as_text=True)
