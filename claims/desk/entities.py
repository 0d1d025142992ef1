"""The attendee autocomplete's JSON endpoints: find entities by any of their names, or add one."""

from typing import Any

from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from claims.arabic import normalize
from claims.desk.access import DeskRequest, desk_member_required
from claims.models import Entity
from claims.services.entities import find_or_create_entity


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
        return JsonResponse({"name": "Give the entity's name."}, status=400)
    if kind not in Entity.Kind.values:
        return JsonResponse({"kind": f"Use one of: {', '.join(Entity.Kind.values)}."}, status=400)
    before = Entity.objects.count()
    entity = find_or_create_entity(name, kind)
    return JsonResponse(_entity_json(entity), status=201 if Entity.objects.count() > before else 200)
