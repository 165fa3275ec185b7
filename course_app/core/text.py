"""What one line of text typed by a person may hold: no control characters (NUL, tab, line breaks,
also U+2028 and U+2029) and no lone surrogates (bytes that were not UTF-8). Names, titles and places
go into page headings, CSV cells and e-mail headers, where such characters break things."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

# Control characters, lone surrogates, and the Unicode line and paragraph separators.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def has_control_characters(text: str, allowed: Collection[str] = ()) -> bool:
    """Whether ``text`` holds a character a line must not, apart from those in ``allowed`` (e.g.
    ``"\\n"`` and ``"\\t"`` in a description of several lines)."""
    return any(
        unicodedata.category(character) in _FORBIDDEN_CATEGORIES and character not in allowed
        for character in text
    )
