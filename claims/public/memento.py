"""The public archive over Memento (RFC 7089): a TimeMap and a TimeGate per original URL over the captures readers
may see (Capture.objects.public()); each memento is the archived-copy page of a published claim citing it."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from claims.memento_http import Archive
from claims.models import Capture
from claims.services.memento import public_mementos


def _copy_path(capture: Capture) -> str:
    # public_mementos annotates claim_id: the first published claim citing the source.
    return reverse("public:archive", args=[getattr(capture, "claim_id"), capture.source_id])  # noqa: B009


ARCHIVE = Archive(
    find=public_mementos,
    copy_path=_copy_path,
    timemap_name="public:memento-timemap",
    timegate_name="public:memento-timegate",
)


@require_safe
def timemap(request: HttpRequest, url: str) -> HttpResponse:
    return ARCHIVE.timemap(request, url)


@require_safe
def timegate(request: HttpRequest, url: str) -> HttpResponse:
    return ARCHIVE.timegate(request, url)
