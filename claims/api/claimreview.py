"""ClaimReview over the API: import another desk's records (file or JSON body), and the public JSON-LD feed."""

from typing import cast

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.parsers import JSONParser, loads
from claims.api.permissions import IsEditorOrReadOnly
from claims.claimreview import claim_review
from claims.models import Claim
from claims.models.claims import ClaimQuerySet
from claims.services.claimreview import import_claimreview, outcome_counts, outcomes_as_dicts
from claims.workflow import Status


class RecordOutcomeSerializer(serializers.Serializer):
    position = serializers.CharField(help_text="1-based position in the input; '3.2' is the 2nd review of record 3.")
    outcome = serializers.ChoiceField(choices=["imported", "updated", "unchanged", "error"])
    claim = serializers.IntegerField(allow_null=True)
    review_url = serializers.CharField(allow_blank=True)
    verdict = serializers.CharField(allow_blank=True, help_text="Our verdict id the rating maps to; '' if none.")
    rating_text = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True, help_text="Why an erroneous record was not imported.")


class ImportReportSerializer(serializers.Serializer):
    counts = inline_serializer(
        "ImportCounts",
        {
            "imported": serializers.IntegerField(),
            "unchanged": serializers.IntegerField(),
            "error": serializers.IntegerField(),
            "updated": serializers.IntegerField(),
        },
    )
    records = RecordOutcomeSerializer(many=True)


class ClaimReviewImportView(APIView):
    """Import ClaimReview records: schema.org JSON-LD (one node, a list or an @graph) or a Fact Check Tools
    ``claims:search`` response, as a JSON body or an uploaded JSON ``file``. Each record is reported."""

    permission_classes = [IsEditorOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": inline_serializer("ClaimReviewUpload", {"file": serializers.FileField()}),
        },
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(
                inline_serializer("ImportRefused", {"detail": serializers.CharField()}),
                description="The body or file is not JSON.",
            ),
        },
    )
    def post(self, request, format=None) -> Response:
        upload = request.FILES.get("file")
        if upload is not None:
            try:
                data = loads(upload.read().decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise ValidationError({"detail": f"The file is not UTF-8 JSON: {exc}"}) from exc
        else:
            data = request.data
            if hasattr(data, "dict"):  # a form without a file
                raise ValidationError({"detail": "Send a JSON body or a JSON file in the 'file' field."})
        outcomes = import_claimreview(data=data, by=request.user)
        return Response(
            {"counts": outcome_counts(outcomes), "records": outcomes_as_dicts(outcomes)}, status=status.HTTP_200_OK
        )


def claimreview_of(claim: Claim) -> dict:
    """The same ClaimReview node as the claim's public page (``claims.claimreview``), in its statement's language."""
    return claim_review(
        url=settings.SITE_URL + claim.public_url,
        claim_reviewed=claim.statement,
        verdict=claim.verdict,
        language=claim.statement_language,
        date_published=claim.published_at.date().isoformat() if claim.published_at else "",
        date_modified=claim.updated_at.date().isoformat(),
        site_name=settings.SITE_NAME,
        site_url=settings.SITE_URL + "/",
        claimant=claim.claimant,
        claim_date=claim.claimed_on,
        appearance_url=claim.article.url,
        retracted=claim.status == Status.RETRACTED,
    )


CLAIMREVIEW_SCHEMA = {
    "type": "object",
    "description": "schema.org ClaimReview JSON-LD (https://schema.org/ClaimReview).",
    "required": [
        "@context",
        "@type",
        "url",
        "claimReviewed",
        "datePublished",
        "author",
        "itemReviewed",
        "reviewRating",
    ],
    "properties": {
        "@context": {"type": "string"},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "url": {"type": "string", "format": "uri"},
        "claimReviewed": {"type": "string"},
        "datePublished": {"type": "string"},
        "dateModified": {"type": "string"},
        "inLanguage": {"type": "string"},
        "author": {"type": "object"},
        "itemReviewed": {"type": "object"},
        "reviewRating": {
            "type": "object",
            "properties": {
                "@type": {"type": "string"},
                "alternateName": {"type": "string"},
                "ratingValue": {"type": "integer"},
                "bestRating": {"type": "integer"},
                "worstRating": {"type": "integer"},
            },
        },
    },
}


def _published() -> ClaimQuerySet:
    return Claim.objects.published().select_related("article").order_by("-published_at", "-id")


class PublicClaimReviewFeed(GenericAPIView):
    """Every published claim as ClaimReview JSON-LD, newest first, paginated. No sign-in needed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    filter_backends = []

    def get_queryset(self) -> ClaimQuerySet:
        return _published()

    @extend_schema(
        responses={
            200: {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "next": {"type": "string", "format": "uri", "nullable": True},
                    "previous": {"type": "string", "format": "uri", "nullable": True},
                    "results": {"type": "array", "items": CLAIMREVIEW_SCHEMA},
                },
            }
        }
    )
    def get(self, request, format=None) -> Response:
        page = cast(list[Claim], self.paginate_queryset(self.get_queryset()))  # None only without a paginator
        return self.get_paginated_response([claimreview_of(claim) for claim in page])


class PublicClaimReviewDetail(APIView):
    """One published claim as ClaimReview JSON-LD, the same markup as its public page."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: CLAIMREVIEW_SCHEMA, 404: OpenApiResponse(description="Not published")})
    def get(self, request, pk, format=None) -> Response:
        return Response(claimreview_of(get_object_or_404(_published(), pk=pk)))
