"""``course-app cohorts create``: a round of a course for its organisations; every mistake refused
with a clear message before anything is written."""

from __future__ import annotations

import datetime as dt

import pytest

from course_app.cohorts import services as cohorts
from course_app.cohorts.models import Cohort, cohort_organisations
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from tests import factories
from tests.cohorts.conftest import count

GOOD = {
    "--course": "digital-ledelse",
    "--name": "Forår 2027",
    "--starts": "2027-01-11",
    "--ends": "2027-06-30",
}


@pytest.fixture
def places(session):
    factories.course(slug="digital-ledelse")
    factories.organisation("Albertslund")
    factories.organisation("Glostrup")
    session.commit()  # kept when a command rolls back; the test's transaction still ends it


def create(invoke, *organisations: str, **changes: str | None):
    options = {**GOOD, **changes}
    args = [part for key, value in options.items() if value is not None for part in (key, value)]
    for slug in organisations:
        args += ["--organisation", slug]
    return invoke("cohorts", "create", *args)


def test_creates_the_round_and_prints_its_id(places, invoke):
    result = create(invoke, "albertslund", "glostrup", "albertslund")
    assert result.exit_code == 0, result.output
    cohort = db.session.get(Cohort, int(result.stdout))
    assert result.stdout == f"{cohort.id}\n"
    assert cohort.course.slug == "digital-ledelse"
    assert cohort.name == "Forår 2027"
    assert (cohort.starts_on, cohort.ends_on) == (dt.date(2027, 1, 11), dt.date(2027, 6, 30))
    assert [organisation.slug for organisation in cohort.organisations] == [
        "albertslund",
        "glostrup",
    ]


def test_the_end_is_optional_and_may_be_the_first_day(places, invoke):
    open_ended = create(invoke, "albertslund", **{"--ends": None})
    assert open_ended.exit_code == 0, open_ended.output
    assert db.session.get(Cohort, int(open_ended.stdout)).ends_on is None
    one_day = create(invoke, "albertslund", **{"--ends": "2027-01-11"})
    assert one_day.exit_code == 0, one_day.output


def test_a_name_of_exactly_two_hundred_characters_is_kept_whole(places, invoke):
    result = create(invoke, "albertslund", **{"--name": "  " + "Æ" * 200 + "  "})
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Cohort, int(result.stdout)).name == "Æ" * 200


@pytest.mark.parametrize(
    ("changes", "organisations", "message"),
    [
        ({"--course": "findes-ikke"}, ["albertslund"], "Kurset findes-ikke findes ikke."),
        ({}, ["albertslund", "roskilde"], "Ukendt organisation: roskilde."),
        ({}, ["ringsted", "roskilde"], "Ukendte organisationer: ringsted, roskilde."),
        (
            {"--ends": "2027-01-10"},
            ["albertslund"],
            "Slutdatoen 2027-01-10 ligger før startdatoen 2027-01-11.",
        ),
        ({"--name": ""}, ["albertslund"], "Skriv forløbets navn."),
        ({"--name": " \u00a0 "}, ["albertslund"], "Skriv forløbets navn."),
        ({"--name": "x" * 201}, ["albertslund"], "højst være 200 tegn langt; det er 201."),
        ({"--name": "x" * 10_000}, ["albertslund"], "højst være 200 tegn langt; det er 10000."),
        ({"--name": "Forår\x002027"}, ["albertslund"], "styretegn"),
        ({"--name": "Forår\n2027"}, ["albertslund"], "styretegn"),
        ({"--name": "Forår\t2027"}, ["albertslund"], "styretegn"),
        ({"--name": "Forår\x1b[31m"}, ["albertslund"], "styretegn"),
        ({"--name": "Forår \udcff"}, ["albertslund"], "styretegn"),  # an undecodable byte
    ],
)
def test_mistakes_are_refused_and_change_nothing(places, invoke, changes, organisations, message):
    result = create(invoke, *organisations, **changes)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith("Fejl: ")
    assert result.stdout == ""
    assert count(Cohort) == 0 and count(cohort_organisations) == 0


@pytest.mark.parametrize(
    "value",
    ["99999-01-01", "2027-13-01", "2027-02-30", "11-01-2027", "20270111", "2027-W02-1", "i morgen"],
)
@pytest.mark.parametrize("option", ["--starts", "--ends"])
def test_a_date_not_written_year_month_day_is_refused(places, invoke, option, value):
    result = create(invoke, "albertslund", **{option: value})
    assert result.exit_code == 2
    assert f"»{value}« er ikke en dato som 2027-01-11" in result.stderr
    assert count(Cohort) == 0


def test_the_course_the_start_the_name_and_an_organisation_are_required(places, invoke):
    for missing in ("--course", "--name", "--starts"):
        result = create(invoke, "albertslund", **{missing: None})
        assert result.exit_code == 2 and missing in result.stderr
    assert create(invoke).exit_code == 2
    assert count(Cohort) == 0


def test_a_retired_course_gets_no_new_rounds(places, invoke):
    course = cohorts.course_by_slug("digital-ledelse")
    course.retired_at = utcnow()
    db.session.flush()
    result = create(invoke, "albertslund")
    assert result.exit_code == 1
    assert "Kurset digital-ledelse er udgået" in result.stderr
    assert count(Cohort) == 0


def test_the_service_checks_what_the_database_would_refuse(session):
    course = factories.course()
    with pytest.raises(ServiceError, match="Slutdatoen"):
        cohorts.create_cohort(
            course, name="Hold", starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 1, 31)
        )
    with pytest.raises(ServiceError, match="styretegn"):
        cohorts.create_cohort(course, name="a\x00b", starts_on=dt.date(2027, 2, 1))
    assert count(Cohort) == 0


@pytest.mark.parametrize("slug", ["digital\x00ledelse", "digital-ledelse\udcff"])
def test_slugs_the_database_cannot_compare_are_simply_unknown(places, invoke, slug):
    course = create(invoke, "albertslund", **{"--course": slug})
    assert course.exit_code == 1 and "findes ikke" in course.stderr
    organisation = create(invoke, slug.replace("digital-ledelse", "albertslund"))
    assert organisation.exit_code == 1 and "Ukendt organisation" in organisation.stderr
    listed = invoke("cohorts", "list", "--course", slug)
    assert listed.exit_code == 1 and "findes ikke" in listed.stderr
    assert count(Cohort) == 0
