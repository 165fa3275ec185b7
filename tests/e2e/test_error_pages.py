"""The error pages issue 12 added, in real Chromium with axe-core: a submission too large for the
server (413) and a database too busy to save (503, SQLite), each in Danish, with the skip link and
the footer, and the busy page giving the typed answer back."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PHONE,
    BrowserProblems,
    assert_accessible,
    assert_no_problems,
    demo_app,
    new_page,
    open_module_from_dashboard,
    serving,
    sign_in,
)

FILM_1 = "Film 1: Anja Pors"
ANSWER = "#svar-film-1-refleksion-1"
SUBMIT = "#indsend-film-1-refleksion-1"
BUSY_TIMEOUT_MS = 300
MAX_BYTES = 200_000  # this app's MAX_CONTENT_LENGTH: a long answer is enough to go over it


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory) -> Iterator[tuple]:
    app = demo_app(
        database_factory,
        tmp_path_factory,
        SQLITE_BUSY_TIMEOUT_MS=BUSY_TIMEOUT_MS,
        MAX_CONTENT_LENGTH=MAX_BYTES,
    )
    with serving(app) as url:
        yield app, url


@pytest.fixture
def phone(browser, served):
    problems = BrowserProblems()
    problems.expect_console_error("status of 413")
    problems.expect_console_error("status of 503")
    context, page = new_page(browser, served[1], problems, PHONE)
    yield page
    context.close()
    assert_no_problems(problems)


@contextmanager
def write_lock_held(database_url: str) -> Iterator[None]:
    """Another writer (a long import, say) holds SQLite's write lock while the block runs."""
    connection = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


def test_a_submission_too_large_gets_a_danish_page(phone):
    sign_in(phone, "leder1@glostrup.example")
    open_module_from_dashboard(phone, FILM_1)
    phone.locator(ANSWER).fill("x" * (MAX_BYTES + 1000))
    phone.locator(SUBMIT).click()
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    expect(phone.locator("main")).to_contain_text("fylder for meget")
    assert_accessible(phone, "the 413 page")


def test_a_busy_database_gives_the_typed_answer_back(phone, served):
    app, _url = served
    database_url = app.config["DATABASE_URL"]
    if not database_url.startswith("sqlite:///"):
        pytest.skip("SQLite's write lock: PostgreSQL has no database-wide write lock")
    sign_in(phone, "leder2@glostrup.example")
    open_module_from_dashboard(phone, FILM_1)
    typed = "Mit svar, mens databasen har travlt"
    phone.locator(ANSWER).fill(typed)
    with write_lock_held(database_url):
        phone.locator(SUBMIT).click()
        expect(phone.locator("main")).to_contain_text("travlt")
    expect(phone.locator("main textarea")).to_have_value(typed)
    assert_accessible(phone, "the busy (503) page")
