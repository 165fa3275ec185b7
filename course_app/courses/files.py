"""Reading and validating a course folder (``docs/course-format.md``) without the database.

``read_course_dir`` walks the whole folder and collects every problem, each naming file and line, so
an author fixes a folder in one round. Only a folder without problems yields a ``CourseData``: the
importer never sees half-valid content.

YAML is read with ruamel.yaml's round-trip loader, the loader that keeps line numbers. It is safe
in the sense that matters: it builds only mappings, lists and scalars and never constructs arbitrary
Python objects (``!!python/...`` tags become inert tagged values). Explicit tags and aliases are
refused anyway: the format needs neither, and aliases would let a tiny file expand into a huge
block ``data``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from course_app.courses.models import BlockType, ModuleMode

FORMAT_VERSION = 1
COURSE_FILE = "course.yml"
MODULE_FILE = "module.md"
FRONT_MATTER_DELIMITER = "---"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANGUAGES = ("da", "en")
MODES = tuple(mode.value for mode in ModuleMode)
BLOCK_TYPES = tuple(block_type.value for block_type in BlockType)
RESOURCE_KINDS = ("pdf", "slides", "video", "link", "document")
MAX_TITLE_LENGTH = 300
_T = TypeVar("_T")
_TIMESTAMP = re.compile(r"^(?:(\d{1,2}):(?=\d{2}:))?(\d{1,2}):(\d{2})$")


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing to fix. ``file`` is relative to the course folder's parent, ``line`` is 1-based."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class GoalData:
    key: str
    title: str
    description: str
    position: int


@dataclass(frozen=True)
class BlockData:
    """``data`` holds the type-specific fields as in the file (without id, type and goals)."""

    key: str
    type: BlockType
    position: int
    data: dict[str, Any] = field(hash=False)
    goals: tuple[str, ...] = ()


@dataclass(frozen=True)
class LessonData:
    key: str
    title: str
    intro: str
    source_name: str
    position: int
    goals: tuple[str, ...]
    blocks: tuple[BlockData, ...]


@dataclass(frozen=True)
class ModuleData:
    key: str
    title: str
    mode: ModuleMode
    intro: str
    source_name: str
    position: int
    goals: tuple[str, ...]
    lessons: tuple[LessonData, ...]


@dataclass(frozen=True)
class CourseData:
    key: str
    title: str
    language: str
    summary: str
    goals: tuple[GoalData, ...]
    modules: tuple[ModuleData, ...]


# --- Value checks: each returns what is wrong, or None --------------------------------------------

Check = Callable[[Any], str | None]


def _kind_of(value: Any) -> str:
    """How YAML read a value, for messages like "must be a string (got a number)"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    return f"a {type(value).__name__}"


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return f"must be a non-empty string (got {_kind_of(value)})"


def _title(value: Any) -> str | None:
    if error := _text(value):
        return error
    if len(value) > MAX_TITLE_LENGTH:
        return f"is {len(value)} characters long; shorten it to at most {MAX_TITLE_LENGTH}"
    return None


def _id(value: Any) -> str | None:
    if isinstance(value, str) and ID_PATTERN.match(value):
        return None
    return (
        "must be lowercase letters, digits and hyphens, starting with a letter or digit, "
        f"at most 63 characters (got {_kind_of(value)})"
    )


def _anything(_value: Any) -> str | None:
    return None


def _bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false (got {_kind_of(value)})"


def _positive_int(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return None
    return f"must be a whole number above 0 (got {_kind_of(value)})"


def _list(value: Any) -> str | None:
    return None if isinstance(value, list) else f"must be a list (got {_kind_of(value)})"


def _string_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return "must be a list of strings"


def _choice(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in allowed:
            return None
        return f"must be one of {', '.join(allowed)} (got {_kind_of(value)})"

    return check


def _format_version(value: Any) -> str | None:
    if value == FORMAT_VERSION and not isinstance(value, bool):
        return None
    return f"must be {FORMAT_VERSION}: this version reads only format {FORMAT_VERSION}"


def _url(*schemes: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and not any(char.isspace() for char in value):
            parsed = urlparse(value)
            has_target = parsed.netloc if parsed.scheme != "mailto" else parsed.path
            if parsed.scheme in schemes and has_target:
                return None
        names = " or ".join(f"{scheme}:" for scheme in schemes)
        return f"must be a full {names} link (got {_kind_of(value)})"

    return check


def parse_timestamp(value: str) -> int | None:
    """Seconds for "MM:SS" or "H:MM:SS" (video chapters), or None when it is neither."""
    match = _TIMESTAMP.match(value)
    if not match:
        return None
    hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    if minutes > 59 or seconds > 59:
        return None
    return hours * 3600 + minutes * 60 + seconds


def _timestamp(value: Any) -> str | None:
    if isinstance(value, str) and parse_timestamp(value) is not None:
        return None
    return f'must be a time "MM:SS" or "H:MM:SS" in quotes (got {_kind_of(value)})'


# --- Schemas --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Field:
    check: Check
    required: bool = True


def _optional(check: Check) -> _Field:
    return _Field(check, required=False)


COURSE_FIELDS = {
    "format": _Field(_format_version),
    "id": _Field(_id),
    "title": _Field(_title),
    "language": _Field(_choice(*LANGUAGES)),
    "summary": _Field(_text),
    "learning_goals": _optional(_list),
    "modules": _Field(_list),
}
GOAL_FIELDS = {"id": _Field(_id), "title": _Field(_title), "description": _optional(_text)}
MODULE_FIELDS = {
    "id": _Field(_id),
    "title": _Field(_title),
    "mode": _Field(_choice(*MODES)),
    "goals": _optional(_string_list),
    "lessons": _Field(_list),
}
LESSON_FIELDS = {
    "id": _Field(_id),
    "title": _Field(_title),
    "goals": _optional(_string_list),
    "blocks": _Field(_list),
}
# Keys every block has; they are stored as columns, not in the block's ``data``.
BLOCK_COMMON_FIELDS = {
    "id": _Field(_id),
    "type": _Field(_choice(*BLOCK_TYPES)),
    "goals": _optional(_string_list),
}
_QUESTION_FIELDS = {"prompt": _Field(_text), "required": _optional(_bool), "help": _optional(_text)}
BLOCK_FIELDS: dict[BlockType, dict[str, _Field]] = {
    BlockType.TEXT: {"body": _Field(_text)},
    BlockType.VIDEO: {
        "title": _Field(_title),
        "url": _Field(_url("http", "https")),
        "placeholder": _optional(_bool),
        "duration_minutes": _optional(_positive_int),
        "speaker": _optional(_text),
        "chapters": _optional(_list),
    },
    BlockType.REFLECTION: _QUESTION_FIELDS,
    BlockType.WORKSHOP_PREP: _QUESTION_FIELDS,
    BlockType.RESOURCE: {
        "title": _Field(_title),
        "url": _Field(_url("http", "https", "mailto")),
        "kind": _optional(_choice(*RESOURCE_KINDS)),
        "description": _optional(_text),
    },
}
CHAPTER_FIELDS = {"at": _Field(_timestamp), "title": _Field(_title)}


# --- Files and lines ------------------------------------------------------------------------------


@dataclass
class _Context:
    """State shared by the whole walk: where problems go and which ids each kind has used."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    goal_ids: set[str] = field(default_factory=set)
    first_seen: dict[str, dict[str, str]] = field(default_factory=dict)

    def name(self, path: Path) -> str:
        return path.relative_to(self.root.parent).as_posix()


@dataclass
class _Source:
    """One file being checked; ``offset`` turns ruamel's 0-based lines into 1-based file lines."""

    context: _Context
    path: Path
    offset: int = 1

    @property
    def name(self) -> str:
        return self.context.name(self.path)

    def add(self, line: int | None, message: str) -> None:
        self.context.problems.append(Problem(self.name, line, message))

    def key_line(self, mapping: CommentedMap, key: Any) -> int:
        return mapping.lc.key(key)[0] + self.offset

    def value_line(self, mapping: CommentedMap, key: Any) -> int:
        return mapping.lc.value(key)[0] + self.offset

    def item_line(self, sequence: CommentedSeq, index: int) -> int:
        return sequence.lc.item(index)[0] + self.offset


class _Invalid:
    """Marks a file that could not be parsed (its problems are already reported)."""


INVALID = _Invalid()


def _read_text(source: _Source) -> str | None:
    try:
        return source.path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        source.add(None, "file is not UTF-8 text: save it as UTF-8")
    except OSError as error:
        source.add(None, f"cannot read file: {error.strerror}")
    return None


def _yaml_error_message(error: YAMLError) -> str:
    if isinstance(error, MarkedYAMLError):
        parts = [part for part in (error.context, error.problem) if part]
        if parts:
            return "invalid YAML: " + ", ".join(parts)
    return f"invalid YAML: {str(error).splitlines()[0]}"


def _refuse_tags_and_aliases(source: _Source, yaml: YAML, text: str) -> bool:
    """Report explicit tags and aliases; True when there were none."""
    clean = True
    for event in yaml.parse(text):
        line = event.start_mark.line + source.offset
        if isinstance(event, AliasEvent):
            source.add(line, f"aliases (*{event.anchor}) are not supported: write the value out")
            clean = False
        elif isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag is not None:
            source.add(line, f"YAML tags ({event.tag}) are not supported: remove the tag")
            clean = False
    return clean


def _parse_yaml(source: _Source, text: str) -> Any:
    """The parsed document, or INVALID after reporting why (syntax errors carry their line)."""
    yaml = YAML(typ="rt")
    try:
        if not _refuse_tags_and_aliases(source, yaml, text):
            return INVALID
        return yaml.load(text)
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        source.add(None if mark is None else mark.line + source.offset, _yaml_error_message(error))
        return INVALID


def _split_front_matter(source: _Source, text: str) -> tuple[str, str] | None:
    """(front matter, Markdown body) of a .md file; the front matter starts on line 2."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_DELIMITER:
        source.add(1, "file must start with a '---' line, then the YAML front matter, then '---'")
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FRONT_MATTER_DELIMITER:
            # The final newline matters: without it a '|' scalar on the last key loses its own.
            front_matter = "".join(line + "\n" for line in lines[1:index])
            return front_matter, "\n".join(lines[index + 1 :])
    source.add(1, "front matter is not closed: add a '---' line after it")
    return None


def _load_markdown(source: _Source) -> tuple[Any, str]:
    """(front matter, intro Markdown) of a module or lesson file; INVALID when unreadable."""
    text = _read_text(source)
    parts = None if text is None else _split_front_matter(source, text)
    if parts is None:
        return INVALID, ""
    front_matter, body = parts
    source.offset = 2
    return _parse_yaml(source, front_matter), body.lstrip("\n").rstrip()


# --- Structure checks -----------------------------------------------------------------------------


def _check_mapping(
    source: _Source, node: Any, fields: Mapping[str, _Field], what: str, line: int | None
) -> CommentedMap | None:
    """Report a non-mapping, unknown keys, missing required keys and invalid values."""
    if isinstance(node, _Invalid):
        return None
    if not isinstance(node, CommentedMap):
        source.add(line, f"{what} must be a mapping of 'key: value' lines (got {_kind_of(node)})")
        return None
    for key in node:
        if key not in fields:
            allowed = ", ".join(fields)
            source.add(
                source.key_line(node, key), f"unknown key '{key}' in {what} (allowed: {allowed})"
            )
    for name, spec in fields.items():
        if name not in node:
            if spec.required:
                source.add(line, f"{what} is missing required key '{name}'")
        elif error := spec.check(node[name]):
            source.add(source.value_line(node, name), f"'{name}' {error}")
    return node


def _register_id(source: _Source, node: CommentedMap, kind: str) -> str | None:
    """The item's id when valid; reports an id already used by another item of the same kind."""
    key = node.get("id")
    if not isinstance(key, str) or _id(key) is not None:
        return None
    line = source.value_line(node, "id")
    seen = source.context.first_seen.setdefault(kind, {})
    if key in seen:
        source.add(line, f"duplicate {kind} id '{key}' (first at {seen[key]}): give it a new id")
    else:
        seen[key] = f"{source.name}:{line}"
    return key


def _check_goal_refs(source: _Source, node: CommentedMap) -> tuple[str, ...]:
    goals = node.get("goals")
    if not isinstance(goals, CommentedSeq) or _string_list(goals):
        return ()
    for index, goal in enumerate(goals):
        line = source.item_line(goals, index)
        if goal not in source.context.goal_ids:
            source.add(line, f"unknown goal '{goal}': define it under learning_goals in course.yml")
        elif goal in goals[:index]:
            source.add(line, f"goal '{goal}' is listed twice")
    return tuple(goals)


def _child_items(node: CommentedMap, key: str) -> list[tuple[int, Any]]:
    """(index, item) of a list-valued key, or nothing when it is missing or not a list."""
    items = node.get(key)
    return list(enumerate(items)) if isinstance(items, CommentedSeq) else []


def _plain(value: Any) -> Any:
    """ruamel's commented containers and scalar subclasses as plain JSON-ready Python values."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    for plain_type in (bool, int, float, str):
        if isinstance(value, plain_type):
            return plain_type(value)
    return value


def _read_entries(
    source: _Source,
    node: CommentedMap,
    key: str,
    entry_problem: Callable[[Any], str | None],
    read: Callable[[str, int], _T | None],
) -> tuple[list[_T | None], set[str]]:
    """Read each file or folder named in the list ``node[key]``; report bad and repeated names."""
    listed: set[str] = set()
    items: list[_T | None] = []
    for index, name in _child_items(node, key):
        problem = entry_problem(name)
        if problem is None and name in listed:
            problem = f"'{name}' is listed twice"
        if problem is None:
            listed.add(name)
            items.append(read(name, index))
        else:
            source.add(source.item_line(node[key], index), problem)
    return items, listed


def _is_plain_name(name: Any) -> bool:
    """A bare file or folder name: no path separators, no hidden or parent entries."""
    return (
        isinstance(name, str)
        and bool(name)
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
    )


# --- The walk -------------------------------------------------------------------------------------


def _read_chapters(source: _Source, node: CommentedMap) -> None:
    previous: int | None = None
    for index, chapter in _child_items(node, "chapters"):
        line = source.item_line(node["chapters"], index)
        checked = _check_mapping(source, chapter, CHAPTER_FIELDS, "chapter", line)
        at = checked.get("at") if checked is not None else None
        seconds = parse_timestamp(at) if isinstance(at, str) else None
        if seconds is None:
            continue
        if previous is not None and seconds <= previous:
            source.add(line, "chapters must be in time order: move this one or fix its 'at'")
        previous = seconds


def _block_fields(node: Any) -> dict[str, _Field]:
    """The keys a block may have. Without a known type (reported via 'type') only the common keys
    can be judged, so the others are let through rather than all reported as unknown."""
    type_name = node.get("type") if isinstance(node, CommentedMap) else None
    if type_name in BLOCK_TYPES:
        return {**BLOCK_COMMON_FIELDS, **BLOCK_FIELDS[BlockType(type_name)]}
    others = {key: _optional(_anything) for key in node} if isinstance(node, CommentedMap) else {}
    return {**others, **BLOCK_COMMON_FIELDS}


def _read_block(source: _Source, node: Any, position: int, line: int) -> BlockData | None:
    before = len(source.context.problems)
    fields = _block_fields(node)
    block = _check_mapping(source, node, fields, "block", line)
    if block is None:
        return None
    key = _register_id(source, block, "block")
    goals = _check_goal_refs(source, block)
    if block.get("type") == BlockType.VIDEO:
        _read_chapters(source, block)
    if len(source.context.problems) > before or key is None:
        return None
    data = {name: _plain(value) for name, value in block.items() if name not in BLOCK_COMMON_FIELDS}
    return BlockData(
        key=key, type=BlockType(block["type"]), position=position, data=data, goals=goals
    )


def _read_lesson(context: _Context, folder: Path, name: str, position: int) -> LessonData | None:
    before = len(context.problems)
    source = _Source(context, folder / name)
    front, intro = _load_markdown(source)
    lesson = _check_mapping(source, front, LESSON_FIELDS, "lesson front matter", 2)
    if lesson is None:
        return None
    key = _register_id(source, lesson, "lesson")
    goals = _check_goal_refs(source, lesson)
    blocks = [
        _read_block(source, item, index, source.item_line(lesson["blocks"], index))
        for index, item in _child_items(lesson, "blocks")
    ]
    if len(context.problems) > before or key is None:
        return None
    return LessonData(
        key=key,
        title=str(lesson["title"]),
        intro=intro,
        source_name=name,
        position=position,
        goals=goals,
        blocks=tuple(block for block in blocks if block is not None),
    )


def _lesson_entry_problem(folder: Path, name: Any) -> str | None:
    if not _is_plain_name(name) or not name.endswith(".md") or name == MODULE_FILE:
        return f"lesson entry must be a .md file name in this folder (got {_kind_of(name)})"
    if not (folder / name).is_file():
        return f"lesson file '{name}' not found in {folder.name}/"
    return None


def _read_module_lessons(source: _Source, module: CommentedMap | None) -> list[LessonData | None]:
    """The listed lessons, in order; a file in the folder that is not listed is likely forgotten.

    Without a usable list every .md file in the folder is checked, so its problems still show.
    """
    folder = source.path.parent
    if module is None or not isinstance(module.get("lessons"), CommentedSeq):
        for path in sorted(folder.glob("*.md")):
            if path.name != MODULE_FILE:
                _read_lesson(source.context, folder, path.name, 0)
        return []
    lessons, listed = _read_entries(
        source,
        module,
        "lessons",
        partial(_lesson_entry_problem, folder),
        partial(_read_lesson, source.context, folder),
    )
    unlisted = (path for path in sorted(folder.iterdir()) if path.name not in listed)
    for path in unlisted:
        if path.is_file() and path.name != MODULE_FILE and not path.name.startswith("."):
            _Source(source.context, path).add(
                None, "file is not listed under 'lessons' in module.md: list it or remove it"
            )
    return lessons


def _read_module(context: _Context, name: str, position: int) -> ModuleData | None:
    before = len(context.problems)
    source = _Source(context, context.root / name / MODULE_FILE)
    front, intro = _load_markdown(source)
    module = _check_mapping(source, front, MODULE_FIELDS, "module front matter", 2)
    lessons = _read_module_lessons(source, module)
    if module is None:
        return None
    key = _register_id(source, module, "module")
    goals = _check_goal_refs(source, module)
    if len(context.problems) > before or key is None:
        return None
    return ModuleData(
        key=key,
        title=str(module["title"]),
        mode=ModuleMode(module["mode"]),
        intro=intro,
        source_name=name,
        position=position,
        goals=goals,
        lessons=tuple(lesson for lesson in lessons if lesson is not None),
    )


def _read_goals(source: _Source, course: CommentedMap) -> list[GoalData | None]:
    goals: list[GoalData | None] = []
    for index, item in _child_items(course, "learning_goals"):
        before = len(source.context.problems)
        line = source.item_line(course["learning_goals"], index)
        goal = _check_mapping(source, item, GOAL_FIELDS, "learning goal", line)
        key = None if goal is None else _register_id(source, goal, "goal")
        if key is not None:
            source.context.goal_ids.add(key)
        if goal is None or key is None or len(source.context.problems) > before:
            goals.append(None)
            continue
        description = str(goal.get("description", ""))
        goals.append(GoalData(key, str(goal["title"]), description, position=index))
    return goals


def _module_entry_problem(root: Path, name: Any) -> str | None:
    if not _is_plain_name(name):
        return f"module entry must be a folder name in the course (got {_kind_of(name)})"
    if not (root / name).is_dir():
        return f"module folder '{name}' not found in {root.name}/"
    if not (root / name / MODULE_FILE).is_file():
        return f"module folder '{name}' has no {MODULE_FILE}"
    return None


def _read_course_modules(source: _Source, course: CommentedMap) -> list[ModuleData | None]:
    """The listed modules, in order; a module folder that is not listed is likely forgotten."""
    root = source.context.root
    modules, listed = _read_entries(
        source,
        course,
        "modules",
        partial(_module_entry_problem, root),
        partial(_read_module, source.context),
    )
    if isinstance(course.get("modules"), CommentedSeq):
        for path in sorted(root.iterdir()):
            if path.name not in listed and (path / MODULE_FILE).is_file():
                _Source(source.context, path).add(
                    None, "folder has a module.md but is not listed under 'modules' in course.yml"
                )
    return modules


def read_course_dir(path: Path) -> tuple[CourseData | None, list[Problem]]:
    """Check a course folder: (the course, []) when it has no problems, else (None, problems)."""
    root = Path(path).resolve()
    context = _Context(root)
    if not root.is_dir():
        return None, [Problem(root.name, None, "course folder not found")]
    source = _Source(context, root / COURSE_FILE)
    if not source.path.is_file():
        source.add(None, f"{COURSE_FILE} not found: every course folder needs one")
        return None, context.problems
    text = _read_text(source)
    parsed = INVALID if text is None else _parse_yaml(source, text)
    course = _check_mapping(source, parsed, COURSE_FIELDS, COURSE_FILE, 1)
    if course is None:
        return None, context.problems
    key = _register_id(source, course, "course")
    goals = _read_goals(source, course)
    modules = _read_course_modules(source, course)
    if context.problems or key is None:
        return None, context.problems
    data = CourseData(
        key=key,
        title=str(course["title"]),
        language=str(course["language"]),
        summary=str(course["summary"]),
        goals=tuple(goal for goal in goals if goal is not None),
        modules=tuple(module for module in modules if module is not None),
    )
    return data, []
