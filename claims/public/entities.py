"""The public entity pages: an entity's record, the meetings it attends, who it met, and its feed.

Published claims only (claims.services.dossiers reads with ``public=True``): an entity only unpublished claims
mention has no page, and an unpublished meeting is no row, no edge and no count.
"""

import json

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import condition, require_safe

from claims.models import Claim, ClaimEvent, Entity, EntityFeedItem
from claims.public.feeds import FEED_SIZE, ClaimsFeed
from claims.public.views import SCRIPT_ESCAPES, _lists_etag, absolute, alternates, for_cdn
from claims.services.dossiers import entity_record, has_public_claims, meeting_filters, meeting_graph, meetings_page
from claims.workflow import PUBLIC_STATUSES

#: schema.org types by entity kind.
SCHEMA_TYPES = {"person": "Person", "organisation": "Organization", "place": "Place", "thing": "Thing"}


def _public_entity(pk: int) -> Entity:
    entity = get_object_or_404(Entity, pk=pk)
    if not has_public_claims(entity):
        raise Http404("No published claim mentions this entity.")
    return entity


def entity_jsonld(entity: Entity, *, url: str, language: str) -> str:
    """The entity as schema.org sees it, escaped for its <script> element as the claim pages' JSON-LD is."""
    name = entity.name_in(language)
    node: dict = {"@context": "https://schema.org", "@type": SCHEMA_TYPES.get(entity.kind, "Thing"), "name": name}
    node["url"] = url
    others = [n for n in entity.all_names() if n != name]
    if others:
        node["alternateName"] = others
    if entity.description:
        node["description"] = entity.description
    if entity.wikidata:
        node["sameAs"] = f"https://www.wikidata.org/wiki/{entity.wikidata}"
    return mark_safe(json.dumps(node, ensure_ascii=False).translate(SCRIPT_ESCAPES))  # noqa: S308 (escaped)


def _base_context(request: HttpRequest, entity: Entity) -> dict:
    language = translation.get_language()
    return {
        "entity": entity,
        "entity_name": entity.name_in(language),
        "alternates": alternates(request),
        "public": True,
        "entity_view": "public:entity",
        "entity_url": reverse("public:entity", args=[entity.pk]),
        "graph_url": reverse("public:entity-graph", args=[entity.pk]),
        "feed_url": reverse("public:entity-feed", args=[entity.pk]),
    }


@require_safe
@condition(etag_func=_lists_etag)
def entity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: 1 the entity, 2 whether a published claim mentions it; the meetings timeline 3-5 (count, page,
    # attendees); the record 6-8 (claims about it, claims it made, their counts by verdict as the triggers keep them).
    entity = _public_entity(pk)
    filters = meeting_filters(request.GET)
    page, rows = meetings_page(entity, public=True, filters=filters, page=request.GET.get("page"))
    context = _base_context(request, entity)
    context |= {
        "filters": filters,
        "meetings_page": page,
        "meeting_rows": rows,
        "meetings_action": context["entity_url"],
        "record": entity_record(entity, public=True),
    }
    context["jsonld"] = entity_jsonld(entity, url=absolute(request.path), language=translation.get_language())
    return for_cdn(render(request, "public/entity_detail.html", context))


@require_safe
@condition(etag_func=_lists_etag)
def entity_graph(request: HttpRequest, pk: int) -> HttpResponse:
    # Queries: 1 the entity, 2 whether it is public, 3 the pairs counted by status, 4 the entities, 5 the meetings.
    entity = _public_entity(pk)
    filters = meeting_filters(request.GET)
    context = _base_context(request, entity)
    data = meeting_graph(entity, public=True, filters=filters, language=translation.get_language())
    context |= {"filters": filters, "data": data, "graph_action": context["graph_url"]}
    return for_cdn(render(request, "public/entity_graph.html", context))


class EntityClaimsFeed(ClaimsFeed):
    """The publications and corrections of the published claims about one entity or made by it."""

    def get_object(self, request: HttpRequest, pk: int) -> Entity:
        return _public_entity(pk)

    def title(self, entity: Entity) -> str:  # type: ignore[override]
        return f"{entity.name_in(translation.get_language())} · {settings.SITE_NAME}"

    def link(self, entity: Entity) -> str:  # type: ignore[override]
        return reverse("public:entity", args=[entity.pk])

    def feed_url(self, entity: Entity) -> str:  # type: ignore[override]
        return absolute(reverse("public:entity-feed", args=[entity.pk]))

    def items(self, entity: Entity) -> list[ClaimEvent]:  # type: ignore[override]
        if connection.vendor == "postgresql":
            return kept_feed_events(entity)
        return feed_events(entity)


def feed_events(entity: Entity) -> list[ClaimEvent]:
    """The entity feed's events, found among all the desk's events: where no trigger keeps EntityFeedItem."""
    public = Claim.objects.published().filter(Q(entities=entity) | Q(claimant_entity=entity))
    return list(
        ClaimEvent.objects.filter(claim__in=public.values("pk"))
        .filter(Q(action="correction") | Q(action="transition", to_status__in=PUBLIC_STATUSES))
        .select_related("claim")
        .order_by("-at", "-id")[:FEED_SIZE]
    )


def kept_feed_events(entity: Entity) -> list[ClaimEvent]:
    """The same events as ``feed_events``, read newest first from the entity's EntityFeedItem rows (kept by the
    triggers of migration 0049): the walk stops at the feed's size among this entity's rows, not all the desk's."""
    items = (
        EntityFeedItem.objects.filter(entity=entity, claim__in=Claim.objects.published())
        .select_related("event__claim")
        .order_by("-at", "-event_id")[:FEED_SIZE]
    )
    return [item.event for item in items]
