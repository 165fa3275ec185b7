"""``course-app cohorts enrol``: by organisation, area, leader group, e-mail or CSV file; all or
nobody; never twice; a dry run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_app.cohorts import services as cohorts
from course_app.cohorts.enrolling import EnrolmentRefused, Selection, enrol_selection
from course_app.cohorts.models import Enrolment
from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.organisations import services as directory
from tests.cohorts.conftest import count, enrolled_emails

ALBERTSLUND_LEARNERS = {"anne", "bo", "bent", "carl"}  # not kirsten, frede (staff) nor dorte (gone)


def emails(*keys: str) -> set[str]:
    return {f"{key}@test.example" for key in keys}


def enrol(invoke, round_, *args: str):
    return invoke("cohorts", "enrol", str(round_.cohort.id), *args)


def test_by_organisation_enrols_its_active_learners(round_, invoke):
    result = enrol(invoke, round_, "--organisation", "albertslund")
    assert result.exit_code == 0, result.output
    assert enrolled_emails(round_.cohort) == emails(*ALBERTSLUND_LEARNERS)
    assert "4 nye tilmeldinger til forløbet »Testhold«" in result.stdout
    assert "0 var allerede tilmeldt." in result.stdout
    assert "2 koordinatorer, facilitatorer eller administratorer er ikke valgt" in result.stdout


def test_by_area_and_by_group_within_the_round(round_, invoke):
    by_area = enrol(invoke, round_, "--area", "  børn OG unge ")
    assert by_area.exit_code == 0, by_area.output
    assert enrolled_emails(round_.cohort) == emails("anne", "bo", "bent")
    by_group = enrol(invoke, round_, "--organisation", "glostrup", "--group", "skolegruppen")
    assert by_group.exit_code == 0, by_group.output
    assert enrolled_emails(round_.cohort) == emails("anne", "bo", "bent", "gitte")


def test_area_and_group_together_take_those_in_both(round_, invoke):
    carl = round_.people["carl"]
    carl.area_id = directory.get_or_create_area(round_.albertslund, "Børn og unge").id
    result = enrol(invoke, round_, "--area", "Børn og unge", "--group", "Ledergruppe 2")
    assert result.exit_code == 0, result.output
    assert enrolled_emails(round_.cohort) == emails("carl")


def test_a_group_means_its_current_members(round_, invoke):
    group_2 = directory.get_or_create_group(round_.albertslund, "Ledergruppe 2")
    directory.move_to_group(round_.people["bo"], group_2)  # bo leaves group 1
    result = enrol(invoke, round_, "--group", "Ledergruppe 1")
    assert result.exit_code == 0, result.output
    assert enrolled_emails(round_.cohort) == emails("anne")


def test_running_again_enrols_nobody_twice(round_, invoke):
    first = enrol(invoke, round_, "--group", "Ledergruppe 1")
    assert "2 nye tilmeldinger" in first.stdout
    again = enrol(invoke, round_, "--organisation", "albertslund")
    assert again.exit_code == 0, again.output
    assert "2 nye tilmeldinger" in again.stdout and "2 var allerede tilmeldt." in again.stdout
    third = enrol(invoke, round_, "--organisation", "albertslund")
    assert "0 nye tilmeldinger" in third.stdout and "4 var allerede tilmeldt." in third.stdout
    assert count(Enrolment) == 4


def test_the_enrol_service_is_idempotent(round_):
    anne = round_.people["anne"]
    first = cohorts.enrol(anne, round_.cohort)
    assert cohorts.enrol(anne, round_.cohort) is first
    assert count(Enrolment) == 1


def test_by_email_enrols_exactly_those_named_even_staff(round_, invoke):
    result = enrol(
        invoke, round_, "--email", "ANNE@test.example ", "--email", "kirsten@test.example",
        "--email", "gitte@test.example", "--email", "anne@test.example",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert enrolled_emails(round_.cohort) == emails("anne", "kirsten", "gitte")
    assert "3 nye tilmeldinger" in result.stdout
    assert "koordinator" not in result.stdout


def test_one_bad_email_and_nobody_is_enrolled_each_named(round_, invoke):
    result = enrol(
        invoke, round_, "--email", "anne@test.example", "--email", "birgit@test.example",
        "--email", "ukendt@test.example", "--email", "dorte@test.example",
        "--email", "palle@test.example", "--email", "bo@test.example",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "Fejl: birgit@test.example hører ikke til forløbets organisationer (Albertslund, Glostrup).",
        "Fejl: ukendt@test.example: ingen person har den e-mail.",
        "Fejl: dorte@test.example er deaktiveret.",
        "Fejl: palle@test.example hører ikke til forløbets organisationer (Albertslund, Glostrup).",
        "Fejl: Ingen blev tilmeldt.",
    ]
    assert count(Enrolment) == 0


def test_a_dry_run_says_what_would_happen_and_writes_nothing(round_, invoke, count_statements):
    enrol(invoke, round_, "--email", "anne@test.example")
    with count_statements() as counter:
        result = enrol(invoke, round_, "--organisation", "albertslund", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "Prøvekørsel – intet er gemt.",
        f"3 personer ville blive tilmeldt forløbet »Testhold« (id {round_.cohort.id}).",
        "1 var allerede tilmeldt.",
    ]
    assert enrolled_emails(round_.cohort) == emails("anne")
    written = [s for s in counter.statements if not s.lstrip().upper().startswith("SELECT")]
    assert written == []


def test_a_dry_run_with_a_bad_email_fails_like_the_real_run(round_, invoke):
    result = enrol(invoke, round_, "--email", "birgit@test.example", "--dry-run")
    assert result.exit_code == 1
    assert "birgit@test.example hører ikke til" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "ballerup"], "Ballerup deltager ikke i forløbet »Testhold«."),
        (["--organisation", "roskilde"], "Organisationen roskilde findes ikke."),
        (
            ["--area", "Skole", "--organisation", "albertslund"],
            "»Skole« findes ikke i Albertslund.",
        ),
        (["--group", "Ledergruppe 9"], "»Ledergruppe 9« findes ikke i Albertslund, Glostrup."),
        ([], "Vælg hvem der skal tilmeldes"),
        (["--group", "Ledergruppe 1", "--email", "anne@test.example"], "ikke begge"),
    ],
)
def test_filters_that_select_nothing_sensible_are_refused(round_, invoke, args, message):
    result = enrol(invoke, round_, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(Enrolment) == 0


def test_an_unknown_round_is_refused(round_, invoke):
    result = invoke("cohorts", "enrol", str(round_.cohort.id + 1000), "--organisation", "glostrup")
    assert result.exit_code == 1
    assert f"Forløbet med id {round_.cohort.id + 1000} findes ikke." in result.stderr
    assert invoke("cohorts", "enrol", "tre", "--organisation", "glostrup").exit_code == 2


def people_file(tmp_path: Path, text: str, encoding: str = "utf-8-sig") -> str:
    path = tmp_path / "deltagere.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.mark.parametrize(
    "text",
    [
        "email\r\nanne@test.example\r\n\r\ngitte@test.example\r\n",
        "navn;E-mail;område\r\nAnne;anne@test.example;\r\nGitte;gitte@test.example;Skole\r\n",
        'sep=;\r\nname;email\r\n"Anne; A.";anne@test.example\r\n;gitte@test.example\r\n',
        "name,email,organisation,area,group,role\nA,anne@test.example,Albertslund,,,\n"
        "G,gitte@test.example,Glostrup,,,leader\n",
    ],
    ids=["one-column", "danish-excel", "excel-separator-line", "people-import-file"],
)
def test_a_csv_file_with_an_email_column(round_, invoke, tmp_path, text):
    result = enrol(invoke, round_, "--csv", people_file(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert enrolled_emails(round_.cohort) == emails("anne", "gitte")


def test_a_csv_file_and_emails_add_up(round_, invoke, tmp_path):
    path = people_file(tmp_path, "email\nanne@test.example\n", encoding="utf-8")
    result = enrol(invoke, round_, "--csv", path, "--email", "bo@test.example")
    assert result.exit_code == 0, result.output
    assert enrolled_emails(round_.cohort) == emails("anne", "bo")


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        ("navn;adresse\nAnne;anne@test.example\n", "utf-8", ":1: Første linje skal være"),
        ("email;email\nanne@test.example;x\n", "utf-8", ":1: Kolonnen email står flere gange"),
        ("navn;email\nAnne;anne@test.example\nBo\n", "utf-8", ":3: Linjen har ingen e-mail"),
        ("email\nsøren@test.example\n", "latin-1", ":2: Filen er ikke gemt som UTF-8"),
        ("", "utf-8", ":1: Første linje skal være"),
        ("email\n\n", "utf-8", "filen har ingen e-mailadresser"),
        ("email\nanne@test.example\nbirgit@test.example\n", "utf-8", "birgit@test.example hører"),
    ],
)
def test_a_bad_csv_file_enrols_nobody(round_, invoke, tmp_path, text, encoding, message):
    path = people_file(tmp_path, text, encoding)
    result = enrol(invoke, round_, "--csv", path)
    assert result.exit_code == 1
    assert message in result.stderr
    assert count(Enrolment) == 0


def test_thousands_of_emails_take_a_few_statements(round_, count_statements):
    named = ["anne@test.example"] + [f"ukendt{n}@test.example" for n in range(1200)]
    with count_statements() as counter, pytest.raises(EnrolmentRefused) as refused:
        enrol_selection(round_.cohort, Selection(emails=tuple(named)))
    assert len(refused.value.problems) == 1200
    assert counter.count <= 5


def test_the_selection_service_flushes_and_reports(round_):
    report = enrol_selection(round_.cohort, Selection(organisation="glostrup"))
    assert (report.enrolled, report.already, report.staff_left_out) == (1, 0, 0)
    assert not db.session.new  # flushed; the caller commits
    assert enrolled_emails(round_.cohort) == emails("gitte")


def test_values_the_database_cannot_compare_are_refused_like_unknown_ones(round_, invoke, tmp_path):
    named = enrol(invoke, round_, "--email", "anne\x00@test.example", "--email", "bo\udcff@x.dk")
    assert named.exit_code == 1 and named.stderr.count("ingen person har den e-mail") == 2
    organisation = enrol(invoke, round_, "--organisation", "albert\x00slund")
    assert organisation.exit_code == 1 and "findes ikke" in organisation.stderr
    in_file = enrol(
        invoke, round_, "--csv", people_file(tmp_path, "email\nanne\x00@test.example\n")
    )
    assert in_file.exit_code == 1 and "ingen person har den e-mail" in in_file.stderr
    too_big = invoke("cohorts", "enrol", str(2**70), "--organisation", "albertslund")
    assert too_big.exit_code == 1 and "findes ikke" in too_big.stderr
    assert count(Enrolment) == 0


def test_someone_enrolling_at_the_same_time_leaves_nothing_half_done(round_, monkeypatch):
    """Another process enrols anne between the look-up and the insert: a clear error, and the
    savepoint takes bo's enrolment back with it."""
    cohorts.enrol(round_.people["anne"], round_.cohort)
    monkeypatch.setattr("course_app.cohorts.enrolling._enrolled_among", lambda *_: set())
    with pytest.raises(ServiceError, match="samtidig"):
        enrol_selection(round_.cohort, Selection(group="Ledergruppe 1"))
    assert enrolled_emails(round_.cohort) == emails("anne")
