"""What a URL may carry into the app: ids that fit an integer column, and no control characters.

Anyone can type a URL. An id beyond the database's integer range, or a NUL byte in a path segment or
a query argument, would otherwise reach PostgreSQL, which answers with an error (a 500) where the
truthful answer is "no such page" (404) or "no such filter" (ignored). The guards sit here,
app-wide, so no view has to remember them.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from course_app.core.db import MAX_ID, is_possible_id
from course_app.core.text import has_control_characters

# What PostgreSQL cannot hold in text: NUL, and lone surrogates (which UTF-8 cannot encode).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only values an integer column can hold; a larger one is no route
    (404), never a database error."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def configure_url_values(app: Flask) -> None:
    """Call before any blueprint is registered: rules pick their converters when they are added."""
    app.url_map.converters["int"] = BoundedIntegerConverter

    @app.url_value_preprocessor
    def defuse_nul_in_path(_endpoint: str | None, values: dict | None) -> None:
        # PostgreSQL refuses a NUL in a string (an error, a 500), so a token, slug or key holding
        # one never reaches it as such: each NUL becomes DEL (U+007F). That keeps the value's length
        # and keeps it a control character, so the view's own checks treat it exactly as before
        # (no token or key holds one; the view answers with its own 404 page), and PostgreSQL
        # can compare it. Lone surrogates (not UTF-8 at all) are replaced the same way.
        for name, value in (values or {}).items():
            if isinstance(value, str) and _UNSTORABLE.search(value):
                values[name] = _UNSTORABLE.sub("\x7f", value)  # type: ignore[index]

    @app.before_request
    def ignore_query_arguments_with_control_characters() -> None:
        # A filter or option edited into nonsense is ignored, as an unknown value is: the page
        # shows without it, and nothing reaches the database.
        args = request.args
        if any(
            has_control_characters(name) or has_control_characters(value)
            for name, value in args.items(multi=True)
        ):
            request.args = ImmutableMultiDict(
                (name, value)
                for name, value in args.items(multi=True)
                if not (has_control_characters(name) or has_control_characters(value))
            )


def query_id(name: str) -> int | None:
    """The id in the query argument ``name``, or None when it is absent or cannot be a row's id (a
    filter the person edited into nonsense is ignored, not an error)."""
    value = request.args.get(name, "")
    if not value.isascii() or not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if is_possible_id(number) else None
