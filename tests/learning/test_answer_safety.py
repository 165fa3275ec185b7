"""An answer is never lost (issue 12): a stale tab cannot overwrite newer text unseen, simultaneous
first saves neither fail nor duplicate, and a control character (NUL) neither fails the save nor
loses the text. Runs on SQLite, and on PostgreSQL when COURSE_APP_TEST_DATABASE_URL is set."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.reflections.models import AnswerStatus, ReflectionAnswer
from tests import factories
from tests.conftest import TEST_CONFIG, csrf_token_from
from tests.helpers import sign_in

QUESTION = "spoergsmaal-1"


def _setup(session):
    org = factories.organisation("Albertslund")
    cohort = factories.cohort(factories.course(), orgs=[org])
    leader, enrolment = factories.enrolled_leader(cohort, org=org, name="Lene Leder")
    session.commit()
    return cohort, leader, enrolment


def _page(client, cohort) -> str:
    return client.get(f"/forloeb/{cohort.id}/moduler/modul-a").get_data(as_text=True)


def _posted_version(html: str) -> str:
    form = html[html.index(f'id="blok-{QUESTION}"') :]
    match = re.search(r'<input id="version-[^"]*" name="version" type="hidden" value="(\d*)"', form)
    assert match, "no version field in the answer form"
    return match.group(1)


def _save(client, cohort, token: str, text: str, version: str):
    return client.post(
        f"/forloeb/{cohort.id}/svar/{QUESTION}",
        data={"text": text, "version": version, "save_draft": "Gem kladde", "csrf_token": token},
    )


def _answers(session, enrolment) -> list[ReflectionAnswer]:
    session.expire_all()
    return list(
        session.scalars(
            select(ReflectionAnswer).where(ReflectionAnswer.enrolment_id == enrolment.id)
        )
    )


def test_a_stale_tab_saves_nothing_and_shows_both_texts(client, session):
    cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    # Two tabs open the page before anything is saved.
    first_tab = _page(client, cohort)
    second_tab = _page(client, cohort)
    token = csrf_token_from(first_tab)
    assert _posted_version(first_tab) == _posted_version(second_tab) == "0"

    assert _save(client, cohort, token, "Tekst fra fane et", "0").status_code == 302
    fresh = _page(client, cohort)
    assert _posted_version(fresh) == "1"
    assert _save(client, cohort, token, "Ny tekst fra fane et", "1").status_code == 302

    # The second tab still believes there is no answer: its save is refused, nothing is lost.
    response = _save(client, cohort, token, "Gammel fane skriver <b>dette</b>", "0")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Dit svar er blevet gemt et andet sted" in html
    assert "Gammel fane skriver &lt;b&gt;dette&lt;/b&gt;" in html  # her typed text, in the form
    assert "Ny tekst fra fane et" in html  # the newer stored text, to compare
    assert "Den gemte udgave" in html
    [answer] = _answers(session, enrolment)
    assert (answer.text, answer.version) == ("Ny tekst fra fane et", 2)

    # The refused page carries the stored version: saving again is a deliberate overwrite.
    assert _posted_version(html) == "2"
    assert _save(client, cohort, token, "Samlet tekst", "2").status_code == 302
    [answer] = _answers(session, enrolment)
    assert (answer.text, answer.version) == ("Samlet tekst", 3)


def test_a_stale_tab_stays_stale_across_another_error(client, session):
    cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    token = csrf_token_from(_page(client, cohort))
    assert _save(client, cohort, token, "Nyeste tekst", "0").status_code == 302
    # The stale tab first sends a text that is too long: refused, and its form keeps version 0 …
    response = _save(client, cohort, token, "x" * 20_001, "0")
    assert response.status_code == 400
    assert _posted_version(response.get_data(as_text=True)) == "0"
    # … so its next, shortened save is still caught instead of overwriting the newer text.
    assert _save(client, cohort, token, "Kortere", "0").status_code == 409
    [answer] = _answers(session, enrolment)
    assert answer.text == "Nyeste tekst"


def test_a_stale_tab_with_the_same_text_is_no_conflict(client, session):
    cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    token = csrf_token_from(_page(client, cohort))
    assert _save(client, cohort, token, "Samme tekst", "0").status_code == 302
    # A double click, or a second tab that typed the very same: nothing to lose, nothing to ask.
    assert _save(client, cohort, token, "Samme tekst", "0").status_code == 302
    [answer] = _answers(session, enrolment)
    assert (answer.text, answer.version, answer.status) == ("Samme tekst", 1, AnswerStatus.DRAFT)


def test_a_page_without_a_version_saves_as_before(client, session):
    cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    token = csrf_token_from(_page(client, cohort))
    assert _save(client, cohort, token, "Første", "0").status_code == 302
    assert _save(client, cohort, token, "Anden", "").status_code == 302
    [answer] = _answers(session, enrolment)
    assert (answer.text, answer.version) == ("Anden", 2)


def test_control_characters_are_dropped_and_the_answer_is_saved(client, session):
    cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    token = csrf_token_from(_page(client, cohort))
    text = "Linje\x00 et\x07\r\nLinje\u0085 to\tmed tab \u202ehøjre mod venstre\u200b"
    response = _save(client, cohort, token, text, "0")
    assert response.status_code == 302
    [answer] = _answers(session, enrolment)
    assert answer.text == "Linje et\nLinje to\tmed tab \u202ehøjre mod venstre\u200b"


def test_an_answer_over_the_limit_keeps_the_text_and_names_the_limit(client, session):
    cohort, leader, enrolment = _setup(session)
    sign_in(client, leader.email)
    token = csrf_token_from(_page(client, cohort))
    text = "langt svar " * 2_000  # 22.000 characters
    response = _save(client, cohort, token, text, "0")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "højst 20.000 tegn" in html
    assert text.strip() in html
    assert _answers(session, enrolment) == []


# --- simultaneous first saves, on committed data in a database of the test's own ---------------


@pytest.fixture
def own_app(fresh_database_url: str, tmp_path: Path) -> Iterator[Flask]:
    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {**TEST_CONFIG, "DATABASE_URL": fresh_database_url},
        instance_path=str(tmp_path / "instance"),
    )
    yield app
    db.engine(app).dispose()


@pytest.mark.parametrize("same_text", [True, False], ids=["same-text", "different-texts"])
def test_twenty_simultaneous_first_saves_never_fail(own_app, same_text):
    workers = 20
    with own_app.app_context():
        org = factories.organisation("Albertslund")
        cohort = factories.cohort(factories.course(), orgs=[org])
        leader, enrolment = factories.enrolled_leader(cohort, org=org)
        db.session.commit()
        cohort_id, email, enrolment_id = cohort.id, leader.email, enrolment.id

    clients = []
    for _ in range(workers):
        client = own_app.test_client()
        sign_in(client, email)
        page = client.get(f"/forloeb/{cohort_id}/moduler/modul-a").get_data(as_text=True)
        clients.append((client, csrf_token_from(page)))

    start = threading.Barrier(workers, timeout=60)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(number: int) -> None:
        client, token = clients[number]
        text = "Samme første svar" if same_text else f"Første svar nummer {number}"
        try:
            start.wait()
            response = client.post(
                f"/forloeb/{cohort_id}/svar/{QUESTION}",
                data={"text": text, "version": "0", "save_draft": "1", "csrf_token": token},
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=post, args=(number,)) for number in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors[0]
    assert len(statuses) == workers
    assert all(status < 500 for status in statuses), statuses
    saved = statuses.count(302)
    if same_text:
        assert saved == workers  # the same text: nothing to lose, so every save succeeds
    else:
        # One first save wins; every other tab is told, with her text kept (409), never a 500.
        assert saved == 1 and statuses.count(409) == workers - 1, statuses
    with own_app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(ReflectionAnswer)
            .where(ReflectionAnswer.enrolment_id == enrolment_id)
        )
        assert count == 1
