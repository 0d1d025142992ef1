"""Serializers: translate between JSON and the services' arguments; business rules live in the services."""

from collections.abc import Callable
from functools import cached_property
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.relations import PKOnlyObject

from claims import limits
from claims.api.filters import MAX_ID
from claims.details import CHANNELS, FIELDS
from claims.fetching.reasons import in_language
from claims.fetching.urls import MAX_URL_LENGTH
from claims.models import (
    Article,
    ArticleRevision,
    Capture,
    CaptureImage,
    CapturePost,
    Claim,
    ClaimCorrection,
    ClaimEvent,
    Entity,
    Evidence,
    Source,
    Tag,
)
from claims.services.articles import require_text_or_url
from claims.services.errors import ArticleInvalid


@extend_schema_field(
    {
        "type": "string",
        "nullable": True,
        "description": "A desk member's username; writes take a username or a user id (null: nobody).",
    }
)
class MemberField(serializers.Field):
    """A desk member as the API names them: the username; a write may give the username or the user id. The
    services check who it is (claims.services.assignments.find_member)."""

    def __init__(self, **kwargs) -> None:
        if "help_text" in kwargs:
            kwargs["help_text"] += " A name or id that is no desk member's is refused with a 400 on the field."
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return value.username if value is not None else None

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str | int) or isinstance(data, bool):
            raise serializers.ValidationError("Give a username or a user id.")
        return str(data)


class TagListField(serializers.ListField):
    """Tags by slug; a write may also give names, and a new name makes a new tag."""

    child = serializers.CharField(max_length=80)

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "Tag slugs; a write may give names, and new names make new tags (a name needs a letter or a digit).",
        )
        super().__init__(**kwargs)

    def to_representation(self, data) -> list[str]:
        # An article's or a claim's tags (a related manager, prefetched by the API's querysets): their slugs.
        return [tag.slug for tag in data.all()] if hasattr(data, "all") else list(data)


class ArticleSerializer(serializers.ModelSerializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=limits.ARTICLE_TEXT_MAX_CHARS,
        help_text="Text of the current revision. PATCH with a new text adds a revision.",
    )
    revision = serializers.IntegerField(source="revision_number", read_only=True)
    import_error = serializers.SerializerMethodField()
    language = serializers.CharField(required=False, allow_blank=True, max_length=12)
    direction = serializers.ChoiceField(choices=Article.Direction.choices, required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    public_revision = serializers.SerializerMethodField(
        help_text="The revision readers see (null until a claim is published); a newer `revision` awaits a "
        "reviewer's POST to accept-revision/."
    )
    assignee = MemberField(help_text="Who is processing the article: a username (write: username or user id).")
    tags = TagListField()

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "url",
            "publisher",
            "language",
            "direction",
            "published_at",
            "text",
            "revision",
            "public_revision",
            "import_state",
            "import_error",
            "assignee",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["import_state", "import_error", "created_at", "updated_at"]

    def get_import_error(self, article) -> str:
        """Why the import failed, in the request's language (English unless the client asks for another)."""
        return in_language(article.import_error)

    def get_public_revision(self, article) -> int | None:
        if not article.public_revision_id:
            return None
        if hasattr(article, "public_number"):  # annotated by the API's queryset: no query per article
            return article.public_number
        return ArticleRevision.objects.filter(pk=article.public_revision_id).values_list("number", flat=True).first()

    def validate(self, attrs) -> dict[str, Any]:
        if self.instance is None:
            try:
                require_text_or_url(text=attrs.get("text") or "", url=attrs.get("url") or "")
            except ArticleInvalid as exc:  # the API's words: a client sends no file
                raise serializers.ValidationError(
                    {"text": "Give the article's text, or only its url to fetch it."}
                ) from exc
        return attrs


class AcceptRevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1, help_text="The number of the revision you read: the latest.")


class ArticleRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleRevision
        fields = ["id", "number", "text", "sha256", "origin", "created_by", "created_at"]


class SelectorSerializer(serializers.Serializer):
    exact = serializers.CharField(required=False, trim_whitespace=False, max_length=limits.CLAIM_QUOTE_MAX_CHARS)
    prefix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=limits.CLAIM_QUOTE_MAX_CHARS
    )
    suffix = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=limits.CLAIM_QUOTE_MAX_CHARS
    )
    start = serializers.IntegerField(required=False, min_value=0, help_text="Unicode code points.")
    end = serializers.IntegerField(required=False, min_value=0, help_text="Unicode code points, exclusive.")

    def validate(self, attrs) -> dict[str, Any]:
        if not attrs.get("exact") and (attrs.get("start") is None or attrs.get("end") is None):
            raise serializers.ValidationError(
                "Give the quoted text (exact, with optional prefix/suffix) or both start and end positions."
            )
        return attrs


#: A partial date as the API writes it (YYYY, YYYY-MM or YYYY-MM-DD, years 1 to 9999). Days are those every year
#: has (29 February is accepted too, but not stated); the API also reads Arabic-Indic digits and spaces around.
PARTIAL_DATE = (
    "([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    "(-(0[1-9]|1[0-2])(-(0[1-9]|1[0-9]|2[0-8]))?|-(0[13-9]|1[0-2])-(29|30)|-(0[13578]|1[02])-31)?"
)
#: A number given as text: digits with an optional decimal point (the API also reads other scripts' digits and
#: thousands separators); never negative.
DIGITS = "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$"

_FIELD_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": "string"},
    "number": {
        "oneOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": DIGITS}],
        "description": "A number (not negative) or its digits.",
    },
    "bool": {"type": "boolean"},
    "date": {"type": "string", "pattern": f"^{PARTIAL_DATE}$", "description": "YYYY, YYYY-MM or YYYY-MM-DD."},
    "period": {
        "type": "string",
        "pattern": f"^{PARTIAL_DATE}(/{PARTIAL_DATE})?$",
        "description": "A partial date (2018, 2018-11) or a period (2016/2020) that does not end before it starts.",
    },
    "channel": {"type": "string", "enum": list(CHANNELS)},
    "names": {"type": "array", "items": {"type": "string"}},
}
_ATTENDEES: dict[str, Any] = {
    "type": "array",
    "description": "Meeting participants, written as a whole list; each entity once, and an existing one.",
    "items": {
        "type": "object",
        "required": ["entity"],
        "properties": {
            "entity": {"type": "integer"},
            "name": {"type": "string"},
            "role": {"type": "string"},
            "status": {"type": "string", "enum": ["confirmed", "disputed", "unverified"]},
            "evidence_note": {"type": "string"},
            "entity_name": {"type": "string", "readOnly": True},
        },
    },
}
_QUANTITY_RULE = "The lower bound is not above the upper bound, and the value is between them."


def details_variants(request: bool = True) -> dict[str, dict[str, Any]]:
    """Each claim kind's details object (claims.details.FIELDS), by kind: the API documents what the desk
    validates. For a request, no field beyond the kind's (the API refuses them) and no read-only one."""
    variants: dict[str, dict[str, Any]] = {}
    for kind, fields in FIELDS.items():
        properties: dict[str, Any] = {
            field.name: {**_FIELD_TYPES[field.type], "title": field.label} for field in fields
        }
        if kind == "meeting":
            properties["attendees"] = _ATTENDEES
        variant: dict[str, Any] = {"title": f"{kind} details", "type": "object", "properties": properties}
        if kind == "quantity":
            variant["description"] = _QUANTITY_RULE
        if request:
            variant["additionalProperties"] = False
            if kind == "meeting":
                items = {**_ATTENDEES["items"], "additionalProperties": False}
                items["properties"] = {k: v for k, v in items["properties"].items() if k != "entity_name"}
                properties["attendees"] = {**_ATTENDEES, "items": items}
        variants[kind] = variant
    return variants


def _details_schema() -> dict:
    return {
        "anyOf": list(details_variants(request=False).values()),
        "description": "The structured fields of the claim's kind; unknown fields are refused with a 400 naming them.",
    }


@extend_schema_field(_details_schema())
class DetailsField(serializers.JSONField):
    def to_internal_value(self, data) -> Any:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            raise serializers.ValidationError("Give the details as an object of the kind's field names and values.")
        return value


#: A claim's verdict, or "" while it has none; statuses are the model's own choices (Claim.Status.choices).
VERDICT_CHOICES = [("", "No verdict yet"), *Claim.Verdict.choices]


def prefetched(claim: Claim, relation: str) -> list:
    """The claim's ``relation`` as claim_queryset() prefetched it (to ``listed_<relation>``), else queried."""
    found = getattr(claim, f"listed_{relation}", None)
    return found if found is not None else list(getattr(claim, relation).all())


class ClaimCorrectionSerializer(serializers.ModelSerializer):
    """A proposed correction, retraction or edit of a published claim; readers see none of it before approval."""

    proposed_by = serializers.CharField(source="proposed_by.username", default=None, allow_null=True, read_only=True)
    target = serializers.ChoiceField(
        choices=[("corrected", "corrected"), ("retracted", "retracted")],
        read_only=True,
        help_text="The status the claim takes when another reviewer approves it.",
    )

    class Meta:
        model = ClaimCorrection
        fields = [
            "id",
            "kind",
            "state",
            "target",
            "verdict",
            "rationale",
            "public_note",
            "changes",
            "authors",
            "proposed_by",
            "proposed_at",
        ]
        read_only_fields = ["kind", "state", "verdict", "rationale", "public_note", "changes", "authors"]
        extra_kwargs = {
            "changes": {"help_text": 'What approval changes: {"field": [published, proposed]}.'},
            "authors": {
                "help_text": "Who wrote each piece of its public text ({field: user id}): they may not "
                "approve it, nor may its proposer."
            },
        }


class TagSerializer(serializers.ModelSerializer):
    # A plain string in the schema: a slug keeps Arabic letters, which a JSON Schema "\w" pattern does not match.
    slug = serializers.CharField(read_only=True, help_text="The tag's address (/topic/<slug>/); keeps Arabic letters.")

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "created_at"]
        read_only_fields = ["slug", "created_at"]
        extra_kwargs = {"name": {"validators": [], "help_text": "Any language; the slug keeps Arabic letters."}}


#: What ClaimSerializer reads and writes that the assignment and tag services own, not update_claim.
TEAM_FIELDS = ("assignee", "reviewer", "due", "tags")


class ClaimSerializer(serializers.ModelSerializer):
    selector = SelectorSerializer()
    assignee = MemberField(help_text="Who works on the claim: a username (write: username or user id).")
    reviewer = MemberField(
        help_text="Who reviews it: a reviewer other than its last editor (four eyes); null lets any reviewer take it."
    )
    tags = TagListField()
    status = serializers.ChoiceField(choices=Claim.Status.choices, read_only=True)
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES, read_only=True)
    details = DetailsField(required=False, help_text="The kind's structured fields; meetings list attendees.")
    imported = serializers.SerializerMethodField(help_text="Imported from another desk's ClaimReview.")
    public_url = serializers.SerializerMethodField()
    version = serializers.IntegerField(required=False, help_text="Required on PATCH/PUT: the version you read.")
    revision = serializers.IntegerField(source="revision.number", read_only=True)
    pending_correction = serializers.SerializerMethodField(
        help_text="A correction, retraction or edit of this published claim waiting for another reviewer's "
        "approval (null if none); readers see the claim without it until then."
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "revision",
            "selector",
            "statement",
            "statement_language",
            "statement_en",
            "kind",
            "claimant",
            "claimant_entity",
            "claimed_on",
            "details",
            "entities",
            "status",
            "verdict",
            "rationale",
            "public_note",
            "public_url",
            "pending_correction",
            "imported",
            "version",
            "anchor",
            "anchor_confidence",
            "assignee",
            "reviewer",
            "due",
            "tags",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "verdict",
            "rationale",
            "public_note",
            "anchor",
            "anchor_confidence",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "entities": {"required": False},
            "statement_language": {"required": False},
            "statement": {"max_length": limits.CLAIM_STATEMENT_MAX_CHARS},
            "statement_en": {"max_length": limits.CLAIM_STATEMENT_MAX_CHARS},
        }

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_public_url(self, claim) -> str | None:
        if not claim.is_public:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(claim.public_url) if request else claim.public_url

    @extend_schema_field(ClaimCorrectionSerializer(allow_null=True))
    def get_pending_correction(self, claim):
        found = getattr(claim, "pending_corrections", None)
        if found is None:
            found = list(claim.corrections.filter(state=ClaimCorrection.State.PENDING).select_related("proposed_by"))
        return ClaimCorrectionSerializer(found[0]).data if found else None

    def get_imported(self, claim) -> bool:
        return claim.revision.origin == ArticleRevision.Origin.CLAIMREVIEW

    def to_representation(self, claim) -> dict[Any, Any]:
        # ModelSerializer's generic walk (a lookup chain per field, the nested selector and details built and then
        # replaced) cost ~0.8 ms a claim on a list page; the readers below give the same dict in the same order.
        return {name: read(claim) for name, read in self._readers}

    @cached_property
    def _readers(self) -> list[tuple[str | None, Callable[[Claim], Any]]]:
        special: dict[str | None, Callable[[Claim], Any]] = {
            "selector": lambda claim: claim.selector,
            "details": self._details,
            "entities": lambda claim: [entity.pk for entity in prefetched(claim, "entities")],
            "tags": lambda claim: [tag.slug for tag in prefetched(claim, "tags")],
            "public_url": self.get_public_url,
            "pending_correction": self.get_pending_correction,
            "imported": self.get_imported,
        }
        return [(field.field_name, special.get(field.field_name) or _reader(field)) for field in self._readable_fields]

    def _details(self, claim) -> dict:
        details = dict(claim.details)
        if claim.kind == Claim.Kind.MEETING:
            details["attendees"] = [
                {
                    "entity": a.entity_id,
                    "name": a.name or a.entity.name,
                    "role": a.role,
                    "status": a.status,
                    "entity_name": a.entity.name,
                    "evidence_note": a.evidence_note,
                }
                for a in prefetched(claim, "attendees")
            ]
        return details


class PublicClaimSerializer(ClaimSerializer):
    """A published claim as readers see it: ``selector`` and ``revision`` are those a reviewer accepted, never the
    desk's anchoring in a newer revision no reviewer has read, and nothing of a correction not yet approved."""

    # DRF's way to drop a field declared on the parent; the stubs type the attribute as the parent's field.
    # Who works on a claim and by when is the desk's business; its topics (tags) are public.
    pending_correction = None  # type: ignore[assignment]
    assignee = None  # type: ignore[assignment]
    reviewer = None  # type: ignore[assignment]

    class Meta(ClaimSerializer.Meta):
        fields = [
            name
            for name in ClaimSerializer.Meta.fields
            if name not in ("pending_correction", "assignee", "reviewer", "due")
        ]

    @cached_property
    def _readers(self) -> list[tuple[str | None, Callable[[Claim], Any]]]:
        public: dict[str | None, Callable[[Claim], Any]] = {
            "selector": lambda claim: claim.public_anchor[1],
            "revision": lambda claim: claim.public_anchor[0].number,
        }
        # On the class a cached_property is its descriptor, with the function as .func; mypy types it as the value.
        return [(name, public.get(name, read)) for name, read in ClaimSerializer._readers.func(self)]  # type: ignore[attr-defined]


def _reader(field) -> Callable[[Any], Any]:
    """How Serializer.to_representation reads ``field`` from an instance; a plain attribute without the lookups."""
    if len(field.source_attrs) == 1 and not isinstance(field, serializers.RelatedField | serializers.ManyRelatedField):
        attribute, represent = field.source, field.to_representation

        def read_attribute(instance) -> Any:
            value = getattr(instance, attribute)
            return None if value is None else represent(value)

        return read_attribute

    def read(instance) -> Any:
        value = field.get_attribute(instance)
        found = value.pk if isinstance(value, PKOnlyObject) else value
        return None if found is None else field.to_representation(value)

    return read


class CaptureImageSerializer(serializers.ModelSerializer):
    """An image source's facts: hashes as 16 hexadecimal digits (64 bits), EXIF as read (bounded, cleaned)."""

    exif = serializers.DictField(read_only=True, help_text="Camera, dates and GPS (decimal degrees), as read.")

    class Meta:
        model = CaptureImage
        fields = ["sha256", "phash", "dhash", "width", "height", "format", "exif"]
        read_only_fields = fields


class CapturePostSerializer(serializers.ModelSerializer):
    """A social post as its page gave it without login; `nothing` says why there is nothing (a login wall)."""

    nothing = serializers.SerializerMethodField()

    class Meta:
        model = CapturePost
        fields = ["platform", "title", "text", "author", "author_url", "image_url", "video_url", "nothing"]
        read_only_fields = fields

    def get_nothing(self, post) -> str | None:
        """The reason in the request's language; null when the page gave something."""
        return in_language(post.nothing) or None


class CaptureSerializer(serializers.ModelSerializer):
    error = serializers.SerializerMethodField()
    wacz_url = serializers.SerializerMethodField()
    screenshot_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    method = serializers.ChoiceField(
        choices=["http", "browser"],
        read_only=True,
        help_text="How the page was fetched (the contract's name for mode).",
    )
    stopped_reason = serializers.SerializerMethodField()
    image = CaptureImageSerializer(read_only=True, allow_null=True, help_text="null unless the capture is an image.")
    post = CapturePostSerializer(read_only=True, allow_null=True, help_text="null unless a social platform's post.")

    class Meta:
        model = Capture
        fields = [
            "id",
            "source",
            "state",
            "trigger",
            "attempts",
            "requested_url",
            "final_url",
            "redirect_chain",
            "http_status",
            "content_type",
            "size",
            "title",
            "author",
            "published_at",
            "modified_at",
            "language",
            "sha256",
            "warc_sha256",
            "wacz_url",
            "wacz_sha256",
            "mode",
            "method",
            "screenshot_url",
            "pdf_url",
            "stopped_reason",
            "third_party_url",
            "error",
            "error_class",
            "fetched_at",
            "queued_at",
            "duration_ms",
            "changed",
            "gone",
            "text_truncated",
            "image",
            "post",
        ]

    def get_error(self, capture) -> str | None:
        """The reason in the request's language (English unless the client asks for another)."""
        return in_language(capture.error) or None

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_wacz_url(self, capture) -> str | None:
        """The WACZ download (the checked /files/ view), absolute; null before a capture succeeds."""
        if not capture.wacz:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(capture.wacz.url) if request else capture.wacz.url

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_screenshot_url(self, capture) -> str | None:
        """A browser capture's full-page PNG (the checked /files/ view), absolute; null for plain captures."""
        return self._file_url(capture.screenshot)

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, capture) -> str | None:
        """A browser capture's printed copy of the page (PDF), absolute; null for plain captures."""
        return self._file_url(capture.pdf)

    def get_stopped_reason(self, capture) -> str | None:
        """Why a browser capture stopped loading more of the page (a limit), in the request's language; null when
        it loaded all of it."""
        return in_language(capture.stopped_reason) or None

    def _file_url(self, file) -> str | None:
        if not file:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(file.url) if request else file.url


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "format": "uri", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://", "maxLength": MAX_URL_LENGTH},
            {"type": "string", "maxLength": 0},
        ]
    }
)
class SourceURLField(serializers.CharField):
    """A text field to the API (the service normalizes and checks the address, in words an editor understands),
    documented as what it accepts: an http(s) URL, or blank for an offline source."""


class SourceSerializer(serializers.ModelSerializer):
    url = SourceURLField(
        required=False,
        allow_blank=True,
        max_length=MAX_URL_LENGTH,
        help_text="The source's URL, normalized; one source per URL. Blank: an offline source, "
        "which needs a title or a note instead.",
    )
    original_url = serializers.CharField(read_only=True, help_text="The URL as the editor pasted it.")
    latest_capture = CaptureSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "original_url",
            "kind",
            "publisher",
            "title",
            "note",
            "health",
            "capture_mode",
            "latest_capture",
            "created_at",
        ]
        # Changed through POST sources/{id}/capture-mode/ (the service), like a recapture.
        read_only_fields = ["original_url", "health", "capture_mode", "created_at"]


class CaptureModeSerializer(serializers.Serializer):
    capture_mode = serializers.ChoiceField(
        choices=Source.CaptureMode.choices,
        help_text="auto: a plain fetch, followed by a browser capture when the page comes out empty or a script "
        "shell; plain: a plain fetch only; browser: always rendered in a browser (screenshot and PDF).",
    )


class EvidenceSerializer(serializers.ModelSerializer):
    estimate = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "source",
            "stance",
            "passage",
            "note",
            "estimate",
            "estimate_value",
            "estimate_lower",
            "estimate_upper",
            "estimate_approximate",
            "estimate_unit",
            "passage_found",
            "passage_start",
            "passage_end",
            "passage_score",
            "created_at",
        ]
        read_only_fields = ["passage_found", "passage_start", "passage_end", "passage_score", "created_at"]
        # A source given twice is refused by the evidence service, in the desk's words, not DRF's unique-set text.
        validators: list = []
        extra_kwargs = {
            "passage": {"max_length": limits.EVIDENCE_PASSAGE_MAX_CHARS},
            "note": {"max_length": limits.EVIDENCE_PASSAGE_MAX_CHARS},
        }

    def get_estimate(self, evidence) -> dict | None:
        if not evidence.has_estimate:
            return None
        as_num = lambda d: None if d is None else (int(d) if d == d.to_integral_value() else float(d))  # noqa: E731
        return {
            "value": as_num(evidence.estimate_value),
            "lower": as_num(evidence.estimate_lower),
            "upper": as_num(evidence.estimate_upper),
            "approximate": evidence.estimate_approximate,
            "unit": evidence.estimate_unit,
        }


class EntitySerializer(serializers.ModelSerializer):
    names = serializers.DictField(
        child=serializers.CharField(max_length=300),
        required=False,
        help_text='Names by language code, e.g. {"ar": "حفتر", "en": "Haftar"}.',
    )
    aliases = serializers.ListField(child=serializers.CharField(max_length=300), required=False)
    wikidata = serializers.RegexField(
        r"^Q[0-9]+$", max_length=20, required=False, allow_blank=True, help_text="Wikidata id, e.g. Q123."
    )

    class Meta:
        model = Entity
        fields = ["id", "kind", "name", "names", "aliases", "wikidata", "description"]

    def validate_wikidata(self, value) -> str:
        # pk=None (a new entity) excludes nothing; the Django plugin accepts only a pk here.
        others = Entity.objects.filter(wikidata=value).exclude(pk=getattr(self.instance, "pk", None))  # type: ignore[misc]
        if value and others.exists():
            raise serializers.ValidationError("Another entity already has this Wikidata id.")
        return value


class ClaimEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", default=None, allow_null=True, read_only=True, help_text="null: the product itself."
    )

    class Meta:
        model = ClaimEvent
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "from_status",
            "to_status",
            "from_verdict",
            "to_verdict",
            "changes",
            "comment",
            "public_note",
        ]


class TransitionSerializer(serializers.Serializer):
    # Choices, so the schema lists the ids a client may send; the workflow decides which move is allowed.
    to = serializers.ChoiceField(choices=Claim.Status.choices)
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES, required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=limits.RATIONALE_MAX_CHARS)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.COMMENT_MAX_CHARS,
        help_text="Internal, for the desk; never shown to readers.",
    )
    public_note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=limits.COMMENT_MAX_CHARS,
        help_text="For readers: proposed with a verdict (to in_review) and shown with its publication; required to "
        "correct or retract. Left out, the claim's proposed note is kept.",
    )
    version = serializers.IntegerField(required=False)
    correction = serializers.IntegerField(
        required=False,
        help_text="Approving a pending correction (the same `to` by another reviewer): the id of the pending "
        "correction you read; if another one is pending now, the answer is 409.",
    )

    def validate(self, attrs) -> dict[str, Any]:
        # Before public notes existed, a correction's or retraction's comment was its public text: a client that
        # still sends only a comment there keeps working, its comment taken as the public note. (Neither sent:
        # approving a pending correction as proposed.)
        if attrs.get("to") in ("corrected", "retracted") and "public_note" not in attrs and attrs.get("comment"):
            attrs["public_note"], attrs["comment"] = attrs.get("comment", ""), ""
        return attrs


class CorrectionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(
        choices=[("approve", "approve"), ("send_back", "send_back"), ("withdraw", "withdraw")],
        help_text="approve: a reviewer who wrote none of it makes it public, as proposed (or rewrites it and "
        "becomes its author: 409); send_back: another reviewer refuses it, with a comment; withdraw: its proposer "
        "takes it back.",
    )
    correction = serializers.IntegerField(help_text="The id of the pending correction you read.")
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES, required=False, allow_blank=True)
    rationale = serializers.CharField(required=False, allow_blank=True, max_length=limits.RATIONALE_MAX_CHARS)
    public_note = serializers.CharField(required=False, allow_blank=True, max_length=limits.COMMENT_MAX_CHARS)
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=limits.COMMENT_MAX_CHARS,
        help_text="Internal, for the desk (required to send back); never shown to readers.",
    )


class ProposedSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happens now, in plain words.")
    pending_correction = ClaimCorrectionSerializer()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request was refused, in plain words.")


class ConflictSerializer(ErrorSerializer):
    # Absent when the conflict is not a version but a published claim that changes only through a correction.
    current = ClaimSerializer(
        required=False,
        help_text="When someone saved a newer version: the claim as it is "
        "now; merge your change into it and send its version.",
    )


class BulkSerializer(serializers.Serializer):
    """POST claims/bulk/: which claims (``ids``, or ``filter``: claims/ query parameters), and what to do."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=5_000
    )
    filter = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text='The query parameters of GET claims/, e.g. {"status": "draft,researching", "tag": "libya"} '
        "(several values of one parameter separated by commas); run again on the server.",
    )
    action = serializers.ChoiceField(
        choices=[("assign", "assign"), ("tag", "tag"), ("untag", "untag"), ("status", "status")]
    )
    assignee = MemberField(help_text="assign: a username or user id (null: nobody).")
    reviewer = MemberField(help_text="assign: a reviewer's username or user id (null: any reviewer).")
    due = serializers.DateField(required=False, allow_null=True, help_text="assign: the due date (null: none).")
    tags = serializers.ListField(child=serializers.CharField(max_length=80), required=False, help_text="tag/untag.")
    to = serializers.ChoiceField(choices=Claim.Status.choices, required=False, help_text="status: the target status.")
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=limits.COMMENT_MAX_CHARS, help_text="status: internal comment."
    )

    def validate(self, attrs) -> dict[str, Any]:
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError({"ids": "Give either ids or filter, not both."})
        return attrs


class BulkRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    statement = serializers.CharField(source="label")
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    succeeded = serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the claims done.")
    refused = BulkRefusalSerializer(many=True, help_text="Each claim refused, with why.")
    summary = serializers.CharField()
