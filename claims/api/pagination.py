"""Page-number pagination with a client-chosen page size, capped so one request stays cheap, and a count bounded
so a million-row list costs what a ten-thousand-row one does (claims.paging)."""

from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination

from claims.paging import BoundedPaginator


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
    #: Rows as many as the list's and cheaper to count, when its view names them (``counted_rows()``).
    counted: QuerySet[Any] | None = None

    def paginate_queryset(self, queryset, request, view=None) -> list[Any] | None:
        counted_rows = getattr(view, "counted_rows", None)
        self.counted = counted_rows() if counted_rows is not None else None
        return super().paginate_queryset(queryset, request, view)

    # DRF builds its paginator by calling this with (list, page size); a method, to hand BoundedPaginator its rows.
    def django_paginator_class(self, object_list: Any, per_page: int) -> BoundedPaginator:  # type: ignore[override]
        return BoundedPaginator(object_list, per_page, counted=self.counted)
