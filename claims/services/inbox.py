"""The inbox: each story the monitored feeds bring, once however many sites carried it. A copy joins the story
already in the inbox when its canonical URL is the same, or its text is a near duplicate (claims.syndication);
otherwise it becomes a new inbox item. A desk member takes an item (to work on it) or dismisses it.

Called by the feed poll (a feed that carries the text) and by the URL import job, once the article's page has
been fetched (an item that carried only a summary): so the text is always there when duplicates are looked for.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import syndication
from claims.models import Article, FeedEntry, InboxItem
from claims.services.assignments import assign_article

log = logging.getLogger(__name__)

#: Candidates read for the near-duplicate comparison (the newest first, within FEED_DEDUP_DAYS).
MAX_CANDIDATES = 5000
#: The advisory lock that keeps two copies of one story, filed at once by two workers, from both becoming new.
FILING_LOCK = 0x1B0C5


class InboxRefused(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def find_story(*, canonical_url: str, fingerprint: int | None, now: datetime | None = None) -> InboxItem | None:
    """The inbox item already holding this story: same canonical URL, else the nearest text within the
    Hamming threshold among the last FEED_DEDUP_DAYS days' items."""
    if canonical_url:
        same = InboxItem.objects.filter(url_key=syndication.url_key(canonical_url)).order_by("id").first()
        if same is not None:
            return same
    if fingerprint is None:
        return None
    since = (now or timezone.now()) - timedelta(days=settings.FEED_DEDUP_DAYS)
    candidates = (
        InboxItem.objects.filter(created_at__gte=since, fingerprint__isnull=False)
        .order_by("-created_at", "-id")
        .values_list("pk", "fingerprint")[:MAX_CANDIDATES]
    )
    best: tuple[int, int] | None = None
    for pk, other in candidates:
        assert other is not None  # filtered above
        gap = syndication.distance(fingerprint, other)
        if gap <= syndication.HAMMING_THRESHOLD and (best is None or gap < best[0]):
            best = (gap, pk)
    return InboxItem.objects.get(pk=best[1]) if best else None


def lock_filing() -> None:
    """Serialize filing for the rest of the transaction (PostgreSQL; SQLite serializes writers already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FILING_LOCK])


def join_story(*, story: InboxItem, entry: FeedEntry) -> InboxItem:
    """Record `entry` as one more copy of `story`."""
    FeedEntry.objects.filter(pk=entry.pk).update(inbox_item=story)
    InboxItem.objects.filter(pk=story.pk).update(copies=F("copies") + 1)
    entry.inbox_item = story
    return story


def new_story(
    *, article: Article, entry: FeedEntry, canonical_url: str, fingerprint: int | None, author: str = ""
) -> InboxItem:
    story = InboxItem.objects.create(
        article=article,
        title=(entry.title or article.title)[:500],
        canonical_url=canonical_url[:2000],
        url_key=syndication.url_key(canonical_url),
        fingerprint=fingerprint,
        author=(author or entry.author)[:200],
        published_at=entry.published_at,
    )
    FeedEntry.objects.filter(pk=entry.pk).update(inbox_item=story)
    entry.inbox_item = story
    return story


@transaction.atomic
def file_fetched_article(*, article: Article, canonical_url: str = "", author: str = "") -> InboxItem | None:
    """The URL import job is done with `article` (its text fetched, or the fetch failed): when a feed item is
    waiting on it, file it in the inbox, as a copy of a story already there or as a new one. A failed fetch
    is filed too (by its link), so the desk sees the item and the article's reason, never nothing."""
    entry = (
        FeedEntry.objects.select_for_update().filter(article=article, inbox_item__isnull=True).order_by("id").first()
    )
    if entry is None:
        return None
    lock_filing()
    canonical = syndication.canonical_url(canonical_url) or syndication.canonical_url(entry.url)
    fingerprint = syndication.fingerprint(article.text) if article.text else None
    story = find_story(canonical_url=canonical, fingerprint=fingerprint)
    if author and not entry.author:
        FeedEntry.objects.filter(pk=entry.pk).update(author=author[:200])
        entry.author = author[:200]
    if story is not None and story.article_id != article.pk:
        return join_story(story=story, entry=entry)
    return new_story(article=article, entry=entry, canonical_url=canonical, fingerprint=fingerprint, author=author)


@transaction.atomic
def decide_inbox_item(*, item: InboxItem, state: str, by: User) -> InboxItem:
    """Take (the article is assigned to whoever takes it) or dismiss an inbox item, or put it back as new; who
    and when are kept."""
    if state not in InboxItem.State.values:
        raise InboxRefused(_("Choose whether to take the item, dismiss it or put it back as new."))
    item = InboxItem.objects.select_for_update().get(pk=item.pk)  # two editors deciding at once: the last wins
    item.state = state
    item.decided_by = None if state == InboxItem.State.NEW else by
    item.decided_at = None if state == InboxItem.State.NEW else timezone.now()
    item.save(update_fields=["state", "decided_by", "decided_at"])
    if state == InboxItem.State.TAKEN:
        assign_article(article=item.article, by=by, assignee=by)
    log.info("inbox item %s: %s by %s", item.pk, state, by.pk)
    return item
