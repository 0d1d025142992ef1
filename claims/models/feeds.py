"""Monitored feeds and the inbox: publishers' RSS, Atom and news-sitemap feeds polled on a schedule, each item
seen once (FeedEntry), and the stories they bring waiting for the desk (InboxItem), one per story however many
sites carried it."""

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Feed(models.Model):
    class Kind(models.TextChoices):
        UNKNOWN = "", _("Not read yet")
        RSS = "rss", _("RSS")
        ATOM = "atom", _("Atom")
        SITEMAP = "sitemap", _("News sitemap")

    url = models.URLField(max_length=2000, unique=True)
    #: What the last successful poll found the address to serve (claims.feeds.KINDS).
    kind = models.CharField(max_length=8, choices=Kind.choices, blank=True, default=Kind.UNKNOWN)
    name = models.CharField(max_length=200, blank=True, help_text="Who publishes it, for the desk's list.")
    interval_minutes = models.PositiveIntegerField(default=30, help_text="How often it is polled.")
    active = models.BooleanField(default=True, help_text="Off: paused, not polled until switched on.")
    #: One term a line; an item is kept when its title or text mentions any of them (or of the entities').
    keywords = models.TextField(blank=True)
    entities: "models.ManyToManyField[Any, Any]" = models.ManyToManyField(
        "Entity", blank=True, related_name="feeds", help_text="Keep only items that name one of these."
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    #: Why the last poll failed, in plain words (a claims.fetching.reasons text, shown translated); "" when fine.
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    #: Where a permanent redirect (301, 308) sent the feed; its `url` is updated to it.
    moved_to = models.URLField(max_length=2000, blank=True)
    moved_at = models.DateTimeField(null=True, blank=True)
    #: Of the last poll: items read, new, kept, filtered out, duplicates, failed; and not_modified (304).
    last_counts = models.JSONField(default=dict, blank=True)
    items_total = models.PositiveIntegerField(default=0, help_text="Items imported from it, all polls.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "url", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(interval_minutes__gte=5), name="feed_interval_at_least_5_min"),
            models.CheckConstraint(condition=Q(kind__in=["", "rss", "atom", "sitemap"]), name="feed_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name or self.url

    def get_absolute_url(self) -> str:
        return reverse("desk:feed", args=[self.pk])

    def next_poll_at(self) -> datetime | None:
        if self.last_polled_at is None:
            return None
        return self.last_polled_at + timedelta(minutes=self.interval_minutes)

    @property
    def keyword_list(self) -> list[str]:
        return [line.strip() for line in self.keywords.splitlines() if line.strip()]


class InboxItem(models.Model):
    """One story waiting for the desk, with every copy of it the feeds brought (its entries)."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        TAKEN = "taken", _("Taken")
        DISMISSED = "dismissed", _("Dismissed")

    #: The first copy's article: the one the desk reads.
    article = models.OneToOneField("Article", on_delete=models.CASCADE, related_name="inbox_item")
    title = models.CharField(max_length=500, blank=True)
    canonical_url = models.URLField(max_length=2000, blank=True)
    #: sha256 of canonical_url (claims.syndication.url_key), indexed: a 2,000-character URL cannot be.
    url_key = models.CharField(max_length=64, blank=True, db_index=True)
    #: 64-bit simhash of the text (claims.syndication.fingerprint); null while the text is not there, or short.
    fingerprint = models.BigIntegerField(null=True, blank=True)
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    copies = models.PositiveIntegerField(default=1, help_text="How many feed items carried the story.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.NEW, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["new", "taken", "dismissed"]), name="inbox_state_valid")
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    def get_absolute_url(self) -> str:
        return reverse("desk:article", args=[self.article_id])


class FeedEntry(models.Model):
    """One item a feed listed, recorded the first time it is seen so that it is imported once."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    #: sha256 of the item's guid (or link): the key that makes polling idempotent.
    key = models.CharField(max_length=64)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    #: Kept: it passed the feed's filters and was imported; else it was seen and skipped.
    kept = models.BooleanField(default=True)
    #: The article made from it; null for a copy of a story already in the inbox, or a skipped item.
    article = models.ForeignKey(
        "Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_entries"
    )
    #: The story it is a copy of; null while its article's text is being fetched, or for a skipped item.
    inbox_item = models.ForeignKey(InboxItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries")
    #: The item's author as the feed or the page names it.
    author = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feed entries"
        constraints = [models.UniqueConstraint(fields=["feed", "key"], name="feed_entry_once")]

    def __str__(self) -> str:
        return self.url or self.key

    @property
    def site(self) -> str:
        """The host that carried this copy."""
        return urlsplit(self.url).netloc.lower().removeprefix("www.") if self.url else ""
