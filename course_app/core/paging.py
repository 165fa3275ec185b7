"""One page of a long table (a report's rows): the rows shown and where the other pages are. The page
number comes from the URL, so anything unreadable or out of range shows the nearest real page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

LONGEST_PAGE_NUMBER = 6  # digits; more is an edited URL, and reads as page 1


@dataclass(frozen=True)
class Paged(Generic[T]):
    items: Sequence[T]
    number: int  # 1-based
    pages: int
    total: int
    first: int  # the position of the page's first row among all (1-based; 0 when there is none)

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None


def page_number(text: str | None) -> int:
    """A page number from the URL: 1 unless it is a plain, short whole number."""
    text = (text or "").strip()
    readable = text.isascii() and text.isdigit()  # not "²" or "٣", which isdigit() accepts too
    return int(text) if readable and len(text) <= LONGEST_PAGE_NUMBER else 1


def paged(items: Sequence[T], requested: str | None, per_page: int) -> Paged[T]:
    """The requested page of ``items`` (``per_page`` rows), clamped to the pages there are."""
    pages = max(1, -(-len(items) // per_page))
    number = min(max(page_number(requested), 1), pages)
    start = (number - 1) * per_page
    shown = items[start : start + per_page]
    return Paged(shown, number, pages, len(items), start + 1 if shown else 0)
