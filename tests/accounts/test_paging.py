"""Counts that stop at a cap, and pages that take a count already made."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from accounts.paging import CappedCount, CappedPaginator


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def test_a_count_past_the_cap_reads_as_at_least_the_cap():
    assert str(CappedCount(1001, cap=1000)) == "1.000+"
    assert CappedCount(1001, cap=1000) > 1000
    assert CappedCount(999, cap=1000) == 999


def test_an_exact_count_is_never_read_as_more():
    count = CappedCount.exact(300_015)

    assert (count.value, count.more) == (300_015, False)
    assert str(count) == "300.015"


def test_a_count_capped_lower_says_more_only_when_there_were_more():
    assert str(CappedCount(1500, cap=2000).capped_at(1000)) == "1.000+"
    assert str(CappedCount(800, cap=2000).capped_at(1000)) == "800"
    # Counting stopped at 2,000: at least 2,001, so more than 1,000 too.
    assert CappedCount(2001, cap=2000).capped_at(1000).more


def test_pages_take_a_known_count_instead_of_counting():
    class Uncountable(list):
        def count(self):
            raise AssertionError("counted again")

    rows = Uncountable(range(60))

    exact = CappedPaginator(rows, 25, known=CappedCount.exact(60))
    capped = CappedPaginator(rows, 25, cap=50, known=CappedCount(51, cap=50))

    assert (exact.count, exact.num_pages, exact.more) == (60, 3, False)
    assert list(exact.get_page(3).object_list) == list(range(50, 60))
    assert (capped.count, capped.num_pages, capped.more) == (50, 2, True)


def test_the_pages_of_a_long_list_are_numbered_with_thousands_grouped():
    rows = range(300_000)
    page = CappedPaginator(rows, 25, known=CappedCount.exact(300_000)).get_page(2)

    html = render_to_string("includes/pagination.html", {"page": page, "query": ""})

    assert "Halaman 2 dari 12.000" in " ".join(html.split())
