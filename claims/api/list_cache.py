"""API list pages cached rendered: the bytes a list answered, served again while nothing they show can have changed.

Two kinds of list use it. The public claims list keys its pages by the public lists generation (claims/page_cache.py)
that every change to a published claim moves. The desk's lists (``CachedListMixin``: claims, articles, sources,
evidence, entities) key theirs by the desk's write generation (claims/write_generation.py), which every write to
the desk's tables moves, whoever makes it; so a desk list is never served from the cache after a write that could
change it.

A key holds everything a page's bytes depend on: the generation, the address (scheme, host and path make the
absolute ``next``/``previous`` links and ``public_url``), the normalized query (filters, page, page size,
ordering, format), the negotiated media type (its ``indent``), the language (errors are translated), and for the
desk the reader's roles. What is cached is the rendered body and its content type, so a cached page is the same
bytes as the uncached one (tests/api/test_desk_list_cache.py compares them). Only JSON is cached: the browsable
API renders forms and a CSRF token for one person. A page answers a matching ``If-None-Match`` with 304.
"""

import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.http import parse_etags, quote_etag
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from claims import page_cache, write_generation
from claims.services.roles import roles_of

#: Seconds a rendered list page is kept; the generation in its key is what keeps it fresh. At most the page
#: cache's PAGE_TIMEOUT: a process that could not move a generation keeps trying that long.
LIST_TIMEOUT = 300
#: Changes with the shape of what is cached or of the key, so that code deployed over a running Redis never
#: serves an entry the previous code stored.
LIST_FORMAT = 1


def normalized_query(request) -> str:
    """The query, parameters sorted by name and each name's values in their order: the filters read it that way,
    and DRF rebuilds the next/previous links from it sorted, so reordered parameters give the same bytes."""
    return urlencode(sorted(request.query_params.lists(), key=lambda item: item[0]), doseq=True)


def _seed(request, *parts: str) -> str:
    # The media type carries the indentation a client may ask for; the language, the translated error texts
    # (and public_url's /ar/ prefix, should the API ever be served in another language than the default).
    common = [
        request.build_absolute_uri(request.path),
        translation.get_language() or "",
        request.accepted_media_type or "",
        normalized_query(request),
    ]
    return hashlib.sha256("|".join([*common, *parts]).encode()).hexdigest()


def public_list_key(request) -> str | None:
    """The cache key of a public list page, or None when it is not cached (the browsable API, or the shared
    cache cannot vouch for the lists generation: Redis unreachable)."""
    if not isinstance(request.accepted_renderer, JSONRenderer):
        return None
    generation = page_cache.lists_generation()
    if generation is None:
        return None
    return f"public:api:claims:{generation}:{_seed(request)}"


def desk_list_key(request) -> str | None:
    """The cache key of a desk list page, or None when it is not cached: the browsable API; no generation (the
    cache is off, Redis unreachable, or this connection is in a transaction that wrote)."""
    if not isinstance(request.accepted_renderer, JSONRenderer):
        return None
    generations = write_generation.for_request(request)
    if generations is None:
        return None
    # The lists show the same to every desk member today; the roles are in the key so that a field or a filter
    # that one day depends on them cannot hand one role's page to another.
    roles = ",".join(sorted(roles_of(request.user)))
    return f"desk:api:list:{LIST_FORMAT}:{generations.desk}:{_seed(request, roles)}"


def _matches(if_none_match: str, etag: str) -> bool:
    # Weak comparison, as If-None-Match asks (RFC 9110 13.1.2).
    etags = {tag.removeprefix("W/") for tag in parse_etags(if_none_match)}
    return "*" in etags or etag in etags


def cached_response(request, view, key: str, build: Callable[[], Response]) -> HttpResponseBase:
    """The page under ``key``: 304 for a client that holds it, from the cache, else built, rendered and stored.
    An answer other than 200 is never stored (DRF raises most of them: a bad filter, a page past the end)."""
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest())
    if _matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    cached = page_cache.get_page(key, timeout=LIST_TIMEOUT)
    if cached is None:
        response = build()
        if response.status_code != 200:
            return response
        # What APIView.finalize_response would set, to render here as it would have.
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = view.get_renderer_context()  # type: ignore[attr-defined]  # set by DRF, unstubbed
        response.render()
        cached = (response["Content-Type"], response.content)
        page_cache.set_page(key, cached, timeout=LIST_TIMEOUT)
    page = HttpResponse(cached[1], content_type=cached[0])
    page["ETag"] = etag
    return page


class CachedListMixin:
    """For a desk viewset: ``list`` answers from the cache when it may, else as DRF's ListModelMixin does.

    Permissions and throttles have run by then (APIView.initial), so the cache only answers whom the list would.
    """

    #: Read by the schema (claims/api/schema.py): the list answers If-None-Match with 304.
    answers_not_modified = True

    def list(self, request, *args, **kwargs):
        key = desk_list_key(request)
        parent = super()
        if key is None:
            return parent.list(request, *args, **kwargs)  # type: ignore[attr-defined]  # ListModelMixin's, after this
        return cached_response(request, self, key, lambda: parent.list(request, *args, **kwargs))  # type: ignore[attr-defined]
