"""Celery tasks: thin wrappers that take an id, reload the row and call a service. State lives in the database."""

import logging
import smtplib
from collections.abc import Callable
from typing import Any

from celery import shared_task

from claims.models import ArticleRevision
from claims.services.articles import reanchor_claims
from claims.services.assignments import send_reminders as send_claim_reminders
from claims.services.captures import (
    RetryLater,
    capture_time_limits,
    import_article_from_url,
    run_capture,
    sweep_stuck_captures,
)
from claims.services.captures import schedule_recaptures as schedule
from claims.services.feeds import run_poll
from claims.services.feeds import sweep_feeds as sweep_due_feeds
from claims.services.harvest import run_harvest
from claims.services.harvest import sweep_harvest_sources as sweep_harvests
from claims.services.matching import run_similar
from claims.services.notifications import queue_digests, send_digest, send_notification_email
from claims.services.proposal_memory import match_proposals as match_proposals_against_memory
from claims.services.requests import send_request_reply
from claims.services.series import propose_for_claim, propose_for_series
from claims.services.sources import check_passage
from claims.services.third_party import queue_copy as queue_third_party_copy
from claims.services.third_party import run_copy as run_third_party_copy
from claims.services.webhooks import deliver

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def reanchor_article(article_id: int, revision_id: int) -> dict:
    """Re-anchor an article's claims to a new revision (large articles; small ones re-anchor inline).

    Safe to run twice: claims already on ``revision_id`` are skipped.
    """
    revision = ArticleRevision.objects.filter(pk=revision_id, article_id=article_id).first()
    if revision is None:
        log.warning("revision %s of article %s is gone; nothing to re-anchor", revision_id, article_id)
        return {}
    return reanchor_claims(revision=revision)


_SOFT, _HARD = capture_time_limits()


# Capture jobs are safe to run twice (the Capture row is claimed by compare-and-swap), so the message is
# acknowledged only after the run and handed back to the broker if the worker process dies mid-capture.
@shared_task(  # type: ignore[call-overload]  # Celery takes float time limits; celery-types say int
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, soft_time_limit=_SOFT, time_limit=_HARD
)
def capture_source(self, capture_id: int) -> None:
    try:
        capture = run_capture(capture_id=capture_id)
    except RetryLater as exc:
        # Backoff with jitter, never sooner than the server's Retry-After; the attempt budget lives in the row.
        raise self.retry(countdown=exc.delay, exc=exc) from exc
    if capture is not None:
        queue_third_party_copy(capture)


_BROWSER_SOFT, _BROWSER_HARD = capture_time_limits("browser")


# A browser capture (claims/fetching/browser.py) is the same job as a plain one, on the browser queue with its own
# workers and longer limits; safe to run twice for the same reasons. An automatic follow-up of a plain capture asks
# no second third-party copy.
@shared_task(  # type: ignore[call-overload]  # Celery takes float time limits; celery-types say int
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
    soft_time_limit=_BROWSER_SOFT,
    time_limit=_BROWSER_HARD,
)
def capture_in_browser(self, capture_id: int) -> None:
    try:
        capture = run_capture(capture_id=capture_id)
    except RetryLater as exc:
        raise self.retry(countdown=exc.delay, exc=exc) from exc
    if capture is not None and capture.trigger != "auto":
        queue_third_party_copy(capture)


# Matching each new proposal against the fact-check memory; safe to run twice (a proposal is checked once).
@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def match_proposals(article_id: int) -> int:
    return match_proposals_against_memory(article_id=article_id)


# One step of a third-party copy (claims/services/third_party.py); its tries are counted in the row, so retrying
# without a Celery limit cannot loop for ever.
@shared_task(bind=True, acks_late=True, max_retries=None, soft_time_limit=120, time_limit=180)
def third_party_copy(self, copy_id: int) -> None:
    _copy, again_in = run_third_party_copy(copy_id=copy_id)
    if again_in is not None:
        raise self.retry(countdown=again_in)


@shared_task(  # type: ignore[call-overload]  # Celery takes float time limits; celery-types say int
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None, soft_time_limit=_SOFT, time_limit=_HARD
)
def fetch_article(self, article_id: int) -> None:
    try:
        import_article_from_url(article_id=article_id)
    except RetryLater as exc:
        raise self.retry(countdown=exc.delay, exc=exc) from exc


# Scoring is bounded per claim (claims/services/matching.py) and safe to run twice: it refreshes the same links.
@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def suggest_similar_claims(claim_id: int) -> int:
    return len(run_similar(claim_id=claim_id))


# Series proposals are bounded per run (claims/services/series.py) and safe to run twice: they refresh the same rows.
@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def propose_claim_series(claim_id: int) -> int:
    return len(propose_for_claim(claim_id=claim_id))


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def propose_series_members(series_id: int) -> int:
    return len(propose_for_series(series_id=series_id))


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def check_evidence_passage(evidence_id: int) -> None:
    check_passage(evidence_id=evidence_id)


# Periodic jobs run from beat; a run lost with its worker is simply done by the next one, so no acks_late.
@shared_task(soft_time_limit=120, time_limit=180)
def sweep_captures() -> int:
    return sweep_stuck_captures()


@shared_task(soft_time_limit=120, time_limit=180)
def schedule_recaptures() -> int:
    return schedule()


# Mail: an SMTP server refusing for now (4xx), hanging up or unreachable is retried with exponential backoff;
# the row's emailed_at keeps a retry that races a late success from sending twice.
MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


def mail_task(*, soft_time_limit: int, time_limit: int) -> Callable[[Callable[..., Any]], Any]:
    """A task that sends mail, retried on MAIL_ERRORS with exponential backoff and jitter."""
    return shared_task(
        autoretry_for=MAIL_ERRORS,
        retry_backoff=True,
        retry_backoff_max=600,
        retry_jitter=True,
        max_retries=6,
        soft_time_limit=soft_time_limit,
        time_limit=time_limit,
    )


@mail_task(soft_time_limit=60, time_limit=90)
def email_notification(notification_id: int) -> bool:
    return send_notification_email(notification_id=notification_id)


@mail_task(soft_time_limit=120, time_limit=180)
def email_digest(user_id: int) -> int:
    return send_digest(user_id=user_id)


@mail_task(soft_time_limit=120, time_limit=180)
def email_request_reply(request_id: int) -> int:
    return send_request_reply(request_id=request_id)


@shared_task(soft_time_limit=120, time_limit=180)
def send_digests() -> int:
    return queue_digests()


# One attempt per run; the attempt log and the retry budget live in the WebhookDelivery row.
@shared_task(bind=True, max_retries=None, soft_time_limit=60, time_limit=90)
def deliver_webhook(self, delivery_id: int) -> None:
    try:
        deliver(delivery_id=delivery_id)
    except RetryLater as exc:
        raise self.retry(countdown=exc.delay, exc=exc) from exc


@shared_task(soft_time_limit=300, time_limit=360)
def send_reminders() -> int:
    """Once a day (the beat schedule): remind of claims due tomorrow, overdue, or sat too long in a status. Safe to
    run again the same day: each claim, reason and day is reminded once."""
    return send_claim_reminders()


# A harvest is bounded (HARVEST_MAX_PAGES_PER_RUN pages, each under the fetch deadline) and safe to run twice:
# reviews are imported by their URL, so a second run updates the same rows.
@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=900, time_limit=960)
def harvest_claimreview(self, source_id: int) -> dict:
    try:
        source = run_harvest(source_id=source_id)
    except RetryLater as exc:
        raise self.retry(countdown=exc.delay, exc=exc) from exc
    return source.last_counts if source is not None else {}


@shared_task
def sweep_harvest_sources() -> int:
    return sweep_harvests()


# A poll is bounded (FEED_MAX_ITEMS_PER_POLL items, each fetch under the fetch deadline) and safe to run twice:
# each item is recorded once per feed (FeedEntry), so a second run imports nothing again.
@shared_task(bind=True, acks_late=True, max_retries=5, soft_time_limit=600, time_limit=660)
def poll_feed(self, feed_id: int) -> dict:
    try:
        feed = run_poll(feed_id=feed_id)
    except RetryLater as exc:
        raise self.retry(countdown=exc.delay, exc=exc) from exc
    return feed.last_counts if feed is not None else {}


@shared_task
def sweep_feeds() -> int:
    return sweep_due_feeds()
