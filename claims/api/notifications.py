"""The signed-in person's notifications over the API: list (``?read=false``), mark read or unread, mark all
read, and choose which events reach them and how."""

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Notification, NotificationPreference
from claims.services import notifications as service


class SubjectSerializer(serializers.Serializer):
    type = serializers.CharField(source="subject_type", help_text="claim, article, comment or webhook.")
    id = serializers.IntegerField(source="subject_id")
    title = serializers.CharField(source="subject_title")
    url = serializers.CharField(help_text="Desk path of the subject.")


class NotificationSerializer(serializers.ModelSerializer):
    subject = SubjectSerializer(source="*", read_only=True)
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    message = serializers.SerializerMethodField(help_text="What happened, in the request's language.")
    link = serializers.SerializerMethodField(help_text="Absolute address of the subject on the desk.")

    class Meta:
        model = Notification
        fields = ["id", "event", "subject", "actor", "message", "link", "read", "created_at", "emailed_at"]
        read_only_fields = ["id", "event", "created_at", "emailed_at"]

    def get_message(self, notification: Notification) -> str:
        return service.describe(notification)

    def get_link(self, notification: Notification) -> str:
        return service.absolute_url(notification.url)


class ReadSerializer(serializers.Serializer):
    read = serializers.BooleanField()


class NotificationFilter(django_filters.FilterSet):
    class Meta:
        model = Notification
        fields = ["read", "event"]


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Your own notifications, newest first. PATCH ``{"read": true|false}`` marks one read or unread."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    http_method_names = ["get", "patch", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Notification]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return service.inbox(self.request.user)  # type: ignore[arg-type]  # IsDeskMember: a signed-in user

    @extend_schema(request=ReadSerializer, responses=NotificationSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = ReadSerializer(data=request.data, partial=True)  # a PATCH without ``read`` changes nothing
        body.is_valid(raise_exception=True)
        notification = self.get_object()
        if "read" in body.validated_data:
            notification = service.set_read(notification=notification, read=body.validated_data["read"])
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedRead", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request: Request, format: Any = None) -> Response:
        return Response({"marked": service.mark_all_read(user=request.user)})  # type: ignore[arg-type]


class PreferenceSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=Notification.Event.choices)
    channel = serializers.ChoiceField(choices=NotificationPreference.Channel.choices)
    timing = serializers.ChoiceField(
        choices=NotificationPreference.Timing.choices, help_text="E-mail at once, or in the daily digest."
    )


def _rows(choices: dict[str, tuple[str, str]]) -> list[dict[str, str]]:
    return [{"event": event, "channel": channel, "timing": timing} for event, (channel, timing) in choices.items()]


class NotificationPreferencesView(APIView):
    """Which events reach you, and how: one row per event (the defaults where you chose nothing). PUT or PATCH a
    list of rows to change those events."""

    @extend_schema(responses=PreferenceSerializer(many=True))
    def get(self, request: Request, format: Any = None) -> Response:
        return Response(_rows(service.preferences_of(request.user)))  # type: ignore[arg-type]

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True))
    def put(self, request: Request, format: Any = None) -> Response:
        body = PreferenceSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        choices = {row["event"]: (row["channel"], row["timing"]) for row in body.validated_data}
        return Response(_rows(service.set_preferences(user=request.user, choices=choices)))  # type: ignore[arg-type]

    @extend_schema(request=PreferenceSerializer(many=True), responses=PreferenceSerializer(many=True))
    def patch(self, request: Request, format: Any = None) -> Response:
        return self.put(request, format)
