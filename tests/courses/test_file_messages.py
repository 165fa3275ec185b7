"""The course files' problems are Danish message ids: a YAML syntax error says in Danish what kind it
is (never the parser's English), and a problem given a lazy message is plain text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask_babel import lazy_gettext as _l

from course_app.courses.file_reader import read_course_dir
from course_app.courses.file_schema import Problem

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
# Words of ruamel.yaml's own error texts.
PARSER_WORDS = (
    "while ",
    "expected",
    "found",
    "but got",
    "not allowed",
    "could not",
    "unacceptable",
    "character '",
)

# (the course.yml summary line becomes this, the line the problem names, the Danish hint)
YAML_ERRORS = {
    "colon in a value": ("summary: A: small", 0, "Der står et kolon og et mellemrum (»: «)"),
    "tab": ("summary: A small\n\tfoo: 1", 1, "Linjen har et tabulatortegn."),
    "reserved first character": ("summary: `small`", 0, "En værdi begynder med et tegn"),
    "unknown escape": ('summary: "a\\qb"', 0, "En tekst i dobbelte anførselstegn har en omvendt"),
    "open quote": ('summary: "small', None, "En tekst i anførselstegn er ikke lukket."),
    "flow list": ("summary: [a, b\nfoo: 1", 1, "En liste i [ ] er ikke skrevet rigtigt."),
    "flow mapping": ("summary: {a: 1\nfoo: 1", 1, "Nøglerne i { } er ikke skrevet rigtigt."),
    "unclosed bracket": ("summary: [", None, "En [ eller { er ikke lukket."),
    "no colon": ("summary: small\nfoo\nbar: 1", 2, "Der mangler et kolon (»:«) efter en nøgle"),
    "block scalar": ("summary: |x\n  small", 0, "En tekstblok er ikke skrevet rigtigt"),
    "anchor": ("summary: &", 0, "Tegnet & i starten af en værdi"),
    "two documents": ("summary: small\n---\nfoo: 1", 1, "mere end ét YAML-dokument"),
    "text after quotes": ('summary: "small" world', 0, "Indrykningen passer ikke."),
    "duplicate key": ("summary: small\nsummary: again", 1, "Nøglen »summary« står to gange."),
    "control character": (
        "summary: small \x01",
        0,
        "et tegn, der ikke må stå i YAML (tegnkode U+0001)",
    ),
}


@pytest.mark.parametrize(("new", "offset", "hint"), YAML_ERRORS.values(), ids=YAML_ERRORS.keys())
def test_a_yaml_error_says_in_danish_what_is_wrong(
    tmp_path: Path, new: str, offset: int | None, hint: str
) -> None:
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "minimal"))
    course_file = folder / "course.yml"
    text = course_file.read_text(encoding="utf-8")
    summary = next(line for line in text.split("\n") if line.startswith("summary:"))
    course_file.write_text(text.replace(summary, new, 1), encoding="utf-8")

    _data, [problem] = read_course_dir(folder)

    assert problem.file == "minimal/course.yml"
    assert problem.message.startswith("Ugyldig YAML: ") and hint in problem.message, problem
    assert not [word for word in PARSER_WORDS if word in problem.message], problem
    if offset is not None:
        summary_line = text.split("\n").index(summary) + 1
        assert problem.line == summary_line + offset, problem


def test_an_unknown_kind_of_yaml_error_gets_the_general_words(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(FIXTURE, tmp_path / "minimal"))
    (folder / "course.yml").write_text("%YAML 2.0\n---\nid: x\n", encoding="utf-8")

    _data, [problem] = read_course_dir(folder)

    assert problem.message == (
        "Ugyldig YAML: Teksten kan ikke læses her. Tjek anførselstegn, kolon og indrykning på "
        "denne linje og linjen før."
    )


def test_a_problem_keeps_a_lazy_message_as_plain_text() -> None:
    """Outside a request the Danish id; equal to and hashed as the same problem with a str."""
    lazy = Problem("c/course.yml", 3, _l("Kursusmappen findes ikke."))
    plain = Problem("c/course.yml", 3, "Kursusmappen findes ikke.")

    assert type(lazy.message) is str
    assert lazy == plain and hash(lazy) == hash(plain)
    assert str(lazy) == "c/course.yml:3: Kursusmappen findes ikke."
