"""One course file read with its line numbers, and its mappings checked against the schema.

YAML is read with ruamel.yaml's round-trip loader, the loader that keeps line numbers. It is safe
in the sense that matters: it builds only mappings, lists and scalars and never constructs arbitrary
Python objects (``!!python/...`` tags become inert tagged values). Explicit tags and aliases are
refused anyway: the format needs neither, and aliases would let a tiny file expand into a huge
block ``data``. Size, depth and node counts are bounded (``file_limits``) while the events stream
in, before anything is built from them.

Every problem goes to the walk's ``WalkContext`` with file and line, so an author sees all of them
at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent

from course_app.courses.file_limits import (
    MAX_FILE_BYTES,
    CourseBudget,
    LimitExceeded,
    too_many_items,
)
from course_app.courses.file_schema import (
    FRONT_MATTER_DELIMITER,
    Field,
    Problem,
    check_id,
    check_string_list,
    kind_of,
)

_T = TypeVar("_T")


@dataclass
class WalkContext:
    """State shared by the whole walk: where problems go and which ids each kind has used."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    goal_ids: set[str] = field(default_factory=set)
    first_seen: dict[str, dict[str, str]] = field(default_factory=dict)
    # (file, line, module id, the module id its release waits for): checked once all are read.
    release_after: list[tuple[str, int, str, str]] = field(default_factory=list)
    # Material files the blocks name (``assets/<name>``), name → path.
    materials: dict[str, Path] = field(default_factory=dict)
    budget: CourseBudget = field(default_factory=CourseBudget)

    def name(self, path: Path) -> str:
        return path.relative_to(self.root.parent).as_posix()


@dataclass
class SourceFile:
    """One file being checked; ``offset`` turns ruamel's 0-based lines into 1-based file lines."""

    context: WalkContext
    path: Path
    offset: int = 1

    @property
    def name(self) -> str:
        return self.context.name(self.path)

    def add(self, line: int | None, message: str, *, translated: bool = False) -> None:
        self.context.problems.append(Problem(self.name, line, message, translated=translated))

    def refuse(self, error: LimitExceeded) -> None:
        self.add(error.line, error.message, translated=True)

    def key_line(self, mapping: CommentedMap, key: Any) -> int:
        return mapping.lc.key(key)[0] + self.offset

    def value_line(self, mapping: CommentedMap, key: Any) -> int:
        return mapping.lc.value(key)[0] + self.offset

    def item_line(self, sequence: CommentedSeq, index: int) -> int:
        return sequence.lc.item(index)[0] + self.offset


class Invalid:
    """Marks a file that could not be parsed (its problems are already reported)."""


INVALID = Invalid()


def read_text(source: SourceFile) -> str | None:
    """The file's text with LF line endings; None after reporting why it cannot be used. At
    most one byte past the size limit is read, so a huge file costs nothing."""
    budget = source.context.budget
    if budget.exhausted:  # reported once, where the course's budget ran out
        return None
    try:
        with source.path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
        budget.check_size(len(data))
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except LimitExceeded as error:
        source.refuse(error)
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


def _refuse_tags_and_aliases(source: SourceFile, yaml: YAML, text: str) -> bool:
    """Report explicit tags and aliases; True when there were none."""
    clean = True
    for event in source.context.budget.count_events(yaml.parse(text), source.offset):
        line = event.start_mark.line + source.offset
        if isinstance(event, AliasEvent):
            source.add(line, f"aliases (*{event.anchor}) are not supported: write the value out")
            clean = False
        elif isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag is not None:
            source.add(line, f"YAML tags ({event.tag}) are not supported: remove the tag")
            clean = False
    return clean


def parse_yaml(source: SourceFile, text: str) -> Any:
    """The parsed document, or INVALID after reporting why (syntax errors carry their line)."""
    yaml = YAML(typ="rt")
    try:
        if not _refuse_tags_and_aliases(source, yaml, text):
            return INVALID
        return yaml.load(text)
    except LimitExceeded as error:
        source.refuse(error)
        return INVALID
    except YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        source.add(None if mark is None else mark.line + source.offset, _yaml_error_message(error))
        return INVALID


def _split_front_matter(source: SourceFile, text: str) -> tuple[str, str] | None:
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


def load_markdown(source: SourceFile) -> tuple[Any, str]:
    """(front matter, intro Markdown) of a module or lesson file; INVALID when unreadable."""
    text = read_text(source)
    parts = None if text is None else _split_front_matter(source, text)
    if parts is None:
        return INVALID, ""
    front_matter, body = parts
    source.offset = 2
    return parse_yaml(source, front_matter), body.lstrip("\n").rstrip()


# --- Structure checks -----------------------------------------------------------------------------


def check_mapping(
    source: SourceFile, node: Any, fields: Mapping[str, Field], what: str, line: int | None
) -> CommentedMap | None:
    """Report a non-mapping, unknown keys, missing required keys and invalid values."""
    if isinstance(node, Invalid):
        return None
    if not isinstance(node, CommentedMap):
        source.add(line, f"{what} must be a mapping of 'key: value' lines (got {kind_of(node)})")
        return None
    for key in node:
        if key not in fields:
            allowed = ", ".join(fields)
            source.add(
                source.key_line(node, key), f"unknown key '{key}' in {what} (allowed: {allowed})"
            )
    for key, items in node.items():
        if message := too_many_items(key, items):
            source.add(source.value_line(node, key), message, translated=True)
    for name, spec in fields.items():
        if name not in node:
            if spec.required:
                source.add(line, f"{what} is missing required key '{name}'")
        elif error := spec.check(node[name]):
            source.add(source.value_line(node, name), f"'{name}' {error}")
    return node


def register_id(source: SourceFile, node: CommentedMap, kind: str) -> str | None:
    """The item's id when valid; reports an id already used by another item of the same kind."""
    key = node.get("id")
    if not isinstance(key, str) or check_id(key) is not None:
        return None
    line = source.value_line(node, "id")
    seen = source.context.first_seen.setdefault(kind, {})
    if key in seen:
        source.add(line, f"duplicate {kind} id '{key}' (first at {seen[key]}): give it a new id")
    else:
        seen[key] = f"{source.name}:{line}"
    return key


def check_goal_refs(source: SourceFile, node: CommentedMap) -> tuple[str, ...]:
    goals = node.get("goals")
    if not isinstance(goals, CommentedSeq) or check_string_list(goals):
        return ()
    for index, goal in enumerate(goals):
        line = source.item_line(goals, index)
        if goal not in source.context.goal_ids:
            source.add(line, f"unknown goal '{goal}': define it under learning_goals in course.yml")
        elif goal in goals[:index]:
            source.add(line, f"goal '{goal}' is listed twice")
    return tuple(goals)


def child_items(node: CommentedMap, key: str) -> list[tuple[int, Any]]:
    """(index, item) of a list-valued key, or nothing when it is missing, not a list or longer
    than its limit (``check_mapping`` reported that)."""
    items = node.get(key)
    if not isinstance(items, CommentedSeq) or too_many_items(key, items):
        return []
    return list(enumerate(items))


def plain_value(value: Any) -> Any:
    """ruamel's commented containers and scalar subclasses as plain JSON-ready Python values."""
    if isinstance(value, Mapping):
        return {str(key): plain_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_value(item) for item in value]
    for plain_type in (bool, int, float, str):
        if isinstance(value, plain_type):
            return plain_type(value)
    return value


def read_entries(
    source: SourceFile,
    node: CommentedMap,
    key: str,
    entry_problem: Callable[[Any], str | None],
    read: Callable[[str, int], _T | None],
) -> tuple[list[_T | None], set[str]]:
    """Read each file or folder named in the list ``node[key]``; report bad and repeated names."""
    listed: set[str] = set()
    items: list[_T | None] = []
    for index, name in child_items(node, key):
        problem = entry_problem(name)
        if problem is None and name in listed:
            problem = f"'{name}' is listed twice"
        if problem is None:
            listed.add(name)
            items.append(read(name, index))
        else:
            source.add(source.item_line(node[key], index), problem)
    return items, listed
