"""Exporting a course from the database as a course folder in canonical form (and as a zip)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from course_app import create_app
from course_app.core import migrate
from course_app.core.db import db, make_engine, utcnow
from course_app.courses.file_export import (
    ExportError,
    course_to_files,
    export_course,
    export_zip,
)
from course_app.courses.file_import import import_course
from course_app.courses.file_reader import read_course_dir
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
from course_app.courses.yaml_writer import scalar
from tests.conftest import TEST_CONFIG

SHIPPED_COURSE = Path(__file__).resolve().parents[2] / "courses" / "digital-ledelse"
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative POSIX path → bytes)."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def encoded(files: dict[str, str]) -> dict[str, bytes]:
    return {name: text.encode("utf-8") for name, text in files.items()}


def _row(model: Any, key: str) -> Any:
    return db.session.scalar(select(model).where(model.key == key))


# --- The shipped course and the acceptance round trip ---------------------------------------------


def test_shipped_course_exports_byte_identical(session: Any) -> None:
    course = import_course(SHIPPED_COURSE).course

    assert encoded(course_to_files(course)) == folder_files(SHIPPED_COURSE)


def test_minimal_fixture_exports_byte_identical(session: Any) -> None:
    course = import_course(MINIMAL).course

    assert encoded(course_to_files(course)) == folder_files(MINIMAL)


def test_export_import_into_empty_database_export_is_byte_identical(
    session: Any, tmp_path: Path, fresh_database_url: str
) -> None:
    export_course(import_course(SHIPPED_COURSE).course, tmp_path / "first")
    exported = tmp_path / "first" / "digital-ledelse"

    engine = make_engine(fresh_database_url)
    migrate.upgrade(engine)
    engine.dispose()
    empty: Flask = create_app(
        {**TEST_CONFIG, "DATABASE_URL": fresh_database_url},
        instance_path=str(tmp_path / "instance"),
    )
    try:
        with empty.app_context():
            assert db.session.scalar(select(Course.id)) is None
            report = import_course(exported)
            db.session.commit()
            export_course(report.course, tmp_path / "second")
    finally:
        db.engine(empty).dispose()

    assert folder_files(tmp_path / "second" / "digital-ledelse") == folder_files(exported)
    assert folder_files(exported) == folder_files(SHIPPED_COURSE)


# --- What is written ------------------------------------------------------------------------------


def test_retired_content_is_not_exported(session: Any, tmp_path: Path) -> None:
    course = import_course(MINIMAL).course
    now = utcnow()
    _row(Block, "film-reflection").retired_at = now
    _row(Lesson, "welcome").retired_at = now
    _row(Module, "workshop").retired_at = now
    _row(LearningGoal, "goal-a").retired_at = now
    session.flush()

    files = course_to_files(course)

    assert sorted(files) == ["01-start/film.md", "01-start/module.md", "course.yml"]
    text = "".join(files.values())
    for gone in ("film-reflection", "id: welcome", "02-workshop", "goal-a"):
        assert gone not in text
    # Tags to the retired goal are dropped with it, so the folder stays valid.
    assert "goals: [goal-b]" in files["01-start/film.md"]
    export_course(course, tmp_path)
    data, problems = read_course_dir(tmp_path / "minimal")
    assert problems == []
    assert data is not None
    assert [lesson.key for module in data.modules for lesson in module.lessons] == ["film"]
    assert [block.key for block in data.modules[0].lessons[0].blocks] == ["film-video"]


def test_drafts_are_exported_as_drafts_and_imported_as_drafts(session: Any, tmp_path: Path) -> None:
    course = import_course(MINIMAL).course
    _row(Lesson, "welcome").status = PublicationStatus.DRAFT
    _row(Module, "workshop").status = PublicationStatus.DRAFT
    session.flush()

    files = course_to_files(course)

    assert "title: Welcome\nstatus: draft\n" in files["01-start/welcome.md"]
    assert "status:" not in files["01-start/film.md"]  # published: the default, not written
    assert "status: draft\n" in files["02-workshop/module.md"]
    export_course(course, tmp_path / "out")
    # Published again in this database; importing the files makes it a draft once more.
    _row(Lesson, "welcome").status = PublicationStatus.PUBLISHED
    session.flush()
    import_course(tmp_path / "out" / "minimal")
    assert _row(Lesson, "welcome").status == PublicationStatus.DRAFT
    assert _row(Module, "workshop").status == PublicationStatus.DRAFT
    assert _row(Lesson, "film").status == PublicationStatus.PUBLISHED
    assert course_to_files(course) == files


def _course_without_source_names(session: Any) -> Course:
    """A course as the browser would create it: no source names; one module id clashes with the
    derived name of another, a lesson is called "module" and two lessons want the same file."""
    course = Course(slug="ny", title="Nyt kursus", language="da", summary="Kort resumé.")
    session.add(course)
    session.flush()
    goal = LearningGoal(course_id=course.id, key="maal", title="Et mål", position=0)
    first = Module(course_id=course.id, key="start", title="Start", position=0, goals=[goal])
    second = Module(
        course_id=course.id, key="slut", title="Slut", position=1, source_name="01-start"
    )
    lessons = [
        Lesson(course_id=course.id, module=first, key="intro", title="Intro", position=0),
        Lesson(course_id=course.id, module=first, key="module", title="Modul", position=1),
        Lesson(
            course_id=course.id,
            module=first,
            key="andet",
            title="Andet",
            position=2,
            source_name="intro.md",
        ),
        Lesson(course_id=course.id, module=second, key="tak", title="Tak", position=0),
    ]
    blocks = [
        Block(
            course_id=course.id,
            lesson=lesson,
            key=f"{lesson.key}-tekst",
            type=BlockType.TEXT,
            position=0,
            data={"body": "Tekst.\r\nAnden linje.\r\n"},
        )
        for lesson in lessons
    ]
    session.add_all([goal, first, second, *lessons, *blocks])
    session.flush()
    return course


def test_names_are_derived_for_items_without_source_name(session: Any, tmp_path: Path) -> None:
    course = _course_without_source_names(session)

    files = course_to_files(course)

    assert sorted(files) == [
        "01-start-2/intro-2.md",
        "01-start-2/intro.md",
        "01-start-2/module-2.md",
        "01-start-2/module.md",
        "01-start/module.md",
        "01-start/tak.md",
        "course.yml",
    ]
    assert files["01-start-2/module.md"] == (
        "---\n"
        "id: start\n"
        "title: Start\n"
        "status: draft\n"  # made in the browser: a draft until published
        "mode: individual\n"
        "goals: [maal]\n"
        "lessons:\n"
        "  - intro-2.md\n"
        "  - module-2.md\n"
        "  - intro.md\n"
        "---\n"
    )
    # Browsers send CRLF; the files have LF only.
    assert "    body: |\n      Tekst.\n      Anden linje.\n---\n" in files["01-start/tak.md"]

    export_course(course, tmp_path / "first")
    report = import_course(tmp_path / "first" / "ny")
    assert _row(Module, "start").source_name == "01-start-2"
    assert _row(Lesson, "module").source_name == "module-2.md"
    # A kept source name wins over a derived one.
    assert _row(Lesson, "andet").source_name == "intro.md"
    assert _row(Lesson, "intro").source_name == "intro-2.md"
    assert course_to_files(report.course) == files


def test_course_yml_and_lesson_layout(session: Any, tmp_path: Path) -> None:
    course = Course(
        slug="layout",
        title="Kursus: layout",
        language="en",
        summary="Første linje.\nAnden linje.\n",
        status=PublicationStatus.PUBLISHED,
    )
    session.add(course)
    session.flush()
    goals = [
        LearningGoal(course_id=course.id, key=key, title=title, description=description, position=i)
        for i, (key, title, description) in enumerate(
            [("yes", "no", ""), ("g-2", "Mål #2", "  Indrykket\n\n")]
        )
    ]
    module = Module(
        course_id=course.id,
        key="m",
        title="M",
        mode=ModuleMode.WORKSHOP,
        intro="\n\nIntro med\n---\nlinje.  \n\n",
        source_name="m",
        goals=list(reversed(goals)),
        status=PublicationStatus.PUBLISHED,
    )
    lesson = Lesson(
        course_id=course.id,
        module=module,
        key="l",
        title="L",
        source_name="l.md",
        status=PublicationStatus.PUBLISHED,
    )
    video = Block(
        course_id=course.id,
        lesson=lesson,
        key="v",
        type=BlockType.VIDEO,
        position=0,
        data={
            "chapters": [{"title": "Start", "at": "00:00"}, {"at": "1:02:03", "title": "- x"}],
            "speaker": None,
            "url": "https://vimeo.com/1#t=10",
            "title": 'Film "1": start',
            "unknown": "left out",
            "duration_minutes": 5,
        },
        goals=goals,
    )
    question = Block(
        course_id=course.id,
        lesson=lesson,
        key="q",
        type=BlockType.WORKSHOP_PREP,
        position=1,
        data={"help": "Hjælp", "required": False, "prompt": "null"},
    )
    session.add_all([*goals, module, lesson, video, question])
    session.flush()

    files = course_to_files(course)

    assert files["course.yml"] == (
        "format: 1\n"
        "id: layout\n"
        'title: "Kursus: layout"\n'
        "language: en\n"
        "summary: |\n"
        "  Første linje.\n"
        "  Anden linje.\n"
        "learning_goals:\n"
        '  - id: "yes"\n'
        '    title: "no"\n'
        "  - id: g-2\n"
        '    title: "Mål #2"\n'
        "    description: |2+\n"
        "        Indrykket\n"
        "\n"
        "modules:\n"
        "  - m\n"
    )
    assert files["m/module.md"] == (
        "---\n"
        "id: m\n"
        "title: M\n"
        "mode: workshop\n"
        'goals: ["yes", g-2]\n'
        "lessons:\n"
        "  - l.md\n"
        "---\n"
        "Intro med\n"
        "---\n"
        "linje.\n"
    )
    assert files["m/l.md"] == (
        "---\n"
        "id: l\n"
        "title: L\n"
        "blocks:\n"
        "  - id: v\n"
        "    type: video\n"
        '    title: "Film \\"1\\": start"\n'
        "    url: https://vimeo.com/1#t=10\n"
        "    duration_minutes: 5\n"
        "    chapters:\n"
        '      - at: "00:00"\n'
        "        title: Start\n"
        '      - at: "1:02:03"\n'
        '        title: "- x"\n'
        '    goals: ["yes", g-2]\n'
        "  - id: q\n"
        "    type: workshop_prep\n"
        '    prompt: "null"\n'
        "    required: false\n"
        "    help: Hjælp\n"
        "---\n"
    )
    export_course(course, tmp_path)
    data, problems = read_course_dir(tmp_path / "layout")
    assert problems == []
    assert data is not None
    assert data.summary == "Første linje.\nAnden linje.\n"
    assert [goal.description for goal in data.goals] == ["", "  Indrykket\n\n"]
    assert data.modules[0].intro == "Intro med\n---\nlinje."
    video, question = data.modules[0].lessons[0].blocks
    assert video.data == {
        "title": 'Film "1": start',
        "url": "https://vimeo.com/1#t=10",
        "duration_minutes": 5,
        "chapters": [{"at": "00:00", "title": "Start"}, {"at": "1:02:03", "title": "- x"}],
    }
    assert video.goals == ("yes", "g-2")
    assert question.data == {"prompt": "null", "required": False, "help": "Hjælp"}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Digital ledelse", "Digital ledelse"),
        ("Film 1: Anja Pors", '"Film 1: Anja Pors"'),
        ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
        ("a #b", '"a #b"'),
        ("ends:", '"ends:"'),
        (" padded ", '" padded "'),
        ('"quoted" start', '"\\"quoted\\" start"'),
        ("Han sagde \"hej\" og 'farvel'", "Han sagde \"hej\" og 'farvel'"),
        ("- x", '"- x"'),
        ("yes", '"yes"'),
        ("on", '"on"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("1.0", '"1.0"'),
        ("12", '"12"'),
        ("2015-11-16", '"2015-11-16"'),
        ("10:30", '"10:30"'),
        ("æøå 🙂", "æøå 🙂"),
        ("tab\there", '"tab\\there"'),
        ("bell\x07", '"bell\\a"'),
        ("sep\u2028", '"sep\\L"'),
        ("bom\ufeff", '"bom\\uFEFF"'),
        (True, "true"),
        (40, "40"),
    ],
)
def test_scalars_are_plain_only_when_they_read_back_as_the_same_string(
    value: Any, written: str
) -> None:
    assert scalar(value) == written


# --- Destinations and the zip ---------------------------------------------------------------------


def test_export_refuses_a_non_empty_destination(session: Any, tmp_path: Path) -> None:
    course = import_course(MINIMAL).course
    target = tmp_path / "minimal"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")

    with pytest.raises(ExportError, match="not empty"):
        export_course(course, tmp_path)
    assert [path.name for path in target.iterdir()] == ["notes.txt"]

    written = export_course(course, tmp_path, overwrite=True)

    assert (target / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert {path.relative_to(target).as_posix() for path in written} == set(course_to_files(course))


def test_export_into_an_empty_existing_folder(session: Any, tmp_path: Path) -> None:
    course = import_course(MINIMAL).course
    (tmp_path / "minimal").mkdir()

    export_course(course, tmp_path)

    assert folder_files(tmp_path / "minimal") == folder_files(MINIMAL)


def test_export_refuses_a_file_in_the_way(session: Any, tmp_path: Path) -> None:
    course = import_course(MINIMAL).course
    (tmp_path / "minimal").write_text("", encoding="utf-8")

    with pytest.raises(ExportError):
        export_course(course, tmp_path, overwrite=True)


def test_zip_is_deterministic_and_holds_the_course_folder(session: Any, tmp_path: Path) -> None:
    course = import_course(SHIPPED_COURSE).course

    first = export_zip(course)
    second = export_zip(course)

    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        contents = {name: archive.read(name) for name in names}
        archive.extractall(tmp_path)
    assert contents == {
        f"digital-ledelse/{name}": data for name, data in folder_files(SHIPPED_COURSE).items()
    }
    data, problems = read_course_dir(tmp_path / "digital-ledelse")
    assert problems == []
    assert data == read_course_dir(SHIPPED_COURSE)[0]


def test_zip_reimports_unchanged(session: Any, tmp_path: Path) -> None:
    """Import of an unpacked export changes nothing in the database."""
    course = import_course(MINIMAL).course
    with zipfile.ZipFile(io.BytesIO(export_zip(course))) as archive:
        archive.extractall(tmp_path)

    assert not import_course(tmp_path / "minimal").changed
