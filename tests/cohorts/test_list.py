"""``course-app cohorts list``: one line per round with its enrolment count, counted in one query."""

from __future__ import annotations

import datetime as dt

from course_app.cohorts import services as cohorts
from course_app.cohorts.overview import cohort_lines
from tests import factories


def test_one_line_per_round_oldest_first(round_, invoke):
    for key in ("anne", "bo", "gitte"):
        cohorts.enrol(round_.people[key], round_.cohort)
    autumn = cohorts.create_cohort(
        factories.course(slug="trivsel"),
        name="Efterår 2027",
        starts_on=dt.date(2027, 8, 16),
        ends_on=dt.date(2027, 12, 17),
        organisations=[round_.ballerup],
    )
    result = invoke("cohorts", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{round_.cohort.id}\tdigital-ledelse\tTesthold\t2026-01-05–\tAlbertslund, Glostrup\t3\tåben",
        f"{autumn.id}\ttrivsel\tEfterår 2027\t2027-08-16–2027-12-17\tBallerup\t0\tåben",
    ]


def test_filtered_by_course_and_by_organisation(round_, invoke):
    other = cohorts.create_cohort(
        round_.course, name="Hold 2", starts_on=dt.date(2027, 1, 4), organisations=[round_.ballerup]
    )
    by_course = invoke("cohorts", "list", "--course", "digital-ledelse").stdout.splitlines()
    assert [line.split("\t")[0] for line in by_course] == [str(round_.cohort.id), str(other.id)]
    by_org = invoke("cohorts", "list", "--organisation", "glostrup").stdout.splitlines()
    assert [line.split("\t")[2] for line in by_org] == ["Testhold"]
    both = invoke("cohorts", "list", "--course", "digital-ledelse", "--organisation", "ballerup")
    assert [line.split("\t")[2] for line in both.stdout.splitlines()] == ["Hold 2"]


def test_nothing_to_list_and_unknown_slugs(round_, invoke):
    factories.course(slug="tom")
    empty = invoke("cohorts", "list", "--course", "tom")
    assert empty.exit_code == 0 and empty.stdout == "" and "Ingen forløb." in empty.stderr
    unknown = invoke("cohorts", "list", "--course", "findes-ikke")
    assert unknown.exit_code == 1 and "Kurset findes-ikke findes ikke." in unknown.stderr
    unknown = invoke("cohorts", "list", "--organisation", "roskilde")
    assert unknown.exit_code == 1 and "Ukendt organisation: roskilde." in unknown.stderr


def test_the_counts_take_one_query_however_many_rounds(round_, count_statements):
    with count_statements() as counter:
        one = cohort_lines()
    for n in range(5):
        cohort = cohorts.create_cohort(
            round_.course, name=f"Hold {n}", starts_on=dt.date(2027, 1, 1 + n),
            organisations=[round_.albertslund, round_.glostrup],
        )  # fmt: skip
        for key in ("anne", "bo", "carl")[: n % 3 + 1]:
            cohorts.enrol(round_.people[key], cohort)
    with count_statements() as more:
        six = cohort_lines()
    assert len(one) == 1 and len(six) == 6
    assert [line.enrolled for line in six] == [0, 1, 2, 3, 1, 2]
    assert more.count == counter.count == 2
