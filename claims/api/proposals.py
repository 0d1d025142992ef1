"""Claims proposed in articles over the API: list them (``?article=``), accept one (as proposed, or with an edited
kind, details or selector, validated exactly as a new claim) or dismiss it."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims import limits
from claims.api.permissions import IsEditorOrReadOnly
from claims.api.serializers import DetailsField, ErrorSerializer, SelectorSerializer
from claims.models import Claim, ClaimProposal
from claims.services import proposals as proposal_services


class ProposalSerializer(serializers.ModelSerializer):
    selector = serializers.SerializerMethodField()
    revision = serializers.IntegerField(source="revision.number", read_only=True)
    details = serializers.JSONField(
        read_only=True, help_text="The kind's pre-filled fields; a meeting's list attendees as {entity, name}."
    )
    score = serializers.FloatField(read_only=True, help_text="Check-worthiness with the kind's evidence, 0 to 1.")
    state = serializers.ChoiceField(choices=ClaimProposal.State.choices, read_only=True)
    decided_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ClaimProposal
        fields = [
            "id", "article", "revision", "selector", "kind", "details", "claimant", "claimant_entity", "hedge",
            "score", "state", "claim", "decided_by", "decided_at", "created_at",
            "memory_claim", "memory_score", "memory_same",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(SelectorSerializer)
    def get_selector(self, proposal: ClaimProposal) -> dict:
        return proposal.selector


class ProposalAcceptSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, required=False, help_text="Default: as proposed.")
    details = DetailsField(required=False, help_text="Default: as proposed; meetings list attendees.")
    selector = SelectorSerializer(required=False, help_text="Default: the proposal's span.")
    statement = serializers.CharField(
        required=False, max_length=limits.CLAIM_STATEMENT_MAX_CHARS, help_text="Default: the span's text."
    )
    claimant = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.CLAIMANT_MAX_CHARS, help_text="Default: as proposed."
    )


DECIDED = OpenApiResponse(ErrorSerializer, description="The proposal was already accepted or dismissed")
INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: each field name maps to its message(s).")


class ProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Claims proposed in articles, best score first."""

    serializer_class = ProposalSerializer
    permission_classes = [IsEditorOrReadOnly]
    filterset_fields = ["article", "state", "kind"]
    ordering_fields = ["score", "start", "created_at"]

    def get_queryset(self) -> QuerySet[ClaimProposal]:
        return ClaimProposal.objects.select_related("revision", "decided_by").order_by("-score", "start", "id")

    @extend_schema(
        request=ProposalAcceptSerializer,
        responses={
            201: inline_serializer(
                "AcceptedProposal", {"claim": serializers.IntegerField(), "proposal": ProposalSerializer()}
            ),
            400: INVALID,
            409: DECIDED,
        },
        description="Make the proposal a claim: as proposed, or with the edited `kind`, `details`, `selector`, "
        "`statement` or `claimant`, validated as a new claim is (400 on the field). 409 when it was already decided.",
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, **kwargs) -> Response:
        proposal = self.get_object()
        body = ProposalAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claim = proposal_services.accept_proposal(proposal=proposal, by=request.user, **body.validated_data)
        data = {"claim": claim.pk, "proposal": self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data}
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: ProposalSerializer, 409: DECIDED},
        description="Dismiss the proposal for good: it is not proposed again on a new revision of the article, nor "
        "on another article with the same URL.",
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None, **kwargs) -> Response:
        proposal = proposal_services.dismiss_proposal(proposal=self.get_object(), by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)
