"""Page-number pagination whose count never reads a whole huge list: up to EXACT_COUNT_LIMIT rows it is exact,
beyond that it is the planner's estimate of the list's rows (``claims_count_estimate``, migration 0043), so a
desk of a million claims answers its first page as fast as a desk of ten thousand.

The API keeps its contract: ``count`` is an integer, exact for every list a person pages through by hand (a plain
list's up to ``EXACT_COUNT_LIMIT`` rows, a word search's up to its queryset's ``exact_count_limit``: 1,000,
``claims.models.querysets.TEXT_MATCH_COUNT_LIMIT``); over the limit it is the planner's figure, never less than the
limit, and a page past the real end answers as any page past the end does (404 in the API, the last page on
the desk).
"""

from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

#: Rows a count reads at most; a longer list's count is the planner's estimate.
EXACT_COUNT_LIMIT = 10_000


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """The planner's estimate of `queryset`'s rows (PostgreSQL), None where there is none (SQLite)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    # The rows' keys only: the same rows, without the joins select_related adds, which the planner would plan too.
    rows = queryset.order_by() if queryset.query.combinator else queryset.order_by().values("pk")
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        query = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]  # PostgreSQL's own
        cursor.execute("SELECT claims_count_estimate(%s)", [query])
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else None


def bounded_count(queryset: QuerySet[Any], limit: int | None = None) -> int:
    """`queryset`'s row count, read exactly up to `limit` rows (one query that stops there); over it, the
    planner's estimate (at least `limit` + 1), or the exact count where the database has no planner to ask.
    Without `limit`, the queryset's own (a word search's, ``ClaimQuerySet.matching``), else ``EXACT_COUNT_LIMIT``:
    the dashboard's queues narrowed by a word count as the claims list does.

    The rows are read in any order, never the list's: a count in order either walks the list's index until
    `limit` rows match, which reads the whole table when matches are rarer than the planner thinks, or sorts
    every match first. At a million claims the desk's count of `مرتزق روسي` in its order took 558 ms (a bitmap
    scan and a sort of all 100,030 matches), in any order 35 ms (docs/benchmarks.md, stop 28)."""
    if limit is None:
        limit = getattr(queryset, "exact_count_limit", None) or EXACT_COUNT_LIMIT
    try:
        exact = queryset.order_by()[: limit + 1].count()
        if exact <= limit:
            return exact
        estimate = planner_estimate(queryset)
    except EmptyResultSet:  # a filter Django knows matches nothing (`pk__in=[]`) compiles to no SQL
        return 0
    if estimate is None:
        return queryset.count()
    return max(limit + 1, estimate)


class BoundedPaginator(Paginator):
    """Django's Paginator with a bounded count for querysets; other sequences are counted as Django does.

    ``counted``, when given, is a queryset of as many rows as the list that is cheaper to count: the entity's links
    for the claims naming it (one index, where counting the claims reads each claim's key as well).
    """

    def __init__(
        self,
        object_list: Any,
        per_page: int,
        *args: Any,
        counted: QuerySet[Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        if self.counted is not None:
            return bounded_count(self.counted)
        if isinstance(self.object_list, QuerySet):
            return bounded_count(self.object_list)  # a word search's list has its own, lower bound
        return super().count
