"""A closed round from the leaders' side: everything is still there to read, with a notice that the
round is closed; every write (saving or submitting an answer, sharing it, marking a lesson done,
commenting, deleting a comment, the chair's meeting note) is refused with a friendly message, keeps
what was typed, and changes nothing. Reopening lets them write again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from course_app.cohorts.read_only import RoundClosed
from course_app.learning import services as learning
from course_app.organisations.access import viewer_for
from course_app.progress.models import LessonProgress
from course_app.reflections import services as reflections
from course_app.reflections.models import Comment, MeetingNote, ReflectionAnswer
from course_app.rounds import closing
from tests.groups.conftest import A_SHARED, B_PRIVATE
from tests.helpers import copenhagen, post_form

NOW = copenhagen(2027, 6, 30, 15)
NOTICE = "Forløbet er lukket."


def _rows(session) -> dict[str, list]:
    """What leaders can write, to show that a refused request wrote nothing."""
    session.expire_all()
    return {
        "answers": [
            (a.id, a.text, a.version, a.status, a.visibility)
            for a in session.scalars(select(ReflectionAnswer).order_by(ReflectionAnswer.id))
        ],
        "comments": [
            (c.id, c.text, c.deleted_at is None)
            for c in session.scalars(select(Comment).order_by(Comment.id))
        ],
        "notes": [(n.id, n.text) for n in session.scalars(select(MeetingNote))],
        "progress": [
            (p.enrolment_id, p.lesson_id, p.state)
            for p in session.scalars(select(LessonProgress).order_by(LessonProgress.id))
        ],
    }


@pytest.fixture
def closed(session, world):
    """The world's round, closed; B has commented on A's shared answer before it closed."""
    answer = session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == world.enrolments["a"].id)
    )
    comment = reflections.add_comment(
        viewer_for(world.b), world.g1, world.cohort.id, answer.block_id, answer.id, "B før lukning"
    )
    closing.close_round(world.cohort, by=None, now=NOW)
    session.commit()
    return answer, comment


def test_leaders_still_read_everything_with_a_notice(session, world, browser, closed):
    a = browser(world.a)
    module = a.get(world.module_url()).get_data(as_text=True)
    assert NOTICE in module and "blev lukket 30. juni 2027" in module
    assert A_SHARED in module  # her own answer, to read
    assert "readonly" in module and "disabled" in module
    assert "Markér som færdig" in module  # the buttons are there, switched off
    dashboard = a.get("/mit-forloeb").get_data(as_text=True)
    assert NOTICE in dashboard and "Næste skridt" not in dashboard
    group = a.get(world.group_url()).get_data(as_text=True)
    assert NOTICE in group
    review = a.get(world.review_url()).get_data(as_text=True)
    assert NOTICE in review and A_SHARED in review and "B før lukning" in review
    assert world.comment_url(closed[0].id) not in review and "Skriv en kommentar" not in review
    b_review = browser(world.b).get(world.review_url()).get_data(as_text=True)
    assert "Slet din kommentar" not in b_review  # her comment stays, and cannot be deleted
    note = browser(world.h).get(world.note_url()).get_data(as_text=True)
    assert NOTICE in note and 'id="moedenoter"' not in note
    # Reading a closed round writes nothing either.
    assert B_PRIVATE not in review


def test_an_answer_is_refused_and_the_typed_text_stays(session, world, browser, closed):
    before = _rows(session)
    b = browser(world.b)
    for data in (
        {"text": "Min nye tanke", "visibility": "private", "save_draft": "Gem kladde"},
        {"text": "Min nye tanke", "visibility": "group", "submit_answer": "Indsend"},  # share
        {"text": B_PRIVATE, "visibility": "group", "submit_answer": "Indsend"},  # share only
    ):
        response = post_form(b, world.module_url(), world.answer_url(), data)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "er lukket, så der kan ikke længere ændres noget" in html
        assert data["text"] in html  # still there to copy
    assert _rows(session) == before


def test_marking_a_lesson_done_is_refused(session, world, browser, closed):
    before = _rows(session)
    b = browser(world.b)
    for action in ("faerdig", "ikke-faerdig"):
        url = f"/forloeb/{world.cohort.id}/lektioner/lg-1-spoergsmaal/{action}"
        response = post_form(b, world.module_url(), url, {})
        assert response.status_code == 302
        assert "er lukket" in b.get(response.location).get_data(as_text=True)
    assert _rows(session) == before


def test_comments_are_refused_and_none_is_deleted(session, world, browser, closed):
    answer, comment = closed
    before = _rows(session)
    b = browser(world.b)
    response = post_form(b, world.review_url(), world.comment_url(answer.id), {"text": "Hej A"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "er lukket" in html and "Hej A" in html
    delete = f"/grupper/{world.g1.id}/kommentarer/{comment.id}/slet"
    response = post_form(b, world.review_url(), delete, {})
    assert response.status_code == 302
    assert "er lukket" in b.get(response.location).get_data(as_text=True)
    assert _rows(session) == before


def test_the_chairs_meeting_note_is_refused_and_kept_to_copy(session, world, browser, closed):
    before = _rows(session)
    h = browser(world.h)
    response = post_form(
        h, world.group_url(), world.note_url(), {"text": "Vores pointer", "version": "0"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "er lukket" in html and "Vores pointer" in html and "readonly" in html
    assert _rows(session) == before


def test_the_services_refuse_too(session, world, closed):
    before = _rows(session)
    with pytest.raises(RoundClosed):
        learning.answer_question(world.enrolments["c"], "lg-1-q1", "C svarer", submit=False)
    with pytest.raises(RoundClosed):
        learning.complete_lesson(world.enrolments["c"], "film-1-lektion")
    assert _rows(session) == before


def test_after_reopening_leaders_write_again(session, world, browser, closed):
    closing.reopen_round(world.cohort, by=None, now=NOW)
    session.commit()
    b = browser(world.b)
    page = b.get(world.module_url()).get_data(as_text=True)
    assert NOTICE not in page and "readonly" not in page
    response = post_form(
        b,
        world.module_url(),
        world.answer_url(),
        {"text": "Efter genåbning", "visibility": "private", "save_draft": "Gem kladde"},
    )
    assert response.status_code == 302
    assert (
        session.scalar(select(func.count()).where(ReflectionAnswer.text == "Efter genåbning")) == 1
    )
