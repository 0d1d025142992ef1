"""Quantity series: one named thing counted (Wagner personnel in Libya), and the quantity claims that count it.

A claim joins a series the way similar claims are linked: proposed by matching, then accepted or dismissed by an
editor; a decided membership is never proposed again (claims.services.series).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse

from claims.arabic import normalize


class Series(models.Model):
    slug = models.SlugField(max_length=80, unique=True, help_text="The public address: /series/<slug>/.")
    name = models.CharField(max_length=300, help_text="Display name in the desk's main language.")
    names = models.JSONField(default=dict, blank=True, help_text='Names by language, e.g. {"ar": "…", "en": "…"}.')
    subject = models.CharField(
        max_length=300, blank=True, help_text="What is counted, in the words claims use (matched against them)."
    )
    entity = models.ForeignKey(
        "Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="series", help_text="Who is counted."
    )
    unit = models.CharField(max_length=100, blank=True, help_text="e.g. fighters, dollars, percent")
    place = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True, help_text="For readers: what the series counts and how.")
    #: Names and subject, normalized (claims.arabic.normalize), for matching; set by save().
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = normalize(" ".join([self.subject, self.name, *self.names.values()]))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("desk:series", args=[self.pk])

    def public_path(self) -> str:
        return reverse("public:series", args=[self.slug])

    def name_in(self, language: str) -> str:
        return self.names.get(language) or self.name


class SeriesMemberQuerySet(models.QuerySet["SeriesMember"]):
    def accepted(self) -> "SeriesMemberQuerySet":
        return self.filter(state=SeriesMember.State.ACCEPTED)


class SeriesMember(models.Model):
    """A quantity claim in a series: proposed by matching, accepted or dismissed by an editor."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="members")
    claim = models.ForeignKey("Claim", on_delete=models.CASCADE, related_name="series_memberships")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    score = models.FloatField(default=0.0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeriesMemberQuerySet.as_manager()

    class Meta:
        ordering = ["series", "-score", "id"]
        indexes = [models.Index(fields=["series", "state"], name="series_member_state")]
        constraints = [
            models.UniqueConstraint(fields=["series", "claim"], name="series_member_once"),
            models.CheckConstraint(
                condition=models.Q(state__in=["proposed", "accepted", "dismissed"]), name="series_member_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0) & models.Q(score__lte=1), name="series_member_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id} ∋ {self.claim_id} ({self.state})"
