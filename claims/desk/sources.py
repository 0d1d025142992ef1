"""Desk pages for sources: add a source (URL or offline document) as evidence for a claim, edit or remove that
evidence, re-capture a source, follow its captures live, compare two captures' text, read or download the archive."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import nh3
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from claims.desk.access import DeskRequest, desk_member_required, role_required
from claims.desk.memento import ARCHIVE as MEMENTO_ARCHIVE
from claims.desk.workflow_views import PROPOSED_MESSAGE
from claims.fetching.archive import read_warc_response
from claims.fetching.decode import decode_html
from claims.fetching.images import IMAGE_TYPES
from claims.fetching.reasons import in_language
from claims.files import content_type_of, download_name, file_response
from claims.models import Capture, CaptureImage, CapturePost, Claim, Evidence, Source
from claims.models.sources import IN_FLIGHT_STATES
from claims.services.captures import recapture
from claims.services.errors import SourceInvalid
from claims.services.images import reverse_search, where_else
from claims.services.replay import replay_frame_url, signer_of
from claims.services.sources import (
    add_evidence,
    clean_estimate,
    find_or_create_source,
    remove_evidence,
    set_capture_mode,
    update_evidence,
)
from claims.workflow import Role, TransitionRefused

ESTIMATE_FIELDS = ("estimate_value", "estimate_lower", "estimate_upper", "estimate_unit", "estimate_approximate")
#: What an archived page may keep: its structure and text, never scripts, styles, forms, frames or images
#: (an image would make the reader's browser call the source).
ARCHIVE_TAGS = {
    "a",
    "abbr",
    "article",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "i",
    "li",
    "main",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ARCHIVE_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'"


@role_required(Role.EDITOR, Role.REVIEWER)
def add_source(request: DeskRequest, pk: int) -> HttpResponse:
    """Add a source by URL (one source per normalized URL, reused across claims) or as an offline document, and
    attach it to the claim as evidence with a stance, a passage and an estimate."""
    claim = get_object_or_404(Claim, pk=pk)
    form = {"stance": "supports"}
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = request.POST.dict()
        try:
            source, _created = find_or_create_source(
                url=form.get("url", ""),
                by=request.user,
                kind=form.get("kind") or "news",
                publisher=form.get("publisher", ""),
                title=form.get("title", ""),
                note=form.get("note", ""),
                document=request.FILES.get("document"),
            )
            # Any: mypy would match texts unpacked from a dict against every keyword, approved_by too.
            estimate: dict[str, Any] = {f: form.get(f) for f in ESTIMATE_FIELDS if f in form}
            add_evidence(
                claim=claim,
                source=source,
                by=request.user,
                stance=form.get("stance", "supports"),
                passage=form.get("passage", ""),
                note=form.get("evidence_note", ""),
                correction=form.get("correction", ""),
                **estimate,
            )
        except SourceInvalid as exc:
            errors = exc.errors
        except TransitionRefused as exc:  # adding evidence to a published claim is a reviewer's correction
            errors = {"claim": str(exc)}
        else:
            messages.success(
                request,
                PROPOSED_MESSAGE if claim.is_public else gettext("Added %(source)s as evidence.") % {"source": source},
            )
            return redirect(reverse("desk:claim", args=[claim.pk]) + "#evidence")
    return render(
        request,
        "desk/sources/add.html",
        {
            "claim": claim,
            "form": form,
            "errors": errors,
            "stances": Evidence.Stance.choices,
            "kinds": Source.Kind.choices,
        },
        status=400 if errors else 200,
    )


def evidence_changes(evidence: Evidence, post: Mapping[str, Any]) -> dict[str, Any]:
    """The fields an evidence form changed, as ``update_evidence`` takes them; a field the form did not send is
    left alone, and an estimate counts as changed only when its number differs (2000 is 2000.00)."""
    changes: dict[str, Any] = {}
    for name in ("stance", "passage", "note"):
        if name in post and post[name].strip() != getattr(evidence, name):
            changes[name] = post[name].strip()
    if "estimate_value" in post:  # the form carries the estimate fields; an unticked box sends nothing
        estimate = clean_estimate({f: post.get(f) for f in ESTIMATE_FIELDS})
        changes |= {f: v for f, v in estimate.items() if v != getattr(evidence, f)}
    return changes


def _evidence_page(
    request: HttpRequest,
    evidence: Evidence,
    *,
    values: Mapping[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    remove_errors: dict[str, str] | None = None,
) -> HttpResponse:
    failed = errors or remove_errors
    return render(
        request,
        "desk/sources/evidence_edit.html",
        {
            "evidence": evidence,
            "claim": evidence.claim,
            "values": values,
            "errors": errors or {},
            "remove_errors": remove_errors or {},
        },
        status=400 if failed else 200,
    )


@role_required(Role.EDITOR, Role.REVIEWER)
def edit_evidence(request: DeskRequest, pk: int) -> HttpResponse:
    """Change an evidence row's stance, passage, note or estimate; a published claim's evidence changes only with a
    correction note, and the service's refusal is shown beside the form."""
    evidence = get_object_or_404(Evidence.objects.select_related("claim", "source"), pk=pk)
    if request.method != "POST":
        return _evidence_page(request, evidence)
    try:
        changes = evidence_changes(evidence, request.POST)
        if changes:
            update_evidence(
                evidence=evidence, by=request.user, correction=request.POST.get("correction", ""), **changes
            )
    except SourceInvalid as exc:
        evidence.refresh_from_db()  # the service may have set fields before refusing; show the stored row
        return _evidence_page(request, evidence, values=request.POST, errors=exc.errors)
    except TransitionRefused as exc:  # a correction of a published claim is a reviewer's to make
        evidence.refresh_from_db()
        return _evidence_page(request, evidence, values=request.POST, errors={"claim": str(exc)})
    if changes:
        public = evidence.claim.is_public
        messages.success(
            request,
            PROPOSED_MESSAGE if public else gettext("Evidence from %(source)s saved.") % {"source": evidence.source},
        )
    else:
        messages.info(request, gettext("Nothing changed in that evidence."))
    return redirect(reverse("desk:claim", args=[evidence.claim_id]) + f"#evidence-{evidence.pk}")


@require_POST
@role_required(Role.EDITOR, Role.REVIEWER)
def remove_evidence_view(request: DeskRequest, pk: int) -> HttpResponse:
    """Unlink a source from a claim (the source and its captures stay); a published claim needs a correction note."""
    evidence = get_object_or_404(Evidence.objects.select_related("claim", "source"), pk=pk)
    try:
        remove_evidence(evidence=evidence, by=request.user, correction=request.POST.get("correction", ""))
    except SourceInvalid as exc:
        return _evidence_page(request, evidence, remove_errors=exc.errors)
    except TransitionRefused as exc:
        return _evidence_page(request, evidence, remove_errors={"claim": str(exc)})
    public = evidence.claim.is_public
    messages.success(
        request,
        PROPOSED_MESSAGE
        if public
        else gettext("%(source)s is no longer evidence for this claim.") % {"source": evidence.source},
    )
    return redirect(reverse("desk:claim", args=[evidence.claim_id]) + "#evidence")


@require_POST
@role_required(Role.EDITOR, Role.REVIEWER)
def recapture_source(request: DeskRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=pk)
    capture = recapture(source=source)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(source_state(Source.objects.select_related("latest_capture").get(pk=pk), capture))
    if capture is None:
        messages.error(request, gettext("An offline source cannot be captured."))
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = source.get_absolute_url()
    return redirect(back)


@require_POST
@role_required(Role.EDITOR, Role.REVIEWER)
def source_capture_mode(request: DeskRequest, pk: int) -> HttpResponse:
    """How the source's next captures fetch it: automatic, plain, or always in a browser."""
    source = get_object_or_404(Source, pk=pk)
    try:
        set_capture_mode(source=source, mode=request.POST.get("capture_mode", ""), by=request.user)
    except SourceInvalid as exc:
        for message in exc.errors.values():
            messages.error(request, message)
    else:
        messages.success(request, gettext("Saved: the next captures use this mode."))
    return redirect(source.get_absolute_url())


@require_GET
@desk_member_required
def claim_sources_status(request: DeskRequest, pk: int) -> HttpResponse:
    """The live state of every source of a claim, polled by captures.js while captures are in flight."""
    claim = get_object_or_404(Claim, pk=pk)
    evidence = claim.evidence.select_related("source", "source__latest_capture").order_by("id")
    in_flight = {
        c.source_id: c for c in Capture.objects.in_flight().filter(source__evidence__claim=claim).defer("text")
    }
    items = []
    for e in evidence:
        items.append(
            source_state(e.source, in_flight.get(e.source_id))
            | {
                "evidence": e.pk,
                "passage_found": e.passage_found,
                "passage_start": e.passage_start,
                "passage_end": e.passage_end,
                "passage_score": e.passage_score,
            }
        )
        items[-1]["passage_check"] = passage_check(e, items[-1])
    return JsonResponse(
        {"claim": claim.pk, "sources": items, "busy": any(i["state"] in IN_FLIGHT_STATES for i in items)}
    )


def capture_state(source: Source) -> dict[str, Any]:
    """source_state with the source's queued or running capture, prefetched by the claim page (desk.views.IN_FLIGHT)."""
    if source.is_offline:
        in_flight = None
    elif hasattr(source, "in_flight_captures"):
        in_flight = next(iter(source.in_flight_captures), None)
    else:
        in_flight = source.captures.in_flight().first()
    return source_state(source, in_flight)


def source_state(source: Source, in_flight: Capture | None = None) -> dict[str, Any]:
    """One of queued / fetching / done / failed / changed / gone / offline / unknown, with the reason in words."""
    capture = in_flight or source.latest_capture
    if source.is_offline:
        state = "offline"
    elif capture is None:
        state = "unknown"
    elif capture.is_in_flight:
        state = capture.state
    elif capture.state == "failed":
        state = "gone" if capture.gone else "failed"
    else:
        state = "changed" if capture.changed else "done"
    labels = {
        "queued": gettext("Queued"),
        "fetching": gettext("Fetching…"),
        "done": gettext("Captured"),
        "failed": gettext("Capture failed"),
        "changed": gettext("Changed since the previous capture"),
        "gone": gettext("Gone (link rot)"),
        "offline": gettext("Offline document"),
        "unknown": gettext("Not captured yet"),
    }
    reason = in_language(capture.error) if capture is not None and capture.state in ("failed", "queued") else ""
    return {
        "source": source.pk,
        "state": state,
        "label": labels[state],
        "reason": reason,
        "capture": capture.pk if capture else None,
        "capture_url": reverse("desk:capture", args=[capture.pk]) if capture else None,
        "fetched_at": capture.fetched_at.isoformat() if capture and capture.fetched_at else None,
        "attempts": capture.attempts if capture else 0,
        "recapture_url": None if source.is_offline else reverse("desk:source_recapture", args=[source.pk]),
        # The recapture button: disabled while a capture is in flight, "Retry" once one failed.
        "in_flight": state in ("queued", "fetching"),
        "recapture_label": gettext("Retry") if state in ("failed", "gone") else gettext("Capture again"),
    }


def passage_check(evidence: Evidence, state: dict[str, Any]) -> dict[str, Any]:
    """How the passage check reads, worded once for the claim page and for its live panel (captures.js).

    ``state`` is the source's ``source_state``: a passage never checked because the capture failed says so, and why.
    """
    if not evidence.passage:
        return {"state": "", "text": "", "capture_url": None}
    unchecked = evidence.passage_found == Evidence.PassageState.UNCHECKED
    if unchecked and state["state"] in ("failed", "gone"):
        reason = state["reason"] or state["label"]
        text = gettext("Could not be checked: the capture failed (%(reason)s).") % {"reason": reason}
        return {"state": "uncheckable", "text": text, "capture_url": None}
    if unchecked and state["state"] == "offline":
        text = gettext("Not checked: an offline document has no captured text to search.")
        return {"state": "uncheckable", "text": text, "capture_url": None}
    if unchecked and state["state"] in ("queued", "fetching", "unknown"):
        return {"state": "unchecked", "text": gettext("Checked once the source is captured."), "capture_url": None}
    parts = [str(evidence.get_passage_found_display())]
    if evidence.passage_start is not None:
        where = gettext("code points %(start)s–%(end)s") % {
            "start": evidence.passage_start,
            "end": evidence.passage_end,
        }
        if evidence.passage_found == Evidence.PassageState.APPROXIMATE and evidence.passage_score is not None:
            where += f" ({evidence.passage_score:.0f}%)"
        parts.append(where)
    capture_url = None
    if evidence.checked_capture_id:
        parts.append(gettext("capture #%(number)s") % {"number": evidence.checked_capture_id})
        capture_url = reverse("desk:capture", args=[evidence.checked_capture_id])
    return {"state": evidence.passage_found, "text": " · ".join(parts), "capture_url": capture_url}


@desk_member_required
def capture_detail(request: DeskRequest, pk: int) -> HttpResponse:
    capture = get_object_or_404(Capture.objects.select_related("source", "image", "post"), pk=pk)
    previous = (
        Capture.objects.filter(source=capture.source, state="done", queued_at__lt=capture.queued_at)
        .order_by("-queued_at", "-id")
        .first()
    )
    diff = text_diff(previous.text, capture.text) if previous and capture.state == "done" else []
    return render(
        request,
        "desk/sources/capture.html",
        {
            "capture": capture,
            "source": capture.source,
            "previous": previous,
            "diff": [(op, line, DIFF_CLASSES[op]) for op, line in diff],
            "diff_changes": sum(1 for op, _ in diff if op != " "),
            # A desk token: this member may replay any capture, published or not.
            "replay_url": replay_frame_url(capture=capture, user=request.user),
            "signer": signer_of(capture),
            **media_panels(capture),
        },
    )


def media_panels(capture: Capture) -> dict[str, Any]:
    """The image and social-post panels of a capture (desk/includes/capture_image_panel.html and
    capture_post_panel.html): the image's facts, where else the desk met it, reverse-image search links."""
    image = capture.image if _has_image(capture) else None
    post = capture.post if _has_post(capture) else None
    return {
        "image": image,
        "exif_rows": [(name, value) for name, value in image.exif.items()] if image else [],
        "sightings": where_else(image) if image else [],
        "reverse_search": reverse_search(capture),
        "post": post,
    }


def _has_image(capture: Capture) -> bool:
    try:
        return capture.image is not None
    except CaptureImage.DoesNotExist:
        return False


def _has_post(capture: Capture) -> bool:
    try:
        return capture.post is not None
    except CapturePost.DoesNotExist:
        return False


@desk_member_required
def capture_thumbnail(request: DeskRequest, pk: int) -> HttpResponseBase:
    """An image capture's thumbnail, for desk members only (not a folder the public file view serves)."""
    image = get_object_or_404(CaptureImage, capture_id=pk)
    if not image.thumbnail:
        raise Http404(gettext("This capture has no image."))
    response = file_response(image.thumbnail, filename=f"capture-{pk}-thumbnail.jpg", content_type="image/jpeg")
    # Shown in an <img> on the capture page: inline, still never sniffed, still sandboxed.
    response["Content-Disposition"] = "inline"
    return response


#: The CSS class of each kind of line in a text diff.
DIFF_CLASSES = {" ": "same", "-": "removed", "+": "added", "…": "gap"}


def text_diff(before: str, after: str, context: int = 2) -> list[tuple[str, str]]:
    """Changed lines between two captures' text with a little context: (" " | "-" | "+" | "…", line)."""
    lines: list[tuple[str, str]] = []
    for group in difflib.SequenceMatcher(
        None, before.splitlines(), after.splitlines(), autojunk=False
    ).get_grouped_opcodes(context):
        if lines:
            lines.append(("…", ""))
        a, b = before.splitlines(), after.splitlines()
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend((" ", line) for line in a[i1:i2])
                continue
            lines.extend(("-", line) for line in a[i1:i2])
            lines.extend(("+", line) for line in b[j1:j2])
    return lines


@desk_member_required
def capture_archived(request: DeskRequest, pk: int) -> HttpResponse:
    """The archived response from the WARC, never as live HTML: plain text (?as=text) or sanitized by nh3 (no
    scripts, styles, forms, frames or images) and served in a CSP sandbox."""
    capture = get_object_or_404(Capture.objects.select_related("source"), pk=pk)
    if not capture.warc:
        raise Http404(gettext("This capture has no archived copy."))
    with capture.warc.open("rb") as handle:
        status, headers, body = read_warc_response(handle.read())
    content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
    if capture.content_type in IMAGE_TYPES:
        # An image source's archived response is the image itself, of the raster type its bytes were checked to be
        # (claims.fetching.images: never SVG), sent as that type in the same sandbox.
        response = HttpResponse(body, content_type=capture.content_type)
    elif capture.content_type == "application/pdf" or request.GET.get("as") == "text":
        text = capture.text if capture.content_type == "application/pdf" else decode_html(body, content_type)[0]
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    else:
        html, _codec = decode_html(body, content_type)
        clean = nh3.clean(
            html,
            tags=ARCHIVE_TAGS,
            attributes={"a": {"href", "title"}, "*": {"lang", "dir"}},
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer nofollow",
            clean_content_tags={"script", "style", "noscript", "template", "iframe", "object"},
        )
        response = render(request, "desk/sources/archived.html", {"capture": capture, "html": clean, "status": status})
    response["Content-Security-Policy"] = ARCHIVE_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return MEMENTO_ARCHIVE.mark(request, response, capture)


@desk_member_required
def capture_warc(request: DeskRequest, pk: int) -> HttpResponseBase:
    """The WARC by capture id, for desk members: sent like every stored file (claims.files)."""
    capture = get_object_or_404(Capture, pk=pk)
    if not capture.warc:
        raise Http404(gettext("This capture has no archived copy."))
    return file_response(
        capture.warc, filename=download_name(capture, capture.warc), content_type=content_type_of(capture, capture.warc)
    )
