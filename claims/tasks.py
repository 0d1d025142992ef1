"""Celery tasks: thin wrappers that take an id, reload the row and call a service. State lives in the database."""

import logging

from celery import shared_task

from claims.models import ArticleRevision
from claims.services.articles import reanchor_claims
from claims.services.assignments import send_reminders as send_claim_reminders
from claims.services.captures import (
    RetryLater,
    capture_time_limits,
    check_passage,
    import_article_from_url,
    run_capture,
    sweep_stuck_captures,
)
from claims.services.captures import schedule_recaptures as schedule
from claims.services.matching import run_similar

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
        run_capture(capture_id=capture_id)
    except RetryLater as exc:
        # Backoff with jitter, never sooner than the server's Retry-After; the attempt budget lives in the row.
        raise self.retry(countdown=exc.delay, exc=exc) from exc


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


@shared_task(soft_time_limit=300, time_limit=360)
def send_reminders() -> int:
    """Once a day (the beat schedule): remind of claims due tomorrow, overdue, or sat too long in a status. Safe to
    run again the same day: each claim, reason and day is reminded once."""
    return send_claim_reminders()
