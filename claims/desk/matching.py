"""Desk views for similar claims: look again for matches, confirm "same claim" or dismiss a suggestion."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from claims.desk.access import desk_member_required
from claims.models import Claim, ClaimLink
from claims.services.matching import decide_link, suggest_similar


@desk_member_required
@require_POST
def find_similar(request, pk):
    claim = get_object_or_404(Claim, pk=pk)
    found = suggest_similar(claim=claim)
    messages.info(request, f"{len(found)} similar claim(s) found.")
    return redirect(f"{claim.get_absolute_url()}#similar")


@desk_member_required
@require_POST
def decide_similar(request, pk, link_pk):
    """The editor's verdict on one suggestion; `same=1` links the two claims, anything else dismisses."""
    link = get_object_or_404(ClaimLink, Q(from_claim_id=pk) | Q(to_claim_id=pk), pk=link_pk)
    decide_link(link=link, by=request.user, same=request.POST.get("same") == "1")
    return redirect(f"{Claim(pk=pk).get_absolute_url()}#similar")

