"""Desk pages for the team: assign a claim, tag it, bulk actions on the claim and article lists, desk settings."""

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from claims import limits
from claims.desk.access import DeskRequest, desk_member_required, role_required
from claims.desk.filters import DeskArticleFilter, DeskClaimFilter
from claims.models import Article, Claim, DeskSettings
from claims.models.team import AGED_STATUSES
from claims.services import assignments, bulk, tags
from claims.services.errors import Invalid
from claims.workflow import Role

#: Session key holding a refused assignment or tagging until the claim page shows it, with what was typed.
TEAM_REFUSAL_KEY = "team_refusal"
#: Tag names in a form: separated by commas, Latin or Arabic.
TAG_SEPARATORS = (",", "،")


def split_tag_names(text: str) -> list[str]:
    for separator in TAG_SEPARATORS[1:]:
        text = text.replace(separator, TAG_SEPARATORS[0])
    return [name.strip() for name in text.split(TAG_SEPARATORS[0]) if name.strip()]


def team_panel_context(request: DeskRequest, claim: Claim) -> dict[str, Any]:
    """What the claim page's assignment panel shows: the people to choose from, the claim's tags, and the last
    refused attempt (shown once, with what the user typed)."""
    refusal = request.session.get(TEAM_REFUSAL_KEY)
    if refusal and refusal.get("claim") == claim.pk:
        del request.session[TEAM_REFUSAL_KEY]
    else:
        refusal = None
    members = list(assignments.desk_members())
    claim_tags = list(claim.tags.all())
    return {
        "members": members,
        "reviewers": [m for m in members if m.may_review],  # type: ignore[attr-defined]  # annotated
        "tags": claim_tags,
        "tag_text": ", ".join(t.name for t in claim_tags),
        "refusal": refusal,
        "assignee": refusal["assignee"] if refusal else str(claim.assignee_id or ""),
        "reviewer": refusal["reviewer"] if refusal else str(claim.reviewer_id or ""),
        "due": refusal["due"] if refusal else (claim.due.isoformat() if claim.due else ""),
    }


@desk_member_required
@require_POST
def claim_assign(request: DeskRequest, pk: int) -> HttpResponse:
    """The claim page's assignment form: assignee, reviewer and due date at once ('' clears one)."""
    claim = get_object_or_404(Claim, pk=pk)
    typed = {name: request.POST.get(name, "").strip() for name in ("assignee", "reviewer", "due")}
    if not {"assignee", "reviewer", "due"} <= set(request.POST):
        # A form that lost its fields must not clear the claim's people: nothing is changed.
        messages.error(request, _("The form lost its fields; reload the page and assign again."))
        return redirect(claim.get_absolute_url() + "#assignment")
    try:
        assignments.assign_claim(claim=claim, by=request.user, **typed)
    except Invalid as exc:
        request.session[TEAM_REFUSAL_KEY] = {"claim": claim.pk, "errors": exc.errors, **typed}
        messages.error(request, _("The assignment was not saved: %(why)s") % {"why": " ".join(exc.errors.values())})
    else:
        messages.success(request, _("Assignment saved."))
    return redirect(claim.get_absolute_url() + "#assignment")


@desk_member_required
@require_POST
def claim_tags(request: DeskRequest, pk: int) -> HttpResponse:
    """The claim page's tags form: the whole list of names, comma separated; new names make new tags."""
    claim = get_object_or_404(Claim, pk=pk)
    text = request.POST.get("tags", "")
    if "tags" not in request.POST:
        messages.error(request, _("The form lost its fields; reload the page and tag again."))
        return redirect(claim.get_absolute_url() + "#assignment")
    try:
        chosen = tags.resolve_tags(split_tag_names(text), by=request.user)
        tags.change_claim_tags(claim=claim, by=request.user, tags=chosen)
    except Invalid as exc:
        request.session[TEAM_REFUSAL_KEY] = {
            "claim": claim.pk,
            "errors": exc.errors,
            "tags": text,
            "assignee": str(claim.assignee_id or ""),
            "reviewer": str(claim.reviewer_id or ""),
            "due": claim.due.isoformat() if claim.due else "",
        }
        messages.error(request, _("The tags were not saved: %(why)s") % {"why": " ".join(exc.errors.values())})
    else:
        messages.success(request, _("Tags saved."))
    return redirect(claim.get_absolute_url() + "#assignment")


def bulk_form_context(request: DeskRequest, count: int) -> dict[str, Any]:
    """The bulk action bar under a list: the people, the current filter query (for "all N matching"), the cap."""
    query = request.GET.copy()
    query.pop("page", None)
    members = list(assignments.desk_members())
    return {
        "members": members,
        "reviewers": [m for m in members if m.may_review],  # type: ignore[attr-defined]  # annotated
        "query": query.urlencode(),
        "count": count,
        "limit": limits.BULK_MAX_CLAIMS,
    }


def _selected(request: DeskRequest, model: Any, filterset: Any) -> Any:
    """The rows a bulk form names: the ticked ids, or every row the form's filter query matches now (re-run here:
    the ids and the query are only what the browser sent)."""
    if request.POST.get("scope") == "all":
        return filterset(QueryDict(request.POST.get("query", "")), queryset=model.objects.all()).qs
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    return model.objects.filter(pk__in=ids)


def _people(request: DeskRequest) -> dict[str, str]:
    """The assign action's fields the user filled in; a blank one is left as it is on each claim, and the
    choice "nobody" (``none``) clears it."""
    people = {}
    for name in ("assignee", "reviewer", "due"):
        value = request.POST.get(name, "").strip()
        if value:
            people[name] = "" if value == "none" else value
    return people


@desk_member_required
@require_POST
def claims_bulk(request: DeskRequest) -> HttpResponse:
    action = request.POST.get("action", "")
    query = request.POST.get("query", "")
    back = reverse("desk:claims") + (f"?{query}" if query else "")
    claims = _selected(request, Claim, DeskClaimFilter)
    if action == "export":
        return _export_redirect(request, claims, query)
    try:
        result = bulk.bulk_claims(
            claims=claims,
            by=request.user,
            action=action,
            tag_names=split_tag_names(request.POST.get("tags", "")),
            to=request.POST.get("to", ""),
            comment=request.POST.get("comment", ""),
            **_people(request),
        )
    except bulk.BulkRefused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return render(request, "desk/bulk_result.html", {"result": result, "back": back, "what": "claims"})


def _export_redirect(request: DeskRequest, claims: Any, query: str) -> HttpResponse:
    """Export goes to the desk's export view: with the filter query for "all matching", else the ticked ids that
    exist (checked here, as for every bulk action)."""
    export = "/desk/claims/export/"
    if request.POST.get("scope") == "all":
        params = QueryDict(query, mutable=True)
        params.pop("page", None)
        params["format"] = "csv"
        return redirect(f"{export}?{params.urlencode()}")
    ids = list(claims.order_by("id").values_list("id", flat=True)[: limits.BULK_MAX_CLAIMS + 1])
    try:
        bulk.check_selection_size(len(ids))
    except bulk.BulkRefused as exc:
        messages.error(request, str(exc))
        return redirect(reverse("desk:claims") + (f"?{query}" if query else ""))
    return redirect(f"{export}?{urlencode([('format', 'csv'), *(('id', pk) for pk in ids)])}")


@desk_member_required
@require_POST
def articles_bulk(request: DeskRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    back = reverse("desk:articles") + (f"?{query}" if query else "")
    articles = _selected(request, Article, DeskArticleFilter)
    action = request.POST.get("action", "")
    assignee = request.POST.get("assignee", "").strip()
    if action == "assign" and not assignee:
        messages.error(request, _("Choose who the articles go to (or nobody)."))
        return redirect(back)
    try:
        result = bulk.bulk_articles(
            articles=articles,
            by=request.user,
            action=action,
            assignee="" if assignee == "none" else assignee,
            tag_names=split_tag_names(request.POST.get("tags", "")),
        )
    except bulk.BulkRefused as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return render(request, "desk/bulk_result.html", {"result": result, "back": back, "what": "articles"})


@role_required(Role.ADMIN)
def desk_settings(request: DeskRequest) -> HttpResponse:
    """Admins set how many days a claim may sit in each status before a reminder, and switch reminders."""
    current = DeskSettings.load()
    errors: dict[str, str] = {}
    values = {status: str(current.age_limits.get(status, "")) for status in AGED_STATUSES}
    enabled = current.reminders_enabled
    third_party = current.third_party_copies
    if request.method == "POST":
        values = {status: request.POST.get(status, "").strip() for status in AGED_STATUSES}
        enabled = request.POST.get("reminders_enabled") == "on"
        third_party = request.POST.get("third_party_copies") == "on"
        try:
            assignments.update_desk_settings(
                by=request.user, age_limits=values, reminders_enabled=enabled, third_party_copies=third_party
            )
        except Invalid as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Desk settings saved."))
            return redirect("desk:settings")
    labels = dict(Claim.Status.choices)
    rows = [{"status": s, "label": labels[s], "value": values[s], "error": errors.get(s, "")} for s in AGED_STATUSES]
    return render(
        request,
        "desk/desk_settings.html",
        {
            "rows": rows,
            "enabled": enabled,
            "third_party": third_party,
            "archive": settings.THIRD_PARTY_ARCHIVE_URL,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
