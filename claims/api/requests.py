"""Reader requests over the API: POST takes one in (a desk's own messaging bot, with a member's token) and answers
with the published fact-check it matches or the request it was filed in; members list, read and decide them."""

from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from claims import limits
from claims.api.permissions import IsEditorOrReadOnly
from claims.models import Claim, ReaderRequest
from claims.services import requests as request_services

#: What a PATCH may set ``state`` to: a decision (the schema's ReaderRequestDecisionEnum).
DECISIONS = [(value, label) for value, label in ReaderRequest.State.choices if value != ReaderRequest.State.OPEN]


class StateField(serializers.ChoiceField):
    """Read as any state, ``open`` included; written only as a decision."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=DECISIONS, **kwargs)

    def to_representation(self, value: str) -> str:
        return value


class StateFieldSchema(OpenApiSerializerFieldExtension):
    target_class = StateField

    def map_serializer_field(self, auto_schema, direction: str) -> dict:
        values = ReaderRequest.State.values if direction == "response" else [v for v, _ in DECISIONS]
        return {"type": "string", "enum": values, "description": self.target.help_text or ""}


class ReaderRequestSerializer(serializers.ModelSerializer):
    matched_claim = serializers.PrimaryKeyRelatedField(
        queryset=Claim.objects.all(),
        required=False,
        allow_null=True,
        help_text="The claim that answers the request (null until one does); setting it marks the request "
        "answered, null leaves it as it is.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.READER_REQUEST_NOTE_MAX_CHARS, help_text="Internal."
    )
    state = StateField(
        required=False,
        help_text="`answered` (needs `matched_claim`, given or already set), `dismissed`, or `claimed`: taken on "
        "as an article (fetched from `url`, else made of `text`), linked in `article`. A decided request is "
        "never opened again.",
    )
    contact_emails = serializers.ListField(
        child=serializers.EmailField(), read_only=True, help_text="Internal: the readers to answer."
    )
    # A related field, not CharField(source="decided_by.username", default=None): on a PATCH (partial) DRF skips
    # a default, and the answer would lack the field.
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ReaderRequest
        fields = [
            "id", "text", "url", "language", "count", "state", "channel", "matched_claim", "article",
            "contact_emails", "note", "decided_by", "decided_at", "created_at", "last_seen_at",
        ]  # fmt: skip
        read_only_fields = [
            "text", "url", "language", "count", "channel", "article", "decided_at", "created_at", "last_seen_at",
        ]  # fmt: skip


class IntakeSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        max_length=limits.READER_REQUEST_TEXT_MAX_CHARS,
        help_text="The claim the reader wants checked, in their words.",
    )
    url = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Or the address of the page it is on."
    )
    contact_email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, help_text="Internal: where to answer the reader."
    )
    language = serializers.ChoiceField(
        choices=["ar", "en"], required=False, default="en", help_text="The language to answer the reader in."
    )


class MatchedClaimSerializer(serializers.ModelSerializer):
    public_url = serializers.CharField(read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "statement", "statement_en", "verdict", "public_url"]


class IntakeResultSerializer(serializers.Serializer):
    matched = serializers.BooleanField(help_text="Whether a published fact-check answers the request.")
    claim = MatchedClaimSerializer(allow_null=True, help_text="The published fact-check, when matched.")
    grouped = serializers.BooleanField(help_text="Counted in an earlier request for the same thing.")
    request = ReaderRequestSerializer()


class ReaderRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reader requests ("check this"), grouped and counted, newest first."""

    serializer_class = ReaderRequestSerializer
    permission_classes = [IsEditorOrReadOnly]
    filterset_fields = ["state", "channel", "matched_claim"]
    ordering_fields = ["last_seen_at", "count", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[ReaderRequest]:
        return ReaderRequest.objects.select_related("decided_by").order_by("-last_seen_at", "-id")

    @extend_schema(
        request=IntakeSerializer,
        responses={200: IntakeResultSerializer, 201: IntakeResultSerializer},
        description="Take in a reader's request: 200 with the published fact-check it matches, or 201 with the "
        "request it was filed in (or counted in, `grouped`). A `url` is normalized; one that is not a web "
        "address, or a `contact_email` that is not an e-mail address, is refused with a 400 on the field.",
    )
    def create(self, request, *args, **kwargs) -> Response:
        body = IntakeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        intake = request_services.submit_request(channel=ReaderRequest.Channel.API, **body.validated_data)
        result = {
            "matched": intake.match is not None,
            "claim": MatchedClaimSerializer(intake.match).data if intake.match else None,
            "grouped": intake.grouped,
            "request": self.get_serializer(self.get_queryset().get(pk=intake.request.pk)).data,
        }
        return Response(result, status=status.HTTP_200_OK if intake.match else status.HTTP_201_CREATED)

    def perform_update(self, serializer) -> None:
        data = serializer.validated_data
        decided = request_services.update_request(
            request=serializer.instance,
            by=cast(User, self.request.user),
            state=data.get("state"),
            claim=data.get("matched_claim"),
            note=data.get("note"),
        )
        # Read again as a list row is read, with who decided: the answer has every field the schema promises.
        serializer.instance = self.get_queryset().get(pk=decided.pk)
