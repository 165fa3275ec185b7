"""Every page each demo role can reach, found by following links (issue 11, acceptance 1 and 2).

For anonymous visitors, a leader, a chair, a facilitator, a coordinator and the platform admin, the
crawler (``crawl.py``) starts on the home and follows every link on the site, at a phone's width
(375 px). Every page must answer 200, pass axe-core, fit the screen, have the skip link and the footer
links, and load nothing from another host; at the end the Nu Html Checker reads the HTML the server
sent for all of them and must find no error.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from course_app.accounts import services as accounts
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.courses.models import Block, BlockType
from course_app.organisations.access import viewer_for
from course_app.organisations.models import LeaderGroup
from course_app.reflections import services as reflections
from course_app.schedule.events import meeting_modules
from tests.e2e.conftest import (
    PHONE,
    BrowserProblems,
    assert_no_problems,
    demo_app,
    new_page,
    serving,
    sign_in,
    skip_or_fail,
)
from tests.e2e.crawl import Crawler
from tests.e2e.vnu import MISSING_JAVA, html_errors, java

pytestmark = pytest.mark.e2e

# role → (who signs in, pages that role must have reached: proof that the crawl went somewhere)
ROLES = {
    "anonymous": (
        None,
        {"accounts.sign_in", "legal.accessibility_statement", "legal.privacy_notice"},
    ),
    "leader": ("leder1@albertslund.example", {"learning.dashboard", "learning.module"}),
    "chair": ("moedeleder@albertslund.example", {"home.index", "groups.group_page"}),
    "facilitator": ("facilitator@demo.example", {"reports.group_dashboard", "groups.meeting_note"}),
    "coordinator": ("koordinator@albertslund.example", {"home.organisation"}),
    "admin": ("admin@demo.example", {"admin.home"}),
}


@pytest.fixture(scope="module")
def demo(database_factory, tmp_path_factory) -> Iterator[tuple]:
    """The demo app with its calendar planned, served: (app, base URL)."""
    app = demo_app(database_factory, tmp_path_factory, plan_events=True)
    with app.app_context():
        _group_work()
        db.session.commit()
    with serving(app) as url:
        yield app, url


def _group_work() -> None:
    """Something to read on the group's pages: a shared answer, a comment on it, a meeting note."""
    group = db.session.scalar(
        select(LeaderGroup).where(LeaderGroup.name == "Ledergruppe Børn og unge")
    )
    cohort = db.session.scalars(select(Cohort)).one()
    lars, louise, chair = (
        accounts.find_user_by_email(f"{name}@albertslund.example")
        for name in ("leder1", "leder2", "moedeleder")
    )
    question = db.session.scalars(
        select(Block).where(Block.type == BlockType.REFLECTION).order_by(Block.id)
    ).first()
    enrolment = cohorts.enrolment_of(lars, cohort.id)
    answer = reflections.save_answer(enrolment, question, "Vi prøver en ny app.", submit=True)
    reflections.set_visibility(enrolment, answer, share=True)
    reflections.add_comment(
        viewer_for(louise), group, cohort.id, question.id, answer.id, "Hvordan gik det?"
    )
    reflections.save_meeting_note(
        viewer_for(chair),
        group,
        cohort.id,
        meeting_modules(cohort)[0].id,
        "Vi aftalte at prøve appen.",
        seen_version=None,
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches(role, demo, browser, tmp_path):
    if java() is None:
        skip_or_fail(MISSING_JAVA)
    app, base_url = demo
    email, must_reach = ROLES[role]
    problems = BrowserProblems()
    context, page = new_page(browser, base_url, problems, PHONE)
    try:
        if email:
            sign_in(page, email)
        result = Crawler(app, page, base_url).crawl("/", "/tilgaengelighed")
    finally:
        context.close()
    assert_no_problems(problems)

    reached = result.endpoints()
    assert must_reach <= reached, f"{role} never reached {must_reach - reached}: {sorted(reached)}"
    assert not result.problems, f"{role}: {len(result.problems)} problems\n" + "\n".join(
        result.problems
    )
    errors = html_errors({visited.url: visited.html for visited in result.pages}, tmp_path)
    assert not errors, f"Nu Html Checker, {role}:\n" + "\n".join(errors)


def test_the_html_checker_finds_an_error_and_names_its_page(tmp_path):
    """The crawl's last step must be able to fail: vnu reads the files and reports by address."""
    if java() is None:
        skip_or_fail(MISSING_JAVA)
    valid = "<!doctype html><html lang=da><head><title>Godt</title></head><body><p>Hej</p></body></html>"
    broken = valid.replace("<p>Hej</p>", "<p><div>Hej</div></p>")
    errors = html_errors({"/god": valid, "/daarlig": broken}, tmp_path)
    assert len(errors) == 1
    assert errors[0].startswith("/daarlig line 1: ")
