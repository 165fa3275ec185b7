"""Browser tests: a live server on a committed database of its own, driven by Debian's Chromium.

Never run ``playwright install``: the tests launch ``/usr/bin/chromium``. Without it they skip, except
on CI (``CI=true``), where a missing browser is a failure rather than a silently empty run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from course_app import create_app
from course_app.assessments.file_import import import_missing_assessments
from course_app.cohorts.models import Cohort
from course_app.core import migrate
from course_app.core.db import db, make_engine
from course_app.courses.file_import import import_missing_courses
from course_app.courses.models import Module
from course_app.demo import ensure_demo_data, ensure_demo_wheel
from course_app.paths import COURSES_DIR
from course_app.schedule.models import CohortRelease
from tests.conftest import TEST_CONFIG

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING_CHROMIUM = (
    "Chromium not found at /usr/bin/chromium: "
    "install Debian's chromium package to run the browser tests"
)
PASSWORD = "e2e-demo-adgangskode"
LOCAL_HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000
AXE = Axe()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder is a browser test (``-m e2e`` / ``-m "not e2e"``), marked or not."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def skip_or_fail(reason: str) -> None:
    """Skip locally; fail on CI, where the browser tests (and the tools they need) must really run."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


# The demo round is three weeks old; the tests also work in the first leader meeting's module, which
# the shipped course opens after five weeks. This world's round opens it from the start.
FIRST_LEADER_MEETING = "ledergruppe-1"


def _open_now(module_key: str) -> None:
    """Give the demo round its own rule for the module: always open."""
    module = db.session.scalar(select(Module).where(Module.key == module_key))
    for cohort in db.session.scalars(select(Cohort).where(Cohort.course_id == module.course_id)):
        db.session.add(CohortRelease(cohort_id=cohort.id, module_id=module.id, rule=None))


def demo_app(
    database_factory,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    plan_events: bool = False,
    **config,
) -> Flask:
    """The app with the shipped course and the demo people, committed, on a database of its own
    (``config``: more settings, e.g. a clock). Most browser tests plan their own events; with
    ``plan_events`` the demo's calendar is there too."""
    url = database_factory.create()
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    instance = tmp_path_factory.mktemp("e2e-instance")
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url, **config}, instance_path=str(instance))
    with app.app_context():
        import_missing_courses(COURSES_DIR)
        import_missing_assessments(COURSES_DIR)
        ensure_demo_data(PASSWORD, plan_events=plan_events)
        _open_now(FIRST_LEADER_MEETING)
        ensure_demo_wheel()  # as the demo start does
        db.session.commit()
    return app


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` served on a free local port while the block runs; its base URL."""
    server = make_server(LOCAL_HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        db.engine(app).dispose()


@pytest.fixture(scope="module")
def live_server(database_factory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo app served on a free local port. One per test module, so modules cannot see each
    other's answers and progress."""
    with serving(demo_app(database_factory, tmp_path_factory)) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).is_file():
        skip_or_fail(MISSING_CHROMIUM)
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            skip_or_fail(f"{MISSING_CHROMIUM} (launch failed: {error.message.splitlines()[0]})")
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class BrowserProblems:
    """What went wrong in the browser during one test: reported at teardown."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    expected_console_errors: list[str] = field(default_factory=list)

    def expect_console_error(self, fragment: str) -> None:
        """Allow console errors containing ``fragment`` (e.g. the 400 of a deliberately rejected form)."""
        self.expected_console_errors.append(fragment)

    def unexpected_console_errors(self) -> list[str]:
        return [
            message
            for message in self.console_errors
            if not any(fragment in message for fragment in self.expected_console_errors)
        ]


@pytest.fixture
def browser_problems() -> BrowserProblems:
    return BrowserProblems()


def _route_only_local(problems: BrowserProblems):
    def handle(route) -> None:
        request_url = route.request.url
        if urlsplit(request_url).hostname == LOCAL_HOST:
            route.continue_()
        else:
            problems.external_requests.append(request_url)
            route.abort("blockedbyclient")

    return handle


def new_page(browser, live_server: str, problems: BrowserProblems, viewport: dict[str, int]):
    """A page in a context of its own, watching for console errors, page errors and foreign hosts."""
    context = browser.new_context(viewport=viewport, locale="da-DK", base_url=live_server)
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", _route_only_local(problems))
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            problems.console_errors.append(f"{message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    return context, page


def assert_no_problems(problems: BrowserProblems) -> None:
    assert not problems.external_requests, (
        f"requests to hosts other than {LOCAL_HOST}: {problems.external_requests}"
    )
    assert not problems.page_errors, f"JavaScript errors on the page: {problems.page_errors}"
    unexpected = problems.unexpected_console_errors()
    assert not unexpected, f"console errors: {unexpected}"


@pytest.fixture
def page(browser, live_server: str, browser_problems: BrowserProblems):
    """A desktop page (1280x900, da-DK). Fails the test on console/page errors or foreign requests."""
    context, page = new_page(browser, live_server, browser_problems, DESKTOP)
    yield page
    context.close()
    assert_no_problems(browser_problems)


@pytest.fixture
def phone_page(browser, live_server: str, browser_problems: BrowserProblems):
    """As ``page``, at a phone's width (375x740)."""
    context, page = new_page(browser, live_server, browser_problems, PHONE)
    yield page
    context.close()
    assert_no_problems(browser_problems)


# --- helpers shared by the test modules ------------------------------------------------------------


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form and wait for the person's home (home/choice.py: a leader's is
    "Mit forløb", staff land on their own pages; ``tests/e2e/test_homes.py`` checks each one)."""
    page.goto("/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/log-ind")


def open_module_from_dashboard(page, module_title: str) -> None:
    """Follow the module's link in the dashboard's module list, as a person would."""
    page.goto("/mit-forloeb")
    page.locator(".module-list").get_by_role("link", name=module_title, exact=True).click()
    page.wait_for_url("**/moduler/*")


def sign_in_as(page, email: str) -> None:
    """Sign in as another person in the same page (a fresh session: cookies cleared first)."""
    page.context.clear_cookies()
    sign_in(page, email)


def assert_accessible(page, what: str) -> None:
    """axe-core (all rules) finds no violations on the page as it is now."""
    page.wait_for_load_state("load")
    results = AXE.run(page)
    assert results.violations_count == 0, (
        f"axe on {what} ({page.url}):\n{results.generate_report()}"
    )
