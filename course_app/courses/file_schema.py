"""The course-file format (``docs/course-format.md``) as data: names, the checked result types, and
the rules for every key of every file.

Each rule is a small check that returns what is wrong with a value, or None. The reader
(``file_reader.py``) applies them with file and line; the authoring services apply the same rules to
what an author types, so whatever is saved in the browser can be exported and imported again.

Messages are Danish message ids (translated in a request, the ids themselves on the command line).
The format's keys and what the author wrote stay literal, in »…«: ``»at« skal være …``. A check says
what is wrong as the rest of a sentence whose subject is the key (``skal være …``, no full stop).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from course_app.courses.models import BlockType, CompletionRule, ModuleMode, PublicationStatus
from course_app.courses.release_rules import release_problem

FORMAT_VERSION = 1
COURSE_FILE = "course.yml"
MODULE_FILE = "module.md"
FRONT_MATTER_DELIMITER = "---"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
LANGUAGES = ("da", "en")
MODES = tuple(mode.value for mode in ModuleMode)
BLOCK_TYPES = tuple(block_type.value for block_type in BlockType)
COMPLETION_RULES = tuple(rule.value for rule in CompletionRule)
STATUSES = tuple(status.value for status in PublicationStatus)
RESOURCE_KINDS = ("pdf", "slides", "video", "link", "document")
MAX_TITLE_LENGTH = 300
MAX_DESCRIPTION_LENGTH = 5000  # a learning goal's; the browser's goal form has the same limit
_TIMESTAMP = re.compile(r"^(?:(\d{1,2}):(?=\d{2}:))?(\d{1,2}):(\d{2})$")


# --- Results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing to fix. ``file`` is relative to the course folder's parent, ``line`` is 1-based.

    ``message`` may be given lazily (``lazy_gettext``); it is kept as the text it has when the
    problem is found, so in the request that validates it is in the reader's language (the page
    shows it right away), on the command line the Danish id. Comparing and hashing see plain text."""

    file: str
    line: int | None
    message: str | LazyString

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", str(self.message))

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
    completion: str = "self"
    watched_percent: int | None = None
    status: str = "published"


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
    # The release rule as written (``release_rules``); None: always open.
    release: dict[str, Any] | None = field(default=None, hash=False)
    status: str = "published"


@dataclass(frozen=True)
class CourseData:
    key: str
    title: str
    language: str
    summary: str
    goals: tuple[GoalData, ...]
    modules: tuple[ModuleData, ...]
    # The material files the blocks name: file name in ``assets/`` → its path.
    materials: Mapping[str, Path] = field(default_factory=dict, hash=False)
    status: str = "published"


# --- Value checks: each returns what is wrong, or None --------------------------------------------

Check = Callable[[Any], str | None]


def quoted(value: Any) -> str:
    """A value or key as written in a file, quoted as the reader's language quotes: »x«, 'x'."""
    return _("»%(value)s«", value=value)


def kind_of(value: Any) -> str:
    """How YAML read a value, for messages like "skal være en tekst (der står et tal)"."""
    if value is None:
        return _("ingenting")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return _("tallet %(number)s", number=value)
    if isinstance(value, Mapping):
        return _("nøgler med værdier")
    if isinstance(value, list):
        return _("en liste")
    if isinstance(value, str):
        return quoted(value if len(value) <= 40 else f"{value[:37]}…")
    if isinstance(value, dt.date):
        return _("en dato")
    return _("en værdi af typen %(type)s", type=type(value).__name__)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return _("skal være en tekst, der ikke er tom (der står %(got)s)", got=kind_of(value))


def too_long(length: int, limit: int) -> str:
    return _(
        "er %(length)s tegn lang; gør den højst %(limit)s tegn lang", length=length, limit=limit
    )


def _text_at_most(limit: int) -> Check:
    def check(value: Any) -> str | None:
        if error := _text(value):
            return error
        if len(value) > limit:
            return too_long(len(value), limit)
        return None

    return check


_title = _text_at_most(MAX_TITLE_LENGTH)
_description = _text_at_most(MAX_DESCRIPTION_LENGTH)


def check_id(value: Any) -> str | None:
    if isinstance(value, str) and ID_PATTERN.match(value):
        return None
    return _(
        "må kun have små bogstaver fra a til z (ikke æ, ø og å), tal og bindestreger, skal "
        "begynde med et bogstav eller et tal og må højst være 63 tegn lang (der står %(got)s)",
        got=kind_of(value),
    )


def check_anything(_value: Any) -> str | None:
    return None


def check_bool(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    return _("skal være true eller false (der står %(got)s)", got=kind_of(value))


def _positive_int(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return None
    return _("skal være et helt tal over 0 (der står %(got)s)", got=kind_of(value))


def _percent(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100:
        return None
    return _("skal være et helt tal fra 1 til 100 (der står %(got)s)", got=kind_of(value))


def check_list(value: Any) -> str | None:
    if isinstance(value, list):
        return None
    return _("skal være en liste (der står %(got)s)", got=kind_of(value))


def check_string_list(value: Any) -> str | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return None
    return _(
        "skal være en liste, hvor hvert punkt er en tekst (der står %(got)s)", got=kind_of(value)
    )


def _choice(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and value in allowed:
            return None
        return _(
            "skal være en af: %(allowed)s (der står %(got)s)",
            allowed=", ".join(allowed),
            got=kind_of(value),
        )

    return check


def format_version_check(version: int) -> Check:
    """The rule for a file's ``format``: exactly ``version`` (what this code reads)."""

    def check(value: Any) -> str | None:
        if value == version and not isinstance(value, bool):
            return None
        return _(
            "skal være %(version)s: denne version af platformen læser kun format %(version)s "
            "(der står %(got)s)",
            version=version,
            got=kind_of(value),
        )

    return check


def _url(*schemes: str) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, str) and not any(char.isspace() for char in value):
            parsed = urlparse(value)
            has_target = parsed.netloc if parsed.scheme != "mailto" else parsed.path
            if parsed.scheme in schemes and has_target:
                return None
        return _(
            "skal være et fuldt link, der begynder med en af: %(schemes)s (der står %(got)s)",
            schemes=", ".join(f"{scheme}:" for scheme in schemes),
            got=kind_of(value),
        )

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
    return _(
        'skal være et tidspunkt skrevet "MM:SS" eller "T:MM:SS" i anførselstegn, fx "12:30" '
        "(der står %(got)s)",
        got=kind_of(value),
    )


def _material_name(value: Any) -> str | None:
    if (
        isinstance(value, str)
        and is_plain_name(value)
        and value == value.strip()
        and not any(char in value for char in "\x00\r\n\t")
    ):
        return None
    return _(
        "skal være navnet på en fil i kursets mappe assets/ (der står %(got)s)", got=kind_of(value)
    )


def resource_target_problem(block: Mapping[str, Any]) -> str | None:
    """A resource block links to exactly one thing: a ``url`` or one of the course's ``material``."""
    has_url, has_material = "url" in block, "material" in block
    if has_url and has_material:
        return _("En blok af typen »resource« har enten »url« eller »material«, ikke begge.")
    if not has_url and not has_material:
        return _(
            "En blok af typen »resource« skal have »url« (et link) eller »material« (en fil i "
            "mappen assets/)."
        )
    return None


# --- Schemas --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    check: Check
    required: bool = True


def optional(check: Check) -> Field:
    return Field(check, required=False)


COURSE_FIELDS = {
    "format": Field(format_version_check(FORMAT_VERSION)),
    "id": Field(check_id),
    "title": Field(_title),
    # "draft": imported as a draft, not shown to leaders (export writes it for drafts); default published.
    "status": optional(_choice(*STATUSES)),
    "language": Field(_choice(*LANGUAGES)),
    "summary": Field(_text),
    "learning_goals": optional(check_list),
    "modules": Field(check_list),
}
GOAL_FIELDS = {"id": Field(check_id), "title": Field(_title), "description": optional(_description)}
MODULE_FIELDS = {
    "id": Field(check_id),
    "title": Field(_title),
    "status": optional(_choice(*STATUSES)),
    "mode": Field(_choice(*MODES)),
    "goals": optional(check_string_list),
    "release": optional(release_problem),
    "lessons": Field(check_list),
}
LESSON_FIELDS = {
    "id": Field(check_id),
    "title": Field(_title),
    "status": optional(_choice(*STATUSES)),
    "goals": optional(check_string_list),
    # When the lesson may be marked done: "self" (the default) or "watched" (a share of its films
    # played, ``watched_percent``, default 90); see docs/course-format.md.
    "completion": optional(_choice(*COMPLETION_RULES)),
    "watched_percent": optional(_percent),
    "blocks": Field(check_list),
}
# Keys every block has; they are stored as columns, not in the block's ``data``.
BLOCK_COMMON_FIELDS = {
    "id": Field(check_id),
    "type": Field(_choice(*BLOCK_TYPES)),
    "goals": optional(check_string_list),
}
_QUESTION_FIELDS = {
    "prompt": Field(_text),
    "required": optional(check_bool),
    "help": optional(_text),
}
BLOCK_FIELDS: dict[BlockType, dict[str, Field]] = {
    BlockType.TEXT: {"body": Field(_text)},
    BlockType.VIDEO: {
        "title": Field(_title),
        "url": Field(_url("http", "https")),
        "placeholder": optional(check_bool),
        "duration_minutes": optional(_positive_int),
        "speaker": optional(_text),
        "chapters": optional(check_list),
    },
    # ``at``: a moment of a film of the lesson (``video``, else the film above); courses/film_moments.py.
    BlockType.REFLECTION: {
        **_QUESTION_FIELDS,
        "at": optional(_timestamp),
        "video": optional(check_id),
    },
    BlockType.WORKSHOP_PREP: _QUESTION_FIELDS,
    # Exactly one of ``url`` (a link elsewhere) and ``material`` (a file in ``assets/``, see
    # ``courses/materials.py``); ``resource_target_problem`` checks that.
    BlockType.RESOURCE: {
        "title": Field(_title),
        "url": optional(_url("http", "https", "mailto")),
        "material": optional(_material_name),
        "kind": optional(_choice(*RESOURCE_KINDS)),
        "description": optional(_text),
    },
}
CHAPTER_FIELDS = {"at": Field(_timestamp), "title": Field(_title)}


def is_plain_name(name: Any) -> bool:
    """A bare file or folder name: no path separators, no hidden or parent entries."""
    return (
        isinstance(name, str)
        and bool(name)
        and "/" not in name
        and "\\" not in name
        and not name.startswith(".")
    )
