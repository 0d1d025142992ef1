"""Monitored feeds and the inbox over the API: ``feeds/`` (publishers' feeds polled on a schedule, with each
one's health; any desk member adds, changes, pauses, polls now or removes one) and ``inbox/`` (the stories they
brought, one per story with the copies that carried it; members take or dismiss them)."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.permissions import IsEditorOrReadOnly
from claims.fetching.reasons import in_language
from claims.models import Entity, Feed, FeedEntry, InboxItem
from claims.services import feeds as service
from claims.services import inbox


class FeedSerializer(serializers.ModelSerializer):
    interval_minutes = serializers.IntegerField(
        min_value=service.MIN_INTERVAL_MINUTES, max_value=service.MAX_INTERVAL_MINUTES, default=30
    )
    entities = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Entity.objects.all(),
        required=False,
        help_text="Keep only items naming one of these entities (their names and aliases), or a keyword.",
    )
    keywords = serializers.CharField(
        required=False, allow_blank=True, help_text="Keep only items mentioning one of these terms, one a line."
    )
    last_error = serializers.SerializerMethodField(
        help_text="Why the last poll failed, in plain words; '' when it went well."
    )
    last_counts = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Of the last poll: read, new, kept, filtered, duplicates, failed, not_modified (a 304).",
    )
    items_per_day = serializers.SerializerMethodField(help_text="Items kept per day, the last 7 days' average.")
    moved_to = serializers.CharField(
        read_only=True, help_text="Where a permanent redirect sent the feed (its url was updated to it); '' if never."
    )

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "kind",
            "name",
            "interval_minutes",
            "active",
            "keywords",
            "entities",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "last_error_at",
            "moved_to",
            "moved_at",
            "last_counts",
            "items_total",
            "items_per_day",
            "created_at",
        ]
        read_only_fields = [
            "kind",
            "last_polled_at",
            "last_success_at",
            "last_error_at",
            "moved_to",
            "moved_at",
            "items_total",
            "created_at",
        ]
        extra_kwargs = {
            "url": {"validators": [], "help_text": "An RSS or Atom feed, or a news sitemap."},
            "kind": {"help_text": "What the feed turned out to be at its last good poll; '' before."},
        }

    def get_last_error(self, feed: Feed) -> str:
        return in_language(feed.last_error)

    def get_items_per_day(self, feed: Feed) -> float:
        return service.items_per_day(feed)


class FeedUpdateSerializer(FeedSerializer):
    class Meta(FeedSerializer.Meta):
        read_only_fields = [*FeedSerializer.Meta.read_only_fields, "url"]


def _refused(exc: service.FeedRefused) -> ValidationError:
    return ValidationError({exc.field: [exc.reason]})


@extend_schema_view(partial_update=extend_schema(request=FeedUpdateSerializer))
class FeedViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Publishers' feeds the desk monitors, with each one's health. Removing one keeps its inbox items."""

    serializer_class = FeedSerializer
    permission_classes = [IsEditorOrReadOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Feed]:
        return service.with_health(Feed.objects.order_by("id")).prefetch_related(
            Prefetch("entities", queryset=Entity.objects.only("id"))
        )

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return FeedUpdateSerializer if self.action == "partial_update" else FeedSerializer

    def perform_create(self, serializer: serializers.BaseSerializer[Feed]) -> None:
        data = serializer.validated_data
        try:
            feed = service.add_feed(
                url=data["url"],
                name=data.get("name", ""),
                interval_minutes=data.get("interval_minutes", 30),
                keywords=data.get("keywords", ""),
                entities=data.get("entities", []),
                active=data.get("active", True),
                by=cast(User, self.request.user),  # IsEditorOrReadOnly: a signed-in member
            )
        except service.FeedRefused as exc:
            raise _refused(exc) from exc
        serializer.instance = self.get_queryset().get(pk=feed.pk)

    def perform_update(self, serializer: serializers.BaseSerializer[Feed]) -> None:
        data = serializer.validated_data
        try:
            feed = service.update_feed(
                feed=serializer.instance,  # type: ignore[arg-type]
                active=data.get("active"),
                interval_minutes=data.get("interval_minutes"),
                name=data.get("name"),
                keywords=data.get("keywords"),
                entities=data.get("entities"),
            )
        except service.FeedRefused as exc:
            raise _refused(exc) from exc
        serializer.instance = self.get_queryset().get(pk=feed.pk)

    def perform_destroy(self, instance: Feed) -> None:
        service.delete_feed(feed=instance)

    @extend_schema(request=None, responses={202: FeedSerializer})
    @action(detail=True, methods=["post"])
    def poll(self, request: Request, pk: Any = None, format: Any = None) -> Response:
        """Queue a poll now, whatever the schedule."""
        feed = self.get_object()
        service.poll_now(feed=feed)
        return Response(FeedSerializer(self.get_queryset().get(pk=feed.pk)).data, status=status.HTTP_202_ACCEPTED)


class InboxCopySerializer(serializers.ModelSerializer):
    site = serializers.CharField(read_only=True, help_text="The host that carried this copy.")
    url = serializers.CharField(read_only=True, help_text="The copy's address; '' for an item with none.")

    class Meta:
        model = FeedEntry
        fields = ["feed", "url", "title", "site", "article", "created_at"]


class InboxItemSerializer(serializers.ModelSerializer):
    copies_list = InboxCopySerializer(
        source="entries", many=True, read_only=True, help_text="Each feed item that carried the story."
    )
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True, allow_null=True)
    canonical_url = serializers.CharField(
        read_only=True, help_text="The story's canonical address, its copies' key; '' when none is known."
    )

    class Meta:
        model = InboxItem
        fields = [
            "id",
            "article",
            "title",
            "canonical_url",
            "author",
            "published_at",
            "copies",
            "copies_list",
            "state",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", enum=InboxItem.State.values, description="Only items in this state."),
            OpenApiParameter("feed", int, description="Only stories this feed carried."),
        ]
    )
)
class InboxItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The stories the monitored feeds brought, newest first: one per story, with every copy of it."""

    serializer_class = InboxItemSerializer
    permission_classes = [IsEditorOrReadOnly]

    def get_queryset(self) -> QuerySet[InboxItem]:
        copies = FeedEntry.objects.order_by("id")
        queryset = (
            InboxItem.objects.select_related("decided_by")
            .prefetch_related(Prefetch("entries", queryset=copies))
            .order_by("-created_at", "-id")
        )
        state = self.request.query_params.get("state", "")
        if state:
            if state not in InboxItem.State.values:
                raise ValidationError({"state": [f"Choose among {', '.join(InboxItem.State.values)}."]})
            queryset = queryset.filter(state=state)
        feed = self.request.query_params.get("feed", "")
        if feed:
            try:
                feed_id = int(feed) if feed.isascii() else None
            except ValueError:
                feed_id = None
            if feed_id is None:
                raise ValidationError({"feed": ["A feed's id, a number."]})
            queryset = queryset.filter(entries__feed_id=feed_id).distinct()
        return queryset

    def _decide(self, state: str) -> Response:
        item = self.get_object()
        item = inbox.decide_inbox_item(item=item, state=state, by=cast(User, self.request.user))
        return Response(InboxItemSerializer(self.get_queryset().get(pk=item.pk)).data)

    @extend_schema(request=None, responses={200: InboxItemSerializer})
    @action(detail=True, methods=["post"])
    def take(self, request: Request, pk: Any = None, format: Any = None) -> Response:
        """Take the story: its article is assigned to you."""
        return self._decide(InboxItem.State.TAKEN)

    @extend_schema(request=None, responses={200: InboxItemSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: Any = None, format: Any = None) -> Response:
        """Dismiss the story: nothing to check in it."""
        return self._decide(InboxItem.State.DISMISSED)
