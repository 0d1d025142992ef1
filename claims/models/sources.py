"""Sources, their captures (what a fetch got) and the evidence linking a claim to a source."""

import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.querysets import BoundedCountQuerySet

STANCES = ["supports", "contradicts", "context"]
CAPTURE_STATES = ["queued", "fetching", "done", "failed"]
CAPTURE_MODES = ["plain", "browser"]
SOURCE_CAPTURE_MODES = ["auto", "plain", "browser"]
#: A capture queued or running: at most one per source (capture_one_in_flight); Capture.is_in_flight, .in_flight().
IN_FLIGHT_STATES = ["queued", "fetching"]
PASSAGE_STATES = ["unchecked", "found", "approximate", "not_found"]


def unguessable_name(folder: str, extension: str) -> str:
    """A stored file's name: 128 random bits, never an id or the uploader's file name, so a name cannot be
    guessed even where a web server were to expose the media folder. The folder says which field owns it."""
    return f"{folder}/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension}"


def document_name(instance, filename: str) -> str:
    return unguessable_name("documents", PurePosixPath(filename).suffix.lower())


def warc_name(instance, filename: str) -> str:
    return unguessable_name("warc", ".warc.gz")


def wacz_name(instance, filename: str) -> str:
    return unguessable_name("wacz", ".wacz")


def body_name(instance, filename: str) -> str:
    return unguessable_name("bodies", PurePosixPath(filename).suffix.lower())


def screenshot_name(instance, filename: str) -> str:
    return unguessable_name("screenshots", ".png")


def printed_name(instance, filename: str) -> str:
    return unguessable_name("printed", ".pdf")


class Source(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        OFFICIAL = "official", _("Official statement")
        REPORT = "report", _("Report")
        DATASET = "dataset", _("Dataset")
        SOCIAL = "social", _("Social post")
        MEDIA = "media", _("Photo / video")
        INTERVIEW = "interview", _("Interview")
        OTHER = "other", _("Other")

    class Health(models.TextChoices):
        UNKNOWN = "unknown", _("Not captured yet")
        OK = "ok", _("Live")
        CHANGED = "changed", _("Changed since the previous capture")
        GONE = "gone", _("Gone (link rot)")
        FAILED = "failed", _("Capture failed")
        OFFLINE = "offline", _("Offline document")

    class CaptureMode(models.TextChoices):
        AUTO = "auto", _("Automatic (a browser when the page needs one)")
        PLAIN = "plain", _("Plain fetch only")
        BROWSER = "browser", _("Always in a browser")

    url = models.URLField(max_length=2000, blank=True, help_text="Normalized URL; one source per URL.")
    original_url = models.URLField(max_length=2000, blank=True, help_text="The URL as the editor pasted it.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NEWS)
    publisher = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    document = models.FileField(upload_to=document_name, blank=True, db_index=True, help_text="An offline document.")
    note = models.TextField(blank=True, help_text="For offline sources: what it is, where it is kept.")
    health = models.CharField(max_length=8, choices=Health.choices, default=Health.UNKNOWN)
    latest_capture = models.ForeignKey("Capture", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    capture_mode = models.CharField(
        max_length=8,
        choices=CaptureMode.choices,
        default=CaptureMode.AUTO,
        help_text="How captures fetch the page: a plain fetch, a browser (screenshot, PDF, script-built pages), "
        "or a plain fetch followed by a browser when the page comes out empty.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BoundedCountQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~models.Q(url=""), name="source_url_unique"),
            models.CheckConstraint(
                condition=models.Q(capture_mode__in=SOURCE_CAPTURE_MODES), name="source_capture_mode_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(url="") | ~models.Q(title="") | ~models.Q(note="") | ~models.Q(document=""),
                name="source_has_url_or_description",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url or self.note[:60]

    def get_absolute_url(self) -> str:
        return reverse("desk:source", args=[self.pk])

    @property
    def is_offline(self) -> bool:
        return not self.url


class CaptureQuerySet(models.QuerySet["Capture"]):
    def in_flight(self) -> "CaptureQuerySet":
        """Captures queued or running: the one a source is waiting for, if any."""
        return self.filter(state__in=IN_FLIGHT_STATES)

    def public(self) -> "CaptureQuerySet":
        """The captures a reader may see: for each source a published claim cites, its latest successful
        capture, the one its archived-copy page shows. Everything else is the desk's."""
        from claims.models.claims import Claim

        latest = (
            Capture.objects.filter(source=models.OuterRef("source"), state=Capture.State.DONE)
            .order_by(models.F("fetched_at").desc(nulls_last=True), "-id")
            .values("pk")[:1]
        )
        cited = Evidence.objects.filter(source=models.OuterRef("source"), claim__in=Claim.objects.published())
        return self.filter(state=Capture.State.DONE, pk=models.Subquery(latest)).filter(models.Exists(cited))


class Capture(models.Model):
    """One fetch of a source. The job's state lives here; Celery is only the transport."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        FETCHING = "fetching", _("Fetching")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        PLAIN = "plain", _("Plain fetch")
        BROWSER = "browser", _("Browser")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="captures")
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.PLAIN)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    trigger = models.CharField(max_length=20, default="new", help_text="new, manual, schedule or sweeper.")
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    requested_url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000, blank=True)
    redirect_chain = models.JSONField(default=list, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=1000, blank=True)
    author = models.CharField(max_length=500, blank=True)
    published_at = models.DateField(null=True, blank=True, help_text="Original publication date.")
    modified_at = models.DateField(null=True, blank=True, help_text="Last update date, when the page has one.")
    description = models.TextField(blank=True)
    language = models.CharField(max_length=12, blank=True)
    text = models.TextField(blank=True)
    text_truncated = models.BooleanField(
        default=False, help_text="The page was too long to read whole: the text stops early; the WARC has it all."
    )
    warc = models.FileField(upload_to=warc_name, blank=True, db_index=True)
    #: SHA-256 of the stored WARC file's bytes (as downloaded), for anyone to check a copy against.
    warc_sha256 = models.CharField(max_length=64, blank=True)
    #: The same WARC packaged as WACZ (claims.fetching.wacz), with its own digest.
    wacz = models.FileField(upload_to=wacz_name, blank=True, db_index=True)
    wacz_sha256 = models.CharField(max_length=64, blank=True)
    #: A public web archive's own copy of the page, once it made one (ThirdPartyCopy holds the asking).
    third_party_url = models.URLField(max_length=2000, blank=True)
    body_file = models.FileField(upload_to=body_name, blank=True, db_index=True, help_text="The raw file (PDFs).")
    #: A browser capture's full-page PNG and printed PDF of the rendered page (claims.fetching.browser).
    screenshot = models.FileField(upload_to=screenshot_name, blank=True, db_index=True)
    pdf = models.FileField(upload_to=printed_name, blank=True, db_index=True)
    stopped_reason = models.TextField(
        blank=True, help_text="Why a browser capture stopped loading more of the page (a limit); empty when it did not."
    )
    error_class = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    changed = models.BooleanField(default=False, help_text="Content differs from the previous successful capture.")
    gone = models.BooleanField(default=False, help_text="The page is gone: 404/410, DNS failure, persistent 5xx.")
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)

    objects = CaptureQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-id"]
        get_latest_by = "queued_at"
        indexes = [models.Index(fields=["state", "queued_at"], name="capture_state_queued")]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=CAPTURE_STATES), name="capture_state_valid"),
            models.CheckConstraint(condition=models.Q(mode__in=CAPTURE_MODES), name="capture_mode_valid"),
            # Never fetch one source twice at once: at most one capture in flight per source.
            models.UniqueConstraint(
                fields=["source"], condition=models.Q(state__in=IN_FLIGHT_STATES), name="capture_one_in_flight"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_url} @ {self.queued_at:%Y-%m-%d %H:%M} ({self.state})"

    @property
    def is_in_flight(self) -> bool:
        return self.state in IN_FLIGHT_STATES

    @property
    def method(self) -> str:
        """The contract's name for the mode (PRODUCT.md): ``http`` for a plain fetch, ``browser``."""
        return "browser" if self.mode == self.Mode.BROWSER else "http"


class Evidence(models.Model):
    """A claim ↔ source link: the stance, the passage that matters, and for quantities the source's estimate."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        CONTRADICTS = "contradicts", _("Contradicts")
        CONTEXT = "context", _("Context")

    class PassageState(models.TextChoices):
        UNCHECKED = "unchecked", _("Not checked yet")
        FOUND = "found", _("Found in the capture")
        APPROXIMATE = "approximate", _("Found approximately")
        NOT_FOUND = "not_found", _("Not found in the capture")

    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=12, choices=Stance.choices, default=Stance.SUPPORTS)
    passage = models.TextField(blank=True, help_text="The passage of the source that matters, as quoted.")
    passage_language = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    estimate_value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    estimate_lower = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    estimate_upper = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    estimate_approximate = models.BooleanField(default=False)
    estimate_unit = models.CharField(max_length=100, blank=True)
    passage_found = models.CharField(max_length=12, choices=PassageState.choices, default=PassageState.UNCHECKED)
    passage_start = models.PositiveIntegerField(null=True, blank=True)
    passage_end = models.PositiveIntegerField(null=True, blank=True)
    passage_score = models.FloatField(null=True, blank=True)
    checked_capture = models.ForeignKey(Capture, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["claim", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="evidence_once_per_claim_source"),
            models.CheckConstraint(condition=models.Q(stance__in=STANCES), name="evidence_stance_valid"),
            models.CheckConstraint(condition=models.Q(passage_found__in=PASSAGE_STATES), name="evidence_passage_valid"),
            models.CheckConstraint(
                condition=(models.Q(estimate_value__isnull=True) | models.Q(estimate_value__gte=0))
                & (models.Q(estimate_lower__isnull=True) | models.Q(estimate_lower__gte=0))
                & (models.Q(estimate_upper__isnull=True) | models.Q(estimate_upper__gte=0)),
                name="evidence_estimate_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(estimate_lower__isnull=True)
                | models.Q(estimate_upper__isnull=True)
                | models.Q(estimate_lower__lte=models.F("estimate_upper")),
                name="evidence_estimate_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.stance} claim #{self.claim_id}"

    @property
    def has_estimate(self) -> bool:
        return any(v is not None for v in (self.estimate_value, self.estimate_lower, self.estimate_upper))

    @property
    def has_range(self) -> bool:
        """The estimate has a lower or an upper bound (shown as a range, "…" for the open end)."""
        return self.estimate_lower is not None or self.estimate_upper is not None


class ThirdPartyCopy(models.Model):
    """Asking a public web archive (Save Page Now) to keep its own copy of a captured page, when the desk turns it
    on (DeskSettings.third_party_copies): claims.services.third_party runs it, a step per task."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        PENDING = "pending", _("Being saved")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Failed")

    capture = models.OneToOneField(Capture, on_delete=models.CASCADE, related_name="third_party_copy")
    service = models.URLField(max_length=300, help_text="The archive asked, e.g. https://web.archive.org.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    job_id = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True, help_text="The archive's copy, once saved.")
    error = models.TextField(blank=True, help_text="Why it failed, or why the last try must be repeated.")
    tries = models.PositiveIntegerField(default=0, help_text="Calls made to the archive: asking, then checking.")
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "third-party copy"

    def __str__(self) -> str:
        return f"{self.service} copy of capture #{self.capture_id}: {self.state}"
