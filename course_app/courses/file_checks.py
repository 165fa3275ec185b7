"""One course file read with its line numbers, and its mappings checked against the schema.

YAML is read with ruamel.yaml's round-trip loader, the loader that keeps line numbers. It is safe
in the sense that matters: it builds only mappings, lists and scalars and never constructs arbitrary
Python objects (``!!python/...`` tags become inert tagged values). Explicit tags and aliases are
refused anyway: the format needs neither, and aliases would let a tiny file expand into a huge
block ``data``. Size, depth and node counts are bounded (``file_limits``) while the events stream
in, before anything is built from them.

Every problem goes to the walk's ``WalkContext`` with file and line, so an author sees all of them
at once. Messages are Danish message ids (``file_schema``); the YAML parser's own English words never
reach them: a syntax error is told by what kind it is (``_yaml_error_message``).
"""

from __future__ import annotations

import errno
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError

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

    def add(self, line: int | None, message: str | LazyString) -> None:
        self.context.problems.append(Problem(self.name, line, message))

    def refuse(self, error: LimitExceeded) -> None:
        self.add(error.line, error.message)

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
        source.add(None, _("Filen er ikke gemt som UTF-8-tekst. Gem den som UTF-8."))
    except OSError as error:
        source.add(
            None,
            _(
                "Filen kan ikke læses (fejlkode %(code)s). Tjek, at det er en almindelig fil.",
                code=errno.errorcode.get(error.errno or 0, "?"),
            ),
        )
    return None


# What a YAML syntax error means, found by a word of the parser's (English) context or problem; the
# first that matches is told. The parser's own text is never shown: it is English and technical.
_YAML_HINTS = (
    (
        "mapping values are not allowed",
        _l(
            "Der står et kolon og et mellemrum (»: «) inde i en værdi, eller linjen er rykket "
            'forkert ind. Sæt værdien i anførselstegn, fx title: "Film: starten", eller ret '
            "indrykningen."
        ),
    ),
    ("'\\t'", _l("Linjen har et tabulatortegn. Ryk ind med mellemrum i stedet.")),
    (
        "cannot start any token",
        _l(
            "En værdi begynder med et tegn, som ikke må stå først i YAML (fx @, ` eller %). Sæt "
            "værdien i anførselstegn."
        ),
    ),
    (
        "escape",
        _l(
            "En tekst i dobbelte anførselstegn har en omvendt skråstreg (\\) foran et tegn, hvor "
            "den ikke kan stå. Skriv to omvendte skråstreger, eller brug enkelte anførselstegn."
        ),
    ),
    (
        "quoted scalar",
        _l("En tekst i anførselstegn er ikke lukket. Afslut den med samme slags anførselstegn."),
    ),
    (
        "flow sequence",
        _l(
            "En liste i [ ] er ikke skrevet rigtigt. Tjek kommaerne, og at den slutter med ]. "
            "Sæt en tekst med kolon eller komma i anførselstegn."
        ),
    ),
    (
        "flow mapping",
        _l(
            "Nøglerne i { } er ikke skrevet rigtigt. Tjek kommaerne, og at de slutter med }. "
            "Sæt en tekst med kolon eller komma i anførselstegn."
        ),
    ),
    ("flow node", _l("En [ eller { er ikke lukket. Afslut listen med ] eller nøglerne med }.")),
    (
        "could not find expected ':'",
        _l("Der mangler et kolon (»:«) efter en nøgle, eller linjen er rykket forkert ind."),
    ),
    (
        "block scalar",
        _l(
            "En tekstblok er ikke skrevet rigtigt: skriv | efter nøglen og teksten på linjerne "
            "under, rykket ind."
        ),
    ),
    (
        "anchor",
        _l(
            "Tegnet & i starten af en værdi bruges til YAML-ankre, som ikke kan bruges her. "
            "Sæt værdien i anførselstegn."
        ),
    ),
    (
        "alias",
        _l(
            "Tegnet * i starten af en værdi bruges til YAML-aliaser, som ikke kan bruges "
            "her. Sæt værdien i anførselstegn."
        ),
    ),
    (
        "tag",
        _l(
            "Tegnet ! i starten af en værdi bruges til YAML-tags, som ikke kan bruges her. "
            "Sæt værdien i anførselstegn."
        ),
    ),
    (
        "single document",
        _l("Der står mere end ét YAML-dokument her. Fjern den ekstra linje »---«."),
    ),
    (
        "block",
        _l(
            "Indrykningen passer ikke. Nøgler på samme niveau skal rykkes lige langt ind, og et "
            "listepunkt begynder med »- «. Har en værdi anførselstegn, skal hele værdien stå i dem."
        ),
    ),
)
_DUPLICATE_KEY = re.compile(r'found duplicate key "(.*?)" with value')


def _yaml_error_message(error: YAMLError) -> str:
    """A YAML syntax error in Danish: what kind it is and how to fix it, never the parser's text."""
    if isinstance(error, ReaderError):
        character = error.character
        code = ord(character) if isinstance(character, bytes | str) else int(character)
        hint = _(
            "Filen indeholder et tegn, der ikke må stå i YAML (tegnkode U+%(code)s). Fjern det.",
            code=format(code, "04X"),
        )
    elif isinstance(error, MarkedYAMLError):
        said = f"{error.context or ''} {error.problem or ''}"
        duplicate = _DUPLICATE_KEY.search(said)
        if duplicate:
            hint = _("Nøglen »%(key)s« står to gange. Fjern den ene.", key=duplicate.group(1))
        else:
            hint = next((str(text) for word, text in _YAML_HINTS if word in said), None)
    else:
        hint = None
    if hint is None:
        hint = _(
            "Teksten kan ikke læses her. Tjek anførselstegn, kolon og indrykning på denne linje og "
            "linjen før."
        )
    return _("Ugyldig YAML: %(hint)s", hint=hint)


def _yaml_error_line(error: YAMLError, text: str, offset: int) -> int | None:
    """The file line of a YAML error (1-based), when the parser says where."""
    if isinstance(error, ReaderError):
        return text.count("\n", 0, error.position) + offset
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return None if mark is None else mark.line + offset


def _refuse_tags_and_aliases(source: SourceFile, yaml: YAML, text: str) -> bool:
    """Report explicit tags and aliases; True when there were none."""
    clean = True
    for event in source.context.budget.count_events(yaml.parse(text), source.offset):
        line = event.start_mark.line + source.offset
        if isinstance(event, AliasEvent):
            source.add(
                line,
                _(
                    "YAML-aliaser (*%(anchor)s) kan ikke bruges her. Skriv værdien helt ud i "
                    "stedet.",
                    anchor=event.anchor,
                ),
            )
            clean = False
        elif isinstance(event, ScalarEvent | CollectionStartEvent) and event.tag is not None:
            source.add(
                line,
                _(
                    "YAML-tags (%(tag)s) kan ikke bruges her. Fjern tagget.",
                    tag=event.tag,
                ),
            )
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
        source.add(_yaml_error_line(error, text, source.offset), _yaml_error_message(error))
        return INVALID


def _split_front_matter(source: SourceFile, text: str) -> tuple[str, str] | None:
    """(front matter, Markdown body) of a .md file; the front matter starts on line 2."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_DELIMITER:
        source.add(
            1,
            _(
                "Filen skal begynde med en linje »---«, så front matter i YAML og så endnu en "
                "linje »---«."
            ),
        )
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == FRONT_MATTER_DELIMITER:
            # The final newline matters: without it a '|' scalar on the last key loses its own.
            front_matter = "".join(line + "\n" for line in lines[1:index])
            return front_matter, "\n".join(lines[index + 1 :])
    source.add(1, _("Front matter er ikke lukket. Tilføj en linje »---« efter den."))
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
    source: SourceFile,
    node: Any,
    fields: Mapping[str, Field],
    what: str | LazyString,
    line: int | None,
) -> CommentedMap | None:
    """Report a non-mapping, unknown keys, missing required keys and invalid values. ``what`` names
    the mapping as it reads after "i" (in): "blokken", "modulets front matter", "course.yml"."""
    if isinstance(node, Invalid):
        return None
    if not isinstance(node, CommentedMap):
        source.add(
            line,
            _(
                "Skriv %(what)s som linjer med »nøgle: værdi« (der står %(got)s).",
                what=what,
                got=kind_of(node),
            ),
        )
        return None
    for key in node:
        if key not in fields:
            source.add(
                source.key_line(node, key),
                _(
                    "Ukendt nøgle »%(key)s« i %(what)s. Ret den, eller fjern den. Tilladte "
                    "nøgler: %(allowed)s.",
                    key=key,
                    what=what,
                    allowed=", ".join(fields),
                ),
            )
    for key, items in node.items():
        if message := too_many_items(key, items):
            source.add(source.value_line(node, key), message)
    for name, spec in fields.items():
        if name not in node:
            if spec.required:
                source.add(
                    line, _("Nøglen »%(key)s« mangler i %(what)s. Tilføj den.", key=name, what=what)
                )
        elif error := spec.check(node[name]):
            source.add(source.value_line(node, name), value_problem(name, error))
    return node


def value_problem(key: str, error: str) -> str:
    """A value check's words (``file_schema``) as a sentence about its key."""
    return _("»%(key)s« %(problem)s.", key=key, problem=error)


def register_id(
    source: SourceFile, node: CommentedMap, kind: str, other: str | LazyString
) -> str | None:
    """The item's id when valid; reports an id already used by another item of the same kind.
    ``other`` names that other item in words: "en anden blok"."""
    key = node.get("id")
    if not isinstance(key, str) or check_id(key) is not None:
        return None
    line = source.value_line(node, "id")
    seen = source.context.first_seen.setdefault(kind, {})
    if key in seen:
        source.add(
            line,
            _(
                "Id'et »%(key)s« bruges allerede af %(other)s (i %(where)s). Giv denne et nyt id.",
                key=key,
                other=other,
                where=seen[key],
            ),
        )
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
            source.add(
                line,
                _(
                    "Læringsmålet »%(goal)s« findes ikke. Skriv det under »learning_goals« i "
                    "course.yml, eller ret id'et.",
                    goal=goal,
                ),
            )
        elif goal in goals[:index]:
            source.add(line, goal_listed_twice(goal))
    return tuple(goals)


def goal_listed_twice(goal: str) -> str:
    return _("Læringsmålet »%(goal)s« står to gange. Fjern det ene.", goal=goal)


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
    entry_problem: Callable[[Any], str | LazyString | None],
    read: Callable[[str, int], _T | None],
) -> tuple[list[_T | None], set[str]]:
    """Read each file or folder named in the list ``node[key]``; report bad and repeated names."""
    listed: set[str] = set()
    items: list[_T | None] = []
    for index, name in child_items(node, key):
        problem = entry_problem(name)
        if problem is None and name in listed:
            problem = _("»%(name)s« står to gange på listen. Fjern den ene.", name=name)
        if problem is None:
            listed.add(name)
            items.append(read(name, index))
        else:
            source.add(source.item_line(node[key], index), problem)
    return items, listed
