"""Desk views for similar claims: look again for matches (in a worker), the panel the claim page polls while it
looks, and confirming "same claim" or dismissing a suggestion."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Claim, ClaimLink
from claims.services.matching import decide_link, queue_similar


@desk_member_required
@require_POST
def find_similar(request: DeskRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim, pk=pk)
    queue_similar(claim_id=claim.pk)
    messages.info(request, _("Looking for similar claims…"))
    return redirect(f"{claim.get_absolute_url()}#similar")


@desk_member_required
@require_GET
def similar_panel(request: DeskRequest, pk: int) -> HttpResponse:
    """The similar-claims panel alone: the claim page's script fetches it until the worker has finished."""
    claim = get_object_or_404(Claim.objects.only("id", "similar_queued_at"), pk=pk)
    return render(request, "desk/includes/similar_panel.html", {"claim": claim})


@desk_member_required
@require_POST
def decide_similar(request: DeskRequest, pk: int, link_pk: int) -> HttpResponse:
    """The editor's verdict on one suggestion; `same=1` links the two claims, anything else dismisses."""
    link = get_object_or_404(ClaimLink, Q(from_claim_id=pk) | Q(to_claim_id=pk), pk=link_pk)
    decide_link(link=link, by=request.user, same=request.POST.get("same") == "1")
    return redirect(f"{Claim(pk=pk).get_absolute_url()}#similar")
