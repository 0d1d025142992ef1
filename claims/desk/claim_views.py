"""Desk pages that write claims: the claim form's new, edit, attendees and delete actions, and the suggestions
the reading view's script asks for a selection."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from claims.desk.access import DeskRequest, desk_member_required
from claims.desk.claim_form import (
    attendees_for_service,
    claim_form_context,
    claim_input,
    posted_selector,
    selection_from,
    suggest_for,
)
from claims.desk.conflicts import edit_conflict
from claims.desk.views import render_reading_view
from claims.desk.workflow_views import PROPOSED_MESSAGE
from claims.models import Article, Claim
from claims.services import claims as claim_services
from claims.services.errors import ClaimGone, ClaimInvalid, ClaimLocked, StaleVersion
from claims.workflow import TransitionRefused


@require_GET
@desk_member_required
def suggest(request: DeskRequest, pk: int) -> JsonResponse:
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    selection = selection_from(article, request.GET)
    return JsonResponse({"exact": selection["exact"], **suggest_for(article, selection["exact"])})


def _render_claim_form(
    request: DeskRequest,
    article: Article,
    *,
    post: QueryDict | None = None,
    errors: dict[str, str] | None = None,
    selection: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    selection = selection or {}
    suggestions = suggest_for(article, selection.get("exact", "")) if selection.get("exact") else None
    form = claim_form_context(post=post, errors=errors, suggestions=suggestions, selection=selection)
    return render(request, "desk/claim_form.html", {"article": article, "form": form}, status=status)


@desk_member_required
def claim_new(request: DeskRequest, pk: int) -> HttpResponse:
    """The claim form on its own page: the reading view's panel posts here too, and it works without script."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=pk)
    if request.method != "POST":
        return _render_claim_form(request, article, selection=selection_from(article, request.GET))
    data = claim_input(request.POST)
    try:
        with transaction.atomic():
            attendees = attendees_for_service(request.POST) if data["kind"] == "meeting" else None
            claim = claim_services.create_claim(
                article=article, by=request.user, selector=posted_selector(request.POST), attendees=attendees, **data
            )
    except ClaimInvalid as exc:
        if request.POST.get("from") == "reading":
            # Posted from the reading view's panel: reopen it there, with the errors beside the fields.
            form = claim_form_context(
                post=request.POST, errors=exc.errors, selection=selection_from(article, request.POST)
            )
            return render_reading_view(request, article, panel_form=form, status=400)
        return _render_claim_form(
            request,
            article,
            post=request.POST,
            errors=exc.errors,
            selection=selection_from(article, request.POST),
            status=400,
        )
    messages.success(request, gettext("Claim #%(pk)s created.") % {"pk": claim.pk})
    return redirect(f"{article.get_absolute_url()}#claim-{claim.pk}")


# --- Editing a claim in place ---------------------------------------------------------------------------------


def _version(post: QueryDict) -> int | None:
    value = post.get("version", "")
    return int(value) if value.isdigit() else None


def _claim_for_edit(pk: int) -> Claim:
    return get_object_or_404(Claim.objects.select_related("article", "article__current_revision"), pk=pk)


@require_POST
@desk_member_required
def claim_edit(request: DeskRequest, pk: int) -> HttpResponse:
    claim = _claim_for_edit(pk)
    version = _version(request.POST)
    if version is None:
        messages.error(
            request, gettext("The form did not say which version you edited; reload the claim and try again.")
        )
        return redirect(reverse("desk:claim", args=[pk]))
    try:
        # New quoted words move the claim (how an editor fixes an orphaned claim); none leave its span alone.
        selector = posted_selector(request.POST) if request.POST.get("exact", "").strip() else None
        data = claim_input(request.POST)
        leaves_meeting = claim.kind == Claim.Kind.MEETING and data["kind"] != Claim.Kind.MEETING
        dropped = claim.attendees.count() if leaves_meeting else 0
        claim_services.update_claim(
            claim_id=claim.pk,
            by=request.user,
            version=version,
            selector=selector,
            correction=request.POST.get("correction", ""),
            **data,
        )
    except StaleVersion as exc:
        return edit_conflict(request, claim, exc, reverse("desk:claim-edit", args=[pk]))
    except ClaimInvalid as exc:
        form = claim_form_context(claim=claim, post=request.POST, errors=exc.errors)
        return render(request, "desk/extraction/claim_edit.html", {"claim": claim, "form": form}, status=400)
    except (ClaimLocked, TransitionRefused) as exc:  # a correction is a reviewer's to make
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            PROPOSED_MESSAGE
            if claim.is_public
            else gettext("Claim saved.")
            if not dropped
            else gettext(
                "Claim saved. Only a meeting has attendees: its %(n)s attendee(s) were removed "
                "(the history lists them)."
            )
            % {"n": dropped},
        )
    return redirect(reverse("desk:claim", args=[pk]))


@require_POST
@desk_member_required
def claim_attendees(request: DeskRequest, pk: int) -> HttpResponse:
    claim = _claim_for_edit(pk)
    version = _version(request.POST)
    try:
        with transaction.atomic():
            claim_services.update_claim(
                claim_id=claim.pk,
                by=request.user,
                version=version or 0,
                correction=request.POST.get("correction", ""),
                attendees=attendees_for_service(request.POST),
            )
    except StaleVersion as exc:
        return edit_conflict(request, claim, exc, reverse("desk:claim-attendees", args=[pk]))
    except (ClaimInvalid, ClaimLocked, TransitionRefused) as exc:
        messages.error(request, "; ".join(exc.errors.values()) if hasattr(exc, "errors") else str(exc))
    else:
        messages.success(request, PROPOSED_MESSAGE if claim.is_public else gettext("Attendees saved."))
    return redirect(reverse("desk:claim", args=[pk]) + "#attendees")


@require_POST
@desk_member_required
def claim_delete(request: DeskRequest, pk: int) -> HttpResponse:
    claim = _claim_for_edit(pk)
    try:
        claim_services.delete_claim(claim=claim, by=request.user, version=_version(request.POST) or 0)
    except StaleVersion as exc:
        return edit_conflict(request, claim, exc, reverse("desk:claim-delete", args=[pk]))
    except ClaimLocked as exc:
        messages.error(request, str(exc))
        return redirect(reverse("desk:claim", args=[pk]))
    except ClaimGone as exc:  # what the editor asked for happened, by another hand
        messages.info(request, str(exc))
        return redirect(claim.article.get_absolute_url())
    messages.success(request, gettext("Claim #%(pk)s deleted.") % {"pk": pk})
    return redirect(claim.article.get_absolute_url())
