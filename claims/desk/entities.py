"""The desk's entity pages (its record, its meetings, who it met) and the attendee autocomplete's JSON endpoints.

The desk sees every claim, in any status; the public pages (claims/public/entities.py) see published ones only.
"""

from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from claims.arabic import normalize
from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Entity
from claims.services.dossiers import entity_record, meeting_filters, meeting_graph, meetings_page
from claims.services.entities import find_or_create_entity


def _context(entity: Entity) -> dict[str, Any]:
    return {
        "entity": entity,
        "entity_name": entity.name_in(translation.get_language()),
        "public": False,
        "entity_view": "desk:entity",
        "entity_url": reverse("desk:entity", args=[entity.pk]),
        "graph_url": reverse("desk:entity-graph", args=[entity.pk]),
        "public_url": entity.get_absolute_url(),
    }


@require_GET
@desk_member_required
def entity_detail(request: DeskRequest, pk: int) -> HttpResponse:
    """Every claim about the entity or made by it, in any status, and every meeting it attends."""
    # Queries: 1 the entity; 2-4 the meetings (count, page, attendees); 5-9 the record (see entity_record).
    entity = get_object_or_404(Entity, pk=pk)
    filters = meeting_filters(request.GET)
    page, rows = meetings_page(entity, public=False, filters=filters, page=request.GET.get("page"))
    context = _context(entity) | {
        "filters": filters,
        "meetings_page": page,
        "meeting_rows": rows,
        "record": entity_record(entity, public=False),
    }
    context["meetings_action"] = context["entity_url"]
    return render(request, "desk/entity_detail.html", context)


@require_GET
@desk_member_required
def entity_graph(request: DeskRequest, pk: int) -> HttpResponse:
    """Who the entity met, in meeting claims of any status."""
    entity = get_object_or_404(Entity, pk=pk)
    filters = meeting_filters(request.GET)
    data = meeting_graph(entity, public=False, filters=filters, language=translation.get_language())
    context = _context(entity) | {"filters": filters, "data": data}
    context["graph_action"] = context["graph_url"]
    return render(request, "desk/entity_graph.html", context)


def _entity_json(entity: Entity) -> dict[str, Any]:
    return {"id": entity.pk, "name": entity.name, "kind": entity.kind, "names": entity.names, "aliases": entity.aliases}


@require_GET
@desk_member_required
def entity_search(request: DeskRequest) -> JsonResponse:
    """Entities whose name, name in any language or alias contains the query, matched after normalization."""
    key = normalize(request.GET.get("q", "").strip())
    if not key:
        return JsonResponse({"results": []})
    found = Entity.objects.filter(search_text__contains=key).order_by("name")[:10]
    return JsonResponse({"results": [_entity_json(e) for e in found]})


@require_POST
@desk_member_required
def entity_create(request: DeskRequest) -> JsonResponse:
    name = request.POST.get("name", "").strip()
    kind = request.POST.get("kind") or Entity.Kind.PERSON
    if not name:
        return JsonResponse({"name": gettext("Give the entity's name.")}, status=400)
    if kind not in Entity.Kind.values:
        return JsonResponse(
            {"kind": gettext("Use one of: %(values)s.") % {"values": ", ".join(Entity.Kind.values)}}, status=400
        )
    before = Entity.objects.count()
    entity = find_or_create_entity(name, kind)
    return JsonResponse(_entity_json(entity), status=201 if Entity.objects.count() > before else 200)
