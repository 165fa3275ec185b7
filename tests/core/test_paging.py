"""One page of a long table: the rows, the neighbours, and page numbers from edited URLs."""

from __future__ import annotations

import pytest

from course_app.core.paging import page_number, paged

ROWS = list(range(1, 251))  # 250 rows, 100 a page: pages of 100, 100 and 50


def test_pages_hold_every_row_once_in_order():
    shown = [row for number in (1, 2, 3) for row in paged(ROWS, str(number), 100).items]
    assert shown == ROWS


def test_a_middle_page_knows_its_place_and_neighbours():
    page = paged(ROWS, "2", 100)
    assert (page.number, page.pages, page.total, page.first, page.last) == (2, 3, 250, 101, 200)
    assert (page.previous, page.next) == (1, 3)


def test_the_last_page_is_short_and_has_no_next():
    page = paged(ROWS, "3", 100)
    assert (page.first, page.last, page.previous, page.next) == (201, 250, 2, None)


@pytest.mark.parametrize(
    ("requested", "shown"),
    [(None, 1), ("", 1), ("0", 1), ("-1", 1), ("abc", 1), ("2\x00", 1), ("1e3", 1),
     ("9" * 30, 1), (" 2 ", 2), ("4", 3), ("999999", 3), ("٣", 1)],
)  # fmt: skip
def test_unreadable_or_out_of_range_numbers_show_the_nearest_real_page(requested, shown):
    assert paged(ROWS, requested, 100).number == shown


def test_an_empty_table_is_one_empty_page():
    page = paged([], "5", 100)
    assert (page.number, page.pages, page.total, page.first, page.last) == (1, 1, 0, 0, 0)
    assert page.items == [] and page.previous is None and page.next is None


def test_page_number_reads_only_short_plain_numbers():
    assert page_number("12") == 12
    assert page_number("1234567") == 1  # longer than any real table's pages
    assert page_number("²") == 1
