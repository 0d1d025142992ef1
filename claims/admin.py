"""The back office. It changes nothing behind the services' back: every write here goes through the same service
as the desk and the API (claims/services), so the history row, the version bump, the search text, four eyes and
the public pages' cache hold in the admin too. What has no service (claim status and verdict outside the
workflow, attendees, evidence, article text, history) is shown read-only; docs/workflow.md says what is where."""

from contextlib import suppress

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponseRedirect

from claims.models import (
    Article,
    ArticleRevision,
    Attendee,
    Capture,
    CaptureImage,
    CapturePost,
    Claim,
    ClaimEvent,
    ClaimLink,
    Comment,
    DeskSettings,
    Entity,
    Evidence,
    Feed,
    FeedEntry,
    InboxItem,
    Notification,
    Page,
    Reminder,
    Series,
    SeriesMember,
    Source,
    Tag,
    ThirdPartyCopy,
    Webhook,
    WebhookDelivery,
)
from claims.models.team import AGED_STATUSES
from claims.services.assignments import update_desk_settings
from claims.services.claims import delete_claim, update_claim
from claims.services.entities import delete_entities, update_entity
from claims.services.errors import ClaimGone, ClaimInvalid, ClaimLocked, Invalid, SourceInvalid, StaleVersion
from claims.services.matching import decide_link
from claims.services.pages import delete_pages, save_page
from claims.services.sources import accept_document, find_or_create_source, update_source
from claims.services.tags import delete_tag, find_or_create_tag
from claims.services.workflow import TransitionRefused, transition_claim


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in the back office, changed only through the services (or never, for history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ArticleRevisionInline(ReadOnlyInline):
    model = ArticleRevision
    fields = ("number", "origin", "created_by", "created_at", "sha256")
    readonly_fields = fields
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(ReadOnlyAdmin):
    """Read-only: an article's text is a revision that re-anchors its claims, and its public revision moves only by
    a reviewer accepting one (services.articles); both are done on the desk. An article no claim quotes may be
    deleted (its claims protect it)."""

    list_display = ("title", "publisher", "language", "direction", "published_at", "import_state", "created_at")
    list_filter = ("language", "direction", "import_state")
    search_fields = ("title", "publisher", "url")
    inlines = [ArticleRevisionInline]

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(ReadOnlyAdmin):
    """Revisions are immutable; editing the article's text in the desk makes a new one."""

    list_display = ("article", "number", "origin", "created_by", "created_at")
    list_filter = ("origin",)
    search_fields = ("article__title",)


class AttendeeInline(ReadOnlyInline):
    """Attendees are part of a meeting claim's substance: edited on the desk, through services.claims."""

    model = Attendee
    fields = ("entity", "name", "role", "status", "evidence_note", "order")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    """Evidence is edited on the desk's claim page, through services.sources (history, version, corrections)."""

    model = Evidence
    fields = ("source", "stance", "passage", "estimate_value", "estimate_lower", "estimate_upper", "passage_found")
    readonly_fields = fields
    show_change_link = True


class ClaimEventInline(ReadOnlyInline):
    model = ClaimEvent
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


#: The claim fields the admin edits, all through services.claims.update_claim; the rest are read-only here.
CLAIM_EDITABLE = (
    "kind",
    "statement",
    "statement_language",
    "statement_en",
    "claimant",
    "claimant_entity",
    "claimed_on",
    "details",
)


class ClaimAdminForm(forms.ModelForm):
    # The version the editor read: update_claim refuses the save if someone changed the claim since.
    read_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Claim
        fields = (*CLAIM_EDITABLE, "entities")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["read_version"].initial = self.instance.version


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = ("id", "statement", "kind", "status", "verdict", "anchor", "article", "updated_at")
    list_filter = ("status", "verdict", "kind", "anchor")
    search_fields = ("statement", "statement_en", "exact", "claimant", "search_text")
    autocomplete_fields = ("claimant_entity", "entities")
    fields = ("read_version", *CLAIM_EDITABLE, "entities", "article")
    readonly_fields = (
        "article",
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
        "public_text_authors",
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

    def get_fields(self, request, obj=None):
        editable = self.fields if obj is None or not obj.is_public else self.fields[1:]  # no version to send back
        return (*editable, *(name for name in self.readonly_fields if name != "article"))

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)  # one at a time, each through delete_claim with the version read
        return actions

    def has_add_permission(self, request):
        return False  # a claim is a quote of an article's text: made on the desk, where the text can be selected

    def has_change_permission(self, request, obj=None):
        # Published claims change through a correction in the desk, which records what changed and why.
        if obj is not None and obj.is_public:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_public:
            return False  # retracted instead, so readers see what happened
        return super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The service refuses what the form cannot know about (a concurrent edit, a rule of the claim's kind): the
        # admin's transaction is rolled back and the editor is told why, on the claim as it is now.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ClaimInvalid, ClaimLocked, StaleVersion) as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        changes = {name: data[name] for name in CLAIM_EDITABLE}
        entities = list(data["entities"]) if "entities" in form.changed_data else None
        update_claim(claim_id=obj.pk, by=request.user, version=data["read_version"], entities=entities, **changes)

    def save_related(self, request, form, formsets, change):
        # Not form.save_m2m(): update_claim set the entities. The inlines are read-only, so this saves nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        # Deleted a moment ago by someone else (ClaimGone): what the admin asked for is done.
        with suppress(ClaimGone):
            delete_claim(claim=obj, by=request.user, version=obj.version)

    def delete_queryset(self, request, queryset):
        for claim in queryset:
            self.delete_model(request, claim)


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyAdmin):
    list_display = ("claim", "at", "actor", "action", "from_status", "to_status", "to_verdict")
    list_filter = ("action", "to_status")
    search_fields = ("comment", "public_note")


def _decide_action(same: bool, label: str):
    def action(modeladmin, request, queryset):
        for link in queryset:
            decide_link(link=link, by=request.user, same=same)
        modeladmin.message_user(request, f"{label}: {len(queryset)} link(s).", messages.SUCCESS)

    action.__name__ = "confirm_same" if same else "dismiss"
    action.short_description = label  # type: ignore[attr-defined]  # the admin reads it; Callable has no such attribute
    return action


@admin.register(ClaimLink)
class ClaimLinkAdmin(ReadOnlyAdmin):
    """Suggested by the matcher; decided (here by the actions, on the desk in the similar-claims panel) only
    through services.matching.decide_link, which records who decided and when."""

    list_display = ("from_claim", "to_claim", "state", "score", "decided_by", "decided_at")
    list_filter = ("state",)
    actions = [_decide_action(True, "Confirm: the same claim"), _decide_action(False, "Dismiss: not the same")]


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


class CaptureInline(ReadOnlyInline):
    model = Capture
    fields = ("queued_at", "state", "http_status", "final_url", "sha256", "changed", "gone", "error")
    readonly_fields = fields
    show_change_link = True


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
    """Added through services.sources.find_or_create_source (one source per normalized URL, captured at once), as
    on the desk; the admin then corrects what describes one, through update_source, until a published claim cites
    it. One never captured nor cited may be deleted (captures and evidence protect it)."""

    form = SourceAdminForm
    list_display = ("__str__", "kind", "publisher", "health", "next_check_at", "created_at")
    list_filter = ("kind", "health")
    search_fields = ("url", "title", "publisher", "note")
    fields = ("kind", "publisher", "title", "note", "document", "url", "original_url")
    readonly_fields = ("url", "original_url", "latest_capture", "health", "next_check_at", "created_by", "created_at")
    inlines = [CaptureInline]

    def get_fields(self, request, obj=None):
        return (*self.fields, *(name for name in self.readonly_fields if name not in self.fields))

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # the URL is given once, when the source is added; the service normalizes it
            return tuple(name for name in self.readonly_fields if name != "url")
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # Readers see a published claim's sources: what they saw changes only through a correction on the desk.
        if obj is not None and obj.evidence.filter(claim__in=Claim.objects.published()).exists():
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except SourceInvalid as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return HttpResponseRedirect(request.path)

    def save_model(self, request, obj, form, change):
        if change:
            update_source(source=obj)
            return
        document = form.cleaned_data.get("document")
        source, created = find_or_create_source(
            url=obj.url,
            by=request.user,
            kind=obj.kind,
            publisher=obj.publisher,
            title=obj.title,
            note=obj.note,
            document=document if isinstance(document, UploadedFile) else None,
        )
        obj.pk, obj._state.adding = source.pk, False
        if not created:
            self.message_user(request, f"{source.url} already had a source: nothing was added.", messages.WARNING)


@admin.register(Capture)
class CaptureAdmin(ReadOnlyAdmin):
    """What the worker fetched: made by services.captures, never edited."""

    list_display = ("requested_url", "state", "http_status", "changed", "gone", "queued_at", "fetched_at")
    list_filter = ("state", "changed", "gone")
    search_fields = ("requested_url", "final_url", "title")


@admin.register(CaptureImage)
class CaptureImageAdmin(ReadOnlyAdmin):
    """An image source's facts, read by the capture job (claims.fetching.images): its digests, hashes and EXIF."""

    list_display = ("capture_id", "sha256", "phash", "width", "height", "format", "created_at")
    list_filter = ("format",)
    search_fields = ("sha256", "phash", "capture__requested_url")


@admin.register(CapturePost)
class CapturePostAdmin(ReadOnlyAdmin):
    """A social post's metadata, read by the capture job (claims.fetching.social), or why the platform gave none."""

    list_display = ("capture_id", "platform", "author", "title")
    list_filter = ("platform",)
    search_fields = ("text", "author", "title", "capture__requested_url")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    """Read-only: evidence is added and edited on the desk's claim page, through the services, where a change to
    a published claim becomes a public correction with its note and the cached pages are dropped."""

    list_display = ("claim", "source", "stance", "passage_found", "estimate_value")
    list_filter = ("stance", "passage_found")
    search_fields = ("passage", "note", "source__url", "claim__statement")


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """About, methodology and the like are written here; services.pages drops the public pages' cached copies."""

    list_display = ("slug", "language", "title", "updated_at")
    list_filter = ("language",)

    def save_model(self, request, obj, form, change):
        save_page(page=obj)

    def delete_model(self, request, obj):
        delete_pages(pages=[obj])

    def delete_queryset(self, request, queryset):
        delete_pages(pages=queryset)


# The team desk's records, for the back office to look at. Each is written by its own desk page and service, with
# rules the admin's forms would skip (mentions told, comment tombstones, webhook addresses checked against the
# fetch guard, series members proposed and decided), so here they are read-only.


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("id", "author", "claim", "article", "anchor", "created_at", "deleted_at")
    list_filter = ("anchor",)
    search_fields = ("body",)
    list_select_related = ("author", "claim", "article")
    exclude = ("mentions",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("id", "recipient", "event", "subject_title", "read", "email", "created_at", "emailed_at")
    list_filter = ("event", "read", "email")
    list_select_related = ("recipient",)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("claim", "reason", "sent_on", "user")
    list_filter = ("reason",)
    list_select_related = ("claim", "user")


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    """Registered and edited by desk admins at /desk/webhooks/; the signing secret is never shown here."""

    list_display = ("url", "active", "failures_in_row", "disabled_at", "created_by", "created_at")
    list_filter = ("active",)
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("id", "webhook", "event", "claim_id", "state", "created_at")
    list_filter = ("state", "event")
    list_select_related = ("webhook",)


@admin.register(ThirdPartyCopy)
class ThirdPartyCopyAdmin(ReadOnlyAdmin):
    """Asked for by the capture jobs when the desk turns third-party copies on (claims.services.third_party)."""

    list_display = ("id", "capture_id", "service", "state", "url", "tries", "requested_at", "finished_at")
    list_filter = ("state",)


@admin.register(Feed)
class FeedAdmin(ReadOnlyAdmin):
    """Added, changed, paused and polled at /desk/feeds/ (claims.services.feeds); shown here with its health."""

    list_display = ("__str__", "url", "kind", "active", "interval_minutes", "last_success_at", "last_error_at")
    list_filter = ("active", "kind")
    search_fields = ("name", "url")


@admin.register(FeedEntry)
class FeedEntryAdmin(ReadOnlyAdmin):
    list_display = ("url", "feed", "kept", "inbox_item", "created_at")
    list_filter = ("kept",)
    list_select_related = ("feed", "inbox_item")
    search_fields = ("url", "title")


@admin.register(InboxItem)
class InboxItemAdmin(ReadOnlyAdmin):
    """Taken and dismissed at /desk/inbox/ (claims.services.inbox)."""

    list_display = ("__str__", "state", "copies", "decided_by", "created_at")
    list_filter = ("state",)
    list_select_related = ("decided_by",)
    search_fields = ("title", "canonical_url")


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "unit", "entity", "updated_at")
    search_fields = ("name", "slug", "subject")
    list_select_related = ("entity",)


@admin.register(SeriesMember)
class SeriesMemberAdmin(ReadOnlyAdmin):
    list_display = ("series", "claim", "state")
    list_filter = ("state",)
    list_select_related = ("series", "claim")


class DeskSettingsForm(forms.ModelForm):
    class Meta:
        model = DeskSettings
        fields = ["age_limits", "reminders_enabled"]
        help_texts = {"age_limits": "Days per status, e.g. " + ", ".join(f'"{s}": 7' for s in AGED_STATUSES)}


@admin.register(DeskSettings)
class DeskSettingsAdmin(admin.ModelAdmin):
    """The one row of desk settings, saved through the service (it checks the days); admins also edit it in the
    desk (/desk/settings/)."""

    form = DeskSettingsForm
    list_display = ("__str__", "reminders_enabled", "updated_at")

    def has_add_permission(self, request):
        return not DeskSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            saved = update_desk_settings(
                by=request.user, age_limits=obj.age_limits or {}, reminders_enabled=obj.reminders_enabled
            )
        except Invalid as exc:
            messages.error(request, str(exc))
            return
        obj.pk = saved.pk


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Topics; made and deleted through the service (slugs keep Arabic letters; deleting refreshes public pages)."""

    list_display = ("name", "slug", "created_at")
    search_fields = ("name", "slug")
    fields = ("name",)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        tag, _created = find_or_create_tag(name=obj.name, by=request.user)
        obj.pk = tag.pk

    def delete_model(self, request, obj):
        delete_tag(tag=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            delete_tag(tag=tag, by=request.user)
