"""CSV exports: open in Danish Excel (semicolon, UTF-8 with BOM), a comma option, no formulas, and a
round trip through Python's csv module gives back exactly what the page shows."""

from __future__ import annotations

import csv
import io

import pytest

from course_app.core.spreadsheet import (
    CHUNK_SIZE,
    csv_chunks,
    csv_lines,
    neutralise,
    separator_from,
)
from course_app.organisations import services as directory
from tests import factories
from tests.helpers import sign_in
from tests.reports.conftest import World, finish

BOM = b"\xef\xbb\xbf"


def _rows(body: bytes, delimiter: str = ";") -> list[list[str]]:
    assert body.startswith(BOM)
    return list(csv.reader(io.StringIO(body[len(BOM) :].decode("utf-8")), delimiter=delimiter))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+45 12 34 56 78", "'+45 12 34 56 78"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tgemt", "'\tgemt"),
        ("\rgemt", "'\rgemt"),
        ("Anna = leder", "Anna = leder"),
        ("Bo-Erik", "Bo-Erik"),
        ("", ""),
        (None, ""),
        (42, 42),
        (0, 0),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_separator_option():
    assert separator_from(None) == ";"
    assert separator_from("semicolon") == ";"
    assert separator_from("comma") == ","
    assert separator_from("tab") == ";"


def test_lines_are_produced_one_at_a_time_and_round_trip():
    tricky = [
        ["Navn", "Bemærkning"],
        ["Ærø; Østergård", 'Sagde "hej"'],
        ["Linje\nskift", '=HYPERLINK("https://ondt.example";"Klik")'],
        ["\r\nstart", "\tfane"],
    ]
    chunks = list(csv_lines(tricky, separator=";"))
    assert chunks[0] == "\ufeff"
    assert len(chunks) == 1 + len(tricky)  # streamed: one chunk per row
    text = "".join(chunks)[1:]
    back = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert back == [
        ["Navn", "Bemærkning"],
        ["Ærø; Østergård", 'Sagde "hej"'],
        ["Linje\nskift", '\'=HYPERLINK("https://ondt.example";"Klik")'],
        ["'\r\nstart", "'\tfane"],
    ]


def test_lines_are_sent_in_chunks_of_whole_lines():
    rows = [[f"Leder {number}", "Ærø; Østergård", "=1+1", number] for number in range(5000)]
    chunks = list(csv_chunks(rows, separator=";", size=4096))
    whole = "".join(csv_lines(rows, separator=";")).encode("utf-8")
    assert b"".join(chunks) == whole  # the same file, BOM first
    assert chunks[0].startswith(BOM)
    assert len(chunks) > 10
    for chunk in chunks[:-1]:
        assert 4096 <= len(chunk) < 4096 + 100  # one write per chunk of about ``size``
    assert all(chunk.endswith(b"\r\n") for chunk in chunks)  # never a line split in two
    assert CHUNK_SIZE == 64 * 1024
    small = list(csv_chunks([["a", 1], ["b", 2]], separator=","))
    assert small == [BOM + b"a,1\r\nb,2\r\n"]  # a small file is one write
    assert list(csv_chunks([], separator=";")) == [BOM]


def _add_member(world: World, name: str):
    leader, enrolment = factories.enrolled_leader(world.cohort, org=world.org, name=name)
    directory.move_to_group(leader, world.group)
    return leader, enrolment


def test_group_export_opens_in_danish_excel(client, world, session):
    _, evil_enrolment = _add_member(world, '=HYPERLINK("https://ondt.example";"Klik her")')
    _add_member(world, "@SUM(1+1)")
    _add_member(world, "+4512345678")
    _add_member(world, '-Bent; "Den Store" Ørsted')
    finish(evil_enrolment, world.course, "lektion-afslutning")
    session.commit()
    sign_in(client, world.chair.email)
    response = client.get(world.export_url)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert disposition.endswith('.csv"')
    assert "ledergruppe-nord" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    assert body.startswith(BOM)
    assert b"\r\n" in body and b"Deltager;Modul A;Modul B;" in body
    rows = _rows(body)
    assert rows[0] == [
        "Deltager",
        "Modul A",
        "Modul B",
        "Færdige lektioner",
        "Lektioner i alt",
        "Seneste aktivitet",
    ]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["Anna Andersen"] == ["Færdig", "Ikke startet", "2", "3", "2026-11-23 14:30"]
    assert by_name["Bo Berg"][:4] == ["I gang", "Ikke startet", "0", "3"]
    assert by_name["Cecilie Christensen"] == ["Ikke startet", "Ikke startet", "0", "3", ""]
    # Formulas stay text; the quote and semicolon survive.
    assert '\'=HYPERLINK("https://ondt.example";"Klik her")' in by_name
    assert by_name['\'=HYPERLINK("https://ondt.example";"Klik her")'][:3] == [
        "Ikke startet",
        "Færdig",
        "1",
    ]
    assert "'@SUM(1+1)" in by_name and "'+4512345678" in by_name
    assert '\'-Bent; "Den Store" Ørsted' in by_name
    assert not any(row[0].startswith(("=", "+", "-", "@")) for row in rows)
    # Only the group's members.
    assert world.sara.name not in by_name and len(rows) == 1 + 7


def test_group_export_with_comma(client, world):
    sign_in(client, world.coordinator.email)
    response = client.get(world.export_url + "?separator=comma")
    rows = _rows(response.get_data(), delimiter=",")
    assert rows[0][:3] == ["Deltager", "Modul A", "Modul B"]
    assert {row[0] for row in rows[1:]} == {"Anna Andersen", "Bo Berg", "Cecilie Christensen"}


def test_report_export_is_flat_and_follows_the_filters(client, world):
    sign_in(client, world.admin.email)
    response = client.get("/rapport/eksport.csv")
    assert response.is_streamed
    assert 'filename="rapport-testhold-' in response.headers["Content-Disposition"]
    rows = _rows(response.get_data())
    assert rows[0] == [
        "Organisation",
        "Område",
        "Ledergruppe",
        "Modul",
        "Tilmeldte",
        "Startet",
        "Færdige",
        "Færdige lektioner",
        "Mulige lektioner",
        "Gennemført (%)",
    ]
    assert rows[1:] == [
        ["Albertslund", "Børn og unge", "Ledergruppe Nord", "Modul A", "3", "2", "1", "2", "6", "33"],
        ["Albertslund", "Børn og unge", "Ledergruppe Nord", "Modul B", "3", "0", "0", "0", "3", "0"],
        ["Albertslund", "Social og sundhed", "Ledergruppe Syd", "Modul A", "2", "0", "0", "0", "4", "0"],
        ["Albertslund", "Social og sundhed", "Ledergruppe Syd", "Modul B", "2", "0", "0", "0", "2", "0"],
        ["Glostrup", "Børn og skole", "Ledergruppe Vest", "Modul A", "1", "1", "1", "2", "2", "100"],
        ["Glostrup", "Børn og skole", "Ledergruppe Vest", "Modul B", "1", "1", "1", "1", "1", "100"],
    ]  # fmt: skip
    module_a = world.course_module_id("modul-a")
    filtered = _rows(
        client.get(
            f"/rapport/eksport.csv?group={world.group.id}&module={module_a}&separator=comma"
        ).get_data(),
        delimiter=",",
    )
    assert filtered[1:] == [
        [
            "Albertslund",
            "Børn og unge",
            "Ledergruppe Nord",
            "Modul A",
            "3",
            "2",
            "1",
            "2",
            "6",
            "33",
        ]
    ]


def test_report_export_link_carries_the_filters(client, world):
    sign_in(client, world.admin.email)
    html = client.get(f"/rapport?area={world.area.id}").get_data(as_text=True)
    assert f"/rapport/eksport.csv?cohort={world.cohort.id}&amp;area={world.area.id}" in html
