"""The rules an author's input meets, and the words that say what to fix.

The rules are the course-file rules of ``courses/file_schema.py`` (``COURSE_FIELDS``,
``MODULE_FIELDS``, ``BLOCK_FIELDS`` …), so whatever an author saves in the browser can be exported
and imported again; the messages are Danish and per field. Rejected data raises ``InvalidData``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from course_app.core.db import db
from course_app.core.errors import ServiceError
from course_app.courses.file_schema import MAX_TITLE_LENGTH
from course_app.courses.models import BlockType, LearningGoal


class InvalidData(ServiceError):
    """The data breaks the course-file rules; ``errors`` maps field names to messages."""

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(_l("Rettelsen blev ikke gemt. Se fejlene ved felterne."))
        self.errors = dict(errors)


class NeedsConfirmation(ServiceError):
    """The change would touch learners' work; the author must confirm it explicitly."""


# --- Messages per field: the rules come from file_schema.py, the words for the author are ours ------

MESSAGES = {
    "slug": _l("Brug små bogstaver, tal og bindestreger (højst 63 tegn), fx digital-ledelse."),
    "title": _l("Skriv en titel på højst %(max)s tegn.", max=MAX_TITLE_LENGTH),
    "language": _l("Vælg dansk eller engelsk."),
    "summary": _l("Skriv en kort beskrivelse af kurset."),
    "mode": _l("Vælg, hvor modulet foregår."),
    "body": _l("Skriv en tekst."),
    "prompt": _l("Skriv spørgsmålet."),
    "url": _l("Skriv en fuld adresse, der begynder med https://."),
    "duration_minutes": _l("Skriv et helt antal minutter over 0."),
    "kind": _l("Vælg en type fra listen."),
    "goals": _l("Vælg kun læringsmål fra listen."),
    "at": _l('Skriv tiden i filmen som "MM:SS" eller "T:MM:SS", fx "12:30".'),
    "video": _l("Vælg en af lektionens film fra listen."),
    "completion": _l("Vælg, hvornår lektionen er færdig."),
    "watched_percent": _l("Skriv en procent fra 1 til 100, fx 90."),
}
_FALLBACK = _l("Feltet er ikke udfyldt rigtigt.")
_RESOURCE_URL = _l("Skriv en fuld adresse, der begynder med https:// eller mailto:.")
MATERIAL_UNKNOWN = _l("Vælg et af kursets materialer fra listen.")
MATERIAL_OR_URL = _l(
    "Vælg et af kursets materialer, eller skriv en adresse til et link – ikke begge dele."
)
LINK_ONLY = _l(
    "Adressen er ikke fra YouTube, Vimeo eller en .mp4/.webm-fil over https, så filmen kan ikke "
    "vises på siden. Sæt hak i »Vis som almindeligt link«, hvis deltagerne skal åbne den på en "
    "anden side."
)


def _message(name: str, block_type: BlockType | None = None) -> Any:
    if name == "url" and block_type == BlockType.RESOURCE:
        return _RESOURCE_URL
    return MESSAGES.get(name, _FALLBACK)


def check_fields(values: Mapping[str, Any], fields: Mapping[str, Any], *, block_type=None):
    """Errors per field by the course-file rules; empty optional fields must be left out first."""
    errors: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in values:
            if spec.required:
                errors[name] = _message(name, block_type)
        elif spec.check(values[name]) is not None:
            errors[name] = _message(name, block_type)
    return errors


def clean_text(value: Any) -> str:
    """Form text as stored: surrounding blank space trimmed, Windows line endings made plain."""
    return str(value or "").replace("\r\n", "\n").strip()


def goals_by_keys(course_id: int, keys: Iterable[str] | None, errors: dict[str, Any]):
    keys = list(dict.fromkeys(keys or []))
    if not keys:
        return []
    found = {
        goal.key: goal
        for goal in db.session.scalars(
            select(LearningGoal).where(
                LearningGoal.course_id == course_id,
                LearningGoal.key.in_(keys),
                LearningGoal.retired_at.is_(None),
            )
        )
    }
    if len(found) != len(keys):
        errors["goals"] = MESSAGES["goals"]
    return sorted(found.values(), key=lambda goal: (goal.position, goal.id))
