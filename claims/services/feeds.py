"""Monitored feeds: publishers' RSS, Atom and news-sitemap feeds polled on each one's interval. Beat's sweep
claims the due feeds (compare-and-swap on ``last_polled_at``) and queues one poll each; the poll fetches the
feed through the safe client under the per-host limits, conditionally (ETag, Last-Modified: a 304 costs
nothing), reads it (claims.feeds), and imports each new item that passes the feed's filters as an article
(services.articles.create_article, the same path as a pasted or fetched article) filed in the inbox
(services.inbox: one item per story). Every failure is kept on the feed in plain words; a feed is never
stopped silently: it is tried again at its next interval.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import syndication
from claims.arabic import normalize
from claims.feeds import FeedItem, NotAFeed, ParsedFeed, parse_feed
from claims.fetching import reasons as R
from claims.fetching.client import DEFAULT_CONTENT_TYPES, FetchResult, fetch
from claims.fetching.errors import FetchError
from claims.fetching.host_slots import HostBusy, SlotsUnavailable, host_slot
from claims.fetching.reasons import reason
from claims.models import ArticleRevision, Entity, Feed, FeedEntry
from claims.services import inbox, schedules
from claims.services.articles import create_article
from claims.services.captures import SLOTS_RETRY_SECONDS, RetryLater, fetch_policy
from claims.services.errors import Invalid

log = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
PERMANENT_REDIRECTS = (301, 308)
MIN_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES = schedules.MIN_INTERVAL_MINUTES, schedules.MAX_INTERVAL_MINUTES
#: Items per day on the health line: the kept items of this many days, averaged.
RATE_DAYS = 7
MAX_KEYWORDS = 100


class FeedRefused(schedules.Refused):
    pass


# --- the desk's feeds ---------------------------------------------------------------------------------------


def add_feed(
    *,
    url: str,
    by: User,
    name: str = "",
    interval_minutes: int = 30,
    keywords: str = "",
    entities: Iterable[Entity] = (),
    active: bool = True,
) -> Feed:
    """Subscribe to a feed; refused (in plain words) when the fetch guard would never reach it. Its kind (RSS,
    Atom, sitemap) is read from what it serves at the first poll, queued at once when active."""
    url = schedules.checked_url(url, FeedRefused)
    if Feed.objects.filter(url=url).exists():
        raise FeedRefused("url", _("This feed is monitored already."))
    with transaction.atomic():
        feed = Feed.objects.create(
            url=url,
            name=name.strip()[:200],
            interval_minutes=schedules.checked_interval(interval_minutes, FeedRefused),
            keywords=_checked_keywords(keywords),
            active=active,
            created_by=by,
        )
        feed.entities.set(list(entities))
        if active:
            poll_now(feed=feed)
    return feed


def update_feed(
    *,
    feed: Feed,
    active: bool | None = None,
    interval_minutes: int | None = None,
    name: str | None = None,
    keywords: str | None = None,
    entities: Iterable[Entity] | None = None,
) -> Feed:
    """Pause or resume, change the interval, name or filters. Resuming polls at the next sweep."""
    fields = []
    if active is not None and active != feed.active:
        feed.active = active
        fields.append("active")
    if interval_minutes is not None:
        feed.interval_minutes = schedules.checked_interval(interval_minutes, FeedRefused)
        fields.append("interval_minutes")
    if name is not None:
        feed.name = name.strip()[:200]
        fields.append("name")
    if keywords is not None:
        feed.keywords = _checked_keywords(keywords)
        fields.append("keywords")
    with transaction.atomic():
        if fields:
            feed.save(update_fields=fields)
        if entities is not None:
            feed.entities.set(list(entities))
    return feed


def delete_feed(*, feed: Feed) -> None:
    """Stop monitoring a feed. Its inbox items and articles stay: the desk may be working on them."""
    feed.delete()


def poll_now(*, feed: Feed) -> None:
    """Queue a poll at once, whatever its schedule (after the commit)."""
    schedules.queue_now(Feed, feed.pk, stamp="last_polled_at", task_name="poll_feed")


def sweep_feeds() -> int:
    """Queue every active feed whose interval has passed (each once, however many sweeps run)."""
    return schedules.queue_due(Feed, stamp="last_polled_at", task_name="poll_feed")


def with_health(feeds: QuerySet[Feed]) -> QuerySet[Feed]:
    """The feeds with ``items_recent``: items kept in the last RATE_DAYS days (one query with the list)."""
    since = timezone.now() - timedelta(days=RATE_DAYS)
    return feeds.annotate(items_recent=Count("entries", filter=Q(entries__kept=True, entries__created_at__gte=since)))


def items_per_day(feed: Feed) -> float:
    recent = getattr(feed, "items_recent", None)
    if recent is None:
        since = timezone.now() - timedelta(days=RATE_DAYS)
        recent = feed.entries.filter(kept=True, created_at__gte=since).count()
    return round(recent / RATE_DAYS, 1)


# --- one poll -----------------------------------------------------------------------------------------------


def run_poll(*, feed_id: int) -> Feed | None:
    """Poll one feed now; raises RetryLater when the host's politeness slots are all taken."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None or not feed.active:
        return feed
    counts = {"read": 0, "new": 0, "kept": 0, "filtered": 0, "duplicates": 0, "failed": 0, "not_modified": 0}
    try:
        result = _fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        _follow_move(feed, result)
        if result.status == 304:
            counts["not_modified"] = 1
            return _finish(feed, counts, result=result, error="")
        parsed = _read(result)
    except (HostBusy, SlotsUnavailable) as exc:
        delay = exc.delay if isinstance(exc, HostBusy) else SLOTS_RETRY_SECONDS
        raise RetryLater(delay, str(exc)) from exc
    except FetchError as exc:
        return _finish(feed, counts, error=exc.reason)
    except NotAFeed as exc:
        return _finish(feed, counts, error=exc.reason)
    problems = _import_items(feed, parsed.items, counts)
    error = ""
    if problems:
        error = reason(R.FEED_ITEMS_FAILED, failed=len(problems), items=counts["new"], reason=problems[0])
    return _finish(feed, counts, result=result, error=error, kind=parsed.kind)


def _fetch(url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
    policy = replace(fetch_policy(), allowed_content_types=DEFAULT_CONTENT_TYPES + FEED_TYPES)
    with host_slot(_host(url)):
        return fetch(url, policy, etag=etag, last_modified=last_modified)


def _follow_move(feed: Feed, result: FetchResult) -> None:
    """A feed that moved for good (301 or 308 from its own address on) is polled at its new address from now
    on, and its health says so. A temporary redirect (302, 307) changes nothing."""
    moved = ""
    for hop in result.redirect_chain:
        if len(hop) == 2 and hop[1] in PERMANENT_REDIRECTS:
            moved = result.final_url
            continue
        moved = ""
        break
    if not moved or moved == feed.url:
        return
    if Feed.objects.filter(url=moved).exclude(pk=feed.pk).exists():
        # The desk monitors the new address already: keep this one as it is, the health shows where it went.
        Feed.objects.filter(pk=feed.pk).update(moved_to=moved, moved_at=timezone.now())
    else:
        Feed.objects.filter(pk=feed.pk).update(url=moved, moved_to=moved, moved_at=timezone.now(), etag="")
        feed.url = moved
    feed.moved_to = moved
    log.info("feed %s moved for good to %s", feed.pk, moved)


def _read(result: FetchResult) -> ParsedFeed:
    """The feed's items; a sitemap index's first FEED_MAX_SITEMAPS_PER_POLL sitemaps' items."""
    limit = settings.FEED_MAX_ITEMS_PER_POLL
    content_type = result.headers.get("content-type", "")
    parsed = parse_feed(result.body, result.final_url, content_type=content_type, max_items=limit)
    for url in parsed.sitemaps[: settings.FEED_MAX_SITEMAPS_PER_POLL]:
        child = _fetch(url)
        found = parse_feed(child.body, child.final_url, content_type=child.headers.get("content-type", ""))
        parsed.items.extend(found.items[: limit - len(parsed.items)])
        if len(parsed.items) >= limit:
            break
    return parsed


def _finish(
    feed: Feed,
    counts: dict[str, int],
    *,
    error: str,
    result: FetchResult | None = None,
    kind: str = "",
) -> Feed:
    """Keep the poll's outcome on the feed. `result` None: the poll failed (a fetch error or not a feed)."""
    now = timezone.now()
    updates: dict[str, Any] = {"last_counts": counts, "last_error": error}
    if result is not None:
        updates["last_success_at"] = now
        # A 304 may repeat the validators or leave them out: the ones we sent still hold then.
        if result.headers.get("etag") or result.status != 304:
            updates["etag"] = result.headers.get("etag", "")[:500]
        if result.headers.get("last-modified") or result.status != 304:
            updates["last_modified"] = result.headers.get("last-modified", "")[:100]
    if kind:
        updates["kind"] = kind
    if error:
        updates["last_error_at"] = now
        log.info("poll of feed %s (%s): %s", feed.pk, feed.url, error)
    Feed.objects.filter(pk=feed.pk).update(items_total=F("items_total") + counts["kept"], **updates)
    feed.refresh_from_db()
    return feed


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# --- importing the new items --------------------------------------------------------------------------------


def _import_items(feed: Feed, items: list[FeedItem], counts: dict[str, int]) -> list[str]:
    """Import each item not seen before (one FeedEntry per item key); the problems, in plain words."""
    counts["read"] = len(items)
    keyed = {_key(item): item for item in items}
    seen = set(FeedEntry.objects.filter(feed=feed, key__in=list(keyed)).values_list("key", flat=True))
    terms = filter_terms(feed)
    problems: list[str] = []
    # Oldest first, so the inbox (newest first) lists a feed's items in its own order.
    for key, item in reversed(list(keyed.items())):
        if key in seen:
            continue
        counts["new"] += 1
        kept = mentions_any(item, terms)
        try:
            outcome = _import_item(feed, item, key, kept)
        except (Invalid, FetchError) as exc:
            counts["failed"] += 1
            problems.append(f"{item.url or item.title}: {getattr(exc, 'reason', None) or exc}")
            continue
        if outcome:
            counts[outcome] += 1
    return problems


@transaction.atomic
def _import_item(feed: Feed, item: FeedItem, key: str, kept: bool) -> str:
    """One new item: "filtered", "duplicates" (a copy of a story in the inbox), "kept", or "" when another poll
    of the same feed recorded it first."""
    try:
        with transaction.atomic():
            entry = FeedEntry.objects.create(
                feed=feed,
                key=key,
                url=item.url,
                title=item.title,
                kept=kept,
                author=item.author,
                published_at=item.published,
            )
    except IntegrityError:  # two polls of one feed at once: the other recorded it
        return ""
    if not kept:
        return "filtered"
    inbox.lock_filing()
    canonical = syndication.canonical_url(item.url)
    text = item.text or ("" if item.url else item.summary)
    fingerprint = syndication.fingerprint(text) if text else None
    story = inbox.find_story(canonical_url=canonical, fingerprint=fingerprint)
    if story is not None:
        inbox.join_story(story=story, entry=entry)
        return "duplicates"
    article = create_article(
        title=item.title,
        text=text,
        url=item.url,
        publisher=feed.name or entry.site,
        published_at=item.published.date() if item.published else None,
        origin=ArticleRevision.Origin.FEED,
        by=feed.created_by,
    )
    FeedEntry.objects.filter(pk=entry.pk).update(article=article)
    entry.article = article
    if text:
        inbox.new_story(article=article, entry=entry, canonical_url=canonical, fingerprint=fingerprint)
    # Only a summary: the URL import job (queued by create_article) fetches the page, extracts its text, date
    # and author, and files it in the inbox then (services.inbox.file_fetched_article).
    return "kept"


def _key(item: FeedItem) -> str:
    return hashlib.sha256(item.key.encode("utf-8")).hexdigest()


# --- filters ------------------------------------------------------------------------------------------------


def filter_terms(feed: Feed) -> list[str]:
    """The feed's keywords and its entities' names and aliases, normalized; empty: every item is kept."""
    terms = list(feed.keyword_list)
    for entity in feed.entities.all():
        terms.append(entity.name)
        terms.extend(str(name) for name in (entity.names or {}).values() if name)
        terms.extend(str(alias) for alias in (entity.aliases or []) if alias)
    return sorted({normalized for term in terms if (normalized := normalize(term))})


def mentions_any(item: FeedItem, terms: list[str]) -> bool:
    """Whether the item's title, summary or text mentions any term. Terms match inside words, as Arabic
    attaches prefixes (و، ب، ل، ال) to names: حفتر matches ولحفتر."""
    if not terms:
        return True
    haystack = normalize(f"{item.title}\n{item.summary}\n{item.text}")
    return any(term in haystack for term in terms)


# --- checks -------------------------------------------------------------------------------------------------


def entities_named(text: str) -> list[Entity]:
    """The entities a desk member listed, one a line: each by its number, its name or an alias (as the series
    form finds them). Refused, naming the line, when one is not on file."""
    found: list[Entity] = []
    for line in (line.strip() for line in (text or "").splitlines()):
        if not line:
            continue
        by_number = Entity.objects.filter(pk=int(line)) if line.isdigit() else Entity.objects.none()
        key = normalize(line)
        entity = by_number.first() or Entity.objects.filter(search_text__contains=key).order_by("pk").first()
        if entity is None:
            raise FeedRefused("entities", _("No entity on file has this name or number: %(name)s") % {"name": line})
        if entity not in found:
            found.append(entity)
    return found


def _checked_keywords(keywords: str) -> str:
    lines = [line.strip() for line in (keywords or "").splitlines() if line.strip()]
    if len(lines) > MAX_KEYWORDS or any(len(line) > 200 for line in lines):
        raise FeedRefused(
            "keywords", _("Give at most %(count)d keywords, one a line, each under 200 characters.") % {"count": 100}
        )
    return "\n".join(lines)
