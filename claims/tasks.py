"""Celery tasks: thin wrappers that take an id, reload the row and call a service. State lives in the database."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True)
def reanchor_article(article_id: int, revision_id: int) -> dict:
    """Re-anchor an article's claims to a new revision (large articles; small ones re-anchor inline).

    Safe to run twice: claims already on ``revision_id`` are skipped.
    """
    from claims.models import ArticleRevision
    from claims.services.articles import reanchor_claims

    revision = ArticleRevision.objects.filter(pk=revision_id, article_id=article_id).first()
    if revision is None:
        log.warning("revision %s of article %s is gone; nothing to re-anchor", revision_id, article_id)
        return {}
    return reanchor_claims(revision=revision)


@shared_task(acks_late=True)
def capture_source(capture_id: int) -> None:
    from claims.services.captures import run_capture

    run_capture(capture_id=capture_id)


@shared_task(acks_late=True)
def fetch_article(article_id: int) -> None:
    from claims.services.captures import import_article_from_url

    import_article_from_url(article_id=article_id)


@shared_task(acks_late=True)
def check_evidence_passage(evidence_id: int) -> None:
    from claims.services.captures import check_passage

    check_passage(evidence_id=evidence_id)
