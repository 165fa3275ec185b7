"""Keys: the stable ids of course content in the files, made once from a title and never changed."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from course_app.core.db import db
from course_app.courses.models import Block, Lesson, Module

_KEY_BASE_LENGTH = 56


_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def slugify(text: str, fallback: str) -> str:
    """A file id from a title: lowercase ASCII, digits and hyphens (æ → ae, ø → oe, å → aa)."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_DANISH))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:_KEY_BASE_LENGTH].strip("-")
    return slug or fallback


def unique_key(model: type[Module | Lesson | Block], course_id: int, text: str, fallback: str):
    """The slug of ``text``, with -2, -3 … when another item of its kind in the course (retired
    ones too: their key is taken for good) already has it."""
    base = slugify(text, fallback)
    taken = set(
        db.session.scalars(
            select(model.key).where(model.course_id == course_id, model.key.startswith(base))
        )
    )
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key
