"""Issue 14's acceptance test for the competence wheel, in real Chromium with axe-core on every new
page and the app's clock in the test's hand.

Albertslund's leader Louise Lund opens "Kompetencehjul" from the menu, starts the start measurement,
answers half the pages (some statements by keyboard alone), signs out, signs in again, resumes on
the first unanswered page, finishes and sees her wheel: an SVG image with a title, the same numbers
in a table, and the short text.

Averages are published only over a frozen set of answers (issue 14's review: two views at two
moments must not give one person away). Mid-round her coordinator sees that the start averages are
not published yet, and when (the day the end measurement opens), whoever answers meanwhile. By
then Louise and five colleagues of her leader group have answered, and four of another group (with
one more leader of that area without a group): once the clock passes the cutoff, Louise's group's
average is shown, the other group's is hidden with the neutral text, no count, and never Louise's
own numbers. When the clock reaches the end measurement she answers again and sees start and end
overlaid; the end averages stay unpublished until the round is closed, then her group's (six) is
shown and the other group's (none) hidden. The round's staff page for choosing the tool passes
axe-core too.

Louise answers in a pattern nobody else does (1s, and 2s in the first area; 2s and 3s at the end)
while every colleague answers 5, so a number of hers ("1,0", "2,0", "3,0") on the averages page
would be her answers shown alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from course_app.accounts import services as accounts
from course_app.accounts.models import User
from course_app.assessments.models import Assessment
from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort
from course_app.core.db import db
from course_app.core.i18n import COPENHAGEN
from course_app.demo import ADMIN_EMAIL, DEMO_ASSESSMENT_KEY
from course_app.organisations import services as directory
from course_app.organisations.models import Area, LeaderGroup, Organisation
from course_app.rounds.closing import close_round
from course_app.self_assessment import taking
from course_app.self_assessment.pages import pages
from tests.e2e.conftest import (
    DESKTOP,
    PASSWORD,
    assert_accessible,
    assert_no_problems,
    demo_app,
    new_page,
    serving,
    sign_in_as,
)
from tests.helpers import Clock

pytestmark = pytest.mark.e2e

LEADER = "leder2@albertslund.example"  # Louise Lund, Ledergruppe Børn og unge
COORDINATOR = "koordinator@albertslund.example"  # Karin Kristensen
ROUND = "Digital ledelse – demohold"
ORGANISATION = "Albertslund"
AREA = "Børn og unge"
GROUP = "Ledergruppe Børn og unge"
PAGES = 6  # one page per area of the demo model, nine statements each
# The round's last day: the end measurement opens 30 days before it (day 70, the start averages'
# cutoff), after the first part of the test.
ROUND_DAYS_LEFT = 100
END_OPEN_AFTER = dt.timedelta(days=75)
OTHER_AREA = "Kultur og fritid"
OTHER_GROUP = "Ledergruppe Kultur"
OTHERS = ("Ida Isaksen", "Jens Juhl", "Karen Krog", "Lars Lind")  # the other group: four
NO_GROUP = "Mette Mørk"  # in the other area, in no leader group
HIDDEN_TEXT = "Vises først, når mindst 5 har svaret, og ingen enkeltpersons svar kan regnes ud"
PENDING_START = re.compile(
    r"Gennemsnittet af startmålingerne vises fra \d+\. \w+ \d{4}, når slutmålingen åbner\."
)
PENDING_LATER = (
    "Gennemsnittet af slutmålingerne og de løbende målinger vises, når forløbet er lukket."
)
WHY_PENDING = (
    "Så kan ingen regne en enkelt persons svar ud ved at sammenligne tallene før og efter, "
    "at hun har svaret."
)

# The scale's labels, value 1 to 5.
SCALE = {
    1: "Passer slet ikke",
    2: "Passer kun lidt",
    3: "Passer delvist",
    4: "Passer godt",
    5: "Passer helt",
}
# Louise's answers per page (1-6): the first area one step above the rest.
START_ANSWERS = {1: 2, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}
END_ANSWERS = {1: 3, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2}
HER_NUMBERS = ("1,0", "2,0", "3,0")
COLLEAGUE_VALUE = 5
# Louise and five colleagues, all 5: the first area (2 + 25) / 6, the others (1 + 25) / 6.
GROUP_AVERAGES = ("4,5", "4,3")
# At the end: Louise (3, and 2 elsewhere) and the same five (5): (3 + 25) / 6 and (2 + 25) / 6.
GROUP_END_AVERAGES = ("4,7", "4,5")
COLLEAGUES = ("Ditte Dam", "Erik Ebbesen", "Frida Falk", "Gustav Gade", "Helle Hviid")


@dataclass
class Served:
    app: Flask
    url: str
    clock: Clock
    cohort_id: int
    assessment_id: int
    colleague_ids: tuple[int, ...]
    other_ids: tuple[int, ...]  # the other group's four, then the leader in no group


@pytest.fixture(scope="module")
def served(database_factory, tmp_path_factory) -> Iterator[Served]:
    """The demo world on a clock of its own: the demo round (using the competence wheel) gets a last
    day 100 days ahead, and Louise's leader group five more Albertslund leaders in the round."""
    clock = Clock(dt.datetime.now(dt.UTC).replace(microsecond=0))
    app = demo_app(database_factory, tmp_path_factory, CLOCK=clock)
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.name == ROUND))
        today = clock.now.astimezone(COPENHAGEN).date()
        cohort.ends_on = today + dt.timedelta(days=ROUND_DAYS_LEFT)
        assessment = db.session.scalar(
            select(Assessment).where(Assessment.key == DEMO_ASSESSMENT_KEY)
        )
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == ORGANISATION)
        )
        area = db.session.scalar(
            select(Area).where(Area.organisation_id == organisation.id, Area.name == AREA)
        )
        group = db.session.scalar(select(LeaderGroup).where(LeaderGroup.name == GROUP))
        colleague_ids = []
        for number, name in enumerate(COLLEAGUES, start=1):
            user = accounts.create_user(
                email=f"hjul{number}@albertslund.example",
                name=name,
                password=PASSWORD,
                organisation_id=organisation.id,
                area_id=area.id,
            )
            directory.move_to_group(user, group)
            cohorts.enrol(user, cohort)
            colleague_ids.append(user.id)
        other_area = directory.get_or_create_area(organisation, OTHER_AREA)
        other_group = directory.get_or_create_group(organisation, OTHER_GROUP)
        other_ids = []
        for number, name in enumerate((*OTHERS, NO_GROUP), start=1):
            user = accounts.create_user(
                email=f"kultur{number}@albertslund.example",
                name=name,
                password=PASSWORD,
                organisation_id=organisation.id,
                area_id=other_area.id,
            )
            if name != NO_GROUP:
                directory.move_to_group(user, other_group)
            cohorts.enrol(user, cohort)
            other_ids.append(user.id)
        db.session.commit()
        ids = (cohort.id, assessment.id, tuple(colleague_ids), tuple(other_ids))
    # The clock starts after the world was made: group memberships begin at the real time they were
    # made, and a completed measurement records the group its leader is in at the clock's moment.
    clock.now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    with serving(app) as url:
        yield Served(app, url, clock, *ids)


@pytest.fixture(scope="module")
def live_server(served: Served) -> str:
    return served.url


# --- helpers --------------------------------------------------------------------------------------


def _menu(page, name: str) -> None:
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name=name, exact=True
    ).click()


def _main_text(page) -> str:
    """What the page says: the main content's text and every wheel's title and description (inside
    ``role="img"``, which ``inner_text`` may leave out)."""
    texts = [page.locator("main").inner_text()]
    texts += page.locator("svg title, svg desc").all_text_contents()
    return "\n".join(texts)


def _has_number(text: str, number: str) -> bool:
    """``number`` ("1,0") standing alone in ``text``, not as part of "11,05"."""
    return re.search(rf"(?<![\d,.]){re.escape(number)}(?!\d)", text) is not None


def _statement_page_url(point: str, number: int | None = None) -> re.Pattern:
    page_part = rf"{number}" if number is not None else r"\d+"
    return re.compile(rf"/kompetencehjul/\d+/{point}/side/{page_part}$")


def _radios(page, value: int):
    """The radio button of ``value`` in every statement on the page, in order."""
    return page.get_by_role("radio", name=re.compile(re.escape(SCALE[value])))


def _answer_page(page, value: int) -> None:
    """Every statement on the page gets ``value`` (by mouse; a choice already made stays)."""
    radios = _radios(page, value)
    expect(radios.first).to_be_visible()
    for radio in radios.all():
        radio.check()


def _save_page(page) -> None:
    """Save the page and go on (the form's main button)."""
    page.locator("main form").get_by_role("button", name="Gem og gå videre", exact=True).click()


def _answer_by_keyboard(page) -> None:
    """The first three statements of page 1 answered "2 – Passer kun lidt" with the keyboard alone:
    in a statement with no choice yet, ArrowRight from its focused first choice chooses the second;
    Tab moves on to the next statement's first choice; Space chooses the focused choice."""
    first_choices = _radios(page, 1)
    second_choices = _radios(page, 2)
    first_choices.nth(0).focus()
    page.keyboard.press("ArrowRight")
    expect(second_choices.nth(0)).to_be_checked()
    expect(second_choices.nth(0)).to_be_focused()
    page.keyboard.press("Tab")  # from the answered statement to the next one's first choice
    expect(first_choices.nth(1)).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(second_choices.nth(1)).to_be_checked()
    page.keyboard.press("Tab")
    expect(first_choices.nth(2)).to_be_focused()
    page.keyboard.press("Space")
    expect(first_choices.nth(2)).to_be_checked()
    page.keyboard.press("ArrowRight")
    expect(second_choices.nth(2)).to_be_checked()
    expect(first_choices.nth(2)).not_to_be_checked()


def _answer_pages(page, point: str, answers: dict[int, int], numbers: range, *, axe: bool) -> None:
    """Answer and save the pages ``numbers`` of the measurement, one after the other."""
    for number in numbers:
        page.wait_for_url(_statement_page_url(point, number))
        expect(page.locator("progress, [role=progressbar]").first).to_be_attached()
        if axe and number == numbers[0]:
            assert_accessible(page, f"statement page {number} ({point})")
        _answer_page(page, answers[number])
        _save_page(page)


def _open_measurement(page, action: str, point_label: str) -> None:
    """From the overview, follow the measurement's "Start" or "Fortsæt" (named with the point for
    a screen reader: "Start – Startmåling")."""
    page.locator("main").get_by_role("link", name=f"{action} – {point_label}", exact=True).click()


def _start_from_intro(page, point: str) -> None:
    """On the intro page (anonymity text shown), start or resume."""
    page.wait_for_url(re.compile(rf"/kompetencehjul/\d+/{point}$"))
    expect(page.locator("main")).to_contain_text("Dine svar er anonyme")
    page.locator("main form").get_by_role("button", name=re.compile(r"^(Start|Fortsæt)$")).click()


def _complete(page, point: str) -> None:
    """On the finish page, complete the measurement; the wheel follows."""
    page.wait_for_url(re.compile(rf"/kompetencehjul/\d+/{point}/afslut$"))
    page.locator("main form").get_by_role("button", name="Afslut og se dit hjul").click()
    page.wait_for_url(re.compile(r"/kompetencehjul/hjul/\d+$"))


def _colleagues_complete(
    served: Served, colleague_ids: tuple[int, ...], point: str = "start"
) -> None:
    """Colleagues complete ``point``, answering 5 everywhere (through the services, on the served
    database, at the served clock's moment)."""
    with served.app.app_context():
        cohort = db.session.get(Cohort, served.cohort_id)
        assessment = db.session.get(Assessment, served.assessment_id)
        now = served.clock.now
        for user_id in colleague_ids:
            user = db.session.get(User, user_id)
            taking.start_or_resume(user, cohort, assessment, point, now)
            for assessment_page in pages(assessment):
                answers = {key: COLLEAGUE_VALUE for key in assessment_page.item_keys}
                taking.save_page(
                    user, cohort, assessment, point, assessment_page.number, answers, now
                )
            taking.complete(user, cohort, assessment, point, now)
        db.session.commit()


def _assert_none_of_hers(page, text: str, what: str) -> None:
    for number in HER_NUMBERS:
        assert not _has_number(text, number), f"{what} shows {number}, a number only Louise has"


SLICINGS = {"Hele forløbet": "round", "Organisation": "organisation", "Område": "area"}
GROUP_SLICING = ("Ledergruppe", "group")


def _open_averages(page) -> str:
    """The coordinator opens the averages from the menu and chooses the leader groups; the text."""
    sign_in_as(page, COORDINATOR)
    _menu(page, "Kompetencehjul")
    page.wait_for_url(re.compile(r"/kompetencehjul/gennemsnit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kompetencehjul: gennemsnit")
    label, key = GROUP_SLICING
    page.get_by_role("radio", name=label, exact=True).check()
    page.get_by_role("button", name="Vis gennemsnit").click()
    page.wait_for_url(re.compile(rf"/kompetencehjul/gennemsnit\?.*slicing={key}"))
    return _main_text(page)


def _group_average(page, name: str = GROUP):
    """The shown average of a leader group (a section headed by its name; Louise's by default)."""
    return page.locator("main section").filter(
        has=page.get_by_role("heading", level=2, name=re.compile(name))
    )


def _close_round(served: Served) -> None:
    """The round is closed (as the operator would, through the service)."""
    with served.app.app_context():
        close_round(db.session.get(Cohort, served.cohort_id), by=None, now=served.clock.now)
        db.session.commit()


def _assert_pending_start(page, text: str, what: str) -> None:
    """Mid-round: the start averages are not published yet (and when), nor anything else; no
    group's section, no table of hidden averages, no count."""
    notice = page.locator("#vises-senere")
    expect(notice).to_contain_text(PENDING_START)
    expect(notice).to_contain_text(PENDING_LATER)
    expect(notice).to_contain_text(WHY_PENDING)
    expect(page.locator("main section")).to_have_count(0)
    assert not re.search(r"\d+\s+besvarelser", text), f"{what}: a count is shown"
    assert not any(_has_number(text, average) for average in GROUP_AVERAGES), what
    _assert_none_of_hers(page, text, what)
    _assert_none_of_hers(page, _csv_text(page), f"the CSV ({what})")


def _hidden_row(page, name: str):
    """The row of ``name`` in the table of averages not shown."""
    hidden = page.get_by_role("table", name="Gennemsnit, der ikke vises, og hvorfor")
    return hidden.get_by_role("row").filter(has_text=name)


def _assert_no_slicing_shows_hers(page, what: str) -> None:
    """Neither the other slicings nor their CSV show a number of Louise's."""
    for label, key in SLICINGS.items():
        page.goto(f"/kompetencehjul/gennemsnit?slicing={key}")
        if key == "round" and not page.get_by_role("radio", name=label, exact=True).count():
            label = "Organisation"  # a round shared with other organisations: hers in its place
        expect(page.get_by_role("radio", name=label, exact=True)).to_be_checked()
        _assert_none_of_hers(page, _main_text(page), f"the averages by {key} ({what})")
        csv = page.request.get(f"/kompetencehjul/gennemsnit.csv?slicing={key}")
        assert csv.ok, f"the averages' CSV by {key} answered {csv.status}"
        _assert_none_of_hers(page, csv.text(), f"the averages CSV by {key} ({what})")


def _csv_text(page) -> str:
    response = page.request.get(f"/kompetencehjul/gennemsnit.csv?slicing={GROUP_SLICING[1]}")
    assert response.ok, f"the averages' CSV answered {response.status}"
    return response.text()


# --- the test -------------------------------------------------------------------------------------


def test_a_leader_s_wheel_over_time_and_the_averages(browser, served, browser_problems):
    context, page = new_page(browser, served.url, browser_problems, DESKTOP)
    try:
        _run(page, served)
    finally:
        context.close()
    assert_no_problems(browser_problems)


def _run(page, served: Served) -> None:
    # Louise opens the competence wheel from the menu and starts the start measurement.
    sign_in_as(page, LEADER)
    _menu(page, "Kompetencehjul")
    page.wait_for_url(re.compile(r"/kompetencehjul$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kompetencehjul")
    expect(page.locator("main")).to_contain_text(ROUND)
    assert_accessible(page, "the competence wheel overview (nothing answered)")
    _open_measurement(page, "Start", "Startmåling")
    page.wait_for_url(re.compile(r"/kompetencehjul/\d+/start$"))
    expect(page.locator("main")).to_contain_text("Dine svar er anonyme")
    expect(page.locator("main")).to_contain_text("ikke Center for Digital Dannelse")
    assert_accessible(page, "the start measurement's intro")
    _start_from_intro(page, "start")

    # Half the pages: the first statements of page 1 by keyboard, the rest by mouse.
    page.wait_for_url(_statement_page_url("start", 1))
    assert_accessible(page, "statement page 1, nothing answered")
    _answer_by_keyboard(page)
    _answer_page(page, START_ANSWERS[1])
    _save_page(page)
    _answer_pages(page, "start", START_ANSWERS, range(2, PAGES // 2 + 1), axe=True)
    page.wait_for_url(_statement_page_url("start", PAGES // 2 + 1))

    # She signs out, and back in: "Fortsæt" brings her to the first page she has not answered.
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_url("**/log-ind")
    sign_in_as(page, LEADER)
    _menu(page, "Kompetencehjul")
    page.wait_for_url(re.compile(r"/kompetencehjul$"))
    assert_accessible(page, "the overview with a measurement in progress")
    expect(page.locator("main")).to_contain_text("27 af 54 udsagn besvaret")
    _open_measurement(page, "Fortsæt", "Startmåling")
    # The intro again (the anonymity text, her progress), then "Fortsæt".
    expect(page.locator("main progress")).to_have_attribute("value", "50")
    _start_from_intro(page, "start")
    page.wait_for_url(_statement_page_url("start", PAGES // 2 + 1))
    # The answers saved before she signed out are still there.
    resumed = page.url
    page.goto(resumed.rsplit("/", 1)[0] + "/1")
    expect(_radios(page, START_ANSWERS[1]).first).to_be_checked()  # chosen by keyboard
    expect(_radios(page, START_ANSWERS[1]).last).to_be_checked()
    expect(page.get_by_role("radio", checked=True)).to_have_count(9)
    page.goto(resumed)
    _answer_pages(page, "start", START_ANSWERS, range(PAGES // 2 + 1, PAGES + 1), axe=False)

    # She finishes and sees her wheel.
    page.wait_for_url(re.compile(r"/kompetencehjul/\d+/start/afslut$"))
    assert_accessible(page, "the finish page")
    _complete(page, "start")
    wheel_path = f"/kompetencehjul/hjul/{served.assessment_id}"
    assert page.url.endswith(wheel_path)
    _assert_her_wheel(page, series=("Start",))
    main = page.locator("main")
    expect(main).to_contain_text("Du ligger højest i Opgaveløsning (2,0).")
    expect(main).to_contain_text("Du ligger lavest i")
    assert_accessible(page, "the wheel page with the start measurement")

    # Her coordinator, mid-round: four of the group have answered (Louise and three colleagues).
    # The start averages are not published before the end measurement opens: she is told when.
    _colleagues_complete(served, served.colleague_ids[:3])
    text = _open_averages(page)
    _assert_pending_start(page, text, "the averages mid-round (four answers)")
    assert_accessible(page, "the averages page, nothing published yet")
    _assert_no_slicing_shows_hers(page, "four answers, mid-round")

    # Two more colleagues answer, and the other group's four and a leader in no group: still
    # mid-round, so nothing changes (no before-and-after to compare).
    _colleagues_complete(served, served.colleague_ids[3:])
    _colleagues_complete(served, served.other_ids)
    text = _open_averages(page)
    _assert_pending_start(page, text, "the averages mid-round (six answers)")

    # The end measurement opens (75 days on, past the cutoff 30 days before the last day): the start
    # averages are published over the answers before it. Louise's group of six is shown, never her
    # own numbers; the other group of four is hidden with the neutral text, no count.
    served.clock.now += END_OPEN_AFTER
    text = _open_averages(page)
    group = _group_average(page)
    expect(group).to_contain_text("Startmåling: 6 besvarelser")
    expect(group.locator("svg[role=img]")).to_be_visible()
    group_table = group.get_by_role("table").first
    for average in GROUP_AVERAGES:
        expect(group_table).to_contain_text(average)
    expect(_group_average(page, OTHER_GROUP)).to_have_count(0)
    expect(_hidden_row(page, OTHER_GROUP)).to_contain_text(HIDDEN_TEXT)
    assert not re.search(r"(?<!\d)4\s+(besvarelser|ledere|personer|svar)\b", text), (
        "the hidden averages give their count"
    )
    expect(page.locator("#vises-senere")).to_contain_text(PENDING_LATER)
    _assert_none_of_hers(page, text, "the averages by group (start published)")
    _assert_none_of_hers(page, _csv_text(page), "the averages CSV by group (start published)")
    assert_accessible(page, "the averages page with the group's average")
    _assert_no_slicing_shows_hers(page, "start published")

    # She answers the end measurement.
    sign_in_as(page, LEADER)
    _menu(page, "Kompetencehjul")
    page.wait_for_url(re.compile(r"/kompetencehjul$"))
    assert_accessible(page, "the overview with the end measurement open")
    _open_measurement(page, "Start", "Slutmåling")
    _start_from_intro(page, "end")
    _answer_pages(page, "end", END_ANSWERS, range(1, PAGES + 1), axe=False)
    _complete(page, "end")
    assert page.url.endswith(wheel_path)
    _assert_her_wheel(page, series=("Start", "Slut"))
    expect(page.locator("main")).to_contain_text("Du ligger højest i Opgaveløsning (3,0).")
    assert_accessible(page, "the wheel page with start and end")

    # Her end measurement: not published while the round is open; the start average still shown.
    text = _open_averages(page)
    group = _group_average(page)
    expect(group).to_contain_text("Startmåling: 6 besvarelser")
    expect(group).not_to_contain_text("Slutmåling")
    expect(page.locator("#vises-senere")).to_contain_text(PENDING_LATER)
    _assert_none_of_hers(page, text, "the averages by group (her end measurement)")
    _assert_none_of_hers(page, _csv_text(page), "the averages CSV (her end measurement)")
    _assert_no_slicing_shows_hers(page, "her end measurement")

    # Her five colleagues answer the end too; the round is closed: the end averages are published.
    # Louise's group (six) is shown, the other group (nobody answered the end) hidden.
    _colleagues_complete(served, served.colleague_ids, point="end")
    _close_round(served)
    text = _open_averages(page)
    group = _group_average(page)
    expect(group).to_contain_text("Startmåling: 6 besvarelser")
    expect(group).to_contain_text("Slutmåling: 6 besvarelser")
    expect(group).to_contain_text(f"Løbende måling: ikke vist. {HIDDEN_TEXT}")
    for average in (*GROUP_AVERAGES, *GROUP_END_AVERAGES):
        expect(group.get_by_role("table").first).to_contain_text(average)
    expect(_hidden_row(page, OTHER_GROUP)).to_contain_text(HIDDEN_TEXT)
    expect(page.locator("#vises-senere")).to_have_count(0)
    _assert_none_of_hers(page, text, "the averages by group (round closed)")
    _assert_none_of_hers(page, _csv_text(page), "the averages CSV (round closed)")
    assert_accessible(page, "the averages page after the round was closed")
    _assert_no_slicing_shows_hers(page, "round closed")


def _assert_her_wheel(page, *, series: tuple[str, ...]) -> None:
    """The wheel as an image with a title, the legend naming ``series``, and the table with a column
    per series holding her numbers."""
    main = page.locator("main")
    wheel = main.locator("svg[role=img]")
    expect(wheel).to_have_count(1)
    expect(wheel).to_be_visible()
    # Named by its own title (and described by its description).
    title = wheel.locator(":scope > title")
    expect(title).to_have_text(re.compile(r"\S"))
    title_id = title.get_attribute("id")
    expect(wheel).to_have_attribute("aria-labelledby", re.compile(rf"\b{title_id}\b"))
    expect(page.get_by_role("img", name=title.text_content())).to_have_count(1)
    legend = main.get_by_role("list", name="Målinger")
    expect(legend.get_by_role("listitem")).to_have_count(len(series))
    table = main.get_by_role("table", name=re.compile("^Dit kompetencehjul i tal"))
    expect(table).to_be_visible()
    for label in series:
        expect(legend).to_contain_text(label)
        expect(table.get_by_role("columnheader", name=label, exact=True)).to_have_count(1)
    # The first area (its first row: Viden), and a dimension of another area.
    first_area = table.get_by_role("row").filter(has_text="Opgaveløsning")
    other_area = table.get_by_role("row").filter(has_text="Problemløsning")
    answers = {"Start": START_ANSWERS, "Slut": END_ANSWERS}
    for index, label in enumerate(series):
        expect(first_area.get_by_role("cell").nth(index)).to_have_text(f"{answers[label][1]},0")
        expect(other_area.get_by_role("cell").nth(index)).to_have_text(f"{answers[label][2]},0")


def test_round_settings_page(browser, served, browser_problems):
    """The round's staff choose its self-assessment; the page shows the competence wheel chosen."""
    context, page = new_page(browser, served.url, browser_problems, DESKTOP)
    try:
        sign_in_as(page, ADMIN_EMAIL)
        page.goto(f"/forloeb/{served.cohort_id}/kompetencehjul")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.locator("main")).to_contain_text("Det digitale kompetencehjul")
        assert_accessible(page, "the round's self-assessment settings")
    finally:
        context.close()
    assert_no_problems(browser_problems)
