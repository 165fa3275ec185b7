"""Property: any valid course in the database survives export → import → export byte for byte, and
the exported folder reads back (without problems) as exactly the content that was in the database.

Courses are generated as database rows (in a savepoint that is rolled back per example), with text
that is hard on YAML: Danish letters, quotes, colons, '#', '---' lines, YAML words such as ``yes``,
``null``, ``1.0`` and ``- x``, leading and trailing spaces and line breaks, CRLF, tabs, emoji and
control characters. Retired and draft items, tags in any order and missing or clashing source names
are mixed in.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course_app.core.db import utcnow
from course_app.courses.file_export import course_to_files, export_course
from course_app.courses.file_import import import_course
from course_app.courses.file_reader import read_course_dir
from course_app.courses.file_schema import (
    ID_PATTERN,
    LANGUAGES,
    RESOURCE_KINDS,
    CourseData,
)
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
from course_app.courses.yaml_writer import normalise_newlines

settings.register_profile("ci", max_examples=40, deadline=None)

# --- Text -----------------------------------------------------------------------------------------

TRICKY = [
    "æøå ÆØÅ",
    '"',
    "'",
    ":",
    ": ",
    "#",
    " #",
    "---",
    "\n---\n",
    "...",
    "- x",
    "? y",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "true",
    "1.0",
    "12",
    "00:00",
    "2015-11-16",
    "0x1f",
    "&a",
    "*b",
    "!tag",
    "%YAML",
    "@",
    "`",
    "|",
    ">",
    "[",
    "]",
    "{",
    "}",
    ",",
    "<<",
    "=",
    "\\",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "🙂",
    "👩‍💻",
    "\xa0",
    "# Overskrift\n\n- punkt\n- punkt\n",
    "  indrykket kode\n",
]
# Characters a YAML block cannot hold as they are (they must be escaped in double quotes).
EXOTIC = ["\u2028", "\u2029", "\x85", "\ufeff", "\x07", "\x1b", "\x7f", "\x0c", "\r"]
_FRIENDLY_CHAR = st.sampled_from("abcxyz ABC æøåÆØÅ éü.,;!?-'\":#\n")
# Any character a database stores (no NUL; no lone surrogates, which are not UTF-8).
_ANY_CHAR = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_FRIENDLY_PIECE = st.sampled_from(TRICKY) | st.text(_FRIENDLY_CHAR, min_size=1, max_size=12)
_EXOTIC_PIECE = st.sampled_from(EXOTIC) | st.text(_ANY_CHAR, min_size=1, max_size=4)
_FRIENDLY_TEXT = st.lists(_FRIENDLY_PIECE, max_size=6).map("".join)
# Most text is what authors write; some holds anything a database can store.
TEXT = st.one_of(
    _FRIENDLY_TEXT,
    _FRIENDLY_TEXT,
    _FRIENDLY_TEXT,
    st.lists(_FRIENDLY_PIECE | _EXOTIC_PIECE, max_size=6).map("".join),
)
# Required and optional text fields must hold more than white space (``files._text``).
NON_EMPTY = TEXT.filter(lambda text: bool(normalise_newlines(text).strip()))
TITLE = NON_EMPTY.filter(lambda text: len(text) <= 300)
OPTIONAL = st.none() | NON_EMPTY

_SPECIAL_IDS = [
    "yes",
    "no",
    "null",
    "true",
    "on",
    "12",
    "1e5",
    "0x1f",
    "0o7",
    "2015-11-16",
    "module",
]
ID = st.sampled_from(_SPECIAL_IDS) | st.from_regex(ID_PATTERN, fullmatch=True)


def ids(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(ID, min_size=min_size, max_size=max_size, unique=True)


_URL_TAIL = st.text(st.sampled_from("abcæ019-_./?=&#:%~"), max_size=12)
HTTP_URL = st.builds(
    lambda scheme, host, tail: f"{scheme}://{host}/{tail}",
    st.sampled_from(["http", "https"]),
    st.sampled_from(["example.org", "vimeo.com", "www.youtube.com"]),
    _URL_TAIL,
)
RESOURCE_URL = HTTP_URL | st.builds(
    lambda name: f"mailto:{name}@example.org", st.from_regex(r"[a-z]{1,8}", fullmatch=True)
)


def _timestamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


CHAPTERS = st.lists(st.integers(0, 3 * 3600), min_size=1, max_size=3, unique=True).flatmap(
    lambda seconds: st.tuples(*(TITLE for _ in seconds)).map(
        lambda titles: [
            {"at": _timestamp(at), "title": title}
            for at, title in zip(sorted(seconds), titles, strict=True)
        ]
    )
)


def _fields(**fields: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A block's data: every field drawn, those drawn as None left out (not set)."""
    return st.fixed_dictionaries(fields).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


BLOCK_DATA = {
    BlockType.TEXT: _fields(body=NON_EMPTY),
    BlockType.VIDEO: _fields(
        title=TITLE,
        url=HTTP_URL,
        placeholder=st.none() | st.booleans(),
        duration_minutes=st.none() | st.integers(1, 600),
        speaker=OPTIONAL,
        chapters=st.none() | CHAPTERS,
    ),
    BlockType.REFLECTION: _fields(
        prompt=NON_EMPTY, required=st.none() | st.booleans(), help=OPTIONAL
    ),
    BlockType.WORKSHOP_PREP: _fields(
        prompt=NON_EMPTY, required=st.none() | st.booleans(), help=OPTIONAL
    ),
    BlockType.RESOURCE: _fields(
        title=TITLE,
        url=RESOURCE_URL,
        kind=st.none() | st.sampled_from(RESOURCE_KINDS),
        description=OPTIONAL,
    ),
}

# --- Courses --------------------------------------------------------------------------------------


@dataclass
class Item:
    """One generated row: its column values, goal tags (indexes into the goals) and children."""

    key: str
    values: dict[str, Any]
    retired: bool
    tags: list[int]
    children: list[Item]


@st.composite
def courses(draw: st.DrawFn) -> tuple[dict[str, Any], list[Item], list[Item]]:
    """(course values, goals, modules with lessons with blocks)."""
    course = {
        "slug": draw(ID),
        "title": draw(TITLE),
        "language": draw(st.sampled_from(LANGUAGES)),
        "summary": draw(NON_EMPTY),
        "status": draw(st.sampled_from(PublicationStatus)),
    }

    def retired() -> bool:
        return draw(st.integers(0, 5)) == 0

    goals = [
        Item(
            key,
            {"title": draw(TITLE), "description": draw(st.just("") | NON_EMPTY)},
            retired(),
            [],
            [],
        )
        for key in draw(ids(0, 4))
    ]

    def tags() -> list[int]:
        """Some goals, in any order."""
        order = draw(st.permutations(range(len(goals))))
        return list(order[: draw(st.integers(0, len(order)))])

    def outline(key: str, names: list[str]) -> Item:
        """A module or lesson; ``names`` mixes usable, clashing and unusable source names."""
        values = {
            "title": draw(TITLE),
            "intro": draw(TEXT),
            "source_name": draw(st.sampled_from(names)),
            "status": draw(st.sampled_from(PublicationStatus)),
        }
        return Item(key, values, retired(), tags(), [])

    modules = [
        outline(key, ["", "01-a", "a", "course.yml", ".hidden", "a/b"]) for key in draw(ids(1, 3))
    ]
    for module in modules:
        module.values["mode"] = draw(st.sampled_from(ModuleMode))
    lessons: list[Item] = []
    for key in draw(ids(0, 6)):
        lesson = outline(key, ["", "a.md", "b.md", "module.md", "x.txt", ".h.md"])
        draw(st.sampled_from(modules)).children.append(lesson)
        lessons.append(lesson)
    if lessons:
        for key in draw(ids(0, 8)):
            block_type = draw(st.sampled_from(BlockType))
            values = {"type": block_type, "data": draw(BLOCK_DATA[block_type])}
            draw(st.sampled_from(lessons)).children.append(Item(key, values, retired(), tags(), []))
    return course, goals, modules


def _create(session: Any, spec: tuple[dict[str, Any], list[Item], list[Item]]) -> Course:
    values, goals, modules = spec
    course = Course(**values)
    session.add(course)
    session.flush()
    now = utcnow()

    def retired(item: Item) -> Any:
        return now if item.retired else None

    goal_rows = [
        LearningGoal(
            course_id=course.id,
            key=goal.key,
            position=index,
            retired_at=retired(goal),
            **goal.values,
        )
        for index, goal in enumerate(goals)
    ]
    session.add_all(goal_rows)
    # Positions with gaps, and in reverse for modules, as edits in the browser may leave them.
    for m_index, module in enumerate(modules):
        module_row = Module(
            course_id=course.id,
            key=module.key,
            position=100 - 10 * m_index,
            retired_at=retired(module),
            goals=[goal_rows[i] for i in module.tags],
            **module.values,
        )
        session.add(module_row)
        for l_index, lesson in enumerate(module.children):
            lesson_row = Lesson(
                course_id=course.id,
                module=module_row,
                key=lesson.key,
                position=3 * l_index,
                retired_at=retired(lesson),
                goals=[goal_rows[i] for i in lesson.tags],
                **lesson.values,
            )
            session.add(lesson_row)
            for b_index, block in enumerate(lesson.children):
                session.add(
                    Block(
                        course_id=course.id,
                        lesson=lesson_row,
                        key=block.key,
                        position=b_index,
                        retired_at=retired(block),
                        goals=[goal_rows[i] for i in block.tags],
                        **block.values,
                    )
                )
    session.flush()
    return course


def _expected(spec: tuple[dict[str, Any], list[Item], list[Item]]) -> tuple:
    """What the exported folder must read back as: the live content, text with LF line breaks,
    intros trimmed as the reader trims them, tags in goal order and only to live goals."""
    values, goals, modules = spec
    live_goals = [index for index, goal in enumerate(goals) if not goal.retired]

    def text(value: Any) -> Any:
        return normalise_newlines(value) if isinstance(value, str) else value

    def intro(value: str) -> str:
        return normalise_newlines(value).lstrip("\n").rstrip()

    def tag_keys(item: Item) -> tuple[str, ...]:
        return tuple(goals[i].key for i in sorted(item.tags) if i in live_goals)

    def data(item: Item) -> dict[str, Any]:
        result = {name: text(value) for name, value in item.values["data"].items()}
        if "chapters" in result:
            result["chapters"] = [
                {name: text(value) for name, value in chapter.items()}
                for chapter in result["chapters"]
            ]
        return result

    live_modules = [module for module in reversed(modules) if not module.retired]
    return (
        values["slug"],
        text(values["title"]),
        values["language"],
        text(values["summary"]),
        tuple(
            (goals[i].key, text(goals[i].values["title"]), text(goals[i].values["description"]))
            for i in live_goals
        ),
        tuple(
            (
                module.key,
                text(module.values["title"]),
                module.values["mode"],
                intro(module.values["intro"]),
                tag_keys(module),
                tuple(
                    (
                        lesson.key,
                        text(lesson.values["title"]),
                        intro(lesson.values["intro"]),
                        tag_keys(lesson),
                        tuple(
                            (block.key, block.values["type"], data(block), tag_keys(block))
                            for block in lesson.children
                            if not block.retired
                        ),
                    )
                    for lesson in module.children
                    if not lesson.retired
                ),
            )
            for module in live_modules
        ),
    )


def _content(data: CourseData) -> tuple:
    """The read folder in the shape of ``_expected`` (file names and positions aside)."""
    return (
        data.key,
        data.title,
        data.language,
        data.summary,
        tuple((goal.key, goal.title, goal.description) for goal in data.goals),
        tuple(
            (
                module.key,
                module.title,
                module.mode,
                module.intro,
                module.goals,
                tuple(
                    (
                        lesson.key,
                        lesson.title,
                        lesson.intro,
                        lesson.goals,
                        tuple(
                            (block.key, block.type, block.data, block.goals)
                            for block in lesson.blocks
                        ),
                    )
                    for lesson in module.lessons
                ),
            )
            for module in data.modules
        ),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(spec=courses())
def test_export_import_export_is_byte_identical(session: Any, spec: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        savepoint = session.begin_nested()
        try:
            course = _create(session, spec)
            first = course_to_files(course)
            export_course(course, out / "first")
        finally:
            savepoint.rollback()
        folder = out / "first" / spec[0]["slug"]

        data, problems = read_course_dir(folder)
        assert problems == []
        assert data is not None
        assert _content(data) == _expected(spec)

        # Import into a database without the course, then export again.
        savepoint = session.begin_nested()
        try:
            report = import_course(folder)
            second = course_to_files(report.course)
            # Importing the same folder again changes nothing.
            assert not import_course(folder).changed
        finally:
            savepoint.rollback()

    assert second == first
