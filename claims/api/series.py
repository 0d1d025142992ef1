"""Quantity series over the API: complete for the desk (series CRUD, members with accept and dismiss, every
estimate), read-only in public (series with a published member, and their published estimates only)."""

from typing import Any, cast

import django_filters
from django.contrib.auth.models import User
from django.db.models import Exists, Max, OuterRef, Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from claims.api.filters import IdFilter
from claims.api.permissions import IsEditorOrReadOnly
from claims.api.throttling import AnonRateThrottle
from claims.models import Claim, Entity, Series, SeriesMember
from claims.services import series as series_services
from claims.services.series import EstimatePages, SeriesView


class SeriesSerializer(serializers.ModelSerializer):
    entity = serializers.PrimaryKeyRelatedField(queryset=Entity.objects.all(), allow_null=True, required=False)
    slug = serializers.RegexField(
        r"^[a-z0-9]+(((-?_)+-?|-)[a-z0-9]+)*$",  # what slugify() leaves unchanged: a made slug keeps "_"
        max_length=80,
        required=False,
        allow_blank=True,
        help_text="Lower-case Latin letters, digits and underscores, words joined by single hyphens "
        "(wagner-in-libya); made from the name if empty. One series per slug: another series' slug is refused "
        "with a 400 on `slug`.",
    )
    names = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='The name by language code, e.g. {"ar": "…", "en": "…"}.',
    )
    public_url = serializers.SerializerMethodField(help_text="The public page; null until a member is published.")

    class Meta:
        model = Series
        fields = [
            "id", "slug", "name", "names", "subject", "entity", "unit", "place", "description", "public_url",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    def get_public_url(self, series: Series) -> str | None:
        return series.public_path() if getattr(series, "is_public", False) else None


class PublicSeriesSerializer(serializers.ModelSerializer):
    entity: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    checked_at = serializers.DateTimeField(read_only=True, help_text="When the latest published estimate was checked.")
    public_url = serializers.CharField(source="public_path", read_only=True)

    class Meta:
        model = Series
        fields = [
            "slug",
            "name",
            "names",
            "subject",
            "entity",
            "unit",
            "place",
            "description",
            "public_url",
            "checked_at",
        ]


class EstimateSerializer(serializers.Serializer):
    """One estimate: a member claim's own figure (source null) or a source's, from its evidence."""

    claim = serializers.IntegerField(source="claim.pk")
    statement = serializers.CharField(source="claim.statement")
    verdict = serializers.CharField(source="claim.verdict")
    status = serializers.CharField(source="claim.status")
    source = serializers.IntegerField(source="source_id", allow_null=True)  # type: ignore[assignment]  # a field
    given_by = serializers.CharField()
    as_of = serializers.CharField(help_text="As written on the claim (2018/2020), or the date it fell back on.")
    dated_by = serializers.ChoiceField(choices=["as_of", "claimed_on", "article"])
    start = serializers.DateField(source="point.start")
    end = serializers.DateField(source="point.end")
    value = serializers.DecimalField(source="point.value", max_digits=22, decimal_places=2, allow_null=True)
    lower = serializers.DecimalField(source="point.lower", max_digits=22, decimal_places=2, allow_null=True)
    upper = serializers.DecimalField(source="point.upper", max_digits=22, decimal_places=2, allow_null=True)
    approximate = serializers.BooleanField(source="point.approximate")
    unit = serializers.CharField()


class PublicEstimateSerializer(EstimateSerializer):
    public_url = serializers.CharField(source="claim.public_url")

    class Meta:
        fields = "__all__"


class SeriesMemberSerializer(serializers.ModelSerializer):
    statement = serializers.CharField(source="claim.statement", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = SeriesMember
        fields = ["id", "series", "claim", "statement", "state", "score", "decided_by", "decided_at", "created_at"]
        read_only_fields = ["state", "score", "decided_at", "created_at"]
        extra_kwargs = {
            "claim": {"help_text": "A quantity claim: a claim of another kind is refused with a 400 on `claim`."}
        }
        validators: list[Any] = []  # adding a claim already proposed or dismissed accepts it (add_member)


class SeriesMemberFilter(django_filters.FilterSet):
    series = IdFilter(field_name="series_id")
    claim = IdFilter(field_name="claim_id")

    class Meta:
        model = SeriesMember
        fields = ["state"]


def _page_of_estimates(view: viewsets.GenericViewSet, series: Series, public: bool, serializer: type) -> Response:
    # DRF pages any sequence: only the page's estimates are read (the order is SeriesView's cached index).
    page = view.paginate_queryset(EstimatePages(SeriesView(series, public=public)))
    return view.get_paginated_response(serializer(page, many=True).data)


class SeriesViewSet(viewsets.ModelViewSet):
    """Quantity series: one named thing counted, and the quantity claims that count it."""

    serializer_class = SeriesSerializer
    permission_classes = [IsEditorOrReadOnly]
    filterset_fields = ["entity", "slug"]
    ordering_fields = ["name", "id", "updated_at"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Series]:
        shown = SeriesMember.objects.accepted().filter(series=OuterRef("pk"), claim__in=Claim.objects.published())
        found = Series.objects.annotate(is_public=Exists(shown)).order_by("name", "id")
        if self.action == "estimates":  # the state of its members comes with the series (SeriesView)
            found = series_services.with_members_state(found, public=False)
        return found

    def perform_create(self, serializer) -> None:
        serializer.instance = series_services.create_series(
            by=cast(User, self.request.user), **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        series_services.update_series(
            series=serializer.instance, by=cast(User, self.request.user), **serializer.validated_data
        )

    def perform_destroy(self, instance: Series) -> None:
        series_services.delete_series(series=instance, by=cast(User, self.request.user))

    @extend_schema(responses=EstimateSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def estimates(self, request, pk=None, format=None) -> Response:
        """Every estimate of the series, oldest first, unpublished member claims included."""
        series = self.get_object()
        return _page_of_estimates(self, series, False, EstimateSerializer)


class SeriesMemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Claims in series: proposed by matching, accepted or dismissed by an editor. POST adds a claim (accepted)."""

    serializer_class = SeriesMemberSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = SeriesMember.objects.select_related("claim", "decided_by").order_by("series_id", "-score", "id")
    filterset_class = SeriesMemberFilter
    ordering_fields = ["score", "created_at"]

    def create(self, request, *args, **kwargs) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        member = series_services.add_member(series=data["series"], claim=data["claim"], by=cast(User, request.user))
        return Response(self.get_serializer(self.get_queryset().get(pk=member.pk)).data, status=status.HTTP_201_CREATED)

    def _decide(self, accept: bool) -> Response:
        member = series_services.decide_member(
            member=self.get_object(), by=cast(User, self.request.user), accept=accept
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=member.pk)).data)

    @extend_schema(request=None, responses=SeriesMemberSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None, format=None) -> Response:
        """The claim counts what the series counts: it joins the chart."""
        return self._decide(True)

    @extend_schema(request=None, responses=SeriesMemberSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None, format=None) -> Response:
        """Not this series: the claim is never proposed for it again."""
        return self._decide(False)


class PublicSeriesViewSet(viewsets.ReadOnlyModelViewSet):
    """Series with at least one published member; their estimates from published claims only."""

    serializer_class = PublicSeriesSerializer
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [AnonRateThrottle]
    lookup_field = "slug"
    lookup_url_kwarg = "series_slug"
    filterset_fields = ["entity"]
    ordering_fields = ["name", "checked_at"]

    def get_queryset(self) -> QuerySet[Series]:
        public = Q(members__state="accepted", members__claim__in=Claim.objects.published())
        found = (
            series_services.public_series()
            .annotate(checked_at=Max("members__claim__published_at", filter=public))
            .order_by("name", "id")
        )
        if self.action == "estimates":  # the state of its members comes with the series (SeriesView)
            found = series_services.with_members_state(found, public=True)
        return found

    @extend_schema(responses=PublicEstimateSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"])
    def estimates(self, request, series_slug=None, format=None) -> Response:
        """Every published estimate of the series, oldest first."""
        series = self.get_object()
        return _page_of_estimates(self, series, True, PublicEstimateSerializer)
