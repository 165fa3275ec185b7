"""The leader's path through a course: dashboard, module page, answering, completing."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from course_app.core.db import utcnow
from course_app.courses.models import Block
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reflections.models import AnswerStatus, ReflectionAnswer
from tests import factories
from tests.conftest import csrf_token_from
from tests.helpers import post_form, sign_in


def _setup(session):
    org = factories.organisation("Albertslund")
    course = factories.course()
    cohort = factories.cohort(course, orgs=[org])
    leader, enrolment = factories.enrolled_leader(cohort, org=org, name="Lene Leder")
    session.commit()
    return course, cohort, leader, enrolment


def _module_url(cohort, key="modul-a"):
    return f"/forloeb/{cohort.id}/moduler/{key}"


def _progress_percent(html: str) -> int:
    match = re.search(r'<progress class="progress-bar" max="100" value="(\d+)"', html)
    assert match
    return int(match.group(1))


def test_dashboard_shows_course_modules_and_next_step(client, session):
    course, _cohort, leader, _ = _setup(session)
    sign_in(client, leader.email)
    html = client.get("/mit-forloeb").get_data(as_text=True)
    assert course.title in html
    assert "Modul A" in html and "Modul B" in html
    assert "Næste skridt" in html
    assert "Film og refleksion" in html
    assert _progress_percent(html) == 0
    assert "Ikke startet" in html


def test_dashboard_without_enrolment_shows_helpful_empty_state(client, session):
    leader = factories.user()
    session.commit()
    sign_in(client, leader.email)
    html = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Du er ikke tilmeldt et forløb endnu" in html


def test_answer_draft_then_submit_raises_version_and_completion_moves_the_bar(client, session):
    _course, cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    url = _module_url(cohort)
    action = f"/forloeb/{cohort.id}/svar/spoergsmaal-1"

    response = post_form(client, url, action, {"text": "Første tanke", "save_draft": "Gem kladde"})
    assert response.status_code == 302
    answer = session.scalar(
        select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == enrolment.id)
    )
    assert (answer.text, answer.status, answer.version) == ("Første tanke", AnswerStatus.DRAFT, 1)

    # Marking done before the required question is submitted is refused, with a clear message.
    response = post_form(client, url, f"/forloeb/{cohort.id}/lektioner/lektion-film/faerdig", {})
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Indsend dine svar på de påkrævede spørgsmål" in html

    response = post_form(client, url, action, {"text": "Endelig tanke", "submit_answer": "Indsend"})
    assert response.status_code == 302
    session.refresh(answer)
    assert (answer.text, answer.status, answer.version) == (
        "Endelig tanke",
        AnswerStatus.SUBMITTED,
        2,
    )

    post_form(client, url, f"/forloeb/{cohort.id}/lektioner/lektion-film/faerdig", {})
    row = session.scalar(select(LessonProgress).where(LessonProgress.enrolment_id == enrolment.id))
    assert row.state == ProgressState.DONE
    html = client.get("/mit-forloeb").get_data(as_text=True)
    assert _progress_percent(html) == 33  # one of three lessons
    assert "I gang" in html  # module A is in progress

    # The answer is still there and editable after submission; an edit raises the version again.
    page = client.get(url).get_data(as_text=True)
    assert "Endelig tanke" in page
    post_form(client, url, action, {"text": "Rettet tanke", "submit_answer": "Gem ændringer"})
    session.refresh(answer)
    assert (answer.text, answer.version, answer.status) == (
        "Rettet tanke",
        3,
        AnswerStatus.SUBMITTED,
    )


def test_rejected_submission_keeps_the_typed_text(client, session):
    _, cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    long_text = "x" * 20_001
    response = post_form(
        client,
        _module_url(cohort),
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        {"text": long_text, "submit_answer": "Indsend"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert long_text in html
    assert "Dit svar er for langt" in html
    assert (
        session.scalar(
            select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == enrolment.id)
        )
        is None
    )


def test_empty_submission_is_refused_with_a_message(client, session):
    _, cohort, leader, _ = _setup(session)
    sign_in(client, leader.email)
    response = post_form(
        client,
        _module_url(cohort),
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        {"text": "   ", "submit_answer": "Indsend"},
    )
    assert response.status_code == 400
    assert "Skriv dit svar, før du indsender det." in response.get_data(as_text=True)


def test_expired_csrf_token_keeps_the_typed_text(client, session):
    _, cohort, leader, _ = _setup(session)
    sign_in(client, leader.email)
    response = client.post(
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        data={"text": "Tekst skrevet under en lang film", "csrf_token": "expired"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Tekst skrevet under en lang film" in html
    assert "Dit svar blev ikke gemt" in html


def test_module_page_renders_sanitised_markdown_and_click_to_load_video(client, session):
    _, cohort, leader, _ = _setup(session)
    sign_in(client, leader.email)
    html = client.get(_module_url(cohort)).get_data(as_text=True)
    assert "<strong>dette</strong>" in html
    assert "<iframe" not in html  # nothing loads from a video host before a click
    assert "player.vimeo.com/video/12345?dnt=1" in html  # as data for the click
    html = client.get(_module_url(cohort) + "?vis=film-video").get_data(as_text=True)
    assert '<iframe src="https://player.vimeo.com/video/12345?dnt=1"' in html


def test_unknown_module_is_404(client, session):
    _, cohort, leader, _ = _setup(session)
    sign_in(client, leader.email)
    assert client.get(_module_url(cohort, "findes-ikke")).status_code == 404


def test_answer_to_a_retired_question_stays_readable_to_its_author(client, session):
    _, cohort, leader, _ = _setup(session)
    sign_in(client, leader.email)
    url = _module_url(cohort)
    post_form(
        client,
        url,
        f"/forloeb/{cohort.id}/svar/forberedelse-1",
        {"text": "Mit eksempel fra hverdagen", "submit_answer": "Indsend"},
    )
    block = session.scalar(
        select(Block).where(Block.key == "forberedelse-1", Block.course_id == cohort.course_id)
    )
    block.retired_at = utcnow()
    session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "Tidligere spørgsmål" in html
    retired = html[html.index("Tidligere spørgsmål") :]
    assert "Forbered et eksempel." in retired  # the question, beside her answer
    assert "Mit eksempel fra hverdagen" in retired
    assert 'id="svar-forberedelse-1"' not in html  # no longer answerable


def test_own_answers_export_holds_only_own_answers_including_retired_questions(client, session):
    _, cohort, leader, _ = _setup(session)
    other, _ = factories.enrolled_leader(cohort, name="Anden Leder")
    session.commit()
    sign_in(client, other.email)
    post_form(
        client,
        _module_url(cohort),
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        {"text": "=Andens svar", "submit_answer": "Indsend"},
    )
    client.post(
        "/log-ud",
        data={"csrf_token": csrf_token_from(client.get("/mit-forloeb").get_data(as_text=True))},
    )

    sign_in(client, leader.email)
    post_form(
        client,
        _module_url(cohort),
        f"/forloeb/{cohort.id}/svar/spoergsmaal-1",
        {"text": "=SUM(A1)", "submit_answer": "Indsend"},
    )
    post_form(
        client,
        _module_url(cohort),
        f"/forloeb/{cohort.id}/svar/forberedelse-1",
        {"text": "Kladde til workshop", "save_draft": "Gem kladde"},
    )
    block = session.scalar(
        select(Block).where(Block.key == "forberedelse-1", Block.course_id == cohort.course_id)
    )
    block.retired_at = utcnow()
    session.commit()

    response = client.get(f"/forloeb/{cohort.id}/mine-svar.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][3] == "Dit svar"
    answers = {row[3] for row in rows[1:]}
    assert answers == {"'=SUM(A1)", "Kladde til workshop"}  # formula neutralised; never another's
    retired = next(row for row in rows[1:] if row[3] == "Kladde til workshop")
    assert "taget ud af kurset" in retired[2] and retired[4] == "Kladde"
