"""The fact-check memory filling itself: other fact-checkers' pages and feeds harvested on a schedule, each
review imported once (and updated when harvested again), and the desk's own decisions on ratings our scale
does not know."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class HarvestSource(models.Model):
    class Kind(models.TextChoices):
        PAGE = "page", "Fact-check page"
        FEED = "feed", "Feed of fact-check pages"

    url = models.URLField(max_length=2000, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FEED)
    name = models.CharField(max_length=200, blank=True, help_text="Who publishes it, for the desk's list.")
    interval_minutes = models.PositiveIntegerField(default=360, help_text="How often it is harvested.")
    active = models.BooleanField(default=True, help_text="Off: paused, not harvested until switched on.")
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    #: Why the last harvest failed, in plain words; "" when it went well.
    last_error = models.TextField(blank=True)
    #: Of the last run: pages read, reviews imported, updated, unchanged, and records or pages that failed.
    last_counts = models.JSONField(default=dict, blank=True)
    reviews_total = models.PositiveIntegerField(default=0, help_text="Reviews imported from it, all runs.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "url", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(interval_minutes__gte=5), name="harvest_interval_at_least_5_min")
        ]

    def __str__(self) -> str:
        return self.name or self.url

    def get_absolute_url(self) -> str:
        return reverse("desk:harvest-source", args=[self.pk])

    def next_run_at(self) -> datetime | None:
        if self.last_run_at is None:
            return None
        return self.last_run_at + timedelta(minutes=self.interval_minutes)


class HarvestedReview(models.Model):
    """One review by another desk as we imported it: the key that makes harvesting idempotent (its URL), and the
    rating kept in the mapping table's words so a later decision reaches every claim it rated."""

    review_url = models.URLField(max_length=2000, unique=True)
    claim = models.OneToOneField("Claim", on_delete=models.CASCADE, related_name="harvested_review")
    harvest_source = models.ForeignKey(
        HarvestSource, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    rating_text = models.CharField(max_length=1000, blank=True, help_text="As the other desk wrote it.")
    rating = models.CharField(max_length=200, blank=True, db_index=True, help_text="normalize_rating(rating_text)")
    publisher = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.review_url


class RatingMapping(models.Model):
    """A rating our built-in scale does not know, waiting for (or holding) a reviewer's decision."""

    rating = models.CharField(max_length=200, help_text="The rating's words, normalized (claims.claimreview_import).")
    publisher = models.CharField(max_length=300, blank=True, help_text="Only this publisher's rating; '' for all.")
    example = models.CharField(max_length=1000, blank=True, help_text="The rating as a publisher first wrote it.")
    seen = models.PositiveIntegerField(default=0, help_text="Reviews imported with this rating.")
    verdict = models.CharField(
        max_length=16, blank=True, help_text="A verdict id (claims.workflow.VERDICTS); '' undecided."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-seen", "rating", "id"]
        constraints = [models.UniqueConstraint(fields=["rating", "publisher"], name="rating_mapping_once")]

    def __str__(self) -> str:
        return self.rating
