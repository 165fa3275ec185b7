"""How big a course may be, checked before the expensive part of reading it.

Course files come from the browser (a zip any course editor may upload) and from the command line,
so they are untrusted. ruamel.yaml is pure Python: its scanner slows down quadratically with flow
nesting (2,000 levels of ``[`` took 7 seconds; 10,000 would take minutes) and its composer recurses
once per level (deep nesting ended in a RecursionError, a 500 in the browser). So no file is read
past its size limit, and the YAML events are counted as they stream out of the parser, which is
lazy: the walk stops at the first level or node past a limit, after reading only that far. The
whole course shares one node budget, so many big files cannot add up to a slow import either. The
zip itself is bounded in ``archive.py``.

The limits are far above what a real course needs (the shipped course has ~2,000 YAML nodes, its
largest file is 4 KB and it nests 5 levels deep); ``docs/course-format.md`` lists them.

Messages are Danish message ids, translated when shown, like the format checks'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent, Event

MAX_FILE_BYTES = 256 * 1024
MAX_COURSE_TEXT_BYTES = 5 * 1024 * 1024
MAX_YAML_DEPTH = 20
MAX_FILE_NODES = 5_000
MAX_COURSE_NODES = 20_000
# The most items a list in the files may hold, by its key.
MAX_ITEMS = {"learning_goals": 200, "modules": 100, "lessons": 100, "blocks": 200, "chapters": 100}


class LimitExceeded(Exception):
    """A file is past a limit; ``line`` (1-based) is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class CourseBudget:
    """What the files of one course have used so far: bytes read and YAML nodes parsed."""

    def __init__(self) -> None:
        self.text_bytes = 0
        self.nodes = 0
        self.exhausted = False

    def check_size(self, size: int) -> None:
        """Refuse a file of ``size`` bytes when it is too big or takes the course past its total.
        The caller reads at most ``MAX_FILE_BYTES + 1`` bytes, so a huge file is never read whole."""
        if size > MAX_FILE_BYTES:
            raise LimitExceeded(
                _(
                    "Filen er for stor: en kursusfil må højst fylde %(limit)s kB. Del indholdet "
                    "op i flere lektioner.",
                    limit=_kb(MAX_FILE_BYTES),
                )
            )
        self.text_bytes += size
        if self.text_bytes > MAX_COURSE_TEXT_BYTES:
            self._exhaust(
                _(
                    "Kursets filer fylder tilsammen mere end %(limit)s kB; resten er ikke læst.",
                    limit=_kb(MAX_COURSE_TEXT_BYTES),
                )
            )

    def count_events(self, events: Iterable[Event], first_line: int) -> Iterable[Event]:
        """Pass the parser's events through, stopping at the first one past the depth, the file's
        node limit or the course's node budget. ``first_line`` turns 0-based marks into file
        lines."""
        depth = nodes = 0
        for event in events:
            line = event.start_mark.line + first_line
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    raise LimitExceeded(
                        _(
                            "YAML-teksten er indlejret i mere end %(limit)s niveauer (lister og "
                            "nøgler inden i hinanden); kursusformatet bruger kun få.",
                            limit=MAX_YAML_DEPTH,
                        ),
                        line,
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
            nodes += 1
            if nodes > MAX_FILE_NODES:
                raise LimitExceeded(
                    _(
                        "Filen har mere end %(limit)s YAML-elementer (værdier, lister og "
                        "nøgler). Del indholdet op i flere lektioner.",
                        limit=MAX_FILE_NODES,
                    ),
                    line,
                )
            if self.nodes + nodes > MAX_COURSE_NODES:
                self._exhaust(
                    _(
                        "Kursets filer har tilsammen mere end %(limit)s YAML-elementer; resten er "
                        "ikke læst.",
                        limit=MAX_COURSE_NODES,
                    ),
                    line,
                )
            yield event
        self.nodes += nodes

    def _exhaust(self, message: str, line: int | None = None) -> None:
        self.exhausted = True
        raise LimitExceeded(message, line)


def too_many_items(key: str, items: Any) -> str | None:
    """The message when the list ``items`` under ``key`` is longer than its limit, else None."""
    limit = MAX_ITEMS.get(key)
    if limit is None or not isinstance(items, list) or len(items) <= limit:
        return None
    return _(
        "Listen »%(key)s« har %(count)s punkter; højst %(limit)s er tilladt.",
        key=key,
        count=len(items),
        limit=limit,
    )


def _kb(size: int) -> str:
    return f"{size / 1024:.0f}"
