"""The fact-check memory's intake on the desk: the pages and feeds of other fact-checkers harvested on a
schedule (any desk member adds, pauses or harvests them now), and the rating mapping table, where reviewers
and admins say what a rating our scale does not know means (editors read it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from claims.desk.access import DeskRequest, desk_member_required
from claims.models import HarvestSource, RatingMapping
from claims.services import harvest as service
from claims.services import ratings
from claims.services.roles import roles_of
from claims.workflow import VERDICTS, Role

DECIDERS = {Role.REVIEWER, Role.ADMIN}


@desk_member_required
def harvest_source_list(request: DeskRequest) -> HttpResponse:
    form = {"url": "", "kind": HarvestSource.Kind.FEED, "name": "", "interval_minutes": "360"}
    error, field = "", ""
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        try:
            source = service.add_harvest_source(
                url=form["url"],
                kind=form["kind"],
                name=form["name"],
                interval_minutes=form["interval_minutes"],  # type: ignore[arg-type]  # checked by the service
                by=request.user,
            )
        except service.HarvestSourceRefused as exc:
            error, field = exc.reason, exc.field
        else:
            messages.success(request, _("Harvest source added; its first harvest is queued."))
            return redirect("desk:harvest-source", pk=source.pk)
    return render(
        request,
        "desk/harvest_sources.html",
        {
            "sources": HarvestSource.objects.order_by("-active", "name", "url", "id"),
            "kinds": HarvestSource.Kind.choices,
            "form": form,
            "error": error,
            "error_field": field,
        },
        status=400 if error else 200,
    )


@desk_member_required
def harvest_source_detail(request: DeskRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(HarvestSource, pk=pk)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "run":
                service.harvest_now(source=source)
                messages.success(request, _("A harvest is queued."))
            elif action in ("pause", "resume"):
                service.update_harvest_source(source=source, active=action == "resume")
                messages.success(request, _("Harvesting resumed.") if action == "resume" else _("Harvesting paused."))
            else:
                service.update_harvest_source(
                    source=source,
                    name=request.POST.get("name", source.name),
                    interval_minutes=request.POST.get("interval_minutes", source.interval_minutes),  # type: ignore[arg-type]
                )
                messages.success(request, _("Harvest source saved."))
        except service.HarvestSourceRefused as exc:
            error = exc.reason
        else:
            return redirect("desk:harvest-source", pk=source.pk)
    reviews = source.reviews.select_related("claim").order_by("-updated_at", "-id")[:50]
    return render(
        request,
        "desk/harvest_source_detail.html",
        {"source": source, "reviews": reviews, "error": error, "form": request.POST if error else None},
        status=400 if error else 200,
    )


@desk_member_required
def rating_mapping_list(request: DeskRequest) -> HttpResponse:
    undecided = request.GET.get("state") != "all"
    mappings = RatingMapping.objects.select_related("decided_by").order_by("-seen", "rating", "id")
    if undecided:
        mappings = mappings.filter(verdict="")
    rows = list(mappings[:500])
    for row in rows:
        row.verdict_label = VERDICTS[row.verdict].label if row.verdict in VERDICTS else ""  # type: ignore[attr-defined]
    return render(
        request,
        "desk/rating_mappings.html",
        {
            "mappings": rows,
            "undecided": undecided,
            "verdicts": [(v.id, v.label) for v in VERDICTS.values()],
            "can_decide": bool(roles_of(request.user) & DECIDERS),
        },
    )


@desk_member_required
def rating_mapping_decide(request: DeskRequest, pk: int) -> HttpResponse:
    mapping = get_object_or_404(RatingMapping, pk=pk)
    if request.method != "POST":
        return redirect("desk:rating-mappings")
    if not roles_of(request.user) & DECIDERS:
        raise PermissionDenied(_("Only reviewers and admins decide what a rating means."))
    try:
        applied = ratings.decide_rating(mapping=mapping, verdict=request.POST.get("verdict", ""), by=request.user)
    except ratings.MappingRefused as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("Rating mapped; %(count)d imported reviews got its verdict.") % {"count": applied})
    return redirect("desk:rating-mappings")
