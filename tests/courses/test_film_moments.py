"""Questions at a moment of a film in the course files (``at`` and ``video`` on a reflection):
validation with file and line, the film a question belongs to, and export byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from course_app.courses.file_export import course_to_files
from course_app.courses.file_import import import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.film_moments import film_layout, parse_start
from course_app.courses.models import BlockType
from tests.courses.test_export import encoded, folder_files
from tests.courses.test_loader import FIXTURE, edit, line_of

FILM = Path("01-start") / "film.md"
REFLECTION = """  - id: film-reflection
    type: reflection
    prompt: What did you notice?
"""


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "minimal"))


def _timed(course_dir: Path, extra: str) -> Path:
    """The fixture's film lesson with ``extra`` lines added to its reflection."""
    path = course_dir / FILM
    edit(path, REFLECTION, REFLECTION + extra)
    return path


def _problems(course_dir: Path) -> list[Any]:
    data, problems = read_course_dir(course_dir)
    assert data is None, "the folder should not have been read as valid"
    return problems


def _only_problem_at(course_dir: Path, path: Path, marker: str, fragment: str) -> None:
    problems = _problems(course_dir)
    assert [(p.file, p.line) for p in problems] == [
        (f"minimal/{FILM.as_posix()}", line_of(path, marker))
    ], [str(p) for p in problems]
    assert fragment in problems[0].message, str(problems[0])


def test_a_moment_of_the_film_above_is_read(course_dir: Path) -> None:
    _timed(course_dir, '    at: "12:30"\n')

    data, problems = read_course_dir(course_dir)

    assert problems == []
    lesson = data.modules[0].lessons[1]
    reflection = next(block for block in lesson.blocks if block.key == "film-reflection")
    assert reflection.data["at"] == "12:30"
    assert "video" not in reflection.data


def test_a_question_may_name_a_film_below_it(course_dir: Path) -> None:
    path = course_dir / FILM
    text = path.read_text(encoding="utf-8")
    film_start = text.index("  - id: film-video")
    reflection_start = text.index(REFLECTION)
    moved = (
        text[:film_start]
        + REFLECTION
        + '    at: "39:00"\n    video: film-video\n'
        + text[film_start:reflection_start]
        + text[reflection_start + len(REFLECTION) :]
    )
    path.write_text(moved, encoding="utf-8")

    _data, problems = read_course_dir(course_dir)

    assert problems == [], [str(p) for p in problems]


@pytest.mark.parametrize(
    ("extra", "marker", "fragment"),
    [
        ('    at: "12:60"\n', "12:60", '»at« skal være et tidspunkt skrevet "MM:SS"'),
        ("    at: 750\n", "at: 750", "(der står tallet 750)"),
        ('    at: "41:00"\n', "41:00", "»at« ligger efter filmens slutning"),
        ('    at: "2:00:00"\n', "2:00:00", "»at« ligger efter filmens slutning"),
        (
            '    at: "10:00"\n    video: no-such-film\n',
            "no-such-film",
            "»video« skal være id'et på en blok af typen »video«",
        ),
        ("    video: film-video\n", "video: film-video", "Tilføj »at« med tidspunktet."),
    ],
    ids=["bad-minutes", "a-number", "after-the-end", "hours-after", "unknown-film", "no-at"],
)
def test_a_bad_moment_names_file_and_line(
    course_dir: Path, extra: str, marker: str, fragment: str
) -> None:
    path = _timed(course_dir, extra)

    _only_problem_at(course_dir, path, marker, fragment)


def test_a_question_cannot_name_a_film_of_another_lesson(course_dir: Path) -> None:
    """The workshop module's lesson has no film; naming the film lesson's video is refused."""
    prep = course_dir / "02-workshop" / "prep.md"
    text = prep.read_text(encoding="utf-8")
    assert "type: reflection" not in text
    edit(
        prep,
        "blocks:\n",
        "blocks:\n  - id: elsewhere\n    type: reflection\n    prompt: Why?\n"
        '    at: "01:00"\n    video: film-video\n',
    )

    problems = _problems(course_dir)

    assert [(p.file, p.line) for p in problems] == [
        ("minimal/02-workshop/prep.md", line_of(prep, "video: film-video"))
    ], [str(p) for p in problems]
    assert "id'et på en blok af typen »video« i denne lektion" in problems[0].message


def test_a_moment_without_a_film_above_is_refused(course_dir: Path) -> None:
    prep = course_dir / "02-workshop" / "prep.md"
    edit(
        prep,
        "blocks:\n",
        'blocks:\n  - id: no-film\n    type: reflection\n    prompt: Why?\n    at: "01:00"\n',
    )

    problems = _problems(course_dir)

    assert [(p.file, p.line) for p in problems] == [
        ("minimal/02-workshop/prep.md", line_of(prep, 'at: "01:00"'))
    ]
    assert "»at« kræver en film" in problems[0].message


def test_only_reflections_take_a_moment(course_dir: Path) -> None:
    prep = course_dir / "02-workshop" / "prep.md"
    edit(prep, "    type: workshop_prep\n", '    type: workshop_prep\n    at: "01:00"\n')

    problems = _problems(course_dir)

    assert any("Ukendt nøgle »at«" in p.message for p in problems), [str(p) for p in problems]


def test_export_writes_the_moment_back_byte_for_byte(session: Any, course_dir: Path) -> None:
    _timed(course_dir, '    at: "12:30"\n    video: film-video\n')

    course = import_course(course_dir).course

    assert encoded(course_to_files(course)) == folder_files(course_dir)


# --- The order a page shows them in ---------------------------------------------------------------


class _Block:
    def __init__(self, key: str, type_: BlockType, **data: Any) -> None:
        self.key, self.type, self.data = key, type_, data


def test_the_layout_moves_timed_questions_after_their_film_in_time_order() -> None:
    intro = _Block("intro", BlockType.TEXT, body="x")
    first = _Block("film-1", BlockType.VIDEO, title="1")
    late = _Block("late", BlockType.REFLECTION, prompt="?", at="20:00")
    untimed = _Block("untimed", BlockType.REFLECTION, prompt="?")
    second = _Block("film-2", BlockType.VIDEO, title="2")
    early = _Block("early", BlockType.REFLECTION, prompt="?", at="05:00", video="film-1")
    of_second = _Block("of-second", BlockType.REFLECTION, prompt="?", at="1:00:00")
    orphan = _Block("orphan", BlockType.REFLECTION, prompt="?", at="01:00", video="gone")

    layout = film_layout([intro, first, late, untimed, second, early, of_second, orphan])

    assert [block.key for block in layout.blocks] == [
        "intro",
        "film-1",
        "untimed",
        "film-2",
        "orphan",
    ]
    assert [(m.seconds, m.label, m.question.key) for m in layout.moments["film-1"]] == [
        (300, "05:00", "early"),
        (1200, "20:00", "late"),
    ]
    assert [(m.seconds, m.question.key) for m in layout.moments["film-2"]] == [(3600, "of-second")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("750", 750),
        ("0", 0),
        ("86400", 86400),
        ("86401", None),
        ("9999999", None),
        ("-5", None),
        ("²", None),
        ("7\x00", None),
        ("12:30", None),
        ("", None),
        (None, None),
    ],
)
def test_a_seek_links_start_is_whole_seconds_up_to_a_day(value: Any, expected: Any) -> None:
    assert parse_start(value) == expected


# --- completion: watched ---------------------------------------------------------------------------

LESSON_GOALS = "goals: [goal-a, goal-b]\n"


def test_a_lesson_done_by_watching_is_read_and_exported_byte_for_byte(session, course_dir):
    edit(
        course_dir / FILM, LESSON_GOALS, LESSON_GOALS + "completion: watched\nwatched_percent: 80\n"
    )

    data, problems = read_course_dir(course_dir)
    assert problems == []
    lesson = data.modules[0].lessons[1]
    assert (lesson.completion, lesson.watched_percent) == ("watched", 80)
    course = import_course(course_dir).course

    assert encoded(course_to_files(course)) == folder_files(course_dir)


@pytest.mark.parametrize(
    ("extra", "marker", "fragment"),
    [
        (
            "completion: seen\n",
            "completion: seen",
            "skal være en af: self, watched (der står »seen«)",
        ),
        (
            "completion: watched\nwatched_percent: 0\n",
            "watched_percent: 0",
            "fra 1 til 100 (der står tallet 0)",
        ),
        (
            "completion: watched\nwatched_percent: 101\n",
            "watched_percent: 101",
            "fra 1 til 100 (der står tallet 101)",
        ),
        (
            'completion: watched\nwatched_percent: "90"\n',
            "watched_percent:",
            "fra 1 til 100 (der står »90«)",
        ),
        ("watched_percent: 90\n", "watched_percent: 90", "hører sammen med »completion: watched«"),
    ],
    ids=["unknown-rule", "zero", "over-100", "text", "without-watched"],
)
def test_a_bad_completion_rule_names_file_and_line(course_dir, extra, marker, fragment):
    path = course_dir / FILM
    edit(path, LESSON_GOALS, LESSON_GOALS + extra)

    _only_problem_at(course_dir, path, marker, fragment)
