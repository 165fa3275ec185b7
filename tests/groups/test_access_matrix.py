"""Every leader-group route × every role of the who-sees-what table, against G1's objects.

Allowed roles get the page (or their change); everyone else gets 404 (never data), anonymous people
are sent to sign in, and a refused request changes nothing. Ids cannot be enumerated into data.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.courses.models import Block, Lesson
from course_app.organisations.access import viewer_for
from course_app.reflections import services as reflections
from course_app.reflections.models import Comment, MeetingNote, ReflectionAnswer
from tests.conftest import csrf_token_from
from tests.groups.conftest import A_SHARED, B_PRIVATE

NOTE = "Mødenote: hemmelig for koordinatorer"
B_COMMENT = "B-kommentar til Annas svar"
ROLES = ["anonymous", "a", "b", "c", "d", "h", "f", "f2", "ka", "kb", "ad"]

# route → (method, url builder, {role: expected status}); every role not named expects 404.
ROUTES = {
    "group_page": ("GET", lambda w, ids: w.group_url(), {"a": 200, "b": 200, "h": 200}),
    "review": ("GET", lambda w, ids: w.review_url(), {"a": 200, "b": 200, "h": 200}),
    "meeting_note": (
        "GET",
        lambda w, ids: w.note_url(),
        {"a": 200, "b": 200, "h": 200, "f": 200},
    ),
    "meeting_sheet": ("GET", lambda w, ids: w.sheet_url(), {"a": 200, "b": 200, "h": 200}),
    "add_comment": (
        "POST",
        lambda w, ids: w.comment_url(ids["answer"]),
        {"a": 302, "b": 302, "h": 302},
    ),
    "delete_comment": (
        "POST",
        lambda w, ids: f"/grupper/{w.g1.id}/kommentarer/{ids['comment']}/slet",
        {"b": 302},
    ),
    "save_meeting_note": (
        "POST",
        lambda w, ids: w.note_url(),
        {"h": 302, "a": 403, "b": 403, "f": 403},
    ),
}
SECRETS = (A_SHARED, B_PRIVATE, B_COMMENT, NOTE)


@pytest.fixture
def ids(session, world) -> dict[str, int]:
    """A's shared answer with B's comment on it, and the chair's note for the first meeting."""
    answer = session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == world.enrolments["a"].id)
    )
    block_id = session.scalar(
        select(Block.id).where(Block.course_id == world.course.id, Block.key == "lg-1-q1")
    )
    comment = reflections.add_comment(
        viewer_for(world.b), world.g1, world.cohort.id, block_id, answer.id, B_COMMENT
    )
    module_id = session.scalar(
        select(Lesson.module_id)
        .join(Block, Block.lesson_id == Lesson.id)
        .where(Block.id == block_id)
    )
    reflections.save_meeting_note(
        viewer_for(world.h), world.g1, world.cohort.id, module_id, NOTE, seen_version=0
    )
    session.commit()
    return {"answer": answer.id, "comment": comment.id}


def snapshot(session) -> list[tuple]:
    session.expire_all()
    answers = session.execute(
        select(
            ReflectionAnswer.id,
            ReflectionAnswer.text,
            ReflectionAnswer.visibility,
            ReflectionAnswer.shared_group_id,
        ).order_by(ReflectionAnswer.id)
    ).all()
    comments = session.execute(
        select(Comment.id, Comment.text, Comment.author_id, Comment.deleted_at).order_by(Comment.id)
    ).all()
    notes = session.execute(
        select(MeetingNote.id, MeetingNote.text, MeetingNote.version).order_by(MeetingNote.id)
    ).all()
    return [*answers, *comments, *notes]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", list(ROUTES))
def test_route_follows_the_who_sees_what_table(session, world, ids, browser, route, role):
    method, build, allowed = ROUTES[route]
    url = build(world, ids)
    person = None if role == "anonymous" else world.people[role]
    client = browser(person)
    before = snapshot(session)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token_from(
            client.get("/log-ind" if person is None else "/mit-forloeb").get_data(as_text=True)
        )
        data = {"text": f"Skrevet af {role}", "version": "1", "csrf_token": token}
        response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/log-ind")
    else:
        expected = allowed.get(role, 404)
        assert response.status_code == expected, (route, role)
    if response.status_code != 200:
        for secret in SECRETS:
            assert secret not in html, (route, role, secret)
        if response.status_code in (403, 404):
            assert world.g1.name not in html
    if response.status_code not in (200, 302) or role == "anonymous":
        assert snapshot(session) == before
    # Nobody ever sees a private answer, allowed or not.
    assert B_PRIVATE not in html


@pytest.mark.parametrize("role", ["f", "ka", "kb", "ad", "c", "d", "f2"])
def test_roles_without_access_to_shared_answers_never_see_them_anywhere(
    session, world, ids, browser, role
):
    client = browser(world.people[role])
    for url in ("/min-ledergruppe", "/mit-forloeb", world.note_url(), world.module_url()):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert A_SHARED not in html and B_COMMENT not in html, url


def _normalised(html: str, path: str) -> str:
    """The page without what differs per request anyway: the CSRF token and the page's own path."""
    html = re.sub(r'name="csrf_token" (type="hidden" )?value="[^"]+"', "", html)
    return html.replace(path, "PATH")


def test_ids_cannot_be_enumerated_into_data(session, world, ids, browser):
    """For a leader of another group, G1's ids answer exactly like ids that do not exist."""
    c = browser(world.c)
    missing = 10_000_000
    pairs = [
        (world.group_url(), f"/grupper/{missing}"),
        (world.review_url(), f"/grupper/{missing}/spoergsmaal/lg-1-q1"),
        (world.note_url(), f"/grupper/{missing}/moeder/lg-1"),
        (world.sheet_url(), f"/grupper/{missing}/moeder/lg-1/print"),
    ]
    for existing, unknown in pairs:
        first, second = c.get(existing), c.get(unknown)
        assert first.status_code == second.status_code == 404
        assert _normalised(first.get_data(as_text=True), existing) == _normalised(
            second.get_data(as_text=True), unknown
        )
    # Walking every group id finds only C's own group.
    reachable = [
        group_id
        for group_id in range(1, max(world.g1.id, world.g2.id, world.g3.id) + 3)
        if c.get(f"/grupper/{group_id}").status_code == 200
    ]
    assert reachable == [world.g2.id]
    # Walking answer ids on C's own group's page finds nothing of G1's.
    token = csrf_token_from(c.get(world.group_url(world.g2)).get_data(as_text=True))
    before = snapshot(session)
    for answer_id in range(1, ids["answer"] + 5):
        response = c.post(
            world.comment_url(answer_id, group=world.g2), data={"text": "x", "csrf_token": token}
        )
        assert response.status_code == 404
    assert snapshot(session) == before


def test_leader_of_another_group_cannot_reach_a_shared_answer_by_link(session, world, ids, browser):
    c = browser(world.c)
    assert c.get(world.review_url()).status_code == 404
    token = csrf_token_from(c.get("/mit-forloeb").get_data(as_text=True))
    before = snapshot(session)
    for url in (world.comment_url(ids["answer"]), world.comment_url(ids["answer"], group=world.g2)):
        response = c.post(url, data={"text": "C var her", "csrf_token": token})
        assert response.status_code == 404
        assert A_SHARED not in response.get_data(as_text=True)
    assert snapshot(session) == before
    # Nor can C see it on C's own group's review page.
    assert A_SHARED not in c.get(world.review_url(group=world.g2)).get_data(as_text=True)
