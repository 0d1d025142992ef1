"""The desk's archive over Memento (RFC 7089): a TimeMap and a TimeGate per original URL over every capture with
an archived copy, for desk members (claims.memento_http answers; the archived copies carry the headers)."""

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.desk.access import DeskRequest, desk_member_required
from claims.memento_http import Archive
from claims.services.memento import desk_mementos

ARCHIVE = Archive(
    find=desk_mementos,
    copy_path=lambda capture: reverse("desk:capture_archived", args=[capture.pk]),
    timemap_name="desk:memento-timemap",
    timegate_name="desk:memento-timegate",
)


@require_safe
@desk_member_required
def timemap(request: DeskRequest, url: str) -> HttpResponse:
    return ARCHIVE.timemap(request, url)


@require_safe
@desk_member_required
def timegate(request: DeskRequest, url: str) -> HttpResponse:
    return ARCHIVE.timegate(request, url)
