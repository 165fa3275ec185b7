"""SQLite and long writers (issue 12): while another connection holds the write lock longer than the
busy timeout, a POST gets "Der er travlt lige nu" (503, Retry-After) with the typed text given back,
never a 500, and writes nothing; and a large CLI people import, saved in short batches, leaves the
site answering sign-ins and saves all the while."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from course_app.accounts.models import User
from course_app.core.db import db
from course_app.reflections.models import ReflectionAnswer
from tests import factories
from tests.conftest import FreshContextClient, csrf_token_from
from tests.helpers import sign_in
from tests.people.conftest import csv_text

SQLITE_ONLY = "SQLite's single write lock only; PostgreSQL locks rows, not the whole database"
BUSY_TIMEOUT_MS = 300
QUESTION = "spoergsmaal-1"
TYPED = "Mit svar om ledelse, som ikke må gå tabt – æøå"


@dataclass
class Site:
    app: Flask
    path: str
    cohort_id: int
    email: str
    enrolment_id: int


def _site(url: str, fresh_app, busy_timeout_ms: int) -> Site:
    if not url.startswith("sqlite"):
        pytest.skip(SQLITE_ONLY)
    app = fresh_app(SQLITE_BUSY_TIMEOUT_MS=busy_timeout_ms)
    app.test_client_class = FreshContextClient
    with app.app_context():
        org = factories.organisation("Albertslund")
        cohort = factories.cohort(factories.course(), orgs=[org])
        leader, enrolment = factories.enrolled_leader(cohort, org=org, name="Lene Leder")
        db.session.commit()
        return Site(app, url.removeprefix("sqlite:///"), cohort.id, leader.email, enrolment.id)


@pytest.fixture
def site(fresh_database_url: str, fresh_app) -> Site:
    return _site(fresh_database_url, fresh_app, BUSY_TIMEOUT_MS)


class WriteLock:
    """Another connection holding SQLite's write lock (as a long import's transaction does)."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> WriteLock:
        self.connection.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


def _answers(site: Site) -> int:
    with site.app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(ReflectionAnswer)
            .where(ReflectionAnswer.enrolment_id == site.enrolment_id)
        )


def _module_page(client, site: Site) -> str:
    return client.get(f"/forloeb/{site.cohort_id}/moduler/modul-a").get_data(as_text=True)


def _save(client, site: Site, text: str, page: str):
    version = page[page.index(f'id="blok-{QUESTION}"') :]
    version = version[version.index('name="version"') :].split('value="', 1)[1].split('"', 1)[0]
    return client.post(
        f"/forloeb/{site.cohort_id}/svar/{QUESTION}",
        data={
            "text": text,
            "version": version,
            "save_draft": "Gem kladde",
            "csrf_token": csrf_token_from(page),
        },
    )


def _assert_busy_page(response, started: float) -> str:
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "<h1>Der er travlt lige nu</h1>" in html
    assert "blev ikke gemt" in html
    assert "sqlalchemy" not in html and "locked" not in html
    # The page waited for the lock once (the busy timeout), not again to render itself.
    assert elapsed < BUSY_TIMEOUT_MS / 1000 + 2, elapsed
    return html


def test_an_answer_save_that_cannot_get_the_lock_is_a_503_that_keeps_the_text(site):
    client = site.app.test_client()
    sign_in(client, site.email)
    page = _module_page(client, site)

    with WriteLock(site.path):
        assert "Modul A" in _module_page(client, site)  # reading needs no lock
        started = time.monotonic()
        response = _save(client, site, TYPED, page)
        html = _assert_busy_page(response, started)
        assert TYPED in html  # given back, so she can copy it
    assert _answers(site) == 0  # nothing half-written

    # The lock is gone: the very same save now works.
    assert _save(client, site, TYPED, page).status_code == 302
    assert _answers(site) == 1
    assert TYPED in _module_page(client, site)


def test_a_sign_in_that_cannot_get_the_lock_is_a_503_and_then_works(site):
    client = site.app.test_client()
    form = client.get("/log-ind").get_data(as_text=True)
    data = {
        "email": site.email,
        "password": factories.PASSWORD,
        "csrf_token": csrf_token_from(form),
        "next": "",
    }
    with WriteLock(site.path):
        started = time.monotonic()
        html = _assert_busy_page(client.post("/log-ind", data=data), started)
        assert factories.PASSWORD not in html
    assert client.get("/mit-forloeb").status_code == 302  # not signed in

    signed_in = client.post("/log-ind", data=data)
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/forside"
    assert client.get("/mit-forloeb").status_code == 200


def test_other_database_errors_stay_500(site):
    @site.app.get("/boom-sql")
    def boom_sql():
        db.session.execute(text("SELECT * FROM no_such_table"))
        return "never"

    response = site.app.test_client().get("/boom-sql")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


# --- a large import while people work -------------------------------------------------------------

IMPORT_ROWS = 2000
WEB_BUSY_TIMEOUT_MS = 2000


@pytest.fixture
def working_site(fresh_database_url: str, fresh_app) -> Site:
    return _site(fresh_database_url, fresh_app, WEB_BUSY_TIMEOUT_MS)


def test_a_large_cli_import_leaves_sign_ins_and_saves_answering(working_site, tmp_path):
    site = working_site
    people = tmp_path / "people.csv"
    people.write_text(
        csv_text(
            [
                (
                    f"Person {n}",
                    f"person{n}@import.example",
                    "Albertslund",
                    "",
                    f"Gruppe {n // 20}",
                    "",
                )
                for n in range(IMPORT_ROWS)
            ]
        )
    )
    env = {
        **os.environ,
        "COURSE_APP_DATABASE_URL": f"sqlite:///{site.path}",
        "COURSE_APP_INSTANCE_PATH": str(tmp_path / "cli-instance"),
        "COURSE_APP_SECRET_KEY": "cli-test-key",
        # Nothing listens there: the invitations wait in the outbox (this test is about the import).
        "COURSE_APP_MAIL_PORT": "1",
    }
    output, errors = tmp_path / "import.out", tmp_path / "import.err"
    importer = subprocess.Popen(
        [sys.executable, "-m", "course_app", "users", "import", str(people)],
        env=env,
        # Files, not pipes: a long output would fill a pipe nobody reads until the end.
        stdout=output.open("w"),
        stderr=errors.open("w"),
        stdin=subprocess.DEVNULL,
        text=True,
    )
    durations: list[tuple[str, int, float]] = []

    def timed(label: str, call):
        started = time.monotonic()
        response = call()
        durations.append((label, response.status_code, time.monotonic() - started))
        return response

    saver = site.app.test_client()
    sign_in(saver, site.email)
    deadline = time.monotonic() + 30
    rounds = 0
    imported_while_working = 0
    try:
        while importer.poll() is None and time.monotonic() < deadline:
            rounds += 1
            visitor = site.app.test_client()
            form = timed("sign-in page", lambda c=visitor: c.get("/log-ind"))
            data = {
                "email": site.email,
                "password": factories.PASSWORD,
                "csrf_token": csrf_token_from(form.get_data(as_text=True)),
                "next": "",
            }
            timed("sign-in", lambda c=visitor, d=data: c.post("/log-ind", data=d))
            page = timed(
                "module page", lambda: saver.get(f"/forloeb/{site.cohort_id}/moduler/modul-a")
            )
            timed(
                "save",
                lambda p=page.get_data(as_text=True), n=rounds: _save(saver, site, f"Svar {n}", p),
            )
            with site.app.app_context():
                imported_while_working = max(
                    imported_while_working, db.session.scalar(select(func.count(User.id))) - 1
                )
        importer.wait(timeout=60)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert importer.returncode == 1, errors.read_text()  # 1: the e-mails are still to be sent
    assert "Importen er gemt" in output.read_text()
    assert "e-mailkøen" in errors.read_text()

    bound = WEB_BUSY_TIMEOUT_MS / 1000 + 1.5
    assert durations, "the import ended before any request was made"
    assert all(status != 500 for _label, status, _seconds in durations), durations
    assert all(seconds < bound for _label, _status, seconds in durations), max(
        durations, key=lambda item: item[2]
    )
    # Short batches: hardly anybody had to be told to wait (a 503 that keeps the text, tested
    # above). Not none: on a machine busy with other work (CI runs the suites side by side) a
    # batch can hold the lock past the two seconds now and then.
    told_to_wait = [(i, d) for i, d in enumerate(durations) if d[1] not in (200, 302)]
    assert all(status == 503 for _index, (_label, status, _s) in told_to_wait), told_to_wait
    assert len(told_to_wait) <= max(1, len(durations) // 10), (told_to_wait, len(durations))
    # The requests really ran while the import was writing.
    assert imported_while_working > 0 or rounds > 3
    with site.app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == IMPORT_ROWS + 1
    assert _answers(site) == 1
