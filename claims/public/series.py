"""The public series page: every published estimate of one quantity over time, as a chart, a table and CSV.

Published claims only (claims.services.series.series_estimates with public=True); a series none of whose
members is published is not found.
"""

import hashlib

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from claims import page_cache as generations
from claims.models import Series
from claims.public.views import alternates, for_cdn
from claims.services.series import EstimatePages, SeriesView, csv_stream, members_fingerprint, with_members_state

#: Table rows per page; the chart and the CSV always cover the whole series.
TABLE_ROWS = 200


def _public_series(series_slug: str) -> Series:
    # 1 query: the series with its entity and the state of its published members (SeriesView).
    found = with_members_state(Series.objects.select_related("entity"), public=True)
    return get_object_or_404(found, slug=series_slug)


def _public_estimates(series: Series) -> SeriesView:
    # 2, 3: the estimates shown (or, once per state of the members, all of them, for the cached order and chart).
    view = SeriesView(series, public=True)
    if not view.index.keys:
        raise Http404("No published claim belongs to this series.")
    return view


def _page_key(request: HttpRequest, series: Series) -> str | None:
    """The rendered page's cache key: what readers see of the series changes only with the series itself, the
    state of its published members (every edit of a member claim, its evidence, its publication), or the lists
    generation (entities, publications; a source a published claim cites changes only through that claim's
    correction). None, and no cached page, when the shared cache cannot vouch for the lists generation."""
    generation = generations.lists_generation()
    if not generation:
        return None
    seed = f"{members_fingerprint(series, public=True)}|{generation}|{translation.get_language()}|"
    return "public:page:series:" + hashlib.sha256((seed + request.get_full_path()).encode()).hexdigest()


@require_safe
def series_detail(request: HttpRequest, series_slug: str) -> HttpResponse:
    series = _public_series(series_slug)
    key = _page_key(request, series)
    body = generations.get_page(key) if key else None
    if body is not None:  # 1 query in all: the state of the members says the page is still what readers see
        return for_cdn(HttpResponse(body))
    view = _public_estimates(series)
    language = translation.get_language()
    page = Paginator(EstimatePages(view), TABLE_ROWS).get_page(request.GET.get("page"))
    context = {
        "series": series,
        "series_name": series.name_in(language),
        "entity_name": series.entity.name_in(language) if series.entity else "",
        "chart": view.index.chart,
        "page": page,
        "claims_count": view.index.claims_count,
        "checked_at": view.index.checked_at,
        "csv_url": reverse("public:series-csv", args=[series.slug]),
        "public": True,
        "alternates": alternates(request),
    }
    body = render_to_string("public/series_detail.html", context, request=request).encode()
    if key:
        generations.set_page(key, body)
    return for_cdn(HttpResponse(body))


@require_safe
def series_csv(request: HttpRequest, series_slug: str) -> StreamingHttpResponse:
    # Streamed: rows are read claims.services.series.CSV_CHUNK at a time, so memory and the first byte do not
    # wait for the whole series.
    series = _public_series(series_slug)
    view = _public_estimates(series)
    response = StreamingHttpResponse(csv_stream(view), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{series.slug}.csv"'
    return for_cdn(response)
