"""Webhooks over the API (desk admins only): register, change, switch off or on, and read every delivery with
its attempts. Also the payload's claim document: the claim as the public API shows it."""

from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.permissions import IsDeskAdmin
from claims.api.serializers import PublicClaimSerializer
from claims.api.views import claim_queryset
from claims.fetching.reasons import in_language
from claims.models import Webhook, WebhookDelivery
from claims.services import webhooks as service


def public_claim_document(claim_id: int) -> dict[str, Any] | None:
    """The published claim ``claim_id`` as ``public/claims/{id}/`` shows it, with absolute links; None if it is
    not public."""
    claim = claim_queryset(desk=False).published().select_related("public_revision").filter(pk=claim_id).first()
    if claim is None:
        return None
    document = dict(PublicClaimSerializer(claim).data)
    if document.get("public_url"):
        document["public_url"] = f"{settings.SITE_URL}{document['public_url']}"
    return document


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Webhook.Event.choices), allow_empty=False, help_text="Events it receives."
    )

    class Meta:
        model = Webhook
        fields = [
            "id",
            "url",
            "events",
            "description",
            "active",
            "secret",
            "failures_in_row",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "secret",
            "failures_in_row",
            "failing_since",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        extra_kwargs = {"secret": {"help_text": "Key of the X-Factdesk-Signature HMAC-SHA256 (docs/api.md)."}}


class AttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.SerializerMethodField()
    duration_ms = serializers.IntegerField(allow_null=True)

    def get_error(self, attempt: dict[str, Any]) -> str:
        """Why the attempt failed, in the request's language (English unless the client asks for another)."""
        return in_language(attempt.get("error") or "")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempts = AttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "webhook", "event", "claim_id", "state", "attempts", "body", "created_at", "delivered_at"]


def _refused(exc: service.WebhookRefused) -> ValidationError:
    return ValidationError({"url": [exc.reason]})


class WebhookViewSet(viewsets.ModelViewSet):
    """Partner URLs told of published, corrected and retracted claims and changed verdicts (admins only)."""

    serializer_class = WebhookSerializer
    permission_classes = [IsDeskAdmin]
    queryset = Webhook.objects.order_by("id")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def perform_create(self, serializer: serializers.BaseSerializer[Webhook]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = service.register_webhook(
                url=data["url"],
                events=data["events"],
                by=cast(User, self.request.user),  # IsDeskAdmin: a signed-in admin
                description=data.get("description", ""),
            )
        except service.WebhookRefused as exc:
            raise _refused(exc) from exc
        if data.get("active") is False:
            service.update_webhook(webhook=serializer.instance, active=False)

    def perform_update(self, serializer: serializers.BaseSerializer[Webhook]) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = service.update_webhook(
                webhook=serializer.instance,  # type: ignore[arg-type]
                url=data.get("url"),
                events=data.get("events"),
                active=data.get("active"),
                description=data.get("description"),
            )
        except service.WebhookRefused as exc:
            raise _refused(exc) from exc

    def perform_destroy(self, instance: Webhook) -> None:
        service.delete_webhook(webhook=instance)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: Any = None, format: Any = None) -> Response:
        """Its deliveries, newest first, each with every attempt's status code or error and duration."""
        queryset: QuerySet[WebhookDelivery] = self.get_object().deliveries.order_by("-created_at", "-id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
