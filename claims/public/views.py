"""Public pages. Every read goes through Claim.objects.published(): nothing unpublished is ever shown."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from claims.highlight import segments
from claims.models import Article, Attendee, Claim, Entity, Evidence


def home(request):
    claims = Claim.objects.published().select_related("article").order_by("-published_at", "-id")[:30]
    return render(request, "public/home.html", {"claims": claims})


def claim_detail(request, pk, slug=None):
    claim = get_object_or_404(
        Claim.objects.published()
        .select_related("article", "revision")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.select_related("entity")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("source", "source__latest_capture")),
        ),
        pk=pk,
    )
    if slug != claim.slug:
        return redirect(claim.public_url, permanent=True)
    text = claim.revision.text
    events = claim.events.public().order_by("at", "id")
    return render(request, "public/claim_detail.html", {
        "claim": claim, "before": text[max(0, claim.start - 200):claim.start], "after": text[claim.end:claim.end + 200],
        "events": events,
    })


def entity_detail(request, pk):
    entity = get_object_or_404(Entity, pk=pk)
    claims = Claim.objects.published().filter(entities=entity).select_related("article").distinct()
    if not claims and not entity.claims_made.published().exists():
        raise Http404("No published claim mentions this entity.")
    return render(request, "public/entity_detail.html", {"entity": entity, "claims": claims})


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    claims = list(article.claims.published().filter(revision=article.current_revision_id).order_by("start"))
    if not claims:
        raise Http404("No published claim comes from this article.")
    parts = segments(article.text, [(c.pk, c.start, c.end) for c in claims])
    return render(request, "public/article_detail.html", {"article": article, "claims": claims, "segments": parts})
