"""The module page without JavaScript: questions asked at a moment of the film stand after it in
time order with their times ("ved 12:30"), and every time is a link that starts the film there."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course_app.core.db import db
from course_app.courses.models import Block, BlockType, Lesson
from tests import factories
from tests.helpers import sign_in

CHAPTERS = [{"at": "00:00", "title": "Begyndelsen"}, {"at": "1:02:03", "title": "Senere"}]


def _setup(session, *, url="https://vimeo.com/12345", placeholder=False):
    org = factories.organisation("Albertslund")
    course = factories.course()
    film = db.session.scalar(
        select(Block).where(Block.course_id == course.id, Block.key == "film-video")
    )
    film.data = {
        **film.data,
        "url": url,
        "duration_minutes": 70,
        "chapters": CHAPTERS,
        **({"placeholder": True} if placeholder else {}),
    }
    question = db.session.scalar(
        select(Block).where(Block.course_id == course.id, Block.key == "spoergsmaal-1")
    )
    question.data = {**question.data, "at": "12:30"}
    lesson = db.session.scalar(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.key == "lektion-film")
    )
    factories._block(
        lesson, "tidligt", BlockType.REFLECTION, 3, prompt="Hvad så du først?", at="05:00"
    )
    cohort = factories.cohort(course, orgs=[org])
    leader, _enrolment = factories.enrolled_leader(cohort, org=org)
    session.commit()
    return cohort, leader


def _page(client, cohort, query: str = "") -> str:
    response = client.get(f"/forloeb/{cohort.id}/moduler/modul-a{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _positions(html: str, *markers: str) -> list[int]:
    return [html.index(marker) for marker in markers]


def test_timed_questions_follow_their_film_in_time_order_with_links(client, session):
    cohort, leader = _setup(session)
    sign_in(client, leader.email)

    html = _page(client, cohort)

    film, section, early, late, prep = _positions(
        html,
        'id="blok-film-video"',
        "Spørgsmål undervejs i filmen",
        'id="blok-tidligt"',
        'id="blok-spoergsmaal-1"',
        'id="blok-forberedelse-1"',
    )
    assert film < section < early < late < prep  # the untimed task keeps its place after them
    base = f"/forloeb/{cohort.id}/moduler/modul-a?vis=film-video"
    for seconds, label in [(300, "05:00"), (750, "12:30"), (0, "00:00"), (3723, "1:02:03")]:
        query = f"&amp;t={seconds}" if seconds else ""
        link = (
            f'<a class="film-time" href="{base}{query}#blok-film-video" '
            f'data-film="blok-film-video" data-seek="{seconds}">'
            f'<time datetime="PT{seconds}S">{label}</time></a>'
        )
        assert link in html, label
    assert re.search(r"Refleksionsspørgsmål · ved <a [^>]*>.*12:30", html)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://vimeo.com/12345", 'src="https://player.vimeo.com/video/12345?dnt=1#t=750s"'),
        (
            "https://www.youtube.com/watch?v=abcdefghijk",
            'src="https://www.youtube-nocookie.com/embed/abcdefghijk?start=750"',
        ),
        ("https://example.org/film.mp4", 'src="https://example.org/film.mp4#t=750"'),
    ],
    ids=["vimeo", "youtube", "file"],
)
def test_a_time_link_starts_the_film_there(client, session, url, expected):
    cohort, leader = _setup(session, url=url)
    sign_in(client, leader.email)

    html = _page(client, cohort, "?vis=film-video&t=750")

    assert expected in html


@pytest.mark.parametrize("start", ["-5", "99999999", "%C2%B2", "7%00", "12:30", "x" * 5000])
def test_an_unreadable_start_plays_from_the_beginning(client, session, start):
    cohort, leader = _setup(session)
    sign_in(client, leader.email)

    html = _page(client, cohort, f"?vis=film-video&t={start}")

    assert 'src="https://player.vimeo.com/video/12345?dnt=1"' in html


def test_nothing_is_framed_before_the_leader_asks_for_the_film(client, session):
    cohort, leader = _setup(session)
    sign_in(client, leader.email)

    html = _page(client, cohort, "?t=750")

    assert "<iframe" not in html
    assert "Afspil video" in html


def test_a_placeholder_film_shows_its_times_without_links(client, session):
    cohort, leader = _setup(session, placeholder=True)
    sign_in(client, leader.email)

    html = _page(client, cohort)

    assert "Spørgsmål undervejs i filmen" in html
    assert '<time class="film-time" datetime="PT750S">12:30</time>' in html
    assert 'data-seek="' not in html
    assert html.index('id="blok-tidligt"') < html.index('id="blok-spoergsmaal-1"')


def test_a_timed_question_is_answered_as_before(client, session):
    cohort, leader = _setup(session)
    sign_in(client, leader.email)
    html = _page(client, cohort)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    response = client.post(
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        data={"csrf_token": token, "version": "0", "text": "Noget", "submit_answer": "1"},
    )

    assert response.status_code == 302
    assert "Indsendt" in _page(client, cohort)


# The policy the film script works within, written out: driving the players must not loosen it.
MODULE_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; "
    "frame-src https://www.youtube-nocookie.com https://player.vimeo.com; media-src 'self' https:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def test_the_module_page_keeps_the_site_policy(client, session):
    cohort, leader = _setup(session)
    sign_in(client, leader.email)

    for query in ("", "?vis=film-video&t=750"):
        response = client.get(f"/forloeb/{cohort.id}/moduler/modul-a{query}")
        assert response.headers["Content-Security-Policy"] == MODULE_PAGE_POLICY
