"""Course folders: validation (every problem with file and line) and the idempotent import."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from course_app.core.db import db
from course_app.courses.file_import import CourseValidationError, import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.file_schema import Problem, parse_timestamp
from course_app.courses.models import (
    Block,
    BlockType,
    Course,
    LearningGoal,
    Lesson,
    Module,
    ModuleMode,
    PublicationStatus,
)

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"
SHIPPED_COURSE = Path(__file__).resolve().parents[2] / "courses" / "digital-ledelse"


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    """A private copy of the minimal course that a test may break."""
    return Path(shutil.copytree(FIXTURE, tmp_path / "minimal"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """1-based number of the first line of ``path`` containing ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def problems_in(course_dir: Path) -> list[Problem]:
    data, problems = read_course_dir(course_dir)
    assert data is None
    assert problems
    return problems


# --- Validation -----------------------------------------------------------------------------------


def test_valid_course_has_no_problems() -> None:
    data, problems = read_course_dir(FIXTURE)

    assert problems == []
    assert data is not None
    assert (data.key, data.title, data.language) == ("minimal", "Minimal course", "da")
    assert [goal.key for goal in data.goals] == ["goal-a", "goal-b"]
    start, workshop = data.modules
    assert (start.key, start.source_name, start.position, start.mode) == (
        "start",
        "01-start",
        0,
        ModuleMode.INDIVIDUAL,
    )
    assert start.intro == "Welcome to the **first** module."
    assert [(lesson.key, lesson.source_name) for lesson in start.lessons] == [
        ("welcome", "welcome.md"),
        ("film", "film.md"),
    ]
    video = start.lessons[1].blocks[0]
    assert video.type is BlockType.VIDEO
    assert video.data["chapters"][1] == {"at": "1:02:03", "title": "Later"}
    assert type(video.data["chapters"]) is list
    assert workshop.lessons[0].blocks[0].data == {
        "prompt": "Describe one thing you want to change.",
        "required": False,
        "help": "One paragraph is enough.",
    }


@pytest.mark.skipif(
    not SHIPPED_COURSE.is_dir(), reason="courses/digital-ledelse is not written yet"
)
def test_shipped_course_is_valid() -> None:
    data, problems = read_course_dir(SHIPPED_COURSE)

    assert [str(problem) for problem in problems] == []
    assert data is not None and data.key == "digital-ledelse"


def test_problem_str_names_file_and_line() -> None:
    assert str(Problem("c/course.yml", 3, "bad")) == "c/course.yml:3: bad"
    assert str(Problem("c/course.yml", None, "bad")) == "c/course.yml: bad"


# (file, text to replace, replacement, text on the line the problem must name, message fragment)
BROKEN_CASES = {
    "yaml syntax": (
        "01-start/film.md",
        'title: "Film: the start"',
        "title: Film: the start",
        "title: Film: the start",
        "Ugyldig YAML: Der står et kolon og et mellemrum (»: «) inde i en værdi",
    ),
    "duplicate id": (
        "02-workshop/prep.md",
        "id: prep-task",
        "id: welcome-text",
        "id: welcome-text",
        "Id'et »welcome-text« bruges allerede af en anden blok (i minimal/01-start/welcome.md:6)",
    ),
    "unknown block type": (
        "02-workshop/prep.md",
        "type: workshop_prep",
        "type: quiz",
        "type: quiz",
        "»type« skal være en af: text, video, reflection, workshop_prep, resource (der står »quiz«).",
    ),
    "undefined goal": (
        "01-start/film.md",
        "goals: [goal-a, goal-b]",
        "goals: [goal-a, goal-x]",
        "goals: [goal-a, goal-x]",
        "Læringsmålet »goal-x« findes ikke",
    ),
    "unknown key": (
        "01-start/module.md",
        "mode: individual\n",
        "mode: individual\ncolour: blue\n",
        "colour: blue",
        "Ukendt nøgle »colour« i modulets front matter",
    ),
    "bad id": (
        "01-start/welcome.md",
        "id: welcome\n",
        "id: Welcome_1\n",
        "id: Welcome_1",
        "»id« må kun have små bogstaver fra a til z (ikke æ, ø og å), tal og bindestreger",
    ),
    "duplicate lesson id": (
        "02-workshop/prep.md",
        "id: prep\n",
        "id: film\n",
        "id: film",
        "Id'et »film« bruges allerede af en anden lektion (i minimal/01-start/film.md:2)",
    ),
    "duplicate goal id": (
        "course.yml",
        "id: goal-b",
        "id: goal-a",
        "  - id: goal-a\n    title: Second",
        "Id'et »goal-a« bruges allerede af et andet læringsmål",
    ),
    "format": (
        "course.yml",
        "format: 1",
        "format: 2",
        "format: 2",
        "»format« skal være 1: denne version af platformen læser kun format 1 (der står tallet 2)",
    ),
    "language": (
        "course.yml",
        "language: da",
        "language: de",
        "language: de",
        "en af: da, en (der står »de«)",
    ),
    "mode": (
        "02-workshop/module.md",
        "mode: workshop",
        "mode: online",
        "mode: online",
        "en af: individual, group, workshop (der står »online«)",
    ),
    "missing required key": (
        "01-start/welcome.md",
        "    title: Slides\n",
        "",
        "  - id: welcome-slides",
        "Nøglen »title« mangler i blokken. Tilføj den.",
    ),
    "empty text": (
        "01-start/film.md",
        "prompt: What did you notice?",
        'prompt: " "',
        'prompt: " "',
        "»prompt« skal være en tekst, der ikke er tom (der står » «)",
    ),
    "title too long": (
        "course.yml",
        "title: Minimal course",
        "title: " + "x" * 301,
        "title: xxx",
        "er 301 tegn lang; gør den højst 300 tegn lang",
    ),
    "required not bool": (
        "02-workshop/prep.md",
        "required: false",
        "required: nej",
        "required: nej",
        "»required« skal være true eller false (der står »nej«)",
    ),
    "duration": (
        "01-start/film.md",
        "duration_minutes: 40",
        "duration_minutes: 0",
        "duration_minutes: 0",
        "»duration_minutes« skal være et helt tal over 0 (der står tallet 0)",
    ),
    "video url": (
        "01-start/film.md",
        "url: https://www.youtube.com/watch?v=abcdefghijk",
        "url: javascript:alert(1)",
        "url: javascript:alert(1)",
        "»url« skal være et fuldt link, der begynder med en af: http:, https: (der står »javascript",
    ),
    "resource url": (
        "01-start/welcome.md",
        "url: https://example.org/slides.pdf",
        "url: ftp://example.org/slides.pdf",
        "url: ftp://",
        "»url« skal være et fuldt link, der begynder med en af: http:, https:, mailto:",
    ),
    "chapter time": (
        "01-start/film.md",
        'at: "1:02:03"',
        'at: "62:03"',
        '"62:03"',
        '»at« skal være et tidspunkt skrevet "MM:SS" eller "T:MM:SS"',
    ),
    "chapter order": (
        "01-start/film.md",
        'at: "1:02:03"',
        'at: "00:00"',
        '      - at: "00:00"\n        title: Later',
        "Kapitlerne skal stå i tidsrækkefølge",
    ),
    "lesson entry path": (
        "01-start/module.md",
        "  - film.md",
        "  - ../02-workshop/prep.md",
        "../02-workshop/prep.md",
        "Et punkt under »lessons« skal være navnet på en .md-fil i denne mappe (der står »../",
    ),
    "alias": (
        "course.yml",
        "    title: Second goal",
        "    title: *first",
        "*first",
        "YAML-aliaser (*first) kan ikke bruges her",
    ),
    "python tag": (
        "01-start/welcome.md",
        "kind: slides",
        "kind: !!python/object/apply:os.system [echo]",
        "!!python",
        "YAML-tags (tag:yaml.org,2002:python/object/apply:os.system) kan ikke bruges",
    ),
    "front matter not closed": (
        "02-workshop/prep.md",
        "---\nPrepare",
        "Prepare",
        "---",
        "Front matter er ikke lukket",
    ),
}


def _expected_line(path: Path, marker: str) -> int:
    """Where a (possibly multi-line) marker starts in the file."""
    text = path.read_text(encoding="utf-8")
    assert marker in text, f"{marker!r} not in {path}"
    return text[: text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(
    ("file", "old", "new", "marker", "fragment"), BROKEN_CASES.values(), ids=BROKEN_CASES.keys()
)
def test_broken_course_names_file_and_line(
    course_dir: Path, file: str, old: str, new: str, marker: str, fragment: str
) -> None:
    edit(course_dir / file, old, new)
    line = _expected_line(course_dir / file, marker)

    problems = problems_in(course_dir)

    matching = [problem for problem in problems if fragment in problem.message]
    assert matching, [str(problem) for problem in problems]
    assert (matching[0].file, matching[0].line) == (f"minimal/{file}", line), str(matching[0])


def test_block_scalar_at_end_of_front_matter_keeps_its_newline(course_dir: Path) -> None:
    last = "    url: mailto:kursus@example.org\n"
    edit(
        course_dir / "02-workshop" / "prep.md",
        last,
        last + "  - id: prep-note\n    type: text\n    body: |\n      Last.\n",
    )

    data, problems = read_course_dir(course_dir)

    assert problems == []
    assert data is not None
    assert data.modules[1].lessons[0].blocks[-1].data == {"body": "Last.\n"}


def test_missing_lesson_file_names_the_list_entry(course_dir: Path) -> None:
    (course_dir / "01-start" / "film.md").unlink()

    (problem,) = problems_in(course_dir)

    module_file = course_dir / "01-start" / "module.md"
    assert problem.file == "minimal/01-start/module.md"
    assert problem.line == line_of(module_file, "- film.md")
    assert "Lektionsfilen »film.md« findes ikke i mappen 01-start/." in problem.message


def test_missing_module_folder_names_the_list_entry(course_dir: Path) -> None:
    shutil.rmtree(course_dir / "02-workshop")

    (problem,) = problems_in(course_dir)

    assert problem.file == "minimal/course.yml"
    assert problem.line == line_of(course_dir / "course.yml", "- 02-workshop")
    assert "Modulmappen »02-workshop« findes ikke i minimal/." in problem.message


def test_missing_course_file(course_dir: Path) -> None:
    (course_dir / "course.yml").unlink()

    assert [str(problem) for problem in problems_in(course_dir)] == [
        "minimal/course.yml: Filen course.yml mangler. Hver kursusmappe skal have en."
    ]


def test_unlisted_files_are_reported(course_dir: Path) -> None:
    (course_dir / "01-start" / "forgotten.md").write_text("---\nid: x\n---\n", encoding="utf-8")
    shutil.copytree(course_dir / "02-workshop", course_dir / "03-extra")
    (course_dir / "01-start" / ".DS_Store").write_bytes(b"")

    problems = problems_in(course_dir)

    assert {(problem.file, problem.line) for problem in problems} == {
        ("minimal/01-start/forgotten.md", None),
        ("minimal/03-extra", None),
    }


def test_all_problems_are_collected_in_one_pass(course_dir: Path) -> None:
    edit(course_dir / "course.yml", "summary:", "sumary:")
    edit(course_dir / "01-start" / "film.md", "goals: [goal-a, goal-b]", "goals: [nope]")
    edit(course_dir / "01-start" / "welcome.md", "id: welcome\n", "id: -welcome\n")
    edit(course_dir / "02-workshop" / "prep.md", "type: resource", "type: link")
    # An unreadable module.md hides its lesson list: its lesson files are still checked.
    edit(course_dir / "02-workshop" / "module.md", "lessons:", "lessons: [")

    problems = problems_in(course_dir)

    assert sorted((problem.file, problem.line) for problem in problems) == [
        ("minimal/01-start/film.md", 4),
        ("minimal/01-start/welcome.md", 2),
        ("minimal/02-workshop/module.md", 6),  # the unclosed '[' is noticed on the next line
        ("minimal/02-workshop/prep.md", line_of(course_dir / "02-workshop/prep.md", "type: link")),
        ("minimal/course.yml", 1),  # required 'summary' missing: named at the mapping
        ("minimal/course.yml", 5),  # unknown key 'sumary'
    ]


def test_bad_yaml_in_course_file_stops_early_but_reports(course_dir: Path) -> None:
    edit(course_dir / "course.yml", "modules:\n", "modules:\n  - [\n")

    problems = problems_in(course_dir)

    assert len(problems) == 1
    assert problems[0].file == "minimal/course.yml"
    assert problems[0].message.startswith("Ugyldig YAML: ")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00", 0), ("5:07", 307), ("59:59", 3599), ("1:02:03", 3723), ("10:00:00", 36000)],
)
def test_parse_timestamp_accepts(text: str, seconds: int) -> None:
    assert parse_timestamp(text) == seconds


@pytest.mark.parametrize("text", ["", "60:00", "1:2:03", "00:60", "1:02:03:04", "ab:cd", "0"])
def test_parse_timestamp_refuses(text: str) -> None:
    assert parse_timestamp(text) is None


# --- Import ---------------------------------------------------------------------------------------


def _row(model: type, key: str) -> Any:
    column = model.slug if model is Course else model.key
    return db.session.scalar(select(model).where(column == key))


def _snapshot() -> list[tuple[Any, ...]]:
    """Every content row of every course, with its goal tags, to compare before and after."""
    snapshot: list[tuple[Any, ...]] = []
    for model in (Course, LearningGoal, Module, Lesson, Block):
        for row in db.session.scalars(select(model).order_by(model.id)):
            columns = tuple(getattr(row, column.key) for column in model.__table__.columns)
            goals = tuple(sorted(goal.key for goal in getattr(row, "goals", [])))
            snapshot.append((model.__name__, columns, goals))
    return snapshot


@pytest.fixture
def statements(session: Any) -> Iterator[list[str]]:
    """The SQL statements the session runs while the test is collecting."""
    seen: list[str] = []
    engine = session.get_bind().engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_import_creates_row(session: Any, course_dir: Path) -> None:
    report = import_course(course_dir)

    assert report.changed
    assert report.lines[0] == "created course minimal"
    assert "created lesson film" in report.lines
    assert "created block film-reflection" in report.lines
    course = report.course
    assert (course.slug, course.title, course.status) == (
        "minimal",
        "Minimal course",
        PublicationStatus.PUBLISHED,
    )
    counts = {
        model.__name__: session.scalar(
            select(func.count()).select_from(model).where(model.course_id == course.id)
        )
        for model in (LearningGoal, Module, Lesson, Block)
    }
    assert counts == {"LearningGoal": 2, "Module": 2, "Lesson": 3, "Block": 6}
    film = _row(Lesson, "film")
    assert (film.module.key, film.position, film.source_name, film.status) == (
        "start",
        1,
        "film.md",
        PublicationStatus.PUBLISHED,
    )
    assert [goal.key for goal in film.goals] == ["goal-a", "goal-b"]
    assert _row(Module, "workshop").mode is ModuleMode.WORKSHOP
    task = _row(Block, "prep-task")
    assert (task.type, task.position, task.lesson.key) == (BlockType.WORKSHOP_PREP, 0, "prep")
    assert task.data == {
        "prompt": "Describe one thing you want to change.",
        "required": False,
        "help": "One paragraph is enough.",
    }
    assert not task.is_required
    assert _row(Block, "film-reflection").is_required


def test_reimport_changes_nothing(session: Any, course_dir: Path, statements: list[str]) -> None:
    import_course(course_dir)
    before = _snapshot()
    statements.clear()

    report = import_course(course_dir)

    assert not report.changed
    assert report.lines == []
    assert not [sql for sql in statements if not sql.lstrip().upper().startswith("SELECT")]
    # Existing rows load in a fixed number of queries, not one per row.
    assert len(statements) <= 8, statements
    assert _snapshot() == before


def test_changes_are_reported(session: Any, course_dir: Path) -> None:
    import_course(course_dir)
    film = course_dir / "01-start" / "film.md"
    edit(film, "prompt: What did you notice?", "prompt: What did you see?")
    edit(film, "goals: [goal-a, goal-b]", "goals: [goal-b]")
    edit(course_dir / "course.yml", "title: Minimal course", "title: Small course")

    report = import_course(course_dir)

    assert report.lines == [
        "updated course minimal (title)",
        "updated lesson film (goals)",
        "updated block film-reflection (prompt)",
    ]
    assert _row(Block, "film-reflection").data["prompt"] == "What did you see?"
    assert [goal.key for goal in _row(Lesson, "film").goals] == ["goal-b"]


def test_removed_block_is_retired_and_restored(session: Any, course_dir: Path) -> None:
    import_course(course_dir)
    film = course_dir / "01-start" / "film.md"
    original = film.read_text(encoding="utf-8")
    block = "  - id: film-reflection\n    type: reflection\n    prompt: What did you notice?\n"
    edit(film, block, "")

    report = import_course(course_dir)

    assert report.lines == ["retired block film-reflection"]
    retired = _row(Block, "film-reflection")
    assert retired is not None and retired.retired_at is not None

    film.write_text(original, encoding="utf-8")
    report = import_course(course_dir)

    assert report.lines == ["restored block film-reflection"]
    assert _row(Block, "film-reflection").retired_at is None


def test_removed_module_retires_its_lessons_and_blocks(session: Any, course_dir: Path) -> None:
    import_course(course_dir)
    edit(course_dir / "course.yml", "  - 02-workshop\n", "")
    shutil.rmtree(course_dir / "02-workshop")

    report = import_course(course_dir)

    assert sorted(report.lines) == [
        "retired block prep-contact",
        "retired block prep-task",
        "retired lesson prep",
        "retired module workshop",
    ]


def test_moved_lesson_and_block_keep_their_row(session: Any, course_dir: Path) -> None:
    import_course(course_dir)
    lesson_id, block_id = _row(Lesson, "film").id, _row(Block, "welcome-slides").id
    shutil.move(course_dir / "01-start" / "film.md", course_dir / "02-workshop" / "film.md")
    edit(course_dir / "01-start" / "module.md", "  - film.md\n", "")
    edit(course_dir / "02-workshop" / "module.md", "  - prep.md\n", "  - prep.md\n  - film.md\n")
    slides = "  - id: welcome-slides\n    type: resource\n    title: Slides\n"
    slides += "    url: https://example.org/slides.pdf\n    kind: slides\n"
    edit(course_dir / "01-start" / "welcome.md", slides, "")
    edit(course_dir / "02-workshop" / "prep.md", "blocks:\n", "blocks:\n" + slides)

    report = import_course(course_dir)

    assert report.lines == [
        "updated lesson film (module)",
        "updated block welcome-slides (lesson, position)",
        "updated block prep-task (position)",
        "updated block prep-contact (position)",
    ]
    film, slides_row = _row(Lesson, "film"), _row(Block, "welcome-slides")
    assert (film.id, film.module.key) == (lesson_id, "workshop")
    assert (slides_row.id, slides_row.lesson.key, slides_row.position) == (block_id, "prep", 0)
    assert not import_course(course_dir).changed


def test_validation_failure_writes_nothing(session: Any, course_dir: Path) -> None:
    import_course(course_dir)
    before = _snapshot()
    edit(course_dir / "course.yml", "title: Minimal course", "title: Changed")
    edit(course_dir / "02-workshop" / "prep.md", "type: workshop_prep", "type: quiz")

    with pytest.raises(CourseValidationError) as raised:
        import_course(course_dir)

    assert [problem.file for problem in raised.value.problems] == ["minimal/02-workshop/prep.md"]
    assert "minimal/02-workshop/prep.md:" in str(raised.value)
    assert _snapshot() == before


def test_invalid_new_course_creates_nothing(session: Any, course_dir: Path) -> None:
    edit(course_dir / "01-start" / "film.md", "type: video", "type: film")

    with pytest.raises(CourseValidationError):
        import_course(course_dir)

    assert _row(Course, "minimal") is None


@pytest.mark.skipif(
    not SHIPPED_COURSE.is_dir(), reason="courses/digital-ledelse is not written yet"
)
def test_shipped_course_imports_idempotently(session: Any) -> None:
    assert import_course(SHIPPED_COURSE).changed
    assert not import_course(SHIPPED_COURSE).changed
