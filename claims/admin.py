"""The back office. Status and verdict are read-only here: they change only through the workflow service,
which the admin actions below call, so four eyes and the history hold in the admin too."""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile

from claims.models import (
    Article,
    ArticleRevision,
    Attendee,
    Capture,
    Claim,
    ClaimEvent,
    ClaimLink,
    Entity,
    Evidence,
    Page,
    Source,
)
from claims.services.entities import delete_entities, update_entity
from claims.services.sources import SourceInvalid, accept_document
from claims.services.workflow import TransitionRefused, transition_claim


class ArticleRevisionInline(admin.TabularInline):
    model = ArticleRevision
    fields = ("number", "origin", "created_by", "created_at", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "publisher", "language", "direction", "published_at", "import_state", "created_at")
    list_filter = ("language", "direction", "import_state")
    search_fields = ("title", "publisher", "url")
    # The public revision moves only by a reviewer accepting one (services.articles.accept_revision).
    readonly_fields = ("current_revision", "public_revision", "created_by", "created_at", "updated_at")
    inlines = [ArticleRevisionInline]


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ("article", "number", "origin", "created_by", "created_at")
    list_filter = ("origin",)
    search_fields = ("article__title",)
    readonly_fields = ("article", "number", "text", "sha256", "origin", "created_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False  # revisions are immutable; edit the article's text in the desk to make a new one


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0
    autocomplete_fields = ("entity",)
    fields = ("entity", "name", "role", "status", "evidence_note", "order")


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    autocomplete_fields = ("source",)
    fields = ("source", "stance", "passage", "estimate_value", "estimate_lower", "estimate_upper", "passage_found")
    readonly_fields = ("passage_found",)


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    fields = (
        "at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "from_verdict",
        "to_verdict",
        "comment",
        "public_note",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _transition_action(target: str, label: str):
    def action(modeladmin, request, queryset):
        done = 0
        for claim in queryset:
            try:
                transition_claim(claim=claim, to=target, by=request.user, comment=f"From the admin: {label}")
                done += 1
            except TransitionRefused as exc:
                modeladmin.message_user(request, f"#{claim.pk}: {exc}", messages.ERROR)
        if done:
            modeladmin.message_user(request, f"{label}: {done} claim(s).", messages.SUCCESS)

    action.__name__ = f"move_to_{target}"
    return admin.action(description=label)(action)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("id", "statement", "kind", "status", "verdict", "anchor", "article", "updated_at")
    list_filter = ("status", "verdict", "kind", "anchor")
    search_fields = ("statement", "statement_en", "exact", "claimant", "search_text")
    autocomplete_fields = ("claimant_entity", "entities")
    readonly_fields = (
        "status",
        "verdict",
        "rationale",
        "public_note",
        "version",
        "revision",
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
        "anchor",
        "anchor_confidence",
        "public_revision",
        "public_selector",
        "published_at",
        "created_by",
        "last_editor",
        "created_at",
        "updated_at",
    )
    inlines = [AttendeeInline, EvidenceInline, ClaimEventInline]
    actions = [
        _transition_action("researching", "Start research / send back"),
        _transition_action("published", "Publish (four eyes)"),
    ]

    def has_change_permission(self, request, obj=None):
        # Published claims change through a correction in the desk, which records what changed and why.
        if obj is not None and obj.is_public:
            return False
        return super().has_change_permission(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the back office, changed only through the services (or never, for history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdmin):
    list_display = ("claim", "at", "actor", "action", "from_status", "to_status", "to_verdict")
    list_filter = ("action", "to_status")
    search_fields = ("comment", "public_note")


@admin.register(ClaimLink)
class ClaimLinkAdmin(admin.ModelAdmin):
    list_display = ("from_claim", "to_claim", "state", "score", "decided_by", "decided_at")
    list_filter = ("state",)
    raw_id_fields = ("from_claim", "to_claim")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "wikidata")
    list_filter = ("kind",)
    search_fields = ("name", "search_text", "wikidata")

    # Through the service: public pages and lists show entities' names and must drop their cached copies.
    def save_model(self, request, obj, form, change):
        update_entity(entity=obj)

    def delete_model(self, request, obj):
        delete_entities(entities=[obj])

    def delete_queryset(self, request, queryset):
        delete_entities(entities=queryset)


class CaptureInline(admin.TabularInline):
    model = Capture
    extra = 0
    can_delete = False
    fields = ("queued_at", "state", "http_status", "final_url", "sha256", "changed", "gone", "error")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class SourceAdminForm(forms.ModelForm):
    def clean_document(self):
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):  # a new upload; the stored file was checked when it came in
            try:
                accept_document(document)
            except SourceInvalid as exc:
                raise forms.ValidationError(exc.errors["document"]) from exc
        return document


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceAdminForm
    list_display = ("__str__", "kind", "publisher", "health", "next_check_at", "created_at")
    list_filter = ("kind", "health")
    search_fields = ("url", "title", "publisher", "note")
    readonly_fields = ("latest_capture", "health", "created_by", "created_at")
    inlines = [CaptureInline]


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    list_display = ("requested_url", "state", "http_status", "changed", "gone", "queued_at", "fetched_at")
    list_filter = ("state", "changed", "gone")
    search_fields = ("requested_url", "final_url", "title")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Read-only: evidence is added and edited on the desk's claim page, through the services, where a change to
    a published claim becomes a public correction with its note and the cached pages are dropped."""

    list_display = ("claim", "source", "stance", "passage_found", "estimate_value")
    list_filter = ("stance", "passage_found")
    search_fields = ("passage", "note", "source__url", "claim__statement")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ("slug", "language", "title", "updated_at")
    list_filter = ("language",)
