"""Reading the e-mail column of a CSV file (the text; decoding is the caller's)."""

from __future__ import annotations

from course_app.cohorts.email_file import read_email_column


def test_either_separator_and_any_other_columns():
    assert read_email_column("Navn;E-MAIL\nA;a@x.dk\n;b@x.dk\n") == (["a@x.dk", "b@x.dk"], [])
    assert read_email_column('name,email\n"Lund, A",a@x.dk\n') == (["a@x.dk"], [])


def test_a_quoted_line_break_keeps_the_line_numbers_right():
    emails, problems = read_email_column('note;email\n"to\nlinjer";a@x.dk\nkun noget\n')
    assert emails == []
    assert [problem.line for problem in problems] == [4]
