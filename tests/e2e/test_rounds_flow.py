"""Issue 10's acceptance test in real Chromium, with the app's clock in the test's hand and its mail
going to a local SMTP server: an admin creates a round starting today, sets Film 2 to open one day
after the start and enrols a leader; the leader sees Film 2 locked with its day; a day later the
real ``course-app schedule run`` and ``course-app notify send`` processes open it and deliver its
e-mail, whose link opens Film 2; the admin then moves Film 2 a week later,
and the leader still has it open. On the way, axe-core checks every rounds page."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import expect

from course_app.core.i18n import COPENHAGEN
from course_app.demo import ADMIN_EMAIL
from tests.e2e.conftest import assert_accessible, demo_app, serving, sign_in_as
from tests.helpers import Clock, copenhagen
from tests.mail import Mailbox

pytestmark = pytest.mark.e2e

LEADER = "leder1@glostrup.example"
COORDINATOR = "koordinator@glostrup.example"
FILM_2 = "Film 2: Thomas Winther"
START = copenhagen(2030, 3, 4, 10)  # Monday 4 March 2030, 10:00 in Copenhagen


@dataclass
class Served:
    app: Flask
    url: str
    clock: Clock


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory, smtp_server: Mailbox) -> Iterator[Served]:
    clock = Clock(START)
    mail = {
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": smtp_server.port,
    }
    app = demo_app(database_factory, tmp_path_factory, CLOCK=clock, **mail)
    with serving(app) as url:
        app.config["BASE_URL"] = url  # e-mail links lead to this server
        yield Served(app, url, clock)


@pytest.fixture(scope="module")
def live_server(served: Served) -> str:
    return served.url


def _release(page, rule: str, **values: str) -> None:
    """Set Film 2's rule in the release table and save it."""
    page.locator("#rule-film-2").select_option(label=rule)
    for part, value in values.items():
        page.locator(f"#{part}-film-2").fill(value)
    page.get_by_role("button", name="Gem åbningerne").click()
    expect(page.locator(".alert-success")).to_contain_text("Åbningerne er gemt: " + FILM_2)


def _course_app(served: Served, *args: str) -> subprocess.CompletedProcess:
    """The real command in a process of its own, on the served app's database and mail server,
    acting at the test clock's moment."""
    config = served.app.config
    moment = served.clock.now.astimezone(COPENHAGEN).strftime("%Y-%m-%dT%H:%M")
    result = subprocess.run(
        [sys.executable, "-m", "course_app", *args, "--now", moment],
        env={
            **os.environ,
            "COURSE_APP_DATABASE_URL": config["DATABASE_URL"],
            "COURSE_APP_SECRET_KEY": config["SECRET_KEY"],
            "COURSE_APP_MAIL_BACKEND": "smtp",
            "COURSE_APP_MAIL_SERVER": config["MAIL_SERVER"],
            "COURSE_APP_MAIL_PORT": str(config["MAIL_PORT"]),
            "COURSE_APP_BASE_URL": config["BASE_URL"],
        },
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_round_in_time(page, served, smtp_server, browser_problems):
    smtp_server.clear()
    browser_problems.expect_console_error("status of 400")  # the rejected form below
    browser_problems.expect_console_error("status of 403")  # the locked module

    # The admin creates a round of the shipped course, starting today, for Glostrup.
    sign_in_as(page, ADMIN_EMAIL)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Forløb", exact=True
    ).click()
    page.wait_for_url("**/forloeb")
    assert_accessible(page, "the rounds list")
    page.get_by_role("link", name="Opret et forløb").click()
    expect(page.get_by_label("Startdato")).to_have_value("2030-03-04")  # the clock's today
    assert_accessible(page, "the new-round form")
    page.get_by_label("Kursus").select_option(label="Digital ledelse")
    page.get_by_label("Navn", exact=True).fill("Forår 2030")
    page.get_by_label("Slutdato").fill("2030-03-01")
    page.get_by_label("Glostrup").check()
    page.get_by_role("button", name="Opret forløbet").click()
    expect(page.locator("#ends_on-fejl")).to_contain_text("ligger før startdatoen")
    expect(page.get_by_label("Navn", exact=True)).to_have_value("Forår 2030")
    assert_accessible(page, "the new-round form with an error")
    page.get_by_label("Slutdato").fill("2030-07-31")
    page.get_by_role("button", name="Opret forløbet").click()
    page.wait_for_url(re.compile(r".*/forloeb/\d+$"))
    round_url = page.url
    cohort_id = int(round_url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Forår 2030")

    # A day before the round starts is refused, naming the module; then Film 2 opens one day
    # after the start in this round.
    page.locator("#rule-film-2").select_option(label="På en dato")
    page.locator("#date-film-2").fill("2030-03-01")
    page.get_by_role("button", name="Gem åbningerne").click()
    expect(page.locator(".error-summary")).to_contain_text(
        FILM_2 + ": datoen 2030-03-01 ligger før forløbets start (2030-03-04)."
    )
    assert_accessible(page, "the release table with an error")
    _release(page, "N dage efter start", days="1")
    film_2_row = page.locator("tr", has=page.get_by_role("rowheader", name=FILM_2))
    expect(film_2_row).to_contain_text("tirsdag 5. marts 2030")
    assert_accessible(page, "the round's page")

    # A leader of Glostrup is enrolled by e-mail: preview, then confirm.
    page.get_by_role("textbox", name="E-mails").fill(LEADER)
    page.locator("#vis-tilmelding-emails").click()
    expect(page.locator(".alert")).to_contain_text("1 person ville blive tilmeldt")
    assert_accessible(page, "the enrolment preview")
    page.get_by_role("button", name="Tilmeld").click()
    expect(page.locator(".alert-success")).to_contain_text("1 ny tilmelding")
    page.get_by_role("link", name="Se deltagerne").click()
    expect(page.get_by_role("rowheader", name=re.compile("Jens Jensen"))).to_be_visible()
    assert_accessible(page, "the participants page")

    # The leader sees Film 2 locked, with the day it opens.
    module_path = f"/forloeb/{cohort_id}/moduler/film-2"
    sign_in_as(page, LEADER)
    page.goto(module_path)
    expect(page.locator(".alert")).to_contain_text("Modulet er ikke åbnet endnu.")
    expect(page.locator(".alert")).to_contain_text("Åbner tirsdag 5. marts 2030")

    # A day later `course-app schedule run` (as cron runs it) opens it, and `course-app notify
    # send` tells the leader, with a link to it.
    served.clock.now = START + dt.timedelta(days=1)
    assert "e-mails" in _course_app(served, "schedule", "run").stdout
    assert "Sendte" in _course_app(served, "notify", "send").stdout
    link = f"{served.url}{module_path}"
    [mail] = [m for m in smtp_server.messages() if LEADER in m.recipients and link in m.body]
    assert f'href="{link}"' in (mail.html or "")
    sign_in_as(page, LEADER)  # a day later: a session ends 12 hours after its sign-in
    page.goto(re.search(re.escape(link), mail.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text(FILM_2)
    expect(page.locator("text=Modulet er ikke åbnet endnu.")).to_have_count(0)

    # The admin moves Film 2 a week later; it stays open for the leader it has opened for.
    sign_in_as(page, ADMIN_EMAIL)
    page.goto(round_url)
    _release(page, "På en dato", date="2030-03-12")
    expect(film_2_row).to_contain_text("tirsdag 12. marts 2030")
    sign_in_as(page, LEADER)
    page.goto(module_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(FILM_2)
    expect(page.locator("text=Modulet er ikke åbnet endnu.")).to_have_count(0)


def test_a_coordinator_reads_a_shared_rounds_table(page):
    sign_in_as(page, COORDINATOR)
    page.goto("/forloeb")
    assert_accessible(page, "the rounds list for a coordinator")
    page.get_by_role("link", name="Digital ledelse – demohold").click()
    expect(page.locator("main")).to_contain_text("kun en platformsadministrator kan ændre dem")
    expect(page.locator("#rule-film-2")).to_have_count(0)
    assert_accessible(page, "a shared round's page for a coordinator")
    page.get_by_role("link", name="Se deltagerne").click()
    expect(page.locator("main")).not_to_contain_text("Albertslund")
    page.get_by_label("Status").select_option(label="Inviteret, ikke logget ind endnu")
    page.get_by_role("button", name="Vis deltagere").click()
    page.wait_for_url("**/deltagere?*state=invited*")
    assert_accessible(page, "the filtered participants page for a coordinator")
