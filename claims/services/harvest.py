"""Harvesting other fact-checkers' ClaimReview on a schedule: a source is one fact-check page or a feed listing
them. Beat's sweep claims the due sources (compare-and-swap on ``last_run_at``) and queues one task each; the
task fetches through the safe client under the per-host limits, reads the JSON-LD and imports it
(services.claimreview: idempotent by review URL). Every failure is kept on the source in plain words.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.fetching.client import DEFAULT_CONTENT_TYPES, FetchResult, fetch
from claims.fetching.decode import decode_html
from claims.fetching.errors import FetchError
from claims.fetching.host_slots import HostBusy, SlotsUnavailable, host_slot
from claims.harvest import NotAFeed, claimreview_nodes, feed_links
from claims.models import HarvestSource
from claims.services import schedules
from claims.services.captures import SLOTS_RETRY_SECONDS, RetryLater, fetch_policy
from claims.services.claimreview import import_claimreview

log = logging.getLogger(__name__)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
MIN_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES = schedules.MIN_INTERVAL_MINUTES, schedules.MAX_INTERVAL_MINUTES


class HarvestSourceRefused(schedules.Refused):
    pass


def add_harvest_source(
    *, url: str, kind: str, by: User, name: str = "", interval_minutes: int = 360, active: bool = True
) -> HarvestSource:
    """Register a page or feed to harvest; refused (in plain words) when the fetch guard would never reach it."""
    url = schedules.checked_url(url, HarvestSourceRefused)
    if kind not in HarvestSource.Kind.values:
        raise HarvestSourceRefused("kind", _("Choose whether the address is a fact-check page or a feed."))
    if HarvestSource.objects.filter(url=url).exists():
        raise HarvestSourceRefused("url", _("This address is harvested already."))
    source = HarvestSource.objects.create(
        url=url,
        kind=kind,
        name=name.strip()[:200],
        interval_minutes=schedules.checked_interval(interval_minutes, HarvestSourceRefused),
        active=active,
        created_by=by,
    )
    if active:
        harvest_now(source=source)
    return source


def update_harvest_source(
    *,
    source: HarvestSource,
    active: bool | None = None,
    interval_minutes: int | None = None,
    name: str | None = None,
) -> HarvestSource:
    """Pause or resume, change the interval or the name. Resuming harvests at the next sweep."""
    fields = []
    if active is not None and active != source.active:
        source.active = active
        fields.append("active")
    if interval_minutes is not None:
        source.interval_minutes = schedules.checked_interval(interval_minutes, HarvestSourceRefused)
        fields.append("interval_minutes")
    if name is not None:
        source.name = name.strip()[:200]
        fields.append("name")
    if fields:
        source.save(update_fields=fields)
    return source


def harvest_now(*, source: HarvestSource) -> None:
    """Queue a harvest at once, whatever its schedule (after the commit)."""
    schedules.queue_now(HarvestSource, source.pk, stamp="last_run_at", task_name="harvest_claimreview")


def sweep_harvest_sources() -> int:
    """Queue every active source whose interval has passed (each once, however many sweeps run)."""
    return schedules.queue_due(HarvestSource, stamp="last_run_at", task_name="harvest_claimreview")


def run_harvest(*, source_id: int) -> HarvestSource | None:
    """Harvest one source now; raises RetryLater when the host's politeness slots are all taken."""
    source = HarvestSource.objects.select_related("created_by").filter(pk=source_id).first()
    if source is None or not source.active:
        return source
    counts = {"pages": 0, "imported": 0, "updated": 0, "unchanged": 0, "error": 0, "pages_failed": 0}
    problems: list[str] = []
    try:
        if source.created_by is None:
            raise FetchError(_("The person who added this source no longer has an account; add it again."))
        if source.kind == HarvestSource.Kind.FEED:
            feed = _fetch(source.url, FEED_TYPES)
            pages = feed_links(feed.body, feed.final_url)[: settings.HARVEST_MAX_PAGES_PER_RUN]
            if not pages:
                raise FetchError(_("The feed lists no pages."))
        else:
            pages = [source.url]
        for url in pages:
            problem = _harvest_page(source, url, counts)
            if problem:
                problems.append(problem)
    except (HostBusy, SlotsUnavailable) as exc:
        delay = exc.delay if isinstance(exc, HostBusy) else SLOTS_RETRY_SECONDS
        raise RetryLater(delay, str(exc)) from exc
    except (FetchError, NotAFeed) as exc:
        return _finish(source, counts, error=getattr(exc, "reason", str(exc)), success=False)
    if source.kind == HarvestSource.Kind.PAGE and problems:
        return _finish(source, counts, error=problems[0], success=False)
    error = ""
    if problems:
        error = _("%(failed)d of %(pages)d pages could not be harvested; the first: %(reason)s") % {
            "failed": len(problems),
            "pages": len(pages),
            "reason": problems[0],
        }
    return _finish(source, counts, error=error, success=True)


def _harvest_page(source: HarvestSource, url: str, counts: dict[str, int]) -> str:
    """Import one page's ClaimReviews into `counts`; the problem in plain words, or ""."""
    counts["pages"] += 1
    try:
        with host_slot(_host(url)):
            page = fetch(url, fetch_policy())
    except FetchError as exc:
        counts["pages_failed"] += 1
        return f"{url}: {exc.reason}"
    html, _codec = decode_html(page.body, page.headers.get("content-type"))
    nodes = claimreview_nodes(html, page.final_url)
    if not nodes:
        counts["pages_failed"] += 1
        return _("%(url)s: the page has no ClaimReview markup (JSON-LD).") % {"url": url}
    assert source.created_by is not None  # run_harvest checked
    for outcome in import_claimreview(data=nodes, by=source.created_by, harvest_source=source):
        counts[outcome.outcome] += 1
    return ""


def _fetch(url: str, extra_types: tuple[str, ...]) -> FetchResult:
    policy = replace(fetch_policy(), allowed_content_types=DEFAULT_CONTENT_TYPES + extra_types)
    with host_slot(_host(url)):
        return fetch(url, policy)


def _finish(source: HarvestSource, counts: dict[str, int], *, error: str, success: bool) -> HarvestSource:
    now = timezone.now()
    updates: dict[str, object] = {"last_error": error, "last_counts": counts}
    if success:
        updates["last_success_at"] = now
    HarvestSource.objects.filter(pk=source.pk).update(reviews_total=F("reviews_total") + counts["imported"], **updates)
    if error:
        log.info("harvest of %s: %s", source.url, error)
    source.refresh_from_db()
    return source


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
