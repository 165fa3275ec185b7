"""Questions at a moment of a film: a reflection with ``at: "12:30"`` (docs/course-format.md).

A timed question belongs to the film it names with ``video`` (a video block of its own lesson), else
to the nearest film above it. The rules here work on plain (key, type, data) items, so the course
files' reader, the block form and the leader's page judge a question the same way; each caller says
a problem in its own words (the files name their keys, the browser its fields).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from course_app.core.html import classify_video_url
from course_app.courses.file_schema import parse_timestamp
from course_app.courses.models import BlockType

# The longest start a seek link may ask for: a day of film is far beyond any lesson.
MAX_START_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Item:
    """One block of a lesson as the rules see it."""

    key: Any
    type: Any
    data: Mapping[str, Any]

    @property
    def is_film(self) -> bool:
        return self.type == BlockType.VIDEO


class MomentProblem(enum.Enum):
    VIDEO_WITHOUT_AT = "video-without-at"  # ``video`` given, but no ``at``
    NO_FILM_ABOVE = "no-film-above"  # ``at`` without ``video``, and no film above the question
    NOT_A_FILM = "not-a-film"  # ``video`` names no film of this lesson
    AFTER_THE_END = "after-the-end"  # ``at`` beyond the film's length (``duration_minutes``)


def film_of(items: Sequence[Item], index: int) -> Item | None:
    """The film the question at ``index`` belongs to, or None when it names none that exists."""
    named = items[index].data.get("video")
    if named is not None:
        return next((item for item in items if item.is_film and item.key == named), None)
    return next((item for item in reversed(items[:index]) if item.is_film), None)


def moment_problem(items: Sequence[Item], index: int) -> MomentProblem | None:
    """What is wrong with the question's moment, if anything (a badly written ``at`` is the
    format's check, not this one's)."""
    data = items[index].data
    if "at" not in data:
        return MomentProblem.VIDEO_WITHOUT_AT if "video" in data else None
    film = film_of(items, index)
    if film is None:
        return MomentProblem.NOT_A_FILM if "video" in data else MomentProblem.NO_FILM_ABOVE
    seconds = parse_timestamp(data["at"]) if isinstance(data["at"], str) else None
    if seconds is not None and seconds > film_seconds(film.data, default=seconds):
        return MomentProblem.AFTER_THE_END
    return None


def broken_moments(blocks: Sequence[Any]) -> set[Any]:
    """The keys of the reflections whose moment is wrong in this order of the lesson's blocks
    (anything with ``key``, ``type`` and ``data``): what an edit or a move must not add to."""
    items = [Item(block.key, block.type, block.data or {}) for block in blocks]
    return {
        item.key
        for index, item in enumerate(items)
        if item.type == BlockType.REFLECTION and moment_problem(items, index) is not None
    }


def film_seconds(data: Mapping[str, Any], *, default: int) -> int:
    """The film's length in seconds from ``duration_minutes``, or ``default`` when it has none."""
    minutes = data.get("duration_minutes")
    if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
        return minutes * 60
    return default


@dataclass(frozen=True)
class Moment:
    """A question shown at a moment of its film."""

    seconds: int
    label: str  # as the author wrote it: "12:30"
    question: Any


@dataclass(frozen=True)
class FilmLayout:
    """How a lesson's page shows its blocks: in order, each timed question moved to just after
    its film, where the film's questions stand in time order."""

    blocks: list[Any]
    moments: dict[Any, list[Moment]]


def film_layout(blocks: Sequence[Any]) -> FilmLayout:
    """``blocks``: the lesson's blocks in order (anything with ``key``, ``type`` and ``data``).
    A timed question whose film is gone (deleted since) stays where it stands, without a time."""
    items = [Item(block.key, block.type, block.data or {}) for block in blocks]
    moments: dict[Any, list[Moment]] = {}
    shown: list[Any] = []
    for index, block in enumerate(blocks):
        found = _moment(items, index, block)
        if found is None:
            shown.append(block)
        else:
            film, moment = found
            moments.setdefault(film.key, []).append(moment)
    for film_moments in moments.values():
        film_moments.sort(key=lambda moment: moment.seconds)
    return FilmLayout(shown, moments)


def _moment(items: Sequence[Item], index: int, block: Any) -> tuple[Item, Moment] | None:
    """The question's film and its moment, when it is a timed question whose film is there."""
    item = items[index]
    if item.type != BlockType.REFLECTION or not isinstance(item.data.get("at"), str):
        return None
    seconds = parse_timestamp(item.data["at"])
    film = film_of(items, index) if seconds is not None else None
    if film is None:
        return None
    return film, Moment(seconds, item.data["at"], block)


def parse_start(value: str | None) -> int | None:
    """A seek link's start (``?t=750``): whole seconds up to a day, else None (ignored quietly)."""
    if not value or len(value) > 6 or not (value.isascii() and value.isdigit()):
        return None
    seconds = int(value)
    return seconds if seconds <= MAX_START_SECONDS else None


def format_timestamp(seconds: int) -> str:
    """Seconds as the course files write a time: "MM:SS", or "H:MM:SS" from an hour on."""
    hours, rest = divmod(max(0, int(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def is_playable(data: Mapping[str, Any]) -> bool:
    """A film the page plays (an embed or a file), not a placeholder or a link elsewhere: only such
    a film can pause, seek or report what was played."""
    return not data.get("placeholder") and classify_video_url(data.get("url", "")).kind != "link"


def playable_films(blocks: Sequence[Any]) -> list[Any]:
    return [
        block for block in blocks if block.type == BlockType.VIDEO and is_playable(block.data or {})
    ]


def watched_lessons(outline: Sequence[Any]) -> list[Any]:
    """The lessons of an outline (``ModuleOutline``s) that are done only once their films have been
    played (``completion: watched`` and a film the page can play), for the pages that count progress."""
    return [
        lesson
        for module in outline
        for lesson in module.lessons
        if lesson.lesson.completion == "watched" and playable_films(lesson.blocks)
    ]
