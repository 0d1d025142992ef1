"""Desk pages for spreadsheets: export the listed (or selected) claims, import a file after a preview."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import spreadsheets
from claims.desk.access import DeskRequest, desk_member_required
from claims.desk.filters import DeskClaimFilter
from claims.models import Claim
from claims.services import spreadsheets as sheet_services

FORMATS = ("csv", "xlsx")


def export_response(rows: list[dict], file_format: str) -> HttpResponse | StreamingHttpResponse:
    name = f"claims-{timezone.now():%Y-%m-%d}.{file_format}"
    response: HttpResponse | StreamingHttpResponse
    if file_format == "xlsx":
        response = HttpResponse(spreadsheets.write_xlsx(rows), content_type=sheet_services.XLSX_TYPE)
    else:
        response = StreamingHttpResponse(spreadsheets.write_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@desk_member_required
def claim_export(request: DeskRequest) -> HttpResponse | StreamingHttpResponse:
    """The desk claim list's filters, or a selection (``?id=1&id=2``, from a bulk action), as a file."""
    file_format = request.GET.get("format", "csv")
    if file_format not in FORMATS:
        return HttpResponse(_("Choose the format csv or xlsx."), status=400, content_type="text/plain; charset=utf-8")
    claims = DeskClaimFilter(request.GET, queryset=Claim.objects.all()).qs
    ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()]
    if request.GET.getlist("id"):
        claims = claims.filter(pk__in=ids)
    try:
        rows = sheet_services.export_claims(claims, file_format=file_format)
    except sheet_services.ExportRefused as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    return export_response(rows, file_format)


def _preview_key(token: str) -> str:
    return f"claims-import:{token}"


@desk_member_required
def claim_import(request: DeskRequest) -> HttpResponse:
    """Upload a file (GET shows the form); POST checks every row as a dry run and shows the preview."""
    context: dict = {"encodings": spreadsheets.ENCODINGS, "limits": _limits()}
    if request.method != "POST":
        return render(request, "desk/claim_import.html", context)
    upload = request.FILES.get("file")
    encoding = request.POST.get("encoding", "")
    context["encoding"] = encoding
    if upload is None:
        context["error"] = _("Choose a CSV or XLSX file to import.")
        return render(request, "desk/claim_import.html", context, status=400)
    try:
        sheet_services.check_size(upload.size or 0)  # before reading it
        table = sheet_services.read_file(upload.read(), filename=upload.name or "", encoding=encoding)
    except spreadsheets.SpreadsheetError as exc:
        context["error"] = str(exc)
        return render(request, "desk/claim_import.html", context, status=400)
    result = sheet_services.import_claims(table=table, by=request.user, dry_run=True)
    token = secrets.token_urlsafe(16)
    if not result.error_count:
        # What the confirm imports is this very table, checked again then: nothing from the form is trusted.
        cache.set(_preview_key(token), {"user": request.user.pk, "table": table}, settings.SPREADSHEET_PREVIEW_SECONDS)
    context.update(result=result, token=token, filename=upload.name, columns=spreadsheets.COLUMNS)
    return render(request, "desk/claim_import.html", context, status=200 if not result.error_count else 400)


@desk_member_required
@require_POST
def claim_import_confirm(request: DeskRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    preview = cache.get(_preview_key(token)) if token else None
    if not preview or preview["user"] != request.user.pk:
        messages.error(request, _("This preview has expired or is not yours; upload the file again."))
        return redirect("desk:claim-import")
    result = sheet_services.import_claims(table=preview["table"], by=request.user, dry_run=False)
    if not result.written:
        # Something changed since the preview (a claim of the same text was added, say): show the new problems.
        context = {"encodings": spreadsheets.ENCODINGS, "limits": _limits(), "result": result, "token": ""}
        return render(request, "desk/claim_import.html", context, status=400)
    cache.delete(_preview_key(token))
    messages.success(
        request,
        _("Imported %(claims)s claims (%(articles)s new articles, %(evidence)s evidence).") % result.created,
    )
    return redirect("desk:claims")


def _limits() -> dict[str, int]:
    return {
        "bytes": settings.SPREADSHEET_IMPORT_MAX_BYTES,
        "megabytes": settings.SPREADSHEET_IMPORT_MAX_BYTES // (1024 * 1024),
        "rows": settings.SPREADSHEET_IMPORT_MAX_ROWS,
    }
