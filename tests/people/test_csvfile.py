"""Reading people files as Danish Excel and other tools write them."""

from __future__ import annotations

import pytest

from course_app.people.csvfile import CsvRow, read_rows


@pytest.fixture(autouse=True)
def app_context(app):
    with app.app_context():
        yield


HEADER = "name;email;organisation;area;group;role"


def lines(*rows: str, newline: str = "\r\n") -> str:
    return newline.join(rows) + newline


def test_semicolon_file_with_bom_as_danish_excel_saves_it():
    data = (
        "\ufeff" + lines(HEADER, "Søren Ærø;soeren@test.example;Køge;Børn og unge;Gruppe Å;leder")
    ).encode()
    rows, problems = read_rows(data)
    assert problems == []
    assert rows == [
        CsvRow(2, "Søren Ærø", "soeren@test.example", "Køge", "Børn og unge", "Gruppe Å", "leder")
    ]


def test_comma_file_without_bom_and_with_lf_line_ends():
    data = lines(
        "name,email,organisation,area,group,role",
        "Ann,ann@test.example,Glostrup,,G1,",
        newline="\n",
    ).encode()
    rows, problems = read_rows(data)
    assert problems == []
    assert rows[0].name == "Ann" and rows[0].area == "" and rows[0].role == ""


def test_text_input_is_read_like_bytes():
    rows, problems = read_rows(lines(HEADER, "Ann;ann@test.example;Glostrup;;G1;"))
    assert problems == [] and rows[0].line == 2


def test_headers_are_case_insensitive_in_any_order_and_danish_names_work():
    data = lines(
        "E-MAIL;Navn;Rolle;Gruppe;Område;Organisation", "ann@test.example;Ann;chair;G1;A;Org"
    )
    rows, problems = read_rows(data)
    assert problems == []
    assert rows == [CsvRow(2, "Ann", "ann@test.example", "Org", "A", "G1", "chair")]


def test_excel_quoting_keeps_separators_quotes_and_line_numbers_right():
    data = lines(
        HEADER,
        '"Hansen; Jens";jens@test.example;Org;;G1;leader',
        '"Jens ""JJ"" Jensen";jj@test.example;Org;;G1;leader',
        '"To\r\nlinjer";to@test.example;Org;;G1;leader',
        "Efter;efter@test.example;Org;;G1;leader",
    )
    rows, problems = read_rows(data)
    assert problems == []
    assert [row.name for row in rows] == [
        "Hansen; Jens",
        'Jens "JJ" Jensen',
        "To\r\nlinjer",
        "Efter",
    ]
    # the quoted line break is part of the row on line 4; the next row starts on physical line 6
    assert [row.line for row in rows] == [2, 3, 4, 6]


def test_formulas_are_kept_as_plain_text():
    data = lines(
        HEADER,
        '"=HYPERLINK(""http://ond.example"";""klik"")";f@test.example;+45 Org;@SUM(A1);-1;leader',
    )
    rows, problems = read_rows(data)
    assert problems == []
    assert rows[0].name == '=HYPERLINK("http://ond.example";"klik")'
    assert (rows[0].organisation, rows[0].area, rows[0].group) == ("+45 Org", "@SUM(A1)", "-1")


def test_blank_lines_and_empty_excel_rows_are_skipped_without_shifting_line_numbers():
    data = lines(
        HEADER,
        "",
        ";;;;;",
        "Ann;ann@test.example;Org;;G1;",
        "  ;  ;;;;",
        "Bo;bo@test.example;Org;;G1;",
    )
    rows, problems = read_rows(data)
    assert problems == []
    assert [row.line for row in rows] == [4, 6]


def test_cells_are_stripped():
    rows, _ = read_rows(lines(HEADER, "  Ann  ; ann@test.example ;Org ; ; G1 ; leder "))
    assert rows[0] == CsvRow(2, "Ann", "ann@test.example", "Org", "", "G1", "leder")


def test_excel_separator_hint_line():
    rows, problems = read_rows(
        lines("sep=,", "name,email,organisation,area,group,role", "A;B,a@test.example,Org,,G1,")
    )
    assert problems == []
    assert rows == [CsvRow(3, "A;B", "a@test.example", "Org", "", "G1", "")]


def test_extra_columns_are_an_error_naming_them():
    _, problems = read_rows(
        lines(HEADER + ";telefon;Afdeling", "Ann;a@test.example;Org;;G1;;123;X")
    )
    assert len(problems) == 1
    assert problems[0].line == 1
    assert "»telefon«" in problems[0].reason and "»Afdeling«" in problems[0].reason


def test_missing_and_repeated_columns_are_errors():
    _, problems = read_rows(lines("name;email;email;role", "Ann;a@test.example;b@test.example;"))
    reasons = " ".join(problem.reason for problem in problems)
    assert [problem.line for problem in problems] == [1, 1]
    assert "»email«" in reasons
    assert "organisation, area, group" in reasons


def test_empty_header_cells_are_allowed_when_their_cells_are_empty():
    rows, problems = read_rows(
        lines(HEADER + ";;", "Ann;a@test.example;Org;;G1;;;", "Bo;b@test.example;Org;;G1;;x;")
    )
    assert [row.line for row in rows] == [2]
    assert [(problem.line, "kolonne 7" in problem.reason) for problem in problems] == [(3, True)]


def test_a_row_with_the_wrong_number_of_cells_is_reported_with_its_line():
    rows, problems = read_rows(
        lines(HEADER, "Ann;a@test.example;Org;;G1", "Bo;b@test.example;Org;;G1;;x")
    )
    assert rows == []
    assert [problem.line for problem in problems] == [2, 3]
    assert "5 felter" in problems[0].reason and "6" in problems[0].reason


def test_not_utf8_names_the_line_of_the_first_bad_byte():
    data = lines(HEADER, "Ann;a@test.example;Org;;G1;", "Søren;s@test.example;Org;;G1;").encode(
        "cp1252"
    )
    rows, problems = read_rows(data)
    assert rows == []
    assert len(problems) == 1 and problems[0].line == 3
    assert "UTF-8" in problems[0].reason


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\r\n", b"   "])
def test_an_empty_file_is_a_problem(data):
    rows, problems = read_rows(data)
    assert rows == [] and len(problems) == 1 and problems[0].line == 1


def test_a_header_alone_is_an_empty_import():
    assert read_rows(lines(HEADER)) == ([], [])


def test_a_file_without_a_header_is_refused():
    _, problems = read_rows(lines("Ann;a@test.example;Org;;G1;leader"))
    assert problems and problems[0].line == 1
    assert "Ukendte kolonner" in problems[0].reason


def test_nul_bytes_do_not_crash_the_reader():
    """The importer refuses control characters in cells (tested there); reading must not crash."""
    rows, problems = read_rows(lines(HEADER, "Ann;a@test.example;Org\x00;;G1;").encode())
    assert problems == [] and rows[0].organisation == "Org\x00"
