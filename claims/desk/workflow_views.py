"""Desk workflow: move a claim through review (propose, approve, send back, correct, retract) and the dashboard."""

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.db.models import OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.desk.filters import DeskClaimFilter
from claims.models import Article, Claim, ClaimEvent, Entity, Evidence, Source
from claims.models.claims import IS_PUBLIC, ClaimQuerySet
from claims.paging import bounded_count
from claims.services.errors import StaleVersion
from claims.services.roles import actor_for
from claims.services.workflow import (
    CorrectionRewritten,
    PublicationRewritten,
    StaleCorrection,
    TransitionOption,
    TransitionRefused,
    decide_correction,
    pending_correction,
    pending_state,
    transition_claim,
    transition_options,
)
from claims.workflow import VERDICTS, Role, Status, correction_four_eyes_reason

#: Session key holding a refused transition until the claim page shows it next to its form.
REFUSAL_KEY = "workflow_refusal"
SHAKY_SOURCES = [Source.Health.CHANGED, Source.Health.GONE]
QUEUE_SIZE = 20
#: How the desk names each kind of pending correction (claims.workflow.PendingCorrection.what), translated.
CORRECTION_KINDS = {
    "correct": gettext_lazy("correction of the verdict"),
    "retract": gettext_lazy("retraction"),
    "edit": gettext_lazy("correction"),
}
#: Shown after a reviewer proposes a correction, a retraction or a change of a published claim.
PROPOSED_MESSAGE = gettext_lazy(
    "Your correction is proposed: readers see the published claim unchanged until another reviewer approves it."
)


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
            raise TransitionRefused(_("The form lost the claim version it was based on; reload the page."))
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
    except (PublicationRewritten, CorrectionRewritten) as exc:
        # Saved as the reviewer's proposal: the panel now shows who may publish or approve it.
        messages.warning(request, str(exc))
        return redirect(claim.get_absolute_url() + "#workflow")
    except (StaleVersion, TransitionRefused) as exc:
        if target not in {option.target for option in transition_options(claim=claim, user=request.user)}:
            # No form on the page is for this move (a forged or stale form): say so at the top of the page too.
            messages.error(request, _("The claim was not changed: %(reason)s") % {"reason": exc})
        return _refused(request, claim, target, str(exc), fields)
    claim.refresh_from_db()
    if target in (Status.CORRECTED, Status.RETRACTED) and pending_correction(claim) is not None:
        messages.success(request, PROPOSED_MESSAGE)
    else:
        messages.success(request, _("The claim is now %(status)s.") % {"status": claim.get_status_display().lower()})
    return redirect(claim.get_absolute_url() + "#workflow")


@desk_member_required
@require_POST
def claim_correction(request, pk):
    """The pending correction's forms post here: approve it (as proposed, or rewritten), send it back, withdraw it."""
    claim = get_object_or_404(Claim, pk=pk)
    decision = request.POST.get("decision", "")
    fields = {name: request.POST[name] for name in ("verdict", "rationale", "public_note") if name in request.POST}
    correction = request.POST.get("correction", "")
    try:
        if not correction.isdigit():
            raise StaleCorrection(claim, _("The form lost the correction it was about; reload the page."))
        decide_correction(
            claim=claim,
            by=request.user,
            decision=decision,
            comment=request.POST.get("comment", ""),
            correction=int(correction),
            **fields,
        )
    except CorrectionRewritten as exc:
        messages.warning(request, str(exc))
        return redirect(claim.get_absolute_url() + "#workflow")
    except TransitionRefused as exc:
        return _refused(
            request, claim, f"correction-{decision}", str(exc), {"comment": request.POST.get("comment", ""), **fields}
        )
    claim.refresh_from_db()
    done = {
        "approve": _("Correction approved: readers now see it."),
        "send_back": _("Correction sent back: readers still see the published claim."),
        "withdraw": _("Correction withdrawn."),
    }
    messages.success(request, done[decision])
    return redirect(claim.get_absolute_url() + "#workflow")


def _refused(request: HttpRequest, claim: Claim, target: str, message: str, fields: dict[str, Any]) -> HttpResponse:
    request.session[REFUSAL_KEY] = {"claim": claim.pk, "to": target, "message": message, **fields}
    return redirect(claim.get_absolute_url() + "#workflow")


@dataclass(frozen=True)
class PanelOption:
    """A transition's form in the workflow panel: the option, how its fields are labelled for it, and what they
    hold: what the user typed if this transition was just refused, else what the claim has."""

    option: TransitionOption
    claim: Claim
    refusal: dict[str, Any] | None = None

    @property
    def refused(self) -> dict[str, Any]:
        """The refused attempt at this transition (shown once), or {}."""
        return self.refusal if self.refusal and self.refusal.get("to") == self.target else {}

    @property
    def verdict(self) -> str:
        return self.refused.get("verdict", "") if self.refused else self.claim.verdict

    @property
    def rationale(self) -> str:
        return self.refused.get("rationale", "") if self.refused else self.claim.rationale

    @property
    def public_note(self) -> str:
        if self.refused:
            return self.refused.get("public_note", "")
        # A note the transition requires is about this change: the claim's last one is not offered again.
        return "" if self.transition.needs_public_note else self.claim.public_note

    @property
    def comment(self) -> str:
        return self.refused.get("comment", "")

    @property
    def target(self) -> str:
        return self.option.target

    @property
    def transition(self):
        return self.option.transition

    @property
    def blocked(self) -> str:
        return self.option.blocked

    @property
    def public_note_label(self) -> str:
        if self.transition.needs_public_note:
            return gettext("Public note, shown to readers (required)")
        return gettext("Public note, shown to readers with the publication")

    @property
    def comment_label(self) -> str:
        if self.transition.needs_comment:
            return gettext("Internal comment, never shown to readers (required)")
        return gettext("Internal comment, never shown to readers")


def workflow_panel_context(request: DeskRequest, claim: Claim) -> dict[str, Any]:
    """What the claim page's workflow panel shows this user: the transitions their roles allow, each with what
    blocks it, and the reason the last attempt was refused (shown once, with what they typed kept)."""
    refusal = request.session.get(REFUSAL_KEY)
    if refusal and refusal.get("claim") == claim.pk:
        del request.session[REFUSAL_KEY]
    else:
        refusal = None
    evidence = getattr(claim, "_prefetched_objects_cache", {}).get("evidence")
    pending = pending_correction(claim) if claim.is_public else None
    options = transition_options(
        claim=claim,
        user=request.user,
        evidence_count=len(evidence) if evidence is not None else None,
        pending=pending,
    )
    verdicts = list(VERDICTS.values())
    if claim.kind == Claim.Kind.OPINION:
        verdicts = [VERDICTS["not_checkable"]]
    targets = {option.target for option in options}
    to = str(refusal.get("to", "")) if refusal else ""
    return {
        "options": [PanelOption(option, claim, refusal) for option in options],
        "verdicts": verdicts,
        "refusal": refusal,
        # A refused move with no form of its own on the page: shown at the panel's top, with what was typed.
        "orphan_refusal": refusal if refusal and to not in targets and not to.startswith("correction-") else None,
        "waiting": _waiting_for(claim),
        "pending": pending_context(pending, request.user) if pending is not None else None,
    }


def _waiting_for(claim: Claim) -> str:
    """What the claim waits for, when this person has no move to make on it."""
    if claim.status == Status.IN_REVIEW:
        return gettext(
            "Waiting for a reviewer: another desk member with the reviewer role, who wrote none of its public text, "
            "publishes it or sends it back to its editor with a comment."
        )
    if claim.status in (Status.PUBLISHED, Status.CORRECTED):
        return gettext("Published. A reviewer can propose a correction or a retraction; another reviewer approves it.")
    if claim.status == Status.RETRACTED:
        return gettext("Retracted. The page stays online, marked retracted; its status does not change again.")
    return gettext("There is nothing you can do with this claim's status from here.")


def pending_context(pending, user) -> dict:
    """What the panel shows of a pending correction: what changes, who proposed it, and what this user may do."""
    state = pending_state(pending)
    actor = actor_for(user)
    blocked = correction_four_eyes_reason(state, actor)
    if not blocked and not actor.has(Role.REVIEWER):
        blocked = _("Only a reviewer may approve or send back a correction.")
    changes = [{"field": name, "before": before, "after": after} for name, (before, after) in pending.changes.items()]
    return {
        "correction": pending,
        "what": CORRECTION_KINDS.get(pending.kind, state.what),
        "proposer": state.name(pending.proposed_by_id),
        "changes": changes,
        "blocked": blocked,
        "may_withdraw": pending.proposed_by_id == user.pk,
        "may_send_back": actor.has(Role.REVIEWER) and pending.proposed_by_id != user.pk,
    }


@desk_member_required
def dashboard(request: DeskRequest) -> HttpResponse:
    """The desk's home, by person: my claims, the unassigned ones, those waiting for my review, those sent back to
    me, and published claims whose sources changed or vanished; every queue narrowed by the same filters."""
    filters = DeskClaimFilter(request.GET, queryset=Claim.objects.all())
    queues = _queues(filters.qs, request.user)
    # One bounded count per queue (claims.paging): exact up to 10,000 (1,000 narrowed by a word, as the claims list
    # counts a word search), where one aggregate over every claim read the whole memory (21 s at a million claims).
    # The counts filter on the queues' conditions alone (no per-row subquery) and each has a partial index of
    # migration 0047 to count from.
    counts = {name: bounded_count(queue) for name, queue in queues.items()}
    # Mine in its two disjoint halves, each counted and listed from its own index: one OR of both read and sorted
    # every one of my claims (12,000 drafts of one editor at a million claims).
    halves = [filters.qs.filter(half) for half in _mine(request.user)]
    counts["mine"] = sum(bounded_count(half) for half in halves)
    public = cast(ClaimQuerySet, filters.qs).published()  # the FilterSet keeps the QuerySet's class
    counts["shaky"] = bounded_count(
        Evidence.objects.filter(claim__in=public, source__health__in=SHAKY_SOURCES).values("claim").distinct(),
        public.exact_count_limit,
    )
    rows = {name: _newest(queue) for name, queue in queues.items()}
    newest_mine = [claim for half in halves for claim in _newest(half)]
    rows["mine"] = sorted(newest_mine, key=lambda claim: (claim.updated_at, claim.pk), reverse=True)[:QUEUE_SIZE]
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
            **rows,
            "shaky": shaky,
            "is_admin": actor_for(request.user).has(Role.ADMIN),
            "filters": filters.values,
            "statuses": Claim.Status.choices,
            "verdicts": Claim.Verdict.choices,
            "kinds": Claim.Kind.choices,
            "can_report": actor_for(request.user).has(Role.REVIEWER),
            "articles": Article.objects.order_by("-created_at", "-id").only("id", "title")[:100],
            "entities": Entity.objects.order_by("name", "id").only("id", "name")[:200],
        },
    )


def _newest(queue) -> list[Claim]:
    return list(queue.select_related("article", "assignee").order_by("-updated_at", "-id")[:QUEUE_SIZE])


def _mine(user) -> tuple[Q, Q]:
    """My open claims in two disjoint parts: assigned to me, and nobody's but created or last edited by me."""
    assigned = Q(assignee=user) & ~IS_PUBLIC
    authored = Q(assignee__isnull=True) & (Q(created_by=user) | Q(last_editor=user)) & ~IS_PUBLIC
    return assigned, authored


def _queues(claims, user) -> dict[str, Any]:
    """The dashboard's queues of ``claims`` for ``user`` but mine (``_mine``), each a QuerySet to count and list.

    Unassigned: open and nobody's. Waiting for my review: in review and given to me, or to no reviewer yet (every
    reviewer sees those). Sent back to me: mine, back from review (the latest transition's comment shown with it)."""
    assigned, authored = _mine(user)
    mine = claims.filter(assigned | authored)
    if actor_for(user).has(Role.REVIEWER):
        awaiting = claims.filter(Q(status=Status.IN_REVIEW) & (Q(reviewer=user) | Q(reviewer__isnull=True)))
    else:
        awaiting = claims.none()
    last_transition = ClaimEvent.objects.filter(claim=OuterRef("pk"), action="transition").order_by("-at", "-id")
    # Only claims a reviewer ever sent back are asked for their latest transition (a subquery per row): the few
    # the partial index of such events names, never every open claim of mine.
    returned = ClaimEvent.objects.filter(
        action="transition", from_status=Status.IN_REVIEW, to_status=Status.RESEARCHING
    )
    sent_back = (
        mine.filter(status=Status.RESEARCHING, pk__in=returned.values("claim_id"))
        .alias(last_from_status=Subquery(last_transition.values("from_status")[:1]))
        .filter(last_from_status=Status.IN_REVIEW)
        .annotate(last_comment=Subquery(last_transition.values("comment")[:1]))
    )
    return {
        "unassigned": claims.filter(Q(assignee__isnull=True) & ~IS_PUBLIC),
        "awaiting": awaiting,
        "sent_back": sent_back,
    }
