"""API views: thin shells over the services and the models' QuerySets."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, QueryDict
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api import dossiers, list_cache
from claims.api import filters as f
from claims.api import serializers as s
from claims.api.list_cache import CachedListMixin
from claims.api.permissions import IsEditorOrReadOnly, IsEditorReadOrAdminDelete
from claims.api.throttling import AnonRateThrottle
from claims.files import content_type_of, download_name, file_response
from claims.models import Article, Attendee, Capture, Claim, ClaimCorrection, Entity, Evidence, Source, Tag
from claims.models.claims import ClaimQuerySet
from claims.services import articles as article_services
from claims.services import assignments
from claims.services import bulk as bulk_services
from claims.services import claims as claim_services
from claims.services import entities as entity_services
from claims.services import sources as source_services
from claims.services import tags as tag_services
from claims.services.workflow import (
    CorrectionRewritten,
    PublicationRewritten,
    StaleCorrection,
    decide_correction,
    pending_correction,
    transition_claim,
)


def _editor(request: Request) -> User:
    """The user of a write: IsEditorOrReadOnly lets only a signed-in desk editor write."""
    return cast(User, request.user)


def _body_field(request: Request, name: str) -> Any:
    """A field of a JSON object body, '' when absent; '' too when the body is something else (a JSON list)."""
    return request.data.get(name, "") if isinstance(request.data, dict) else ""


def claim_queryset(*, desk: bool = True) -> ClaimQuerySet:
    """Claims with what ClaimSerializer shows: the revision's number and origin (not its text, which can be a
    megabyte per claim), and the entities and attendees as plain lists (``listed_*``): a prefetch cache would
    build a related manager and a filtered queryset per claim. The desk's also have their pending correction
    (``pending_corrections``); readers' (``desk=False``) never read one."""
    claims = (
        Claim.objects.select_related("revision")
        .defer("search_text", "search_keys", "search_numbers", "revision__text")
        .prefetch_related(
            Prefetch("entities", queryset=Entity.objects.only("id"), to_attr="listed_entities"),
            Prefetch("attendees", queryset=Attendee.objects.select_related("entity"), to_attr="listed_attendees"),
            Prefetch("tags", queryset=Tag.objects.only("id", "slug"), to_attr="listed_tags"),
        )
    )
    if desk:
        claims = claims.select_related("assignee", "reviewer")
        pending = ClaimCorrection.objects.filter(state=ClaimCorrection.State.PENDING).select_related("proposed_by")
        claims = claims.prefetch_related(Prefetch("corrections", queryset=pending, to_attr="pending_corrections"))
    return claims


def apply_team_fields(claim: Claim, data: dict, *, by: User) -> None:
    """Write what a claims/ body says of the assignee, reviewer, due date and tags through their services."""
    people = {name: data[name] for name in ("assignee", "reviewer", "due") if name in data}
    if people:
        assignments.assign_claim(claim=claim, by=by, **people)
    if "tags" in data:
        tag_services.change_claim_tags(claim=claim, by=by, tags=tag_services.resolve_tags(data["tags"], by=by))


def apply_article_team_fields(article: Article, data: dict, *, by: User) -> None:
    if "assignee" in data:
        assignments.assign_article(article=article, by=by, assignee=data["assignee"])
    if "tags" in data:
        tag_services.change_article_tags(article=article, by=by, tags=tag_services.resolve_tags(data["tags"], by=by))


PROPOSED = OpenApiResponse(
    s.ProposedSerializer,
    description="The claim is published: the change is proposed as a correction, and readers see none of it until "
    "another reviewer approves it (POST /api/v1/claims/{id}/correction/).",
)

#: A proposal is accepted, not yet made: the body shows it pending (``pending_correction``).
PROPOSED_DETAIL = "Your correction is proposed: readers see the published claim until another reviewer approves it."


class ArticleViewSet(
    CachedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ArticleSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = (
        Article.objects.select_related("current_revision", "assignee")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "slug")))
        .annotate(public_number=F("public_revision__number"))
        .order_by("-created_at", "-id")
    )
    filterset_class = f.ArticleFilter
    ordering_fields = ["created_at", "published_at", "title"]
    # PATCH only, as documented: a PUT would demand every field and blank what it left out.
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(responses={201: s.ArticleSerializer, 202: s.ArticleSerializer})
    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        team = {name: data.pop(name) for name in ("assignee", "tags") if name in data}
        with transaction.atomic():
            # A URL-only POST may leave the title out: the fetched page names it.
            article = article_services.create_article(by=request.user, **{"title": ""} | data)
            apply_article_team_fields(article, team, by=_editor(request))
        article = self.get_queryset().get(pk=article.pk)
        code = status.HTTP_201_CREATED if article.current_revision_id else status.HTTP_202_ACCEPTED
        return Response(self.get_serializer(article).data, status=code)

    def perform_update(self, serializer) -> None:
        # The text is not a field of the article but its current revision's: the service adds it as a new revision.
        fields = dict(serializer.validated_data)
        team = {name: fields.pop(name) for name in ("assignee", "tags") if name in fields}
        article = serializer.instance
        with transaction.atomic():
            if fields and article_services.update_article(article=article, by=_editor(self.request), **fields):
                article.refresh_from_db()
            apply_article_team_fields(article, team, by=_editor(self.request))
        serializer.instance = self.get_queryset().get(pk=article.pk)

    @extend_schema(
        request=s.AcceptRevisionSerializer,
        responses={200: s.ArticleSerializer, 400: OpenApiResponse(s.ErrorSerializer, description="Refused, with why")},
    )
    @action(detail=True, methods=["post"], url_path="accept-revision")
    def accept_revision(self, request, pk=None, format=None) -> Response:
        """A reviewer shows readers the latest revision: published claims then quote it (four eyes: not its
        author)."""
        article = self.get_object()
        body = s.AcceptRevisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        article_services.accept_revision(article=article, number=body.validated_data["revision"], by=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=article.pk)).data)

    @extend_schema(responses=s.ArticleRevisionSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def revisions(self, request, pk=None, format=None) -> Response:
        article = self.get_object()
        page = self.paginate_queryset(article.revisions.order_by("number"))
        return self.get_paginated_response(s.ArticleRevisionSerializer(page, many=True).data)


INVALID = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: each field name maps to its message(s).")
STALE = OpenApiResponse(
    s.ConflictSerializer,
    description="Someone saved a newer version, or the claim is published and needs a correction note.",
)


@extend_schema_view(
    create=extend_schema(responses={201: s.ClaimSerializer, 400: INVALID}),
    partial_update=extend_schema(
        responses={
            200: s.ClaimSerializer,
            202: OpenApiResponse(
                s.ClaimSerializer,
                description="A published claim's change, proposed as a correction (in `pending_correction`): "
                "readers see the claim unchanged until another reviewer approves it.",
            ),
            400: INVALID,
            409: STALE,
        }
    ),
    destroy=extend_schema(
        parameters=[OpenApiParameter("version", int, required=True)], responses={204: None, 400: INVALID, 409: STALE}
    ),
)
class ClaimViewSet(CachedListMixin, viewsets.ModelViewSet):
    serializer_class = s.ClaimSerializer
    permission_classes = [IsEditorOrReadOnly]
    filterset_class = f.ClaimFilter
    ordering_fields = ["created_at", "updated_at", "published_at", "start", "status", "verdict"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> ClaimQuerySet:
        return claim_queryset().order_by("article_id", "start", "id")

    def counted_rows(self) -> QuerySet[Any] | None:
        """What the list's count reads instead of the claims (PagePagination): the entity's links for ?entity=."""
        return f.entity_links(self.request.query_params) if self.action == "list" else None

    @staticmethod
    def _split(data: dict) -> dict:
        details = dict(data.get("details") or {})
        attendees = details.pop("attendees", None)
        skipped = ("selector", "details", "version", "entities", "article", *s.TEAM_FIELDS)
        kwargs = {k: v for k, v in data.items() if k not in skipped}
        if "details" in data:
            kwargs["details"] = details
        if attendees is not None:
            kwargs["attendees"] = attendees
        if "entities" in data:
            kwargs["entities"] = data["entities"]
        return kwargs

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic():
            claim = claim_services.create_claim(
                article=data["article"], by=request.user, selector=data["selector"], **self._split(data)
            )
            apply_team_fields(claim, data, by=request.user)
        return Response(self.get_serializer(claim_queryset().get(pk=claim.pk)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs) -> Response:
        claim = self.get_object()
        serializer = self.get_serializer(claim, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Assigning or tagging is not an edit of the claim: it needs no version, and works on a published claim.
        edits = (
            {k for k in request.data if k not in (*s.TEAM_FIELDS, "version")}
            if isinstance(request.data, dict)
            else {"?"}
        )
        if edits and "version" not in data:
            raise ValidationError({"version": "Send the version you read; it guards against lost updates."})
        with transaction.atomic():
            if edits:
                claim_services.update_claim(
                    claim_id=claim.pk,
                    by=request.user,
                    version=data["version"],
                    selector=data.get("selector"),
                    correction=_body_field(request, "correction"),
                    **self._split(data),
                )
            apply_team_fields(claim, data, by=request.user)
        current = claim_queryset().get(pk=claim.pk)
        # to_attr of claim_queryset(), which its ClaimQuerySet return type cannot carry (the plugin refuses a
        # declaration on Claim: it takes it for a field the prefetch would clash with).
        proposed = claim.is_public and current.pending_corrections  # type: ignore[attr-defined]
        return Response(
            self.get_serializer(current).data,
            status=status.HTTP_202_ACCEPTED if proposed else status.HTTP_200_OK,
        )

    def destroy(self, request, *args, **kwargs) -> Response:
        claim = self.get_object()
        version = request.query_params.get("version") or _body_field(request, "version")
        if not str(version or "").isdigit():
            raise ValidationError({"version": "Send ?version=N, the version you read, to delete a claim."})
        claim_services.delete_claim(claim=claim, by=request.user, version=int(version))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=s.TransitionSerializer,
        responses={
            200: s.ClaimSerializer,
            202: OpenApiResponse(
                s.ClaimSerializer,
                description="A correction or retraction, proposed: the claim is unchanged for readers, with the "
                "proposal in `pending_correction`, until another reviewer approves it (the same `to`, or "
                "POST .../correction/)",
            ),
            400: OpenApiResponse(s.ErrorSerializer, description="Refused, with why"),
            409: OpenApiResponse(
                s.ConflictSerializer,
                description="Someone saved a newer version; or a publication (or the approval of a correction) "
                "changed the proposed verdict, rationale or public note, which are kept as your "
                "proposal for another reviewer to publish or approve (the detail says who may); or the pending "
                "correction is not the one you read",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def transitions(self, request, pk=None, format=None) -> Response:
        claim = self.get_object()
        body = s.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            transition_claim(claim=claim, by=request.user, **body.validated_data)
        except (PublicationRewritten, CorrectionRewritten, StaleCorrection) as exc:
            return self._conflict(claim, exc)
        current = claim_queryset().get(pk=claim.pk)
        proposed = body.validated_data["to"] in ("corrected", "retracted") and (
            current.pending_corrections  # type: ignore[attr-defined]  # to_attr of claim_queryset(), as above
        )
        return Response(
            self.get_serializer(current).data, status=status.HTTP_202_ACCEPTED if proposed else status.HTTP_200_OK
        )

    def _conflict(self, claim, exc):
        current = self.get_serializer(claim_queryset().get(pk=claim.pk)).data
        return Response({"detail": str(exc), "current": current}, status=status.HTTP_409_CONFLICT)

    @extend_schema(
        request=s.CorrectionDecisionSerializer,
        responses={
            200: s.ClaimSerializer,
            400: OpenApiResponse(s.ErrorSerializer, description="Refused, with why (four eyes names who may)"),
            409: OpenApiResponse(
                s.ConflictSerializer,
                description="Approving, you changed its text: kept as your proposal for another reviewer (the "
                "detail says who may approve); or the pending correction is not the one you read",
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def correction(self, request, pk=None, format=None):
        """Approve, send back or withdraw the claim's pending correction (``pending_correction``)."""
        claim = self.get_object()
        body = s.CorrectionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            decide_correction(claim=claim, by=request.user, **data)
        except (CorrectionRewritten, StaleCorrection) as exc:
            return self._conflict(claim, exc)
        return Response(self.get_serializer(claim_queryset().get(pk=claim.pk)).data)

    @extend_schema(
        request=s.BulkSerializer,
        responses={
            200: s.BulkResultSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The whole request refused: `detail` says why (nothing matches, too many), or each "
                "field name maps to its message(s)",
            ),
        },
    )
    @action(detail=False, methods=["post"], filter_backends=[])
    def bulk(self, request, format=None) -> Response:
        """Assign, tag, untag or change the status of many claims: by ``ids``, or by ``filter`` (the query
        parameters of claims/, re-run on the server). Each claim is done on its own; the answer lists each one
        refused and why, and the ids of those done."""
        body = s.BulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        claims: QuerySet[Claim] = Claim.objects.all()
        if "ids" in data:
            claims = claims.filter(pk__in=data["ids"])
        else:
            query = QueryDict(mutable=True)
            for name, value in data["filter"].items():
                query.setlist(name, value.split(","))  # a list filter (status, kind) takes commas
            filters = f.ClaimFilter(query, queryset=claims, request=request)
            if not filters.is_valid():
                raise ValidationError({"filter": filters.errors})
            claims = filters.qs
        people = {name: data[name] for name in ("assignee", "reviewer", "due") if name in data}
        try:
            result = bulk_services.bulk_claims(
                claims=claims,
                by=_editor(request),
                action=data["action"],
                tag_names=data.get("tags", []),
                to=data.get("to", ""),
                comment=data.get("comment", ""),
                **people,
            )
        except bulk_services.BulkRefused as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        return Response(s.BulkResultSerializer(result).data)

    @extend_schema(responses=s.ClaimEventSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None, format=None) -> Response:
        claim = self.get_object()
        page = self.paginate_queryset(claim.events.select_related("actor").order_by("at", "id"))
        return self.get_paginated_response(s.ClaimEventSerializer(page, many=True).data)


@extend_schema_view(destroy=extend_schema(description="Admins only: the tag leaves every claim and article."))
class TagViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The desk's topics: any desk member lists and creates them (a name already used answers its tag, 200);
    admins delete them."""

    serializer_class = s.TagSerializer
    permission_classes = [IsEditorReadOrAdminDelete]
    queryset = Tag.objects.order_by("name", "id")
    filterset_class = f.TagFilter

    @extend_schema(responses={201: s.TagSerializer, 200: OpenApiResponse(s.TagSerializer, description="Known")})
    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tag, created = tag_services.find_or_create_tag(name=serializer.validated_data["name"], by=_editor(request))
        return Response(self.get_serializer(tag).data, status=status.HTTP_201_CREATED if created else 200)

    def perform_destroy(self, instance) -> None:
        tag_services.delete_tag(tag=instance, by=_editor(self.request))


class EntityViewSet(CachedListMixin, viewsets.ModelViewSet, dossiers.DossierActions):
    serializer_class = s.EntitySerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = Entity.objects.order_by("name", "id")
    filterset_class = f.EntityFilter
    ordering_fields = ["name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_update(self, serializer) -> None:
        entity_services.update_entity(entity=serializer.instance, **serializer.validated_data)

    @extend_schema(parameters=dossiers.MEETING_FILTERS, responses=dossiers.MeetingSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def meetings(self, request, pk=None, format=None) -> Response:
        """Every meeting claim the entity attends, in any status, in date order."""
        return self._meetings(request, self.get_object())

    @extend_schema(responses=dossiers.RecordSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def record(self, request, pk=None, format=None) -> Response:
        """Every claim about the entity and every claim it made as claimant, in any status, with counts by verdict."""
        return dossiers.record_response(self.get_object())


@extend_schema_view(
    create=extend_schema(
        description="Add a source: by its URL (one source per URL: a URL already known answers its source, 200), or "
        "an offline one described by a title or a note.",
        responses={
            201: s.SourceSerializer,
            200: OpenApiResponse(s.SourceSerializer, description="The source this URL already has"),
        },
    )
)
class SourceViewSet(
    CachedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.SourceSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = Source.objects.select_related(
        "latest_capture", "latest_capture__image", "latest_capture__post"
    ).order_by("-created_at", "-id")
    filterset_class = f.SourceFilter
    ordering_fields = ["created_at", "health"]

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        source, created = source_services.find_or_create_source(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(source).data, status=status.HTTP_201_CREATED if created else 200)

    @extend_schema(responses=s.CaptureSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def captures(self, request, pk=None, format=None) -> Response:
        source = self.get_object()
        page = self.paginate_queryset(
            Capture.objects.filter(source=source).select_related("image", "post").order_by("-queued_at", "-id")
        )
        return self.get_paginated_response(
            s.CaptureSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(request=None, responses={202: s.CaptureSerializer, 400: OpenApiResponse(description="Offline")})
    @action(detail=True, methods=["post"])
    def recapture(self, request, pk=None, format=None) -> Response:
        """Capture the source again now; answers the capture in flight if one is already queued or running."""
        from claims.services.captures import recapture

        capture = recapture(source=self.get_object())
        if capture is None:
            raise ValidationError({"source": "An offline source cannot be captured."})
        return Response(
            s.CaptureSerializer(capture, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(request=s.CaptureModeSerializer, responses={200: s.SourceSerializer})
    @action(detail=True, methods=["post"], url_path="capture-mode", url_name="capture-mode")
    def capture_mode(self, request, pk=None, format=None) -> Response:
        """How the source's next captures fetch it: auto, plain or browser."""
        from claims.services.sources import set_capture_mode

        source = self.get_object()
        serializer = s.CaptureModeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        set_capture_mode(source=source, mode=serializer.validated_data["capture_mode"], by=request.user)
        return Response(s.SourceSerializer(source, context=self.get_serializer_context()).data)


class CaptureViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CaptureSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = Capture.objects.select_related("image", "post").defer("text")

    @extend_schema(responses={(200, "application/warc"): OpenApiResponse(description="The gzipped WARC file")})
    @action(detail=True, methods=["get"])
    def warc(self, request, pk=None, format=None) -> HttpResponseBase:
        capture = self.get_object()
        if not capture.warc:
            raise Http404("This capture has no archived copy.")
        return file_response(
            capture.warc,
            filename=download_name(capture, capture.warc),
            content_type=content_type_of(capture, capture.warc),
        )


CORRECTION = OpenApiParameter(
    "correction",
    str,
    description="Required (not blank) when the claim is published: the public correction note saying what "
    "changed and why. Only a reviewer may correct a published claim.",
)


@extend_schema_view(destroy=extend_schema(parameters=[CORRECTION]))
class EvidenceViewSet(
    CachedListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.EvidenceSerializer
    permission_classes = [IsEditorOrReadOnly]
    queryset = Evidence.objects.select_related("source", "claim").order_by("claim_id", "id")
    filterset_class = f.EvidenceFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @staticmethod
    def _proposed(claim) -> Response:
        """A published claim's evidence change is a proposed correction: 202 with it, nothing changed yet."""
        pending = pending_correction(claim)
        body = {"detail": PROPOSED_DETAIL, "pending_correction": s.ClaimCorrectionSerializer(pending).data}
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: s.EvidenceSerializer, 202: PROPOSED})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(responses={200: s.EvidenceSerializer, 202: PROPOSED})
    def update(self, request, *args, **kwargs):
        evidence = self.get_object()
        serializer = self.get_serializer(evidence, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        changes = {k: v for k, v in serializer.validated_data.items() if k not in ("claim", "source")}
        public = evidence.claim.is_public
        evidence = source_services.update_evidence(
            evidence=evidence,
            by=_editor(self.request),
            correction=_body_field(self.request, "correction"),
            **changes,
        )
        if public and pending_correction(evidence.claim) is not None:
            return self._proposed(evidence.claim)
        return Response(self.get_serializer(evidence).data)

    @extend_schema(responses={204: None, 202: PROPOSED})
    def destroy(self, request, *args, **kwargs):
        evidence = self.get_object()
        correction = self.request.query_params.get("correction") or _body_field(self.request, "correction")
        public = evidence.claim.is_public
        source_services.remove_evidence(evidence=evidence, by=_editor(self.request), correction=correction)
        if public:
            return self._proposed(evidence.claim)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={201: s.EvidenceSerializer, 202: PROPOSED})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        claim = data.pop("claim")
        evidence = source_services.add_evidence(
            claim=claim,
            source=data.pop("source"),
            by=request.user,
            correction=_body_field(request, "correction"),
            **data,
        )
        if evidence is None:
            return self._proposed(claim)
        return Response(self.get_serializer(evidence).data, status=status.HTTP_201_CREATED)


#: Seconds a serialized public list page is kept; the lists generation in its key is what keeps it fresh.
PUBLIC_LIST_TIMEOUT = 300


class PublicClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Published claims only; no authentication needed."""

    # (Not in the docstring, which is the OpenAPI description.) List pages are cached rendered, under the lists
    # generation (claims/page_cache.py) that every change to a published claim bumps, and answer a matching
    # If-None-Match with 304 (claims/api/list_cache.py).
    answers_not_modified = True

    serializer_class = s.PublicClaimSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    # Every caller is anonymous here: the per-user throttle would count each request a second time by address.
    throttle_classes = [AnonRateThrottle]
    filterset_class = f.PublicClaimFilter
    ordering_fields = ["published_at"]

    def get_queryset(self) -> ClaimQuerySet:
        return (
            claim_queryset(desk=False)
            .published()
            .select_related("public_revision")
            .defer("public_revision__text")
            .order_by("-published_at", "-id")
        )

    def list(self, request, *args, **kwargs):
        key = list_cache.public_list_key(request)
        if key is None:  # the browsable API, rendered for one reader, or a lists generation nobody vouches for
            return super().list(request, *args, **kwargs)
        return list_cache.cached_response(request, self, key, lambda: super(PublicClaimViewSet, self).list(request))
