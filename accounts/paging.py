"""Counting a list without reading all of it.

An office's lists grow by hundreds of thousands of rows over the years; counting them
exactly on every visit reads every row. A list page counts at most a cap: past it, the
badge says "1.000+" and the pages "more than 80", and the filters narrow the rest.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils import formats
from django.utils.functional import cached_property

# Rows a list counts before it says "more than": 80 pages of 25.
LIST_COUNT_CAP = 2_000
# Rows a box badge counts before it says "1.000+".
BADGE_COUNT_CAP = 1_000


class CappedCount:
    """A count that stopped at `cap`: shown as "1.000+" when there are more."""

    def __init__(self, counted, cap=BADGE_COUNT_CAP):
        self.value = min(counted, cap)
        self.more = counted > cap

    @classmethod
    def exact(cls, number):
        """A count that was never capped (read from a counter), shown the same way."""
        return cls(number, cap=number)

    def capped_at(self, cap):
        """The same count, as it reads when counting stops at a lower `cap`."""
        return CappedCount(self.value + self.more, cap)

    def __bool__(self):
        return self.value > 0

    def __int__(self):
        return self.value

    def __eq__(self, other):
        if isinstance(other, int):
            return not self.more and self.value == other
        return NotImplemented

    __hash__ = None

    def __gt__(self, other):
        return self.value > other or (self.more and self.value == other)

    def __lt__(self, other):
        return not self.more and self.value < other

    def __str__(self):
        shown = formats.number_format(self.value, use_l10n=True, force_grouping=True)
        return f"{shown}+" if self.more else shown


def capped_count_sql(queryset, cap):
    """SQL and parameters of a scalar subquery counting `queryset` up to `cap` + 1 rows."""
    sql, params = queryset.order_by().values("pk")[: cap + 1].query.sql_with_params()
    return f"(SELECT COUNT(*) FROM ({sql}) AS capped)", params  # noqa: S608 (Django's own SQL)


def capped_counts(cap=BADGE_COUNT_CAP, **querysets) -> dict[str, CappedCount]:
    """Each queryset counted up to `cap` + 1 rows, all in one query."""
    selects, params = [], []
    for queryset in querysets.values():
        sql, own = capped_count_sql(queryset, cap)
        selects.append(sql)
        params.extend(own)
    alias = next(iter(querysets.values())).db
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        counted = cursor.fetchone()
    return {name: CappedCount(number, cap) for name, number in zip(querysets, counted, strict=True)}


class CappedPaginator(Paginator):
    """A paginator that counts at most `cap` rows; `more` says when there are more.

    `known`: a CappedCount of the rows, when one was made already (from a counter, or
    up to the same cap): then the rows are not counted again.
    """

    def __init__(self, object_list, per_page, cap=LIST_COUNT_CAP, known=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.known = known

    @cached_property
    def counted(self):
        if self.known is not None:
            return self.known
        return capped_counts(self.cap, rows=self.object_list)["rows"]

    @cached_property
    def count(self):
        return self.counted.value

    @property
    def more(self):
        return self.counted.more


def page_of_rows(ids, rows, number, per_page, known=None):
    """A page of `ids` (a values_list of pks, filtered and ordered), holding the rows of
    `rows` with those pks, in that order; `known`: how many ids there are, if counted.

    The ids are paged alone and the page's rows loaded after: the order and the filters
    then need only the tables they name, not every join the page shows.
    """
    page = CappedPaginator(ids, per_page, known=known).get_page(number)
    loaded = rows.in_bulk(list(page.object_list))
    page.object_list = [loaded[pk] for pk in page.object_list]
    return page
