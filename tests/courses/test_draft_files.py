"""``status: draft`` in the course files: what it means on import, and a bad value named by file
and line."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from course_app.courses.file_import import import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.models import PublicationStatus
from tests.courses.test_loader import FIXTURE, edit, line_of


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "minimal"))


def test_a_draft_course_imports_as_a_draft_with_its_parts_as_the_files_say(
    session: Any, course_dir: Path
) -> None:
    edit(
        course_dir / "course.yml",
        "title: Minimal course\n",
        "title: Minimal course\nstatus: draft\n",
    )
    edit(
        course_dir / "01-start" / "film.md",
        'title: "Film: the start"\n',
        'title: "Film: the start"\nstatus: draft\n',
    )

    course = import_course(course_dir).course

    assert course.status == PublicationStatus.DRAFT
    data, _problems = read_course_dir(course_dir)
    statuses = {lesson.key: lesson.status for module in data.modules for lesson in module.lessons}
    assert statuses == {"welcome": "published", "film": "draft", "prep": "published"}


@pytest.mark.parametrize(
    ("file", "after"),
    [
        ("course.yml", "title: Minimal course\n"),
        ("01-start/module.md", "title: Start\n"),
        ("01-start/welcome.md", "title: Welcome\n"),
    ],
)
def test_an_unknown_status_names_file_and_line(course_dir: Path, file: str, after: str) -> None:
    path = course_dir / file
    edit(path, after, after + "status: hidden\n")

    data, problems = read_course_dir(course_dir)

    assert data is None
    assert [(p.file, p.line) for p in problems] == [
        (f"minimal/{file}", line_of(path, "status: hidden"))
    ]
    assert "»status« skal være en af: draft, published (der står »hidden«)." in problems[0].message
