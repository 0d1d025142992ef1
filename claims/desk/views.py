"""Desk pages: the article list, the reading view with every claim highlighted, claim and source details."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.desk.claim_form import claim_form_context
from claims.desk.comment_threads import comment_threads
from claims.desk.details_display import detail_rows
from claims.desk.filters import DeskArticleFilter, DeskClaimFilter
from claims.desk.proposals import proposal_card
from claims.desk.sources import capture_state, media_panels, passage_check
from claims.desk.team import bulk_form_context, team_panel_context
from claims.desk.workflow_views import workflow_panel_context
from claims.highlight import segments
from claims.models import Article, ArticleRevision, Attendee, Capture, Claim, Evidence, Source, Tag
from claims.paging import BoundedPaginator
from claims.services import articles as article_services
from claims.services.activity import Activity, ClaimActivity
from claims.services.errors import RevisionRefused
from claims.services.roles import actor_for
from claims.workflow import Role

#: Items of the activity timeline on one page of a claim's page.
ACTIVITY_PAGE = 50
#: Each evidence row shows its source's queued or running capture: one query for all rows, not one per row.
IN_FLIGHT = Prefetch("source__captures", queryset=Capture.objects.in_flight(), to_attr="in_flight_captures")


@desk_member_required
def article_list(request: DeskRequest) -> HttpResponse:
    filters = DeskArticleFilter(
        request.GET,
        queryset=Article.objects.select_related("current_revision", "assignee").prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="listed_tags")
        ),
    )
    # The page's own articles' claims counted, one subquery per row shown: a COUNT over a join grouped every
    # article of the desk before the page was cut (3.8 s at 100,000 articles).
    n_claims = Claim.objects.filter(article=OuterRef("pk")).order_by().values("article").annotate(n=Count("id"))
    articles = filters.qs.annotate(n_claims=Coalesce(Subquery(n_claims.values("n")), 0)).order_by("-created_at", "-id")
    page = BoundedPaginator(articles, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/article_list.html",
        {
            "page": page,
            "filters": filters.values,
            "bulk": bulk_form_context(request, page.paginator.count),
            "all_tags": Tag.objects.order_by("name").only("slug", "name")[:500],
        },
    )


@desk_member_required
def article_detail(request: DeskRequest, pk: int) -> HttpResponse:
    """The reading view: the article as readers see it, every claim's span highlighted, claims in text order."""
    article = get_object_or_404(
        Article.objects.select_related("current_revision").annotate(public_number=F("public_revision__number")), pk=pk
    )
    return render_reading_view(request, article)


def render_reading_view(
    request: DeskRequest,
    article: Article,
    *,
    panel_form: dict[str, Any] | None = None,
    comment_form: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The reading view; with ``panel_form`` (a claim form the panel posted, with its errors) the panel is open,
    with ``comment_form`` (a span comment or reply posted, with its errors) the comment form is."""
    claims = list(article.claims.filter(revision=article.current_revision_id).order_by("start", "end"))
    orphans = list(article.claims.exclude(revision=article.current_revision_id))
    threads = comment_threads(article.comments.for_display(), request.user)
    # Threads whose words are in this revision are highlighted in it; the others are listed as orphaned.
    span_threads = [t for t in threads if t.revision_id == article.current_revision_id]
    orphaned_threads = [t for t in threads if t.revision_id != article.current_revision_id]
    # Pending proposals on this revision, best first (claims.services.proposals keeps them on the current one).
    proposals = list(
        article.proposals.pending()
        .filter(revision=article.current_revision_id)
        .select_related("memory_claim")
        .order_by("-score", "start")
    )
    parts = segments(
        article.text,
        [(c.pk, c.start, c.end) for c in claims],
        [(t.pk, t.start, t.end) for t in span_threads if t.start is not None and t.end is not None],
        [(p.pk, p.start, p.end) for p in proposals],
    )
    public_number = None
    if article.has_revision_under_review and article.public_revision_id is not None:  # under review: it has one
        public_number = (
            getattr(article, "public_number", None)
            or ArticleRevision.objects.filter(pk=article.public_revision_id).values_list("number", flat=True).first()
        )
    return render(
        request,
        "desk/article_detail.html",
        {
            "article": article,
            "claims": claims,
            "proposals": [proposal_card(p) for p in proposals],
            "orphans": orphans,
            "segments": parts,
            "panel_form": panel_form,
            "claim_form": None if panel_form else claim_form_context(),
            "public_number": public_number,
            "can_accept": actor_for(request.user).has(Role.REVIEWER),
            "span_threads": sorted(span_threads, key=lambda t: (t.start or 0, t.pk)),
            "orphaned_threads": orphaned_threads,
            "comment_form": comment_form or {},
        },
        status=status,
    )


@desk_member_required
@require_POST
def article_accept_revision(request: DeskRequest, pk: int) -> HttpResponse:
    """A reviewer shows readers the revision they read; a refusal (four eyes, orphaned claims) is said as is."""
    article = get_object_or_404(Article, pk=pk)
    number = request.POST.get("revision", "")
    try:
        if not number.isdigit():
            raise RevisionRefused(gettext("The form lost the revision it was for; reload the page."))
        revision = article_services.accept_revision(article=article, number=int(number), by=request.user)
    except RevisionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Readers now see revision r%(number)s.") % {"number": revision.number})
    return redirect(article.get_absolute_url())


@desk_member_required
def claim_list(request: DeskRequest) -> HttpResponse:
    claims = Claim.objects.select_related("article", "assignee", "reviewer").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"), to_attr="listed_tags")
    )
    filters = DeskClaimFilter(request.GET, queryset=claims)
    listed = filters.qs.order_by("-updated_at", "-id")
    page = BoundedPaginator(listed, 50, counted=filters.counted_rows()).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/claim_list.html",
        {
            "page": page,
            "filters": filters.values,
            "bulk": bulk_form_context(request, page.paginator.count),
            "all_tags": Tag.objects.order_by("name").only("slug", "name")[:500],
            "statuses": Claim.Status.choices,
            "kinds": Claim.Kind.choices,
            "verdicts": Claim.Verdict.choices,
        },
    )


@desk_member_required
def claim_detail(request: DeskRequest, pk: int) -> HttpResponse:
    return render_claim_page(request, pk)


def render_claim_page(
    request: DeskRequest, pk: int, *, comment_form: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The claim page; with ``comment_form`` (a comment posted with its errors) its form shows what was typed."""
    claim = get_object_or_404(
        Claim.objects.select_related(
            "article", "revision", "created_by", "last_editor", "claimant_entity", "assignee", "reviewer"
        ).prefetch_related(
            "entities",
            "tags",
            Prefetch("attendees", queryset=Attendee.objects.select_related("entity")),
            Prefetch(
                "evidence",
                queryset=Evidence.objects.select_related("source", "source__latest_capture")
                .order_by("id")
                .prefetch_related(IN_FLIGHT),
            ),
        ),
        pk=pk,
    )
    evidence = list(claim.evidence.all())
    for row in evidence:
        row.capture_state = capture_state(row.source)  # type: ignore[attr-defined]  # for the template
        row.passage_check = passage_check(row, row.capture_state)  # type: ignore[attr-defined]
    context_text = claim.revision.text
    before = context_text[max(0, claim.start - 160) : claim.start]
    after = context_text[claim.end : claim.end + 160]
    activity: Page[Activity] = Paginator(ClaimActivity(claim), ACTIVITY_PAGE).get_page(request.GET.get("activity"))
    return render(
        request,
        "desk/claim_detail.html",
        {
            "claim": claim,
            "activity": activity,
            "before": before,
            "after": after,
            "details": detail_rows(claim.kind, claim.details),
            "evidence": evidence,
            "claim_form": claim_form_context(claim=claim),
            "workflow": workflow_panel_context(request, claim),
            "threads": comment_threads(claim.comments.for_display(), request.user),
            "comment_form": comment_form or {},
            "team": team_panel_context(request, claim),
        },
        status=status,
    )


@desk_member_required
def source_detail(request: DeskRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(
        Source.objects.select_related("latest_capture", "latest_capture__image", "latest_capture__post"), pk=pk
    )
    captures = Capture.objects.filter(source=source).order_by("-queued_at", "-id").defer("text")[:50]
    evidence = source.evidence.select_related("claim")
    # The latest capture's image or post, with where else the desk met the image.
    panels = media_panels(source.latest_capture) if source.latest_capture else {}
    return render(
        request,
        "desk/source_detail.html",
        {
            "source": source,
            "captures": captures,
            "evidence": evidence,
            "capture_modes": Source.CaptureMode.choices,
            **panels,
        },
    )
