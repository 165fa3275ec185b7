"""``release:`` in module.md: validated with file and line, imported, exported byte-identically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from course_app.courses.file_export import course_to_files
from course_app.courses.file_import import import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.models import Course
from tests.courses.test_loader import FIXTURE, edit, line_of

WORKSHOP = "02-workshop/module.md"
START = "01-start/module.md"


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "minimal"))


def _release(course_dir: Path, module: str, rule: str) -> Path:
    path = course_dir / module
    edit(path, "lessons:\n", f"release:\n{rule}lessons:\n")
    return path


@pytest.mark.parametrize(
    "rule",
    [
        "  days_after_start: 7\n",
        '  date: "2027-01-12"\n',
        "  date: 2027-01-12\n",
        "  after: start\n",
    ],
)
def test_each_kind_of_rule_reads_and_round_trips(session, course_dir: Path, rule: str) -> None:
    _release(course_dir, WORKSHOP, rule)
    data, problems = read_course_dir(course_dir)
    assert problems == []
    workshop = data.modules[1]
    assert workshop.release is not None and len(workshop.release) == 1

    import_course(course_dir)
    files = course_to_files_of(session, "minimal")
    written = files["02-workshop/module.md"]
    assert "release:\n" in written
    # exported once more after a new import: byte-identical
    out = course_dir.parent / "again"
    out.mkdir()
    for name, text in files.items():
        target = out / "minimal" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    import_course(out / "minimal")
    assert course_to_files_of(session, "minimal") == files


def course_to_files_of(session, slug: str) -> dict[str, str]:
    return course_to_files(session.scalar(select(Course).where(Course.slug == slug)))


def test_module_without_release_is_written_without_one(session, course_dir: Path) -> None:
    import_course(course_dir)
    files = course_to_files_of(session, "minimal")
    assert "release" not in files["01-start/module.md"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "  days_after_start: -1\n",
            "»release« har en »days_after_start«, der skal være et helt tal fra 0 til 3650.",
        ),
        ("  days_after_start: 99999999999\n", "der skal være et helt tal fra 0 til 3650"),
        ("  days_after_start: seven\n", "der skal være et helt tal fra 0 til 3650"),
        ('  date: "2027-02-30"\n', 'har en »date«, der skal være en dag skrevet "ÅÅÅÅ-MM-DD"'),
        ('  date: "12-01-2027"\n', 'har en »date«, der skal være en dag skrevet "ÅÅÅÅ-MM-DD"'),
        ("  after: Start Module\n", "har en »after«, der skal være id'et på et andet modul"),
        ("  weekly: 3\n", "har en ukendt nøgle »weekly«"),
        ("  days_after_start: 3\n  after: start\n", "»release« skal have præcis én nøgle"),
    ],
)
def test_bad_rules_name_file_and_line(course_dir: Path, rule: str, message: str) -> None:
    path = _release(course_dir, WORKSHOP, rule)
    data, problems = read_course_dir(course_dir)
    assert data is None
    [problem] = problems
    assert problem.file == "minimal/02-workshop/module.md"
    # the line where the rule's value starts
    assert problem.line == line_of(path, rule.split("\n")[0])
    assert message in problem.message


def test_release_as_plain_text_is_refused(course_dir: Path) -> None:
    path = course_dir / WORKSHOP
    edit(path, "lessons:\n", "release: always\nlessons:\n")
    _data, [problem] = read_course_dir(course_dir)
    assert problem.line == line_of(path, "release:")
    assert "»release« skal have præcis én nøgle" in problem.message


def test_unknown_and_own_module_are_refused(course_dir: Path) -> None:
    path = _release(course_dir, WORKSHOP, "  after: nowhere\n")
    _data, [problem] = read_course_dir(course_dir)
    assert (problem.file, problem.line) == (
        "minimal/02-workshop/module.md",
        line_of(path, "after:"),
    )
    assert "modulet »nowhere« i »after« findes ikke i kurset" in problem.message

    edit(path, "after: nowhere", "after: workshop")
    _data, [problem] = read_course_dir(course_dir)
    assert "et modul kan ikke vente på sig selv" in problem.message


def test_circular_rules_are_refused_with_both_places(course_dir: Path) -> None:
    _release(course_dir, WORKSHOP, "  after: start\n")
    _release(course_dir, START, "  after: workshop\n")
    _data, problems = read_course_dir(course_dir)
    assert sorted(problem.file for problem in problems) == [
        "minimal/01-start/module.md",
        "minimal/02-workshop/module.md",
    ]
    assert all("venter på sig selv gennem andre moduler" in problem.message for problem in problems)
