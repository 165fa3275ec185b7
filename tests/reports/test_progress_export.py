"""The per-lesson export (``/rapport/lektioner.csv``): one line per started or finished lesson, for
platform admins only, following the report's cohort and filters, streamed with a fixed number of
statements whatever the number of people."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select, update

from course_app.cohorts.models import Enrolment
from course_app.cohorts.services import create_cohort, enrol
from course_app.core.db import db, utcnow
from course_app.core.i18n import today_local
from course_app.organisations import services as directory
from course_app.organisations.access import viewer_for
from course_app.organisations.models import Role
from course_app.progress.models import LessonProgress, ProgressState
from course_app.reports import progress_export
from course_app.reports.options import ReportFilters, report_options
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import FOREIGN_GROUP, FOREIGN_NAME, World, finish, lesson, start
from tests.reports.test_query_budgets import MAX_STATEMENTS, _count, _programme

URL = "/rapport/lektioner.csv"
BOM = b"\xef\xbb\xbf"
HEADER = [
    "Organisation",
    "Område",
    "Ledergruppe",
    "Deltager",
    "Modul",
    "Lektion",
    "Status",
    "Startet",
    "Færdig",
]
EVIL = '=HYPERLINK("https://ondt.example";"Klik")'
STARTED = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # 13:00 in Copenhagen (winter)
COMPLETED = dt.datetime(2026, 11, 23, 13, 30, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 1, 10, 0, tzinfo=dt.UTC)  # 12:00 in Copenhagen (summer)


def _rows(body: bytes, delimiter: str = ";") -> list[list[str]]:
    assert body.startswith(BOM)
    text = body[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.fixture
def export_world(world: World, session) -> World:
    """The report world plus: Kurt (in Syd without an own area: the group's area counts), a person
    without group or area whose name is a formula, a not-started row (Sara), a deactivated person with
    progress, and known times on every row."""
    course = world.course
    kurt, kurt_enrolment = factories.enrolled_leader(world.cohort, org=world.org, name="Kurt Kok")
    directory.move_to_group(kurt, world.sibling)
    start(kurt_enrolment, course, "lektion-afslutning")
    _, evil_enrolment = factories.enrolled_leader(world.cohort, org=world.org, name=EVIL)
    start(evil_enrolment, course, "lektion-tekst")
    sara_enrolment = enrol_of(world, world.sara)
    db.session.add(
        LessonProgress(
            enrolment_id=sara_enrolment,
            lesson_id=lesson(course, "lektion-film").id,
            state=ProgressState.NOT_STARTED,
        )
    )
    gone, gone_enrolment = factories.enrolled_leader(world.cohort, org=world.org, name="Dorte Død")
    directory.move_to_group(gone, world.group)
    finish(gone_enrolment, course, "lektion-film")
    gone.deactivated_at = utcnow()
    session.flush()
    db.session.execute(update(LessonProgress).values(started_at=STARTED))
    db.session.execute(
        update(LessonProgress)
        .where(LessonProgress.state == ProgressState.DONE)
        .values(completed_at=COMPLETED)
    )
    db.session.execute(
        update(LessonProgress)
        .where(LessonProgress.enrolment_id == world.bo_enrolment.id)
        .values(started_at=SUMMER)
    )
    session.commit()
    return world


def enrol_of(world: World, user) -> int:
    return db.session.scalar(
        select(Enrolment.id).where(
            Enrolment.user_id == user.id, Enrolment.cohort_id == world.cohort.id
        )
    )


def _export(client, query: str = "") -> list[list[str]]:
    response = client.get(URL + query)
    assert response.status_code == 200
    return _rows(response.get_data())


NORD = ["Albertslund", "Børn og unge", "Ledergruppe Nord"]
SYD = ["Albertslund", "Social og sundhed", "Ledergruppe Syd"]
NOWHERE = ["Albertslund", "Intet område", "Ingen ledergruppe"]
VEST = ["Glostrup", "Børn og skole", FOREIGN_GROUP]
DONE = ["Færdig", "2026-11-23 13:00", "2026-11-23 14:30"]


def test_admin_gets_every_started_lesson(client, export_world):
    world = export_world
    sign_in(client, world.admin.email)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert 'filename="lektioner-testhold-' in response.headers["Content-Disposition"]
    rows = _rows(response.get_data())
    assert rows[0] == HEADER
    assert rows[1:] == [
        [*NORD, "Anna Andersen", "Modul A", "Film og refleksion", *DONE],
        [*NORD, "Anna Andersen", "Modul A", "Læsning", *DONE],
        [*NORD, "Bo Berg", "Modul A", "Film og refleksion", "I gang", "2026-07-01 12:00", ""],
        # Kurt has no area of his own: his group's area counts.
        [*SYD, "Kurt Kok", "Modul B", "Afslutning", "I gang", "2026-11-23 13:00", ""],
        # No group, no area, and a name that is a formula: it stays text.
        [*NOWHERE, "'" + EVIL, "Modul A", "Læsning", "I gang", "2026-11-23 13:00", ""],
        [*VEST, FOREIGN_NAME, "Modul A", "Film og refleksion", *DONE],
        [*VEST, FOREIGN_NAME, "Modul A", "Læsning", *DONE],
        [*VEST, FOREIGN_NAME, "Modul B", "Afslutning", *DONE],
    ]  # fmt: skip
    # Sara's not-started row is no row; the deactivated person is left out, as in the report.
    names = {row[3] for row in rows[1:]}
    assert world.sara.name not in names and "Dorte Død" not in names


def test_comma_and_english(client, export_world, session):
    world = export_world
    world.admin.locale = "en"
    session.commit()
    sign_in(client, world.admin.email)
    rows = _rows(client.get(URL + "?separator=comma").get_data(), delimiter=",")
    assert rows[0] == [
        "Organisation",
        "Area",
        "Leader group",
        "Participant",
        "Module",
        "Lesson",
        "Status",
        "Started",
        "Done",
    ]
    assert rows[3][6:] == ["In progress", "2026-07-01 12:00", ""]
    assert rows[5][1:3] == ["No area", "No leader group"]
    assert len(rows) == 1 + 8


def test_follows_the_report_filters(client, export_world):
    world = export_world
    module_b = world.course_module_id("modul-b")
    sign_in(client, world.admin.email)

    def people(query: str) -> list[tuple[str, str]]:
        return [(row[3], row[5]) for row in _export(client, query)[1:]]

    assert people(f"?organisation={world.other_org.id}") == [
        (FOREIGN_NAME, "Film og refleksion"),
        (FOREIGN_NAME, "Læsning"),
        (FOREIGN_NAME, "Afslutning"),
    ]
    assert people(f"?group={world.sibling.id}") == [("Kurt Kok", "Afslutning")]
    assert people(f"?area={world.other_area.id}") == [("Kurt Kok", "Afslutning")]
    assert people(f"?module={module_b}") == [
        ("Kurt Kok", "Afslutning"),
        (FOREIGN_NAME, "Afslutning"),
    ]
    # An id the report would drop (an unknown group) narrows nothing.
    assert len(people("?group=999999")) == 8


def test_follows_the_chosen_cohort(client, export_world, session):
    world = export_world
    later = create_cohort(
        world.course, name="Hold 2", starts_on=dt.date(2030, 1, 5), organisations=[world.org]
    )
    enrolment = enrol(world.bo, later)
    finish(enrolment, world.course, "lektion-afslutning")
    session.commit()
    sign_in(client, world.admin.email)
    rows = _export(client, f"?cohort={later.id}")
    assert [row[3:7] for row in rows[1:]] == [["Bo Berg", "Modul B", "Afslutning", "Færdig"]]
    # Without a cohort: the running one, as on the report page.
    assert len(_export(client)) == 1 + 8


@pytest.mark.parametrize(
    "who", ["coordinator", "other_coordinator", "chair", "facilitator", "anna", "foreign_leader"]
)
def test_everyone_but_platform_admins_is_refused(client, export_world, who):
    world = export_world
    person = getattr(world, who)
    sign_in(client, person.email)
    response = client.get(URL + f"?cohort={world.cohort.id}")
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert not response.headers.get("Content-Disposition")
    # Nobody's name but the person's own (the page header shows who is signed in).
    for name in {"Anna Andersen", "Bo Berg", "Kurt Kok", FOREIGN_NAME} - {person.name}:
        assert name not in body
    assert "Film og refleksion" not in body and "Ledergruppe Syd" not in body


def test_anonymous_is_sent_to_sign_in(client, export_world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind")
    assert "Anna Andersen" not in response.get_data(as_text=True)


def test_link_on_the_report_page_only_for_platform_admins(client, export_world):
    world = export_world
    link_text = "Hent alle lektionsforløb (CSV, én linje pr. deltager og lektion)"
    sign_in(client, world.admin.email)
    html = client.get(f"/rapport?group={world.group.id}").get_data(as_text=True)
    assert link_text in html
    assert (
        f'href="/rapport/lektioner.csv?cohort={world.cohort.id}&amp;group={world.group.id}"' in html
    )
    client.delete_cookie("session")
    sign_in(client, world.coordinator.email)
    html = client.get("/rapport").get_data(as_text=True)
    assert "Rapport: fremdrift i forløbet" in html
    assert link_text not in html and "lektioner.csv" not in html


def test_nothing_is_read_before_the_download_starts(export_world, app, count_statements):
    """The table is a lazy generator: the query runs when the first line is asked for, and the rows
    arrive one at a time."""
    world = export_world
    with app.test_request_context("/rapport/lektioner.csv"):
        scope = progress_export.export_scope(viewer_for(world.admin))
        options = report_options(scope, None, today=today_local())
        with count_statements() as counter:
            lines = progress_export.progress_table(options, ReportFilters())
            assert counter.count == 0
            assert next(lines) == HEADER
            assert counter.count == 0
            assert next(lines)[3] == "Anna Andersen"
            assert counter.count == 1
            assert len(list(lines)) == 7
            assert counter.count == 1


def test_statement_count_does_not_grow(client, count_statements, session):
    admin = factories.user(name="Admin")
    directory.assign_role(admin, Role.PLATFORM_ADMIN)
    small = _programme(session, members=5, groups=1, extra_modules=0)
    large = _programme(session, members=50, groups=4, extra_modules=4)
    counts = []
    for programme in (small, large):
        counts.append(
            _count(client, count_statements, admin, f"{URL}?cohort={programme.cohort.id}")
        )
    (few, _), (many, statements) = counts
    assert few == many <= MAX_STATEMENTS, "\n".join(statements)
