"""Articles and their immutable text revisions: the text a claim points into never changes under it."""

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from claims.models.querysets import BoundedCountQuerySet

if TYPE_CHECKING:
    from claims.models.team import Tag


class Article(models.Model):
    class Direction(models.TextChoices):
        RTL = "rtl", _("Right to left")
        LTR = "ltr", _("Left to right")

    class ImportState(models.TextChoices):
        READY = "ready", _("Ready")
        FETCHING = "fetching", _("Fetching")
        FAILED = "failed", _("Fetch failed")

    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    language = models.CharField(max_length=12, default="ar", help_text="ISO 639-1 code, e.g. ar, en.")
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.RTL)
    published_at = models.DateField(null=True, blank=True, help_text="Publication date; resolves relative dates.")
    import_state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.READY)
    import_error = models.TextField(blank=True)
    current_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The revision readers see: set when a reviewer first publishes a claim on the article, moved forward only by
    #: a reviewer accepting a newer one (claims.services.articles.accept_revision). Published claims quote it.
    public_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    #: Who is processing it (importing, extracting claims); claims.services.assignments writes it.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_articles"
    )
    tags: "models.ManyToManyField[Tag, Any]" = models.ManyToManyField("Tag", blank=True, related_name="articles")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BoundedCountQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Public search reads the newest published articles first (bounded, claims.public.search): without it
            # each search sorted every article (0.2-0.4 s at 100,000 articles).
            models.Index(fields=["-published_at", "-id"], name="article_published_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(direction__in=["rtl", "ltr"]), name="article_direction_valid"),
            models.CheckConstraint(
                condition=models.Q(import_state__in=["ready", "fetching", "failed"]), name="article_import_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("desk:article", args=[self.pk])

    @property
    def text(self) -> str:
        return self.current_revision.text if self.current_revision is not None else ""

    @property
    def revision_number(self) -> int:
        return self.current_revision.number if self.current_revision is not None else 0

    @property
    def has_revision_under_review(self) -> bool:
        """A newer text than the one readers see waits for a reviewer to accept it."""
        return bool(self.public_revision_id) and self.current_revision_id != self.public_revision_id


class ArticleRevision(models.Model):
    class Origin(models.TextChoices):
        PASTE = "paste", _("Pasted")
        UPLOAD = "upload", _("Uploaded file")
        URL = "url", _("Fetched from URL")
        EDIT = "edit", _("Edited")
        DEMO = "demo", _("Demo loader")
        #: Another desk's ClaimReview: its claims are theirs, kept as researching drafts until we check them.
        CLAIMREVIEW = "imported", _("Imported ClaimReview")
        #: The text a monitored feed carried with its item (claims.services.feeds).
        FEED = "feed", _("From a monitored feed")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    sha256 = models.CharField(max_length=64, editable=False)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PASTE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique_per_article"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.article} r{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise ValueError("Article revisions are immutable; create the next revision instead.")
        self.sha256 = hashlib.sha256(self.text.encode("utf-8")).hexdigest()
        super().save(*args, **kwargs)
