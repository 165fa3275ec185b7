"""What one line of text typed by a person may hold: no control characters (NUL, tab, line breaks,
also U+2028 and U+2029) and no lone surrogates (bytes that were not UTF-8). Names, titles and places
go into page headings, CSV cells and e-mail headers, where such characters break things."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, MutableMapping

from flask_babel import lazy_gettext as _l

# Control characters, lone surrogates, and the Unicode line and paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def has_control_characters(text: str, allowed: Collection[str] = ()) -> bool:
    """Whether ``text`` holds a character a line must not, apart from those in ``allowed`` (e.g.
    ``"\\n"`` and ``"\\t"`` in a description of several lines)."""
    return any(
        unicodedata.category(character) in _FORBIDDEN_CATEGORIES and character not in allowed
        for character in text
    )


# What typed text of several lines may keep of the control characters: tab and line breaks.
_KEPT_IN_TEXT = frozenset("\t\n\r")


def without_control_characters(text: str) -> str:
    """``text`` without NUL and the other C0/C1 control characters (tab and line breaks stay) and
    without lone surrogates. PostgreSQL refuses NUL in text and a lone surrogate cannot be written as
    UTF-8 at all, so such a character would fail the save; nobody types them on purpose, so dropping
    them is kinder than refusing the whole text."""
    if text.isprintable():  # the common case, without a look at each character
        return text
    return "".join(
        character
        for character in text
        if character in _KEPT_IN_TEXT or unicodedata.category(character) not in {"Cc", "Cs"}
    )


def strip_control_characters(value: object) -> object:
    """A WTForms filter: ``without_control_characters`` for text, anything else as it is."""
    return without_control_characters(value) if isinstance(value, str) else value


# What typed text of several lines (a description, questions, a note) may hold of the characters a
# line must not: line breaks and tab.
ALLOWED_IN_TEXT = frozenset("\n\t")


def normalised_text(text: str | None) -> str:
    """Typed text of several lines with its line breaks as ``\n`` and no surrounding spaces."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


_CONTROL_IN_LINE = _l("%(field)s må ikke indeholde styretegn (fx linjeskift, tabulator eller NUL).")


def checked_line(
    text: str | None,
    label: str,
    most: int,
    problems: MutableMapping[str, str],
    key: str,
    *,
    control_message: str | None = None,
) -> str:
    """One line of typed text without surrounding spaces. A control character (also a line break)
    or more than ``most`` characters puts a message naming the field (``label``) in ``problems``
    under ``key``; ``control_message`` (with ``%(field)s``) says the first in a form's own words."""
    text = (text or "").strip()
    if has_control_characters(text):
        problems[key] = str(control_message or _CONTROL_IN_LINE) % {"field": label}
    elif len(text) > most:
        problems[key] = str(
            _l(
                "%(field)s må højst være %(most)s tegn; der står %(length)s.",
                field=label,
                most=most,
                length=len(text),
            )
        )
    return text
