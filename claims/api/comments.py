"""The API of desk comments (``comments/``) and of a claim's activity timeline (``claims/{id}/activity/``): thin
shells over claims.services.comments and claims.services.activity. Desk members only; nothing here is public."""

from typing import Any, cast

import django_filters
from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from claims import limits
from claims.api.pagination import PagePagination
from claims.api.permissions import IsDeskMember
from claims.api.serializers import CaptureSerializer, ClaimEventSerializer, SelectorSerializer
from claims.models import Article, Claim, Comment
from claims.services import comments as comment_services
from claims.services.activity import ClaimActivity
from claims.services.errors import CommentRefused


class CommentSerializer(serializers.ModelSerializer):
    selector = SelectorSerializer(
        required=False,
        allow_null=True,
        help_text="A comment on an article: the words it is about, in the article's current revision, given as a "
        "claim's selector is. Replies have none (they are on their thread's words).",
    )
    body = serializers.CharField(
        max_length=limits.COMMENT_MAX_CHARS,
        trim_whitespace=False,
        help_text="Plain text; '@username' mentions a desk member. Empty once the comment is deleted.",
    )
    author = serializers.CharField(
        source="author.username",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="null: the author's account was removed.",
    )
    mentions = serializers.SerializerMethodField(help_text="Usernames of the desk members the body mentions.")
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)
    deleted_by = serializers.CharField(
        source="deleted_by.username",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="null while the comment is not deleted (or the account was removed).",
    )

    class Meta:
        model = Comment
        fields = [
            "id",
            "claim",
            "article",
            "selector",
            "anchor",
            "body",
            "author",
            "mentions",
            "parent",
            "created_at",
            "edited_at",
            "deleted",
            "deleted_at",
            "deleted_by",
        ]
        read_only_fields = ["anchor", "created_at", "edited_at", "deleted_at"]
        extra_kwargs = {
            "claim": {"help_text": "The claim commented on (or give article)."},
            "article": {"help_text": "The article commented on, with a selector (or give claim)."},
            "parent": {"help_text": "The comment this one answers; threads are one level deep."},
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_mentions(self, comment: Comment) -> list[str]:
        return [user.username for user in comment.mentions.all()]

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        if self.instance is not None:  # an edit changes the body only
            for name in ("claim", "article", "parent", "selector"):
                fields[name].read_only = True
        return fields


class CommentFilter(django_filters.FilterSet):
    # Declared with methods: a generated ``claim`` filter looks up claim__exact, which Django reads as the
    # comment's own ``exact`` field (the quoted words).
    claim = django_filters.ModelChoiceFilter(
        queryset=Claim.objects.all(), method="filter_claim", help_text="Comments on this claim."
    )
    article = django_filters.ModelChoiceFilter(
        queryset=Article.objects.all(), method="filter_article", help_text="Comments on this article's text."
    )

    class Meta:
        model = Comment
        fields = ["claim", "article", "parent"]

    def filter_claim(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(claim=value)

    def filter_article(self, queryset, name, value) -> QuerySet[Any]:
        return queryset.filter(article=value)


class CommentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Internal comments of the desk. Only the author edits (PATCH ``body``), for COMMENT_EDIT_WINDOW minutes;
    the author or an admin deletes, which leaves a tombstone (``deleted``, ``deleted_by``, ``deleted_at``)."""

    serializer_class = CommentSerializer
    permission_classes = [IsDeskMember]
    queryset = Comment.objects.for_display().order_by("created_at", "id")
    filterset_class = CommentFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        comment = comment_services.add_comment(
            by=cast(User, request.user),
            body=data["body"],
            claim=data.get("claim"),
            article=data.get("article"),
            parent=data.get("parent"),
            selector=data.get("selector"),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=comment.pk)).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = self.get_object()
        serializer = self.get_serializer(comment, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            comment_services.edit_comment(
                comment=comment, by=cast(User, request.user), body=serializer.validated_data.get("body", comment.body)
            )
        except CommentRefused as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=comment.pk)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            comment_services.delete_comment(comment=self.get_object(), by=cast(User, request.user))
        except CommentRefused as exc:
            raise PermissionDenied(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivitySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["event", "comment", "capture"])
    at = serializers.DateTimeField()
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, help_text="null: the product itself."
    )
    event = ClaimEventSerializer(allow_null=True, help_text="kind 'event': a history row (evidence changes too).")
    comment = CommentSerializer(allow_null=True, help_text="kind 'comment': a desk comment on the claim.")
    capture = CaptureSerializer(allow_null=True, help_text="kind 'capture': a capture of a source the claim cites.")


class ClaimActivityView(generics.ListAPIView):
    """One claim's activity, newest first: its history (status, verdict, edits, evidence changes), its comments,
    and the captures of the sources it cites, each with who (``actor``) and when (``at``)."""

    serializer_class = ActivitySerializer
    permission_classes = [IsDeskMember]
    pagination_class = PagePagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return ClaimActivity(get_object_or_404(Claim.objects.only("id"), pk=self.kwargs["pk"]))

    @extend_schema(
        operation_id="claims_activity_list",
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The claim's id.")],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
