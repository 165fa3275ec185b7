"""Spreadsheet files that open correctly in Danish Excel and cannot smuggle formulas into a spreadsheet.

- Semicolon separator by default (Danish Excel's list separator); ``comma`` on request.
- UTF-8 with a byte order mark, so Excel reads æ, ø and å.
- A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'``, so a name
  such as ``=HYPERLINK(…)`` stays text (OWASP "CSV injection"). Numbers are written as numbers.
- Streamed: the response never holds the whole file. Lines are made one at a time (``csv_lines``) and
  sent in chunks of about 64 KB (``csv_chunks``), one write to the client per chunk, not per line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context

from course_app.core.i18n import COPENHAGEN

BOM = "\ufeff"
SEPARATORS = {"semicolon": ";", "comma": ","}
DEFAULT_SEPARATOR = "semicolon"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 64 * 1024  # bytes per write to the client (a line is never split across two)

Cell = str | int | None


def separator_from(name: str | None) -> str:
    """``?separator=comma`` gives a comma; anything else the semicolon Danish Excel expects."""
    return SEPARATORS.get(name or "", SEPARATORS[DEFAULT_SEPARATOR])


def neutralise(value: Cell) -> str | int:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | str):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(rows: Iterable[Sequence[Cell]], *, separator: str = ";") -> Iterator[str]:
    """The file as text, one line at a time; the first chunk is the byte order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    yield BOM
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)


def csv_chunks(
    rows: Iterable[Sequence[Cell]], *, separator: str = ";", size: int = CHUNK_SIZE
) -> Iterator[bytes]:
    """The file as UTF-8, whole lines gathered into chunks of about ``size`` bytes (the last one may be
    smaller; a single line longer than ``size`` is a chunk of its own). The byte order mark opens the
    first chunk. Holds at most one chunk at a time."""
    pending: list[bytes] = []
    pending_size = 0
    for line in csv_lines(rows, separator=separator):
        data = line.encode("utf-8")
        pending.append(data)
        pending_size += len(data)
        if pending_size >= size:
            yield b"".join(pending)
            pending.clear()
            pending_size = 0
    if pending:
        yield b"".join(pending)


def csv_response(rows: Iterable[Sequence[Cell]], *, filename: str, separator: str) -> Response:
    """A streamed download (``rows`` is read while the response is sent, inside the request's
    context). ``filename`` must be plain ASCII (callers slugify)."""
    chunks = csv_chunks(rows, separator=separator)
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Names and progress of people: never kept by a browser or proxy cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def local_time(value: dt.datetime | None) -> str:
    """Copenhagen time in a form every spreadsheet reads as a date and time."""
    return value.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M") if value else ""
