"""Public pages. Every read goes through Claim.objects.published(): nothing unpublished is ever shown.

Claim pages are rendered once per claim generation and language (``claims/page_cache.py``) and answer
conditional requests with 304; every public page says how long a CDN may keep it. A page whose generations the
shared cache cannot vouch for (Redis unreachable) is rendered from the database and not cached.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import cast

import nh3
from django.conf import settings
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import condition, require_safe

from claims import page_cache as generations
from claims.claimreview import claim_review
from claims.highlight import segments
from claims.models import Article, Attendee, Capture, Claim, ClaimLink, Evidence, Page, Tag
from claims.models.claims import ClaimQuerySet
from claims.public.memento import ARCHIVE as MEMENTO_ARCHIVE
from claims.public.search import highlight, search
from claims.services.captures import archive_public_key
from claims.services.replay import replay_frame_url, signer_of
from claims.services.series import series_of_claim
from claims.workflow import VERDICTS, Status, Verdict

#: Seconds a CDN or browser may serve a page without asking, and may keep serving it stale while it revalidates.
MAX_AGE = 300
STALE_WHILE_REVALIDATE = 86400
RELATED_LIMIT = 6
#: The editable pages the IFCN code asks for, by URL slug.
PAGE_SLUGS = ("about", "methodology", "corrections", "verdicts")


#: What the public timeline calls a status change, by the status it led to.
TIMELINE_LABELS = {
    Status.PUBLISHED: gettext_lazy("Published"),
    Status.CORRECTED: gettext_lazy("Corrected"),
    Status.RETRACTED: gettext_lazy("Retracted"),
    Status.IN_REVIEW: gettext_lazy("Sent for review"),
    Status.RESEARCHING: gettext_lazy("Research started"),
    Status.DRAFT: gettext_lazy("Back to draft"),
}
#: How readers see each evidence stance.
STANCE_LABELS: dict[str, Promise] = {
    Evidence.Stance.SUPPORTS: gettext_lazy("Supports"),
    Evidence.Stance.CONTRADICTS: gettext_lazy("Contradicts"),
    Evidence.Stance.CONTEXT: gettext_lazy("Context"),
}
#: How readers see each attendance status (lower case: it follows a colon).
ATTENDANCE_LABELS: dict[str, Promise] = {
    Attendee.Status.CONFIRMED: gettext_lazy("confirmed"),
    Attendee.Status.DISPUTED: gettext_lazy("disputed"),
    Attendee.Status.UNVERIFIED: gettext_lazy("unverified"),
}


@dataclass
class TimelineEntry:
    event: object
    label: str
    is_correction: bool


def timeline_entry(event) -> TimelineEntry:
    """The public timeline's line for ``event``: a correction, or the status change it made."""
    if event.action == "correction":
        return TimelineEntry(event, gettext("Correction"), True)
    if event.to_status == Status.RESEARCHING and event.from_status == Status.IN_REVIEW:
        return TimelineEntry(event, gettext("Returned for more research"), False)
    return TimelineEntry(event, str(TIMELINE_LABELS.get(event.to_status, "")), False)


def for_cdn[R: HttpResponseBase](response: R) -> R:
    """Say how long a CDN may keep ``response`` (a page, or a streamed CSV)."""
    patch_cache_control(response, public=True, max_age=MAX_AGE, stale_while_revalidate=STALE_WHILE_REVALIDATE)
    return response


def _lists_etag(request, *args, **kwargs) -> str | None:
    # Home, entity, article and page lists change only when some claim's public face does. Asked once per
    # request: the conditional-request check and the view both need it. None (no ETag, no 304, no cached
    # home) when the shared cache cannot vouch for the lists generation.
    if not hasattr(request, "_lists_etag"):
        generation = generations.lists_generation()
        seed = f"{generation}|{translation.get_language()}|{request.get_full_path()}"
        request._lists_etag = hashlib.sha256(seed.encode()).hexdigest() if generation else None
    return request._lists_etag


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def alternates(request) -> list[dict]:
    """This page in every interface language, for the language switch and the hreflang links."""
    current = translation.get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": absolute(translate_url(request.path, code)),
            "path": translate_url(request.path, code),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]


@require_safe
@condition(etag_func=_lists_etag)
def home(request: HttpRequest) -> HttpResponse:
    """Rendered once per lists generation and language; until a claim's public face changes, 0 queries."""
    etag = _lists_etag(request)
    key = f"public:page:home:{etag}" if etag else None
    body = generations.get_page(key) if key else None
    if body is None:
        # 1 query: the latest published claims with their articles.
        claims = Claim.objects.published().select_related("article").order_by("-published_at", "-id")[:30]
        body = render_to_string(
            "public/home.html", {"claims": claims, "alternates": alternates(request)}, request=request
        ).encode()
        if key:
            generations.set_page(key, body)
    return for_cdn(HttpResponse(body))


# --- the claim page -------------------------------------------------------------------------------------------


@dataclass
class RenderedClaim:
    #: The page encoded once, when rendered: a cached view neither decodes nor encodes its text again.
    body: bytes
    last_modified: datetime
    slug: str
    etag: str


def _claim_queryset() -> ClaimQuerySet:
    done = Capture.objects.filter(state=Capture.State.DONE).only("id", "source_id", "fetched_at", "final_url")
    return (
        Claim.objects.published()
        .select_related("article", "public_revision", "claimant_entity")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("entity")),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("source").prefetch_related(
                    Prefetch("source__captures", queryset=done.order_by("-fetched_at", "-id"), to_attr="done_captures")
                ),
            ),
            "entities",
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
        )
    )


def _rendered_claim(request, pk: int) -> RenderedClaim:
    """The claim page for this language, from the cache or rendered now; one per request (etag and date ask)."""
    if getattr(request, "_rendered_claim", None) is None:
        language = translation.get_language()
        found = generations.claim_page_generations(pk)
        key = generations.claim_page_key(pk, language, found)
        entry = generations.get_page(key) if key else None
        if entry is None:
            entry = _render_claim(request, pk)  # a 404 for a claim that is not public: no generation started
            key = key or generations.claim_page_key(pk, language, generations.start_claim_generation(pk, found))
            if key:
                generations.set_page(key, entry)
        request._rendered_claim = entry
    return request._rendered_claim


def _claim_etag(request: HttpRequest, pk: int, slug: str | None = None) -> str | None:
    entry = _rendered_claim(request, pk)
    # A wrong slug is redirected by the view, never answered 304.
    return entry.etag if slug == entry.slug else None


def _claim_last_modified(request: HttpRequest, pk: int, slug: str | None = None) -> datetime:
    return _rendered_claim(request, pk).last_modified


@require_safe
@condition(etag_func=_claim_etag, last_modified_func=_claim_last_modified)
def claim_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    entry = _rendered_claim(request, pk)
    if slug != entry.slug:
        return redirect(reverse("public:claim", args=[pk, entry.slug]), permanent=True)
    return for_cdn(HttpResponse(entry.body))


def _render_claim(request, pk: int) -> RenderedClaim:
    # Queries, whatever the number of evidence rows or attendees:
    #   1 the claim with its article, public revision and claimant entity; 2 attendees with their entities;
    #   3 evidence with sources; 4 the sources' done captures; 5 the claim's entities; 6 its topics (tags);
    #   7 the public timeline; 8 related claims; 9 the series it belongs to.
    claim = get_object_or_404(_claim_queryset(), pk=pk)
    # The reviewed quote in the revision readers see, never a newer text no reviewer has read.
    revision, selector = claim.public_anchor
    text, start, end = revision.text, selector["start"], selector["end"]
    evidence = [_evidence_row(claim, e) for e in claim.evidence.all()]
    language = translation.get_language()
    verdict = cast(Verdict, claim.verdict_info)  # a public claim has a verdict
    context = {
        "claim": claim,
        "verdict": verdict,
        "verdict_label": verdict.label(language),
        "verdict_definition": verdict.definition(language),
        "before": text[max(0, start - 240) : start],
        "quote": selector["exact"],
        "after": text[end : end + 240],
        "evidence": evidence,
        "evidence_rows": [row.evidence for row in evidence],
        "events": [timeline_entry(event) for event in claim.events.public().order_by("at", "id")],
        "attendees": [(a, ATTENDANCE_LABELS.get(a.status, a.status)) for a in claim.attendees.all()],
        "related": _related(claim),
        "series": series_of_claim(claim),
        "canonical": absolute(request.path),
        "alternates": alternates(request),
        "appearance_url": claim.article.url or absolute(reverse("public:article", args=[claim.article_id])),
    }
    context["jsonld"] = _jsonld(claim, context, language)
    body = render_to_string("public/claim_detail.html", context, request=request).encode()
    last_modified = max([claim.updated_at, *(e.evidence.updated_at for e in evidence)])
    # Of the bytes, not of the cache key: the same page keeps its ETag across a Redis restart or outage.
    etag = hashlib.sha256(body).hexdigest()
    return RenderedClaim(body=body, last_modified=last_modified, slug=claim.slug, etag=etag)


@dataclass
class EvidenceRow:
    evidence: Evidence
    archive_url: str
    archived_at: datetime | None

    @property
    def stance_label(self) -> str:
        return str(STANCE_LABELS.get(self.evidence.stance, STANCE_LABELS[Evidence.Stance.CONTEXT]))


def _evidence_row(claim, evidence) -> EvidenceRow:
    captures = evidence.source.done_captures
    if not captures:
        return EvidenceRow(evidence, "", None)
    url = reverse("public:archive", args=[claim.pk, evidence.source_id])
    return EvidenceRow(evidence, url, captures[0].fetched_at)


def _related(claim) -> list:
    """Published claims an editor confirmed as the same, then those sharing an entity, newest first."""
    entity_ids = [e.pk for e in claim.entities.all()]
    confirmed = ClaimLink.objects.filter(state=ClaimLink.State.CONFIRMED)
    # One id list (a UNION) rather than OR-ed subqueries, which PostgreSQL answers by scanning every claim.
    candidates = (
        confirmed.filter(to_claim=claim)
        .values_list("from_claim", flat=True)
        .union(
            confirmed.filter(from_claim=claim).values_list("to_claim", flat=True),
            Claim.entities.through.objects.filter(entity_id__in=entity_ids).values_list("claim_id", flat=True),
        )
    )
    is_same = Exists(
        confirmed.filter(Q(from_claim=claim, to_claim=OuterRef("pk")) | Q(to_claim=claim, from_claim=OuterRef("pk")))
    )
    return list(
        Claim.objects.published()
        .filter(pk__in=candidates)
        .exclude(pk=claim.pk)
        .annotate(same=is_same)
        .order_by("-same", "-published_at", "-id")[:RELATED_LIMIT]
    )


#: The characters Django's json_script escapes, so that JSON can never close (or comment out) the <script> element it
#: sits in. json_script itself writes a type="application/json" element with every non-ASCII character escaped;
#: JSON-LD needs type="application/ld+json", and the Arabic stays as it is (half the bytes).
SCRIPT_ESCAPES = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})


def _jsonld(claim, context, language) -> str:
    node = claim_review(
        url=context["canonical"],
        claim_reviewed=claim.statement,
        verdict=claim.verdict,
        language=language,
        date_published=claim.published_at.date().isoformat() if claim.published_at else "",
        date_modified=claim.updated_at.date().isoformat(),
        site_name=settings.SITE_NAME,
        site_url=settings.SITE_URL + "/",
        claimant=claim.claimant,
        claim_date=claim.claimed_on,
        appearance_url=context["appearance_url"],
        retracted=claim.status == Status.RETRACTED,
    )
    return mark_safe(json.dumps(node, ensure_ascii=False).translate(SCRIPT_ESCAPES))  # noqa: S308


@require_safe
def archived_copy(request: HttpRequest, pk: int, source_pk: int) -> HttpResponse:
    """The latest successful capture of a source a published claim cites, as plain escaped text, with its WARC
    and original file to download (the only stored files a reader may fetch: Capture.objects.public())."""
    get_object_or_404(Evidence, claim__in=Claim.objects.published().filter(pk=pk), source_id=source_pk)
    capture = Capture.objects.public().filter(source_id=source_pk).select_related("source").first()
    if capture is None:
        raise Http404("No archived copy yet.")
    claim_url = reverse("public:claim-short", args=[pk])
    response = render(
        request,
        "public/archived_copy.html",
        {
            "capture": capture,
            "source": capture.source,
            "claim_url": claim_url,
            "alternates": alternates(request),
            # A public token: the replay origin serves this WACZ only while the capture stays public.
            "replay_url": replay_frame_url(capture=capture),
            "signer": signer_of(capture),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return for_cdn(MEMENTO_ARCHIVE.mark(request, response, capture))


@require_safe
def archive_key(request: HttpRequest) -> HttpResponse:
    """The public key the desk signs its WACZ files with (PEM), for anyone checking one."""
    response = HttpResponse(archive_public_key(), content_type="application/x-pem-file")
    response["X-Content-Type-Options"] = "nosniff"
    return for_cdn(response)


# --- articles, pages (the entity pages: claims/public/entities.py) -------------------------------------------


@require_safe
@condition(etag_func=_lists_etag)
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A topic's published claims. A tag only unpublished claims carry does not exist for readers (404)."""
    # 1 query: the tag; 2: its published claims with their articles.
    tag = get_object_or_404(Tag, slug=slug)
    claims = list(
        Claim.objects.published()
        .filter(Exists(Claim.tags.through.objects.filter(claim=OuterRef("pk"), tag=tag)))
        .select_related("article")
        .order_by("-published_at", "-id")[:100]
    )
    if not claims:
        raise Http404("No published claim has this topic.")
    return for_cdn(
        render(request, "public/topic_detail.html", {"tag": tag, "claims": claims, "alternates": alternates(request)})
    )


@require_safe
@condition(etag_func=_lists_etag)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The article in the revision readers see (the one a reviewer accepted), its published claims highlighted."""
    # 1 query: the article with its public revision and the latest revision's number; 2: its published claims
    # in the public revision.
    article = get_object_or_404(
        Article.objects.select_related("public_revision").annotate(latest_number=F("current_revision__number")), pk=pk
    )
    revision = article.public_revision
    claims = list(article.claims.published().filter(public_revision=revision)) if revision else []
    if not claims or revision is None:
        raise Http404("No published claim comes from this article.")
    claims.sort(key=lambda c: (c.public_selector["start"], c.pk))  # in text order, where readers see them
    by_id = {c.pk: c for c in claims}
    spans = [(c.pk, c.public_selector["start"], c.public_selector["end"]) for c in claims]
    parts = [(seg, by_id[seg.claim_ids[0]] if seg.claim_ids else None) for seg in segments(revision.text, spans)]
    return for_cdn(
        render(
            request,
            "public/article_detail.html",
            {
                "article": article,
                "revision": revision,
                "claims": claims,
                "parts": parts,
                "alternates": alternates(request),
                # The annotation above; django-stubs does not carry it through get_object_or_404.
                "newer_under_review": article.latest_number > revision.number,  # type: ignore[attr-defined]
            },
        )
    )


@require_safe
@condition(etag_func=_lists_etag)
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """About, methodology, corrections policy and the verdict scale: editable in the admin, sanitized here."""
    if slug not in PAGE_SLUGS:
        raise Http404
    language = translation.get_language()
    found = {p.language: p for p in Page.objects.filter(slug=slug, language__in=[language, "en"])}
    shown = found.get(language) or found.get("en")
    if shown is None:
        raise Http404
    return for_cdn(
        render(
            request,
            "public/page.html",
            {
                "page": shown,
                "body": mark_safe(nh3.clean(shown.body)),  # noqa: S308 (nh3 sanitized it)
                "slug": slug,
                "alternates": alternates(request),
                "verdicts": [(v, v.label(language), v.definition(language)) for v in VERDICTS.values()],
            },
        )
    )


@require_safe
def search_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results = search(query) if query else None
    rows = []
    if results:
        rows = [(claim, highlight(claim.statement, query)) for claim in results.claims]
    response = render(
        request,
        "public/search.html",
        {
            "query": query,
            "results": results,
            "claim_rows": rows,
            "alternates": alternates(request),
            # The reader's words inside our sentence: isolated, so an Arabic query cannot reorder the English around it.
            "query_isolated": format_html("<bdi>{}</bdi>", query),
            "entity_rows": [(e, highlight(e.name, query)) for e in results.entities] if results else [],
            "article_rows": [(a, highlight(a.title, query)) for a in results.articles] if results else [],
        },
    )
    patch_cache_control(response, public=True, max_age=60)
    return response


def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /desk/",
        "Disallow: /admin/",
        "Disallow: /api/",
        "Disallow: /search/",
        "Disallow: /ar/search/",
        "Disallow: /check/",
        "Disallow: /ar/check/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        "",
    ]
    return for_cdn(HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"))
