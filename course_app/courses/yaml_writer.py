"""Course files' YAML and Markdown written by hand, byte-stable (the rules are listed in
``file_export.py``): every choice is explicit and cannot drift with a YAML library's version.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

INDENT = "  "


# --- Scalars --------------------------------------------------------------------------------------

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))
# Characters that may not start a plain scalar (YAML indicators).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Flow indicators end a plain scalar inside ``[...]``.
_FLOW_INDICATORS = frozenset(",[]{}")
# Number- or time-like text ("00:00", "1.5", "2015-11-16") is quoted even where a resolver would read
# it as a string, so nobody has to know which YAML version reads it how.
_NUMBER_LIKE = re.compile(r"^[-+.0-9][-+.:_0-9eE]*$")
# YAML's printable characters, minus the ones that act as line breaks or byte-order marks.
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\f": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
}


def normalise_newlines(text: str) -> str:
    """LF line endings: CRLF (as browsers send form text) and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _resolves_to_str(text: str) -> bool:
    return all(
        resolver.resolve(ScalarNode, text, (True, False)) == _STR_TAG for resolver in _RESOLVERS
    )


def _can_be_plain(text: str, flow: bool = False) -> bool:
    """True when ``text`` written bare on one line reads back as exactly this string."""
    if not text or text[0] in _INDICATORS or text[0].isspace() or text[-1].isspace():
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text or "\n" in text:
        return False
    if _UNPRINTABLE.search(text) or _NUMBER_LIKE.match(text):
        return False
    if flow and any(char in _FLOW_INDICATORS for char in text):
        return False
    return _resolves_to_str(text)


def _double_quoted(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in _ESCAPES:
            return _ESCAPES[char]
        code = ord(char)
        if code <= 0xFF:
            return f"\\x{code:02X}"
        if code <= 0xFFFF:
            return f"\\u{code:04X}"
        return f"\\U{code:08X}"

    return '"' + re.sub(r'["\\\t\n\r]|' + _UNPRINTABLE.pattern, escape, text) + '"'


def scalar(value: Any, flow: bool = False) -> str:
    """A value that fits on the line after its key (anything but a literal block)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if value is None:
        return "null"
    text = str(value)
    return text if _can_be_plain(text, flow) else _double_quoted(text)


def _is_literal(value: Any) -> bool:
    """Multi-line text goes into a literal block, unless it holds characters a block cannot."""
    return isinstance(value, str) and "\n" in value and not _UNPRINTABLE.search(value)


def _literal(text: str, indent: str) -> list[str]:
    """A literal block scalar: the header (to follow "key: ") and its content lines."""
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    indicator = str(len(INDENT)) if text[0] in " \n" else ""
    content_indent = indent + INDENT
    lines = [content_indent + line if line else "" for line in body.split("\n")]
    lines.extend([""] * (trailing - 1))
    return [f"|{indicator}{chomp}", *lines]


# --- Collections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowList:
    """A list of ids written on one line: ``[a, b]``."""

    items: tuple[str, ...]


def _mapping_lines(mapping: Mapping[str, Any], indent: str, first_prefix: str = "") -> list[str]:
    """Block mapping lines at ``indent``; ``first_prefix`` replaces the indent of the first line
    (for a mapping that is a list item: ``"  - "``)."""
    lines: list[str] = []
    for key, value in mapping.items():
        prefix = first_prefix if not lines and first_prefix else indent
        lines.extend(_entry_lines(key, value, prefix, indent))
    return lines


def _entry_lines(key: str, value: Any, prefix: str, indent: str) -> list[str]:
    if isinstance(value, FlowList):
        items = ", ".join(scalar(item, flow=True) for item in value.items)
        return [f"{prefix}{key}: [{items}]"]
    if isinstance(value, list | tuple):
        if not value:
            return [f"{prefix}{key}: []"]
        return [f"{prefix}{key}:", *_sequence_lines(value, indent + INDENT)]
    if isinstance(value, Mapping):
        return [f"{prefix}{key}:", *_mapping_lines(value, indent + INDENT)]
    if _is_literal(value):
        header, *content = _literal(value, indent)
        return [f"{prefix}{key}: {header}", *content]
    return [f"{prefix}{key}: {scalar(value)}"]


def _sequence_lines(items: Sequence[Any], indent: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            lines.extend(_mapping_lines(item, indent + INDENT, first_prefix=f"{indent}- "))
        else:
            lines.append(f"{indent}- {scalar(item)}")
    return lines


def yaml_text(mapping: Mapping[str, Any]) -> str:
    return "".join(line + "\n" for line in _mapping_lines(mapping, ""))


def markdown_file(front_matter: Mapping[str, Any], intro: str) -> str:
    """Front matter between '---' lines, then the intro as the loader reads it back."""
    body = normalise_newlines(intro).lstrip("\n").rstrip()
    return f"---\n{yaml_text(front_matter)}---\n" + (f"{body}\n" if body else "")
