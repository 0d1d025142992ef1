"""Stored files (WARC archives, original PDFs, uploaded documents) and the one view that serves them.

Desk members may fetch any stored file; everyone else only the files of the archived copies a published claim's
page shows (``Capture.objects.public()``). A file a visitor may not see answers 404 exactly like one that does not
exist, so its existence is never confirmed. Every answer is an attachment with ``nosniff`` and a sandboxing CSP:
no stored byte ever renders as a page on our origin (an uploaded HTML or SVG would otherwise run as us). Once
allowed, the bytes are sent by Django or, with ``FILES_SENDFILE`` set, by the web server in front.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe
from django.views.defaults import page_not_found

from claims.fetching.images import IMAGE_TYPES
from claims.models import Capture, Source
from claims.services.roles import roles_of
from claims.uploads import ALLOWED, extension_of

SANDBOX_CSP = "sandbox; default-src 'none'"
#: Seconds a CDN may keep a public file; the same as a public page, so an unpublished claim's files go with it.
PUBLIC_MAX_AGE = 300
#: The first folder of a stored name says which field holds it (see the upload_to functions of the models).
FOLDERS: dict[str, tuple[type[Capture] | type[Source], str]] = {
    "warc": (Capture, "warc"),
    "wacz": (Capture, "wacz"),
    "bodies": (Capture, "body_file"),
    "screenshots": (Capture, "screenshot"),
    "printed": (Capture, "pdf"),
    "documents": (Source, "document"),
}


@require_safe
def stored_file(request: HttpRequest, name: str) -> HttpResponseBase:
    owner, field = _owner(name)
    if owner is None:
        return _not_found(request)
    public = isinstance(owner, Capture) and Capture.objects.public().filter(pk=owner.pk).exists()
    if not public and not roles_of(request.user):
        return _not_found(request)
    file = getattr(owner, field)
    try:
        return file_response(
            file, filename=download_name(owner, file), content_type=content_type_of(owner, file), public=public
        )
    except Http404:
        return _not_found(request)


def _owner(name: str) -> tuple[Capture | Source | None, str]:
    model, field = FOLDERS.get(name.split("/", 1)[0], (None, ""))
    if model is None:
        return None, ""
    return model.objects.filter(**{field: name}).first(), field


def _not_found(request: HttpRequest) -> HttpResponse:
    # Never cached: the same URL answers a desk member with the file, and a CDN must not keep the 404 for them.
    response = page_not_found(request, None)
    add_never_cache_headers(response)
    return response


def download_name(owner: Capture | Source, file: FieldFile) -> str:
    """The name a download is saved under: says what it is, and is not the stored name."""
    if isinstance(owner, Source):
        return f"source-{owner.pk}{extension_of(file.name or '')}"
    if file.name == owner.warc.name:
        return f"capture-{owner.pk}.warc.gz"
    if file.name == owner.pdf.name:
        return f"capture-{owner.pk}-printed.pdf"
    return f"capture-{owner.pk}{extension_of(file.name or '')}"


def content_type_of(owner: Capture | Source, file: FieldFile) -> str:
    """The type we decided when the file was stored, never one guessed from its bytes: a document uploaded before
    the allowlist existed, of a type not on it, goes out as bytes to save."""
    if isinstance(owner, Capture):
        if file.name == owner.warc.name:
            return "application/warc"
        if file.name == owner.screenshot.name:
            return "image/png"
        if file.name == owner.wacz.name:
            return "application/wacz"
        # The original file of an image source (claims.fetching.images), whose type was checked; else a PDF (the
        # original of a PDF source, or a browser capture's printed copy).
        if file.name == owner.body_file.name and owner.content_type in IMAGE_TYPES:
            return owner.content_type
        return "application/pdf"
    allowed = ALLOWED.get(extension_of(file.name or ""))
    return allowed.content_type if allowed else "application/octet-stream"


def file_response(file: FieldFile, *, filename: str, content_type: str, public: bool = False) -> HttpResponseBase:
    """A stored file as an attachment, sent by Django or handed to the web server (``FILES_SENDFILE``)."""
    response: HttpResponseBase
    if settings.FILES_SENDFILE == "x-accel-redirect":
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.FILES_ACCEL_PREFIX + quote(file.name or "")
    elif settings.FILES_SENDFILE == "x-sendfile":
        response = HttpResponse(content_type=content_type)
        response["X-Sendfile"] = file.path
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as exc:  # the row outlived its file (a restored database, a lost volume)
            raise Http404("The file is missing from storage.") from exc
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["X-Robots-Tag"] = "noindex"
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response
