"""Page-number pagination with a client-chosen page size, capped so one request stays cheap, and a count bounded
so a million-row list costs what a ten-thousand-row one does (claims.paging)."""

from rest_framework.pagination import PageNumberPagination

from claims.paging import BoundedPaginator


class PagePagination(PageNumberPagination):
    django_paginator_class = BoundedPaginator
    page_size_query_param = "page_size"
    max_page_size = 200
