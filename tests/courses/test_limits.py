"""Expensive course files and zips are refused quickly, with a Danish message naming file and line,
before the costly reading starts (``file_limits``, ``archive``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from course_app.courses import file_limits
from course_app.courses.archive import ArchiveError, unpacked_course
from course_app.courses.file_import import CourseValidationError, import_course
from course_app.courses.file_reader import read_course_dir
from tests.courses.bad_inputs import (
    FILE_CASES,
    MINIMAL,
    TIME_LIMIT,
    ZIP_CASES,
    minimal_files,
    write_folder,
)


def _refusals(folder: Path) -> list[str]:
    started = time.monotonic()
    data, problems = read_course_dir(folder)
    assert time.monotonic() - started < TIME_LIMIT
    assert data is None
    return [str(problem) for problem in problems]


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_expensive_course_files_are_refused_quickly(case: str, tmp_path: Path) -> None:
    build, message = FILE_CASES[case]
    folder = write_folder(build(), tmp_path / "minimal")

    problems = _refusals(folder)

    assert any(message in problem for problem in problems), problems


def test_the_refusal_names_file_and_line(tmp_path: Path) -> None:
    build, message = FILE_CASES["deep mappings"]
    _data, problems = read_course_dir(write_folder(build(), tmp_path / "minimal"))

    [problem] = problems
    assert (problem.file, problem.line) == ("minimal/course.yml", 25)
    assert message in problem.message


def test_the_limits_leave_a_real_course_alone() -> None:
    data, problems = read_course_dir(MINIMAL)
    assert problems == [] and data is not None


def test_the_course_shares_one_node_budget(tmp_path: Path, monkeypatch) -> None:
    """Many files each under the file limit cannot add up to a slow import: once the course's
    budget is spent the rest is not read, and that is said once."""
    monkeypatch.setattr(file_limits, "MAX_COURSE_NODES", 60)
    folder = write_folder(minimal_files(), tmp_path / "minimal")

    problems = _refusals(folder)

    assert sum("resten er ikke læst" in problem for problem in problems) == 1, problems


def test_the_course_shares_one_byte_budget(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(file_limits, "MAX_COURSE_TEXT_BYTES", 1000)
    folder = write_folder(minimal_files(), tmp_path / "minimal")

    problems = _refusals(folder)

    assert sum("fylder tilsammen mere end 1 kB" in problem for problem in problems) == 1, problems


def test_import_refuses_without_writing(tmp_path: Path, session) -> None:
    build, message = FILE_CASES["flow nesting"]
    folder = write_folder(build(), tmp_path / "minimal")
    started = time.monotonic()

    with pytest.raises(CourseValidationError) as error:
        import_course(folder)

    assert time.monotonic() - started < TIME_LIMIT
    assert message in str(error.value)


def test_a_goal_description_has_the_browser_forms_limit(tmp_path: Path) -> None:
    files = minimal_files()
    files["course.yml"] = files["course.yml"].replace(
        b"description: Why the first goal matters.", b"description: " + b"x" * 5001
    )

    problems = _refusals(write_folder(files, tmp_path / "minimal"))

    assert any("gør den højst 5000 tegn lang" in problem for problem in problems), problems


def _zip_refusal(data: bytes) -> str:
    """Why the zip is refused: its own problems, or else those of the course in it."""
    try:
        with unpacked_course(data) as folder:
            return "\n".join(str(problem) for problem in read_course_dir(folder)[1])
    except ArchiveError as error:
        return str(error)


@pytest.mark.parametrize("case", list(ZIP_CASES))
def test_expensive_zips_are_refused_quickly(case: str) -> None:
    build, message = ZIP_CASES[case]
    data = build()
    started = time.monotonic()

    refusal = _zip_refusal(data)

    assert time.monotonic() - started < TIME_LIMIT
    assert message in refusal, refusal
