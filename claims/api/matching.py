"""Similar-claim suggestions over the API: list a claim's links, confirm "same claim" or dismiss."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from claims.api.filters import IdFilter
from claims.api.permissions import IsEditorOrReadOnly
from claims.models import ClaimLink
from claims.services.matching import decide_link


class ClaimLinkSerializer(serializers.ModelSerializer):
    from_statement = serializers.CharField(source="from_claim.statement", read_only=True)
    to_statement = serializers.CharField(source="to_claim.statement", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = ClaimLink
        fields = [
            "id",
            "from_claim",
            "from_statement",
            "to_claim",
            "to_statement",
            "state",
            "score",
            "decided_by",
            "decided_at",
            "created_at",
        ]


class DecisionSerializer(serializers.Serializer):
    same = serializers.BooleanField(help_text="true: the same claim (linked publicly); false: dismiss.")


class ClaimLinkFilter(django_filters.FilterSet):
    claim = IdFilter(method="filter_claim", help_text="Links on either side of this claim.")

    class Meta:
        model = ClaimLink
        fields = ["state"]

    def filter_claim(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(Q(from_claim_id=value) | Q(to_claim_id=value))


class ClaimLinkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ClaimLinkSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = ClaimLink.objects.select_related("from_claim", "to_claim", "decided_by").order_by("-score", "id")
    filterset_class = ClaimLinkFilter
    ordering_fields = ["score", "created_at"]

    @extend_schema(request=DecisionSerializer, responses=ClaimLinkSerializer)
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None, format=None) -> Response:
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link = decide_link(link=self.get_object(), by=request.user, same=body.validated_data["same"])
        return Response(self.get_serializer(self.get_queryset().get(pk=link.pk)).data)
