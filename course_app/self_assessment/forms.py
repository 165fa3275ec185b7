"""The forms of the leader's pages: one radio group per statement of a page, the hidden ``sequence``
of the measurement the page belongs to, and the bare buttons (start, complete, go to the external
tool), each through CSRF.

The statements are not WTForms fields: a page's statements come from the database, and whether a
value is on the scale, or a statement on this page, is ``taking.save_page``'s to decide (it names
the problem by the statement's number, never the value). Here a posted answer is only read as text
(``posted_answers``) and shown again as checked where it is one of the scale's points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField

from course_app.assessments.models import Assessment
from course_app.core.forms import BaseForm, ButtonForm
from course_app.self_assessment.pages import Page

ANSWER_PREFIX = "svar-"
# At most this many answers are read from one post (a page has a few dozen statements).
MAX_POSTED_ANSWERS = 200
MAX_SEQUENCE = 1_000_000

# The page's buttons (``action``): the first in the form is what Enter presses.
NEXT = "next"
PREVIOUS = "previous"
LATER = "later"
ACTIONS = (NEXT, PREVIOUS, LATER)


class PageForm(BaseForm):
    """A page of statements: the radio groups are read with ``posted_answers``."""

    sequence = HiddenField()


class FinishForm(BaseForm):
    sequence = HiddenField()


class StartForm(ButtonForm):
    """Start or resume a measurement (the intro's button)."""


class DispatchForm(ButtonForm):
    """Go to the round's external tool (the overview's button)."""


def field_name(item_key: str) -> str:
    return f"{ANSWER_PREFIX}{item_key}"


def fieldset_id(item_key: str) -> str:
    """The id of a statement's fieldset, which the page's error summary links to."""
    return f"udsagn-{item_key}"


def posted_sequence(form: PageForm | FinishForm) -> int | None:
    """The page's ``sequence`` (which measurement it was shown for), None when it cannot be one."""
    text = (form.sequence.data or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 7:
        return None
    number = int(text)
    return number if number <= MAX_SEQUENCE else None


def posted_answers(formdata: MultiDict) -> dict[str, str]:
    """item key → the value posted for it, as text (statements left blank are left out). Every
    ``svar-…`` field counts, also one of a statement not on the page: the service refuses that."""
    answers: dict[str, str] = {}
    for name, value in formdata.items(multi=False):
        if not name.startswith(ANSWER_PREFIX) or not value.strip():
            continue
        answers[name[len(ANSWER_PREFIX) :]] = value
        if len(answers) >= MAX_POSTED_ANSWERS:
            break
    return answers


def posted_action(formdata: MultiDict) -> str:
    action = formdata.get("action", NEXT)
    return action if action in ACTIONS else NEXT


@dataclass(frozen=True)
class Option:
    value: int
    label: str
    id: str
    checked: bool


@dataclass(frozen=True)
class StatementGroup:
    """One statement as a fieldset: its legend, and one radio per point of the scale."""

    number: int  # on the page, from 1 (the service's messages name it so)
    key: str
    name: str
    id: str  # the fieldset's
    text: str
    options: tuple[Option, ...]
    error: str | None = None  # why her answer to it was refused

    @property
    def answered(self) -> bool:
        return any(option.checked for option in self.options)

    @property
    def error_id(self) -> str:
        return f"{self.id}-fejl"


def statement_groups(
    assessment: Assessment,
    page: Page,
    chosen: Mapping[str, object],
    language: str,
    errors: Mapping[str, str] | None = None,
) -> tuple[StatementGroup, ...]:
    """The page's statements with their options; ``chosen`` (item key → value: her saved answers, or
    what she posted) decides which option is checked, ``errors`` (item key → message) which
    statements were refused."""
    errors = errors or {}
    scale = range(assessment.scale_min, assessment.scale_max + 1)
    labels = {value: assessment.scale_label(value, language) for value in scale}
    groups = []
    for number, item in enumerate(page.items, start=1):
        picked = str(chosen.get(item.key, "")).strip()
        groups.append(
            StatementGroup(
                number=number,
                key=item.key,
                name=field_name(item.key),
                id=fieldset_id(item.key),
                text=item.text(language),
                options=tuple(
                    Option(
                        value=value,
                        label=labels[value],
                        id=f"{field_name(item.key)}-{value}",
                        checked=picked == str(value),
                    )
                    for value in scale
                ),
                error=errors.get(item.key),
            )
        )
    return tuple(groups)


# The labels of the page's buttons (also the English catalogue's message ids).
BUTTON_LABELS = {
    NEXT: _l("Gem og gå videre"),
    PREVIOUS: _l("Forrige side"),
    LATER: _l("Gem og fortsæt senere"),
}
