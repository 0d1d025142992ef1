"""Reader requests: a claim or a URL a reader asks the desk to check ("check this"), grouped with every later
request for the same thing and counted. Matched at once against published claims (claims.services.requests)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReaderRequestQuerySet(models.QuerySet["ReaderRequest"]):
    def open(self) -> "ReaderRequestQuerySet":
        return self.filter(state=ReaderRequest.State.OPEN)


class ReaderRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        DISMISSED = "dismissed", _("Dismissed")
        CLAIMED = "claimed", _("Taken on")

    class Channel(models.TextChoices):
        FORM = "form", _("Public form")
        API = "api", _("API")

    text = models.TextField(blank=True, help_text="What the reader wants checked, as they wrote it.")
    url = models.CharField(max_length=2000, blank=True, help_text="A page the reader wants checked, normalized.")
    #: The interface language the reader wrote from (the one to answer them in).
    language = models.CharField(max_length=8, default="en")
    #: What grouping compares: the SHA-256 of the normalized URL, or else of the normalized text
    #: (claims.services.requests.request_key); a digest, so a long Arabic text still fits a B-tree index.
    key = models.CharField(max_length=64, db_index=True)
    count = models.PositiveIntegerField(default=1, help_text="How many requests were grouped into this one.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.FORM)
    matched_claim = models.ForeignKey(
        "Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="reader_requests"
    )
    article = models.ForeignKey(
        "Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="reader_requests"
    )
    #: Internal: the readers' addresses, for the desk to answer; never shown publicly.
    contact_emails = models.JSONField(default=list, blank=True)
    #: Internal: those of contact_emails already written to with the published fact-check (each once).
    replied_emails = models.JSONField(default=list, blank=True)
    #: Internal: the desk's note on the request.
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = ReaderRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        constraints = [
            # One open request per key: a second reader asking the same thing is counted, not filed again.
            models.UniqueConstraint(fields=["key"], condition=Q(state="open"), name="reader_request_one_open_per_key"),
            models.CheckConstraint(condition=Q(count__gte=1), name="reader_request_count_positive"),
        ]

    def __str__(self) -> str:
        return (self.text or self.url)[:80]

    def get_absolute_url(self) -> str:
        return reverse("desk:request", args=[self.pk])
