"""The fact-check memory's intake over the API: ``harvest-sources/`` (other fact-checkers' pages and feeds,
harvested on a schedule; any desk member adds, pauses or harvests one now) and ``rating-mappings/`` (ratings
our scale does not know; desk members read them, reviewers and admins decide them)."""

from typing import Any, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.permissions import IsDeskMember, IsEditorOrReadOnly
from claims.api.serializers import VERDICT_CHOICES
from claims.models import HarvestSource, RatingMapping
from claims.services import harvest as service
from claims.services import ratings
from claims.services.roles import roles_of
from claims.workflow import Role


class HarvestSourceSerializer(serializers.ModelSerializer):
    interval_minutes = serializers.IntegerField(
        min_value=service.MIN_INTERVAL_MINUTES, max_value=service.MAX_INTERVAL_MINUTES, default=360
    )
    last_counts = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Of the last run: pages, imported, updated, unchanged, error (records), pages_failed.",
    )

    class Meta:
        model = HarvestSource
        fields = [
            "id",
            "url",
            "kind",
            "name",
            "interval_minutes",
            "active",
            "last_run_at",
            "last_success_at",
            "last_error",
            "last_counts",
            "reviews_total",
            "created_at",
        ]
        read_only_fields = ["last_run_at", "last_success_at", "last_error", "reviews_total", "created_at"]
        extra_kwargs = {
            "url": {"validators": [], "help_text": "A fact-check page, or an RSS or Atom feed listing them."},
            "last_error": {"help_text": "Why the last harvest failed, in plain words; '' when it went well."},
        }


class HarvestSourceUpdateSerializer(HarvestSourceSerializer):
    class Meta(HarvestSourceSerializer.Meta):
        read_only_fields = [*HarvestSourceSerializer.Meta.read_only_fields, "url", "kind"]


def _refused(exc: service.HarvestSourceRefused) -> ValidationError:
    return ValidationError({exc.field: [exc.reason]})


@extend_schema_view(partial_update=extend_schema(request=HarvestSourceUpdateSerializer))
class HarvestSourceViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Other fact-checkers' pages and feeds the desk harvests ClaimReview from, with each one's health."""

    serializer_class = HarvestSourceSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = HarvestSource.objects.order_by("id")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return HarvestSourceUpdateSerializer if self.action == "partial_update" else HarvestSourceSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[HarvestSource]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = service.add_harvest_source(
                url=data["url"],
                kind=data.get("kind", HarvestSource.Kind.FEED),
                name=data.get("name", ""),
                interval_minutes=data.get("interval_minutes", 360),
                active=data.get("active", True),
                by=cast(User, self.request.user),  # IsEditorOrReadOnly: a signed-in member
            )
        except service.HarvestSourceRefused as exc:
            raise _refused(exc) from exc

    def perform_update(self, serializer: serializers.BaseSerializer[HarvestSource]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = service.update_harvest_source(
                source=serializer.instance,  # type: ignore[arg-type]
                active=data.get("active"),
                interval_minutes=data.get("interval_minutes"),
                name=data.get("name"),
            )
        except service.HarvestSourceRefused as exc:
            raise _refused(exc) from exc

    @extend_schema(request=None, responses={202: HarvestSourceSerializer})
    @action(detail=True, methods=["post"])
    def harvest(self, request: Request, pk: Any = None, format: Any = None) -> Response:
        """Queue a harvest now, whatever the schedule."""
        source = self.get_object()
        service.harvest_now(source=source)
        source.refresh_from_db()
        return Response(HarvestSourceSerializer(source).data, status=status.HTTP_202_ACCEPTED)


class RatingMappingSerializer(serializers.ModelSerializer):
    verdict = serializers.ChoiceField(
        choices=VERDICT_CHOICES, allow_blank=True, help_text="Our verdict id for this rating; '' while undecided."
    )
    applied = serializers.SerializerMethodField(help_text="After a PATCH: imported reviews that got the verdict.")

    class Meta:
        model = RatingMapping
        fields = ["id", "rating", "publisher", "example", "seen", "verdict", "decided_by", "decided_at", "applied"]
        read_only_fields = ["rating", "publisher", "example", "seen", "decided_by", "decided_at"]

    def get_applied(self, mapping: RatingMapping) -> int | None:
        return getattr(mapping, "applied", None)


class CanDecideRatings(IsDeskMember):
    message = "Only reviewers and admins decide what a rating means."

    def has_permission(self, request, view) -> bool:
        roles = roles_of(request.user)
        if not roles:
            return False
        return request.method in SAFE_METHODS or bool(roles & {Role.REVIEWER, Role.ADMIN})


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", enum=["undecided", "decided"], description="Only undecided or decided ones.")
        ]
    ),
    partial_update=extend_schema(
        responses={200: RatingMappingSerializer, 403: OpenApiResponse(description="Editors only read.")}
    ),
)
class RatingMappingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Ratings from imported ClaimReviews that our scale does not know, most seen first. Mapping one gives its
    verdict to every review already imported with it."""

    serializer_class = RatingMappingSerializer
    permission_classes = [CanDecideRatings]
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        queryset = RatingMapping.objects.order_by("-seen", "rating", "id")
        state = self.request.query_params.get("state")
        if state == "undecided":
            queryset = queryset.filter(verdict="")
        elif state == "decided":
            queryset = queryset.exclude(verdict="")
        return queryset

    def perform_update(self, serializer: serializers.BaseSerializer[RatingMapping]) -> None:
        mapping = cast(RatingMapping, serializer.instance)
        verdict = serializer.validated_data.get("verdict", mapping.verdict)
        applied = ratings.decide_rating(mapping=mapping, verdict=verdict, by=cast(User, self.request.user))
        mapping.refresh_from_db()
        mapping.applied = applied  # type: ignore[attr-defined]
        serializer.instance = mapping
