"""What a list's count may read exactly, carried by its QuerySet (claims.paging.bounded_count)."""

from typing import Self

from django.db import models

#: Rows the paginator's count of a text match reads exactly (claims.paging): it tests each row's text, about 25 µs
#: a row, so 10,000 of them cost a quarter of a second where a plain list's index entries cost 2 ms.
TEXT_MATCH_COUNT_LIMIT = 1_000


class BoundedCountQuerySet[M: models.Model](models.QuerySet[M]):
    #: Rows a bounded count of this list reads exactly (claims.paging); None: the paginator's default.
    exact_count_limit: int | None = None

    def _clone(self) -> Self:
        # Django's clone copies its own attributes only: the count bound follows every filter and ordering.
        clone = super()._clone()  # type: ignore[misc]  # Django's clone hook, absent from the stubs
        clone.exact_count_limit = self.exact_count_limit
        return clone

    def text_matched(self) -> Self:
        """This list, marked as narrowed by a match of words or parts of words: its count is exact up to
        ``TEXT_MATCH_COUNT_LIMIT`` rows, then the planner's estimate."""
        clone = self._clone()
        clone.exact_count_limit = TEXT_MATCH_COUNT_LIMIT
        return clone
