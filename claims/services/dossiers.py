"""Reads across claims about one entity: the meetings it attends (a timeline and "who met whom") and its record.

Every read takes ``public``: True reads through ``Claim.objects.published()`` only (a meeting not published is
no row, no edge and no count), False reads every claim, for the desk. Each read costs a fixed number of queries,
whatever the number of meetings or claims: the pages paginate, the graph aggregates in SQL and caps its nodes.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat, StrIndex, Substr
from django.utils.translation import gettext as _

from claims.dates import parse_partial_date
from claims.graphs import Graph, Neighbour, layout, order, pair_status
from claims.models import Attendee, Claim, Entity, EntityClaimCount
from claims.models.claims import ClaimQuerySet
from claims.paging import BoundedPaginator

MEETINGS_PER_PAGE = 20
#: Nodes drawn around the focused entity; the table lists more, and says how many it leaves out.
GRAPH_NODES = 12
GRAPH_TABLE_ROWS = 50
RECORD_LIMIT = 100
#: Sorts after every digit and "-": "2018~" is after each date in 2018, whatever its precision.
AFTER = "~"


@dataclass
class MeetingFilters:
    """The timeline's and the graph's GET filters: a period (partial dates) and an attendance status."""

    start: str = ""
    end: str = ""
    status: str = ""
    #: What the reader typed, kept in the form whatever it was.
    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: The period ends before it starts: reported on the pages; the API answers it with no meetings.
    reversed: bool = False

    @property
    def active(self) -> bool:
        return bool(self.start or self.end or self.status)

    def query(self) -> str:
        """The filters as a query string, for the links between the timeline and the graph, and the pages."""
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in (("from", self.start), ("to", self.end), ("status", self.status)) if v})


def meeting_filters(params: Mapping[str, str]) -> MeetingFilters:
    """Read ``from``, ``to`` (YYYY, YYYY-MM or YYYY-MM-DD) and ``status``; a bad value is reported, not applied."""
    typed = {name: str(params.get(name, "")).strip()[:20] for name in ("from", "to", "status")}
    filters = MeetingFilters(typed=typed)
    for name, attribute in (("from", "start"), ("to", "end")):
        if typed[name]:
            try:
                setattr(filters, attribute, str(parse_partial_date(typed[name])))
            except ValueError:
                filters.errors[name] = _("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2018 or 2018-11.")
    if filters.start and filters.end and filters.end + AFTER < filters.start:
        filters.errors["to"] = _("The period ends before it starts.")
        filters.end = ""
        filters.reversed = True
    if typed["status"]:
        if typed["status"] in Attendee.Status.values:
            filters.status = typed["status"]
        else:
            filters.errors["status"] = _("Choose confirmed, disputed or unverified.")
    return filters


def _claims(public: bool) -> ClaimQuerySet:
    return Claim.objects.published() if public else Claim.objects.all()


def _meetings(entity: Entity, *, public: bool, filters: MeetingFilters) -> ClaimQuerySet:
    """The meeting claims ``entity`` attends, filtered, with the start and end of each one's date or period."""
    claims = (
        _claims(public)
        .filter(kind=Claim.Kind.MEETING)
        .filter(Exists(Attendee.objects.filter(claim=OuterRef("pk"), entity=entity)))
        .annotate(meeting_date=KT("details__date"))
        .annotate(slash=StrIndex("meeting_date", Value("/")))
        .annotate(
            meeting_start=Case(
                When(slash__gt=0, then=Substr("meeting_date", 1, F("slash") - 1)),
                default="meeting_date",
                output_field=TextField(),
            ),
            meeting_end=Case(
                When(slash__gt=0, then=Substr("meeting_date", F("slash") + 1)),
                default="meeting_date",
                output_field=TextField(),
            ),
        )
    )
    if filters.start:  # the meeting ends on or after the period starts ("2018" ends after "2018-11" starts)
        claims = (
            claims.filter(meeting_end__isnull=False)
            .annotate(end_key=Concat("meeting_end", Value(AFTER), output_field=TextField()))
            .filter(end_key__gte=filters.start)
        )
    if filters.end:  # and starts on or before the period ends
        claims = claims.filter(meeting_start__isnull=False, meeting_start__lte=filters.end + AFTER)
    if filters.status:
        claims = claims.filter(Exists(Attendee.objects.filter(claim=OuterRef("pk"), status=filters.status)))
    return claims


@dataclass
class MeetingRow:
    claim: Claim
    #: The focused entity's own attendance, and everyone else's, in the claim's order.
    own: Attendee | None
    others: list[Attendee]


def meeting_claims(entity: Entity, *, public: bool, filters: MeetingFilters) -> ClaimQuerySet:
    """The meetings ``entity`` attends, dated ones first in date order, then the undated ones, with their attendees
    (entities, evidence and sources) prefetched: one query for the claims and one for all their attendees."""
    attendees = Attendee.objects.select_related("entity", "evidence__source")
    return (
        _meetings(entity, public=public, filters=filters)
        .select_related("article")
        .prefetch_related(Prefetch("attendees", queryset=attendees))
        # Annotations of _meetings(), which the ClaimQuerySet type it returns cannot carry: named by F().
        .annotate(
            undated=Case(When(Q(("meeting_start__isnull", True)), then=1), default=0, output_field=IntegerField())
        )
        .order_by("undated", F("meeting_start").asc(), F("meeting_end").asc(), "id")
    )


def meeting_rows(entity: Entity, claims: Iterable[Claim]) -> list[MeetingRow]:
    """Each meeting with the entity's own attendance apart from the others'."""
    rows = []
    for claim in claims:
        everyone = list(claim.attendees.all())
        for attendee in everyone:
            # Evidence of another claim is never shown beside this one (on the public side it might not be public).
            if attendee.evidence_id and attendee.evidence and attendee.evidence.claim_id != claim.pk:
                attendee.evidence = None
        own = next((a for a in everyone if a.entity_id == entity.pk), None)
        rows.append(MeetingRow(claim, own, [a for a in everyone if a.entity_id != entity.pk]))
    return rows


def meetings_page(
    entity: Entity, *, public: bool, filters: MeetingFilters, page: Any = 1
) -> tuple[Page[Claim], list[MeetingRow]]:
    """One page of the timeline. Queries: 1 the count, 2 the page of claims, 3 their attendees."""
    current = BoundedPaginator(meeting_claims(entity, public=public, filters=filters), MEETINGS_PER_PAGE).get_page(page)
    return current, meeting_rows(entity, current.object_list)


@dataclass
class GraphData:
    graph: Graph | None
    #: Every entity met, most met first, up to GRAPH_TABLE_ROWS: (entity, neighbour).
    table: list[tuple[Entity, Neighbour]]
    more: int
    meetings: int


def meeting_graph(entity: Entity, *, public: bool, filters: MeetingFilters, language: str) -> GraphData:
    """Who ``entity`` met, and how surely. Queries: 1 the pairs counted by status in SQL, 2 the entities shown,
    3 the number of meetings."""
    claims = _meetings(entity, public=public, filters=filters)
    own = Attendee.objects.filter(claim=OuterRef("claim"), entity=entity).values("status")[:1]
    pairs = (
        Attendee.objects.filter(claim__in=claims.values("pk"))
        .exclude(entity=entity)
        .annotate(own=Subquery(own))
        .values("entity_id", "status", "own")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in pairs:
        counts[row["entity_id"]][pair_status(row["status"], row["own"] or "unverified")] += row["n"]
    ranked = order([Neighbour(key, "", dict(c)) for key, c in counts.items()])
    shown = ranked[:GRAPH_TABLE_ROWS]
    entities = Entity.objects.in_bulk([n.key for n in shown])
    named = [Neighbour(n.key, entities[n.key].name_in(language), n.counts) for n in shown]
    table = [(entities[n.key], n) for n in named]
    graph = layout(entity.pk, entity.name_in(language), named[:GRAPH_NODES]) if named else None
    return GraphData(graph, table, len(ranked) - len(shown), claims.count())


@dataclass
class Record:
    about: list[Claim]
    made: list[Claim]
    about_count: int
    made_count: int
    #: (verdict id, or "" for claims without one yet, count), in the scale's order.
    verdicts: list[tuple[str, int]]


def entity_record(entity: Entity, *, public: bool, limit: int = RECORD_LIMIT) -> Record:
    """Claims about the entity and claims it made as claimant, newest first (bounded), with counts by verdict.

    Queries: 1 the claims about it, 2 those it made, then the counts: the public record's in one read of
    EntityClaimCount (kept by triggers on PostgreSQL), the desk's (or another database's) counted here, 3 and 4
    the claims about it and those it made, 5 by verdict.
    """
    claims = _claims(public).select_related("article").annotate(when=Coalesce(F("published_at"), F("created_at")))
    about = claims.filter(entities=entity).order_by("-when", "-id")
    made = claims.filter(claimant_entity=entity).order_by("-when", "-id")
    shown_about: list[Claim] = list(about[:limit])
    shown_made: list[Claim] = list(made[:limit])
    if public and connection.vendor == "postgresql":
        counts = EntityClaimCount.objects.filter(entity=entity).values_list("verdict", "about", "made", "either")
        rows = list(counts)
        about_count, made_count = sum(row[1] for row in rows), sum(row[2] for row in rows)
        by_verdict = {verdict: either for verdict, _about, _made, either in rows}
    else:
        either = _claims(public).filter(Q(pk__in=about.values("pk")) | Q(claimant_entity=entity))
        by_verdict = dict(either.values_list("verdict").annotate(n=Count("id")).order_by())
        about_count, made_count = about.count(), made.count()
    return Record(shown_about, shown_made, about_count, made_count, _in_scale_order(by_verdict))


def _in_scale_order(by_verdict: Mapping[str, int]) -> list[tuple[str, int]]:
    from claims.workflow import VERDICTS

    return [(v, by_verdict[v]) for v in [*VERDICTS, ""] if by_verdict.get(v)]


def has_public_claims(entity: Entity) -> bool:
    """An entity only unpublished claims mention has no public page (nor feed, graph or API record)."""
    public = Claim.objects.published()
    return public.filter(Q(entities=entity) | Q(claimant_entity=entity)).exists()


def public_entity_claims(entity: Entity) -> QuerySet[Claim]:
    return Claim.objects.published().filter(Q(entities=entity) | Q(claimant_entity=entity)).distinct()
