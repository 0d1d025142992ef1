"""The desk report page for reviewers and admins: charts, the same numbers as tables, and each table as CSV."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from claims import charts, spreadsheets
from claims.desk.access import DeskRequest, role_required
from claims.models import Claim
from claims.services import report as report_services
from claims.services.report import DEFAULT_WEEKS, PERIODS, DeskReport
from claims.workflow import VERDICTS, Role

TABLES = ("weeks", "time-to-publish", "verdicts", "people")


def _weeks_asked(request: DeskRequest) -> int:
    value = request.GET.get("weeks", "")
    return int(value) if value.isdigit() and int(value) in PERIODS else DEFAULT_WEEKS


@role_required(Role.REVIEWER)
def desk_report(request: DeskRequest) -> HttpResponse:
    report = report_services.desk_report(weeks=_weeks_asked(request))
    language = get_language() or "en"
    kinds = dict(Claim.Kind.choices)
    weekly = charts.bar_layout(
        [(date_format(w.start, "M j"), [w.opened, w.published, w.corrected]) for w in report.weeks],
        series=[_("Opened"), _("Published"), _("Corrected")],
    )
    verdict_chart = charts.bar_layout(
        [(str(kinds[row.kind]), list(row.counts.values())) for row in report.verdicts],
        series=[v.label(language) for v in VERDICTS.values()],
        colours=[v.colour for v in VERDICTS.values()],
    )
    spread = report.time_to_publish
    spread_chart = (
        charts.layout(
            [
                charts.Estimate(
                    label=_("Days to publish"),
                    value=spread.median,
                    lower=spread.first_quartile,
                    upper=spread.third_quartile,
                )
            ],
            label_width=120,
        )
        if spread
        else None
    )
    return render(
        request,
        "desk/report.html",
        {
            "report": report,
            "periods": PERIODS,
            "weekly_chart": weekly,
            "verdict_chart": verdict_chart,
            "spread_chart": spread_chart,
            "kinds": kinds,
            "verdicts": [(v.id, v.label(language)) for v in VERDICTS.values()],
            "tables": TABLES,
        },
    )


@role_required(Role.REVIEWER)
def desk_report_csv(request: DeskRequest, table: str) -> StreamingHttpResponse:
    """One of the report's tables as CSV; column ids in English, as in the claims export."""
    if table not in TABLES:
        raise Http404(_("There is no such table in the report."))
    report = report_services.desk_report(weeks=_weeks_asked(request))
    response = StreamingHttpResponse(_csv(_table_rows(report, table)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="desk-report-{table}-{report.start:%Y-%m-%d}.csv"'
    return response


def _table_rows(report: DeskReport, table: str) -> list[list[Any]]:
    if table == "weeks":
        return [["week", "opened", "published", "corrected"]] + [
            [w.start.isoformat(), w.opened, w.published, w.corrected] for w in report.weeks
        ]
    if table == "time-to-publish":
        s = report.time_to_publish
        header: list[Any] = ["claims", "min_days", "q1_days", "median_days", "q3_days", "max_days"]
        if s is None:
            return [header, [0, "", "", "", "", ""]]
        return [header, [s.count, s.low, s.first_quartile, s.median, s.third_quartile, s.high]]
    if table == "verdicts":
        return [["kind", *VERDICTS, "total"]] + [[r.kind, *r.counts.values(), r.total] for r in report.verdicts]
    return [["person", "created", "published", "reviewed"]] + [
        [p.username, p.created, p.published, p.reviewed] for p in report.people
    ]


def _csv(rows: list[list[Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        writer.writerow([spreadsheets.neutralize(str(cell)) for cell in row])
    yield buffer.getvalue()
