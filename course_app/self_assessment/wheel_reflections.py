"""Her private answers to the wheel page's reflection prompts ("Hvilke digitale kompetencer er vigtige
på dit område? …"), per assessment. Plain functions that need no request: they flush, never commit.

The prompts are the assessment's own (``Assessment.reflection_prompts``, from its file); an
assessment that names none gets the programme's three (``texts.DEFAULT_REFLECTION_PROMPTS``). Only
she reads and writes her reflections: every function takes the signed-in person, and no form field
chooses whose row is written. They hold no score and point at nothing pseudonymous.

Saving is all or nothing, for every prompt posted at once:

- a prompt key the page does not have (a tampered form, or prompts changed since the page was
  opened) refuses the whole save (``ReflectionsRefused``);
- the text is normalised (NUL and the other control characters dropped, line breaks as ``\\n``,
  surrounding spaces trimmed); more than ``MAX_LENGTH`` characters refuses the whole save;
- ``seen_version`` is the version her page showed (0: nothing saved yet). If a reflection has been
  saved elsewhere since (another tab) and holds other text, nothing is saved
  (``ReflectionsChanged``): her typed text and the stored one can then both be shown;
- an unchanged text writes nothing (no new version, no new time), and an empty text where nothing
  was saved writes no row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from course_app.accounts.models import User
from course_app.assessments.models import Assessment, in_language
from course_app.assessments.wheel_text import Text
from course_app.core.db import db, utcnow
from course_app.core.errors import ServiceError
from course_app.core.i18n import locale_name
from course_app.core.sql import insert_ignoring_duplicates
from course_app.core.text import normalised_text, without_control_characters
from course_app.self_assessment.round_models import WheelReflection
from course_app.self_assessment.texts import DEFAULT_REFLECTION_PROMPTS

MAX_LENGTH = 10_000  # characters per reflection, after normalising
KEY_LENGTH = 64  # WheelReflection.prompt_key (ids in the files are at most 63)


@dataclass(frozen=True)
class Prompt:
    key: str
    text: Text  # translated where shown
    number: int  # 1, 2, 3 … on the page


@dataclass(frozen=True)
class Reflection:
    """A prompt with what she has saved for it (``version`` 0 and no time: nothing yet)."""

    prompt: Prompt
    text: str
    version: int
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class Posted:
    """What her form sent for one prompt: the text and the version her page showed (None: the
    form carried none, or nonsense; compared as 0, so it never overwrites saved text unseen)."""

    text: str
    seen_version: int | None


class ReflectionsRefused(ServiceError):
    """Nothing was saved. ``problems``: prompt key → message ("" for the whole form)."""

    def __init__(self, problems: Mapping[str, object]) -> None:
        super().__init__(next(iter(problems.values())))
        self.problems = {key: str(message) for key, message in problems.items()}


class ReflectionsChanged(ServiceError):
    """Nothing was saved: the reflections in ``changed`` were saved elsewhere (another tab or device)
    since her page was opened, with other text than she sent."""

    def __init__(self, changed: Iterable[str]) -> None:
        super().__init__(
            _l(
                "Dine refleksioner blev ikke gemt, fordi et af svarene er blevet gemt et andet "
                "sted (fx i en anden fane), siden du åbnede siden. Din tekst står her stadig, og "
                "den gemte udgave står under den: sammenlign dem, ret dit svar til, og gem igen."
            )
        )
        self.changed = frozenset(changed)


def _in_language(danish: str, english: str) -> LazyString:
    return LazyString(lambda: in_language(danish, english, locale_name()))


def prompts(assessment: Assessment) -> tuple[Prompt, ...]:
    """The assessment's prompts in order, or the programme's three when its file names none. An
    entry without a usable key or Danish text is left out (the file's validation refuses such)."""
    found: list[tuple[str, Text]] = []
    seen: set[str] = set()
    for entry in assessment.reflection_prompts or ():
        if not isinstance(entry, Mapping):
            continue
        key, danish, english = entry.get("key"), entry.get("da"), entry.get("en") or ""
        if (
            not isinstance(key, str)
            or not key
            or len(key) > KEY_LENGTH
            or key in seen
            or not isinstance(danish, str)
            or not danish.strip()
            or not isinstance(english, str)
        ):
            continue
        seen.add(key)
        found.append((key, _in_language(danish, english)))
    if not found:
        found = list(DEFAULT_REFLECTION_PROMPTS)
    return tuple(Prompt(key, text, number) for number, (key, text) in enumerate(found, start=1))


def _saved(user: User, assessment: Assessment, *, lock: bool = False) -> dict[str, WheelReflection]:
    query = select(WheelReflection).where(
        WheelReflection.user_id == user.id, WheelReflection.assessment_id == assessment.id
    )
    if lock:  # PostgreSQL locks the rows; on SQLite a POST already holds the write lock
        query = query.with_for_update().execution_options(populate_existing=True)
    return {row.prompt_key: row for row in db.session.scalars(query)}


def reflections(user: User, assessment: Assessment) -> tuple[Reflection, ...]:
    """Her prompts with her saved texts, in the prompts' order (one query)."""
    saved = _saved(user, assessment)
    return tuple(
        Reflection(
            prompt,
            saved[prompt.key].text if prompt.key in saved else "",
            saved[prompt.key].version if prompt.key in saved else 0,
            saved[prompt.key].updated_at if prompt.key in saved else None,
        )
        for prompt in prompts(assessment)
    )


def normalised(text: str | None) -> str:
    """Typed text as it is saved: no control characters (tab and line breaks stay), line breaks as
    ``\\n``, no surrounding spaces."""
    return normalised_text(without_control_characters(text or ""))


def _too_long(prompt: Prompt, length: int) -> LazyString:
    return _l(
        "Dit svar på spørgsmål %(number)s er for langt: højst %(limit)s tegn (du har skrevet "
        "%(length)s). Forkort det, og gem igen.",
        number=prompt.number,
        limit=f"{MAX_LENGTH:,}".replace(",", "."),
        length=f"{length:,}".replace(",", "."),
    )


def save_reflections(
    user: User, assessment: Assessment, posted: Mapping[str, Posted]
) -> frozenset[str]:
    """Save what she posted (all or nothing, see the module's text); the keys whose text changed."""
    by_key = {prompt.key: prompt for prompt in prompts(assessment)}
    problems: dict[str, object] = {}
    if any(key not in by_key for key in posted):
        problems[""] = _l(
            "Et af spørgsmålene findes ikke længere på siden, så dine svar blev ikke gemt. "
            "Dine tekster står her stadig: gem igen."
        )
    texts: dict[str, str] = {}
    for key, sent in posted.items():
        if key not in by_key:
            continue
        text = normalised(sent.text)
        if len(text) > MAX_LENGTH:
            problems[key] = _too_long(by_key[key], len(text))
        texts[key] = text
    if problems:
        raise ReflectionsRefused(problems)

    saved = _saved(user, assessment, lock=True)
    changed = {
        key
        for key, text in texts.items()
        if text != (saved[key].text if key in saved else "")
        and (posted[key].seen_version or 0) != (saved[key].version if key in saved else 0)
    }
    if changed:
        raise ReflectionsChanged(changed)

    written: set[str] = set()
    for key, text in texts.items():
        row = saved.get(key)
        if row is None:
            if not text:
                continue  # nothing saved, nothing to save
            inserted = db.session.execute(
                insert_ignoring_duplicates(WheelReflection)
                .values(
                    user_id=user.id,
                    assessment_id=assessment.id,
                    prompt_key=key,
                    text=text,
                    version=1,
                    updated_at=utcnow(),
                )
                # The row that was written (an ORM insert's rowcount is not reliable on PostgreSQL).
                .returning(WheelReflection.prompt_key)
            ).first()
            if inserted is None:  # another request wrote it meanwhile
                raise ReflectionsChanged({key})
            written.add(key)
        elif row.text != text:
            row.text = text
            row.version += 1
            written.add(key)
    db.session.flush()
    return frozenset(written)
