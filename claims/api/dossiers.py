"""The entity dossiers in the API: an entity's meetings and its record, complete for the desk, published only in
public (claims.services.dossiers reads them, with ``public`` saying which)."""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.serializers import PARTIAL_DATE as SERIALIZER_PARTIAL_DATE
from claims.api.serializers import EntitySerializer
from claims.api.throttling import AnonRateThrottle
from claims.models import Attendee, Claim, Entity
from claims.services.dossiers import (
    MeetingRow,
    Record,
    entity_record,
    has_public_claims,
    meeting_claims,
    meeting_filters,
    meeting_rows,
)

#: A real calendar date to the year (0001 to 9999), month or day, as a claim's dates are written.
PARTIAL_DATE = f"^{SERIALIZER_PARTIAL_DATE}$"
MEETING_FILTERS = [
    OpenApiParameter(
        "from",
        str,
        pattern=PARTIAL_DATE,
        description="Meetings that end on or after this date (YYYY, YYYY-MM, YYYY-MM-DD).",
    ),
    OpenApiParameter(
        "to",
        str,
        pattern=PARTIAL_DATE,
        description="Meetings that start on or before this date (YYYY, YYYY-MM, YYYY-MM-DD).",
    ),
    OpenApiParameter(
        "status", str, enum=Attendee.Status.values, description="Meetings with an attendance of this status."
    ),
]


class AttendanceSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    url = serializers.CharField()


class AttendanceEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stance = serializers.CharField()
    passage = serializers.CharField()
    source = AttendanceSourceSerializer()  # type: ignore[assignment]  # a nested serializer, as DRF allows


class MeetingAttendeeSerializer(serializers.Serializer):
    entity = serializers.IntegerField(source="entity_id")
    entity_name = serializers.CharField(source="entity.name")
    name = serializers.CharField()
    role = serializers.CharField()
    status = serializers.ChoiceField(choices=Attendee.Status.choices)
    evidence_note = serializers.CharField(help_text="Why this attendance status: what shows it.")
    evidence = AttendanceEvidenceSerializer(allow_null=True, help_text="The evidence of the claim that shows it.")


class MeetingSerializer(serializers.Serializer):
    """One meeting claim the entity attends: its date or period, place, channel, and every attendance."""

    claim = serializers.IntegerField(source="claim.pk")
    statement = serializers.CharField(source="claim.statement")
    status = serializers.CharField(source="claim.status")
    verdict = serializers.CharField(source="claim.verdict")
    public_url = serializers.CharField(source="claim.public_url", allow_null=True)
    date = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    channel = serializers.SerializerMethodField()
    attendance = MeetingAttendeeSerializer(source="own", allow_null=True, help_text="The entity's own attendance.")
    attendees = MeetingAttendeeSerializer(source="others", many=True, help_text="Everyone else's.")

    def get_date(self, row: MeetingRow) -> str:
        return row.claim.details.get("date", "")

    def get_place(self, row: MeetingRow) -> str:
        return row.claim.details.get("place", "")

    def get_channel(self, row: MeetingRow) -> str:
        return row.claim.details.get("channel", "")


class RecordClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "kind", "statement", "statement_language", "status", "verdict", "public_url", "published_at"]


class RecordSerializer(serializers.Serializer):
    """The claims about the entity and those it made as claimant, newest first (the latest 100 of each)."""

    entity = EntitySerializer()
    verdicts = serializers.DictField(
        child=serializers.IntegerField(), help_text='Claims about it or by it, by verdict id ("" for none yet).'
    )
    about_count = serializers.IntegerField()
    made_count = serializers.IntegerField()
    about = RecordClaimSerializer(many=True)
    made = RecordClaimSerializer(many=True)


def _record(entity: Entity, record: Record) -> dict[str, Any]:
    return {
        "entity": entity,
        "verdicts": dict(record.verdicts),
        "about_count": record.about_count,
        "made_count": record.made_count,
        "about": record.about,
        "made": record.made,
    }


class DossierActions:
    """The ``meetings`` and ``record`` actions of an entity viewset; ``public`` says which claims they read."""

    public = False

    def _meetings(self, request: Request, entity: Entity) -> Response:
        filters = meeting_filters(request.query_params)
        errors = {k: v for k, v in filters.errors.items() if not (k == "to" and filters.reversed)}
        if errors:
            raise ValidationError(errors)
        claims = meeting_claims(entity, public=self.public, filters=filters)
        page = self.paginate_queryset(claims.none() if filters.reversed else claims)  # type: ignore[attr-defined]
        rows = meeting_rows(entity, page)
        return self.get_paginated_response(MeetingSerializer(rows, many=True).data)  # type: ignore[attr-defined]


class PublicEntityViewSet(viewsets.GenericViewSet, DossierActions):
    """Entities that published claims mention, with their record; no authentication needed."""

    public = True
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle]
    serializer_class = RecordSerializer
    queryset = Entity.objects.all()

    def get_object(self) -> Entity:
        entity = get_object_or_404(Entity, pk=self.kwargs["pk"])
        if not has_public_claims(entity):
            raise Http404("No published claim mentions this entity.")
        return entity

    def retrieve(self, request: Request, pk: int | None = None, format: str | None = None) -> Response:
        """The entity, its names, aliases and Wikidata id, and its record of published claims."""
        entity = self.get_object()
        return Response(RecordSerializer(_record(entity, entity_record(entity, public=True))).data)

    @extend_schema(parameters=MEETING_FILTERS, responses=MeetingSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def meetings(self, request: Request, pk: int | None = None, format: str | None = None) -> Response:
        """The published meeting claims the entity attends, in date order."""
        return self._meetings(request, self.get_object())


def record_response(entity: Entity) -> Response:
    return Response(RecordSerializer(_record(entity, entity_record(entity, public=False))).data)
