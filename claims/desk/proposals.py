"""Desk pages for proposed claims: the reading view's panel card, and accepting (as proposed or edited in the claim
form) or dismissing a proposal. Plain POST forms: it all works without script."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.desk.claim_form import (
    attendees_for_service,
    claim_form_context,
    claim_input,
    posted_selector,
    selection_from,
)
from claims.desk.details_display import detail_rows
from claims.details import FIELDS
from claims.models import Claim, ClaimProposal
from claims.services import proposals as proposal_services
from claims.services.errors import ClaimInvalid, ProposalDecided


def proposal_card(proposal: ClaimProposal) -> dict[str, Any]:
    """What the reading view's panel shows of a proposal: its kind, fields (attendees by name), score."""
    attendees = [a.get("name", "") for a in proposal.details.get("attendees", []) if isinstance(a, dict)]
    details = {k: v for k, v in proposal.details.items() if k != "attendees"}
    return {
        "proposal": proposal,
        "kind_label": Claim.Kind(proposal.kind).label,
        "rows": detail_rows(proposal.kind, details),
        "attendees": attendees,
        "percent": round(proposal.score * 100),
    }


def _proposal(article_pk: int, pk: int) -> ClaimProposal:
    return get_object_or_404(
        ClaimProposal.objects.select_related("article", "article__current_revision"), pk=pk, article_id=article_pk
    )


def _back(proposal: ClaimProposal, anchor: str = "proposals") -> HttpResponse:
    return redirect(f"{proposal.article.get_absolute_url()}#{anchor}")


@require_POST
@desk_member_required
def proposal_accept(request: DeskRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """Accept as proposed; when it no longer validates (the text moved under it), the claim form opens on it."""
    proposal = _proposal(pk, proposal_pk)
    try:
        claim = proposal_services.accept_proposal(proposal=proposal, by=request.user)
    except ProposalDecided as exc:
        messages.error(request, str(exc))
        return _back(proposal)
    except ClaimInvalid as exc:
        return _render_form(request, proposal, post=_as_post(proposal), errors=exc.errors, status=400)
    messages.success(request, gettext("Claim #%(pk)s created from the proposal.") % {"pk": claim.pk})
    return _back(proposal, f"claim-{claim.pk}")


@require_POST
@desk_member_required
def proposal_dismiss(request: DeskRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal(pk, proposal_pk)
    try:
        proposal_services.dismiss_proposal(proposal=proposal, by=request.user)
    except ProposalDecided as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("Proposal dismissed; it will not be proposed again for this article."))
    return _back(proposal)


@require_http_methods(["GET", "POST"])
@desk_member_required
def proposal_edit(request: DeskRequest, pk: int, proposal_pk: int) -> HttpResponse:
    """The claim form, pre-filled with the proposal's selection, kind and fields; saving it accepts the proposal."""
    proposal = _proposal(pk, proposal_pk)
    if proposal.state != ClaimProposal.State.PENDING:
        messages.error(request, str(ProposalDecided(proposal)))
        return _back(proposal)
    if request.method != "POST":
        return _render_form(request, proposal, post=_as_post(proposal))
    data = claim_input(request.POST)
    details = dict(data.pop("details"))
    if data["kind"] == "meeting":
        details["attendees"] = attendees_for_service(request.POST)
    try:
        claim = proposal_services.accept_proposal(
            proposal=proposal, by=request.user, details=details, selector=posted_selector(request.POST), **data
        )
    except ProposalDecided as exc:
        messages.error(request, str(exc))
        return _back(proposal)
    except ClaimInvalid as exc:
        return _render_form(request, proposal, post=request.POST, errors=exc.errors, status=400)
    messages.success(request, gettext("Claim #%(pk)s created from the proposal.") % {"pk": claim.pk})
    return _back(proposal, f"claim-{claim.pk}")


def _render_form(
    request: DeskRequest,
    proposal: ClaimProposal,
    *,
    post: QueryDict,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    article = proposal.article
    form = claim_form_context(post=post, errors=errors, selection=selection_from(article, post))
    context = {"article": article, "proposal": proposal, "form": form}
    return render(request, "desk/proposal_form.html", context, status=status)


def _as_post(proposal: ClaimProposal) -> QueryDict:
    """The proposal as the claim form would post it, so the form shows it exactly as it will be saved."""
    post = QueryDict(mutable=True)
    post.update({"kind": proposal.kind, "statement": proposal.exact, "claimant": proposal.claimant})
    post.update({"exact": proposal.exact, "start": str(proposal.start), "end": str(proposal.end)})
    for field in FIELDS.get(proposal.kind, ()):
        value = proposal.details.get(field.name)
        if value in (None, "", [], False):
            continue
        shown = "on" if value is True else "\n".join(value) if isinstance(value, list) else str(value)
        post[f"{proposal.kind}-{field.name}"] = shown
    for attendee in proposal.details.get("attendees", []):
        if isinstance(attendee, dict) and attendee.get("entity"):
            post.appendlist("attendee_entity", str(attendee["entity"]))
            post.appendlist("attendee_label", str(attendee.get("name", "")))
            post.appendlist("attendee_name", "")
            post.appendlist("attendee_role", "")
            post.appendlist("attendee_status", "unverified")
    return post
