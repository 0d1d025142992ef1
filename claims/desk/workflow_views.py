"""Desk workflow: move a claim through review (propose, approve, send back, correct, retract) and the dashboard."""

from typing import Any

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Article, Claim, ClaimEvent, Entity, Evidence, Source
from claims.services.claims import StaleVersion
from claims.services.workflow import PublicationRewritten, TransitionRefused, transition_claim, transition_options
from claims.workflow import PUBLIC_STATUSES, VERDICTS, Status

#: Session key holding a refused transition until the claim page shows it next to its form.
REFUSAL_KEY = "workflow_refusal"
PUBLIC = [s.value for s in PUBLIC_STATUSES]
SHAKY_SOURCES = [Source.Health.CHANGED, Source.Health.GONE]
QUEUE_SIZE = 20


@desk_member_required
@require_POST
def claim_transition(request: DeskRequest, pk: int) -> HttpResponse:
    """One form per transition posts here; a refusal goes back to the claim page, next to that form."""
    claim = get_object_or_404(Claim, pk=pk)
    target = request.POST.get("to", "")
    fields = {name: request.POST.get(name, "") for name in ("verdict", "rationale", "comment", "public_note")}
    version = request.POST.get("version", "")
    try:
        if not version.isdigit():
            raise TransitionRefused("The form lost the claim version it was based on; reload the page.")
        # A form without a public note field (start research, send back) keeps the claim's proposed note.
        public_note = fields["public_note"] if "public_note" in request.POST else None
        transition_claim(
            claim=claim,
            to=target,
            by=request.user,
            verdict=fields["verdict"] or None,
            rationale=fields["rationale"] or None,
            comment=fields["comment"],
            public_note=public_note,
            version=int(version),
        )
    except PublicationRewritten as exc:
        # Saved as the reviewer's proposal: the panel now shows who may publish it.
        messages.warning(request, str(exc))
        return redirect(claim.get_absolute_url() + "#workflow")
    except StaleVersion as exc:
        return _refused(request, claim, target, str(exc), fields)
    except TransitionRefused as exc:
        return _refused(request, claim, target, str(exc), fields)
    claim.refresh_from_db()
    messages.success(request, f"The claim is now {claim.get_status_display().lower()}.")
    return redirect(claim.get_absolute_url() + "#workflow")


def _refused(request: HttpRequest, claim: Claim, target: str, message: str, fields: dict[str, Any]) -> HttpResponse:
    request.session[REFUSAL_KEY] = {"claim": claim.pk, "to": target, "message": message, **fields}
    return redirect(claim.get_absolute_url() + "#workflow")


def workflow_panel_context(request: DeskRequest, claim: Claim) -> dict[str, Any]:
    """What the claim page's workflow panel shows this user: the transitions their roles allow, each with what
    blocks it, and the reason the last attempt was refused (shown once, with what they typed kept)."""
    refusal = request.session.get(REFUSAL_KEY)
    if refusal and refusal.get("claim") == claim.pk:
        del request.session[REFUSAL_KEY]
    else:
        refusal = None
    evidence = getattr(claim, "_prefetched_objects_cache", {}).get("evidence")
    options = transition_options(
        claim=claim, user=request.user, evidence_count=len(evidence) if evidence is not None else None
    )
    verdicts = list(VERDICTS.values())
    if claim.kind == Claim.Kind.OPINION:
        verdicts = [VERDICTS["not_checkable"]]
    return {"options": options, "verdicts": verdicts, "refusal": refusal}


@desk_member_required
def dashboard(request: DeskRequest) -> HttpResponse:
    """The desk's home: what needs me, what awaits review, what came back, and published claims whose sources
    changed or vanished; every queue narrowed by the same filters."""
    filters = _filters(request)
    claims = _queue_annotations(Claim.objects.filter(filters["q"]), request.user)
    counts = claims.aggregate(
        mine=Count("id", filter=Q(is_mine=True)),
        awaiting=Count("id", filter=Q(status=Status.IN_REVIEW)),
        sent_back=Count("id", filter=Q(status=Status.RESEARCHING, last_from_status=Status.IN_REVIEW)),
        shaky=Count("id", filter=Q(status__in=PUBLIC, has_shaky_source=True)),
    )
    rows = claims.select_related("article").order_by("-updated_at", "-id")
    public = Claim.objects.filter(filters["q"], status__in=PUBLIC)
    shaky = (
        Evidence.objects.filter(claim__in=public, source__health__in=SHAKY_SOURCES)
        .select_related("claim", "source")
        .order_by("-claim__published_at", "id")[:QUEUE_SIZE]
    )
    return render(
        request,
        "desk/dashboard.html",
        {
            "counts": counts,
            "mine": rows.filter(is_mine=True)[:QUEUE_SIZE],
            "awaiting": rows.filter(status=Status.IN_REVIEW)[:QUEUE_SIZE],
            "sent_back": rows.filter(status=Status.RESEARCHING, last_from_status=Status.IN_REVIEW)[:QUEUE_SIZE],
            "shaky": shaky,
            "filters": filters["values"],
            "statuses": Claim.Status.choices,
            "verdicts": Claim.Verdict.choices,
            "kinds": Claim.Kind.choices,
            "articles": Article.objects.order_by("-created_at", "-id").only("id", "title")[:100],
            "entities": Entity.objects.order_by("name", "id").only("id", "name")[:200],
        },
    )


def _filters(request: HttpRequest) -> dict[str, Any]:
    values = {k: request.GET.get(k, "").strip() for k in ("status", "verdict", "kind", "article", "entity")}
    q = Q()
    for name in ("status", "verdict", "kind"):
        if values[name]:
            q &= Q(**{name: values[name]})
    if values["article"].isdigit():
        q &= Q(article_id=int(values["article"]))
    if values["entity"].isdigit():
        q &= Q(Exists(Claim.entities.through.objects.filter(claim=OuterRef("pk"), entity=int(values["entity"]))))
    return {"q": q, "values": values}


def _queue_annotations(claims, user):
    """Mark each claim with the facts the queues sort on, so counts and lists come from one query each."""
    last_transition = ClaimEvent.objects.filter(claim=OuterRef("pk"), action="transition").order_by("-at", "-id")
    return claims.annotate(
        is_mine=(Q(created_by=user) | Q(last_editor=user)) & ~Q(status__in=PUBLIC),
        last_from_status=Subquery(last_transition.values("from_status")[:1]),
        last_comment=Subquery(last_transition.values("comment")[:1]),
        has_shaky_source=Exists(Evidence.objects.filter(claim=OuterRef("pk"), source__health__in=SHAKY_SOURCES)),
    )
