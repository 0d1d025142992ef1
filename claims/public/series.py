"""The public series page: every published estimate of one quantity over time, as a chart, a table and CSV.

Published claims only (claims.services.series.series_estimates with public=True); a series none of whose
members is published is not found.
"""

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from claims.models import Series
from claims.public.views import alternates, for_cdn
from claims.services.series import csv_rows, latest_checked, series_chart, series_estimates

#: Table rows per page; the chart and the CSV always cover the whole series.
TABLE_ROWS = 200


def _public_estimates(series_slug: str):
    # 1 query: the series with its entity; 2: its published member claims; 3: their evidence with estimates.
    series = get_object_or_404(Series.objects.select_related("entity"), slug=series_slug)
    estimates = series_estimates(series, public=True)
    if not estimates:
        raise Http404("No published claim belongs to this series.")
    return series, estimates


@require_safe
def series_detail(request: HttpRequest, series_slug: str) -> HttpResponse:
    series, estimates = _public_estimates(series_slug)
    language = translation.get_language()
    page = Paginator(estimates, TABLE_ROWS).get_page(request.GET.get("page"))
    context = {
        "series": series,
        "series_name": series.name_in(language),
        "entity_name": series.entity.name_in(language) if series.entity else "",
        "chart": series_chart(series, estimates),
        "page": page,
        "claims_count": len({e.claim.pk for e in estimates}),
        "checked_at": latest_checked(estimates),
        "csv_url": reverse("public:series-csv", args=[series.slug]),
        "public": True,
        "alternates": alternates(request),
    }
    return for_cdn(render(request, "public/series_detail.html", context))


@require_safe
def series_csv(request: HttpRequest, series_slug: str) -> HttpResponse:
    series, estimates = _public_estimates(series_slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{series.slug}.csv"'
    csv.writer(response).writerows(csv_rows(estimates))
    return for_cdn(response)
