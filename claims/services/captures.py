"""The capture jobs behind the Celery tasks: claim a queued capture, fetch it politely through the pure fetch
core, store what came back (or why not), check evidence passages, and keep sources under watch.

The job's state lives in the Capture row. A worker claims it with a conditional update (queued -> fetching with
a lease); a lease that ran out means the worker died, and the next run may claim it again. Every later write is
fenced by the attempt number it claimed, so a late worker cannot overwrite the one that took over.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from claims.arabic import detect_language, direction_for
from claims.fetching import browser, pipeline
from claims.fetching import reasons as R
from claims.fetching.client import DEFAULT_CONTENT_TYPES, FetchPolicy, retry_delay
from claims.fetching.errors import DNSFailure, FetchError, HTTPStatusError, Timeout
from claims.fetching.host_slots import HostBusy, SlotsUnavailable, host_slot
from claims.fetching.images import IMAGE_TYPES
from claims.fetching.reasons import reason
from claims.fetching.wacz import Packed, new_signing_key, public_key_fingerprint, write_wacz
from claims.models import Article, ArticleRevision, Capture, CaptureImage, Evidence, Source
from claims.services import events, images
from claims.services.articles import add_revision
from claims.services.inbox import file_fetched_article
from claims.services.queueing import send_task, task
from claims.services.sources import capture_task, check_passage_against, queue_capture

log = logging.getLogger(__name__)

GONE_STATUSES = (404, 410)
#: Responses whose raw file is kept beside the WARC (the original PDF or image), with the stored file's extension.
BODY_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
}
#: A queued capture with no lease is re-sent by the sweeper once it has waited this long (the broker lost it).
QUEUED_GRACE = timedelta(seconds=settings.SWEEP_QUEUED_GRACE_SECONDS)
RECENT_SOURCE = timedelta(days=14)
SCHEDULE_BATCH = 500
#: When Redis (the per-host limiter) cannot be reached, try again after this long.
SLOTS_RETRY_SECONDS = 10.0


class RetryLater(Exception):
    """The job should run again in `delay` seconds (a transient fetch error, or the host is busy)."""

    def __init__(self, delay: float, reason: str) -> None:
        super().__init__(reason)
        self.delay = delay
        self.reason = reason


def fetch_policy() -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.FETCH_USER_AGENT,
        connect_timeout=settings.FETCH_CONNECT_TIMEOUT,
        read_timeout=settings.FETCH_READ_TIMEOUT,
        total_timeout=settings.FETCH_TOTAL_TIMEOUT,
        max_bytes=settings.FETCH_MAX_BYTES,
        extract_max_chars=settings.FETCH_EXTRACT_MAX_CHARS,
        max_redirects=settings.FETCH_MAX_REDIRECTS,
        allowed_networks=tuple(settings.FETCH_ALLOWED_NETWORKS),
        allowed_ports=tuple(settings.FETCH_ALLOWED_PORTS),
    )


def browser_limits() -> browser.BrowserLimits:
    return browser.BrowserLimits(
        total_timeout=settings.BROWSER_TOTAL_TIMEOUT,
        load_timeout=settings.BROWSER_LOAD_TIMEOUT,
        settle_ms=settings.BROWSER_SETTLE_MS,
        max_requests=settings.BROWSER_MAX_REQUESTS,
        max_total_bytes=settings.BROWSER_MAX_BYTES,
        max_screenshot_height=settings.BROWSER_MAX_SCREENSHOT_HEIGHT,
        max_memory_bytes=settings.BROWSER_MAX_MEMORY_MB * 1024 * 1024,
        executable=settings.BROWSER_EXECUTABLE,
    )


def capture_policy() -> FetchPolicy:
    """A source's capture also keeps images (claims.fetching.images); other fetches do not accept them."""
    return replace(fetch_policy(), allowed_content_types=DEFAULT_CONTENT_TYPES + IMAGE_TYPES)


def lease_duration(mode: str = Capture.Mode.PLAIN) -> timedelta:
    """Longer than the task's hard time limit: past it, the worker holding the capture is surely gone."""
    return timedelta(seconds=capture_time_limits(mode)[1] + 30)


def capture_time_limits(mode: str = Capture.Mode.PLAIN) -> tuple[float, float]:
    """(soft, hard) Celery time limits of one capture: the fetch deadline (a browser capture's: its render's)
    plus room to wait for the host, extract and store."""
    deadline = settings.FETCH_TOTAL_TIMEOUT
    if mode == Capture.Mode.BROWSER:
        deadline += settings.BROWSER_TOTAL_TIMEOUT
    soft = deadline + 30
    return soft, soft + 30


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


# Capturing a source.


def run_capture(*, capture_id: int) -> Capture | None:
    """Run one capture job to its end; None when there is nothing to do (done, or another worker holds it).

    Raises RetryLater when the job should run again later; the row is then back in "queued".
    """
    capture = Capture.objects.select_related("source").filter(pk=capture_id).first()
    if capture is None or not _claimable(capture, timezone.now()):
        return None
    if capture.state == Capture.State.FETCHING and capture.attempts >= settings.FETCH_MAX_ATTEMPTS:
        return _give_up(capture)
    try:
        with host_slot(_host(capture.requested_url)):
            if not _claim(capture):
                return None
            try:
                outcome = _fetch(capture)
            except FetchError as exc:
                if _wants_browser_after(capture, exc.reason):
                    exc.transient = False  # a script shell stays one: the browser capture is the retry
                    failed = _record_failure(capture, exc)
                    _queue_browser_capture(capture)
                    return failed
                return _record_failure(capture, exc)
            except SoftTimeLimitExceeded:
                return _record_failure(capture, Timeout(reason(R.CAPTURE_TOO_LONG)))
            except Exception:
                # A page that trips a library bug must not stay "fetching" forever: retry, then fail it.
                log.exception("capture %s of %s failed unexpectedly", capture.pk, capture.requested_url)
                return _record_failure(capture, FetchError(reason(R.CAPTURE_NOT_PROCESSED), transient=True))
    except HostBusy as exc:
        raise RetryLater(exc.delay, str(exc)) from exc
    except SlotsUnavailable as exc:
        # Not claimed yet, so the row is still queued: the retry, or the sweeper if the broker is down too,
        # brings it back.
        raise RetryLater(SLOTS_RETRY_SECONDS, str(exc)) from exc
    try:
        done = _record_success(capture, outcome)
        if done is not None and _wants_browser_after(done, ""):
            _queue_browser_capture(done)
        return done
    except Exception:
        # Stored files are gone already (_record_success); the row must not wait "fetching" for its lease.
        log.exception("capture %s of %s could not be stored", capture.pk, capture.requested_url)
        return _record_failure(
            capture,
            FetchError(reason(R.CAPTURE_NOT_STORED), transient=True),
        )


def _fetch(capture: Capture) -> pipeline.CaptureOutcome:
    if capture.mode == Capture.Mode.BROWSER:
        return browser.capture(capture.requested_url, fetch_policy(), browser_limits())
    return pipeline.capture(capture.requested_url, capture_policy(), max_pixels=settings.FETCH_IMAGE_MAX_PIXELS)


def _wants_browser_after(capture: Capture, error: str) -> bool:
    """An "auto" source's plain capture that came out a script shell, or with next to no text from a page, is
    followed by a browser capture."""
    if capture.mode != Capture.Mode.PLAIN or capture.source.capture_mode != Source.CaptureMode.AUTO:
        return False
    if error:
        return error == reason(R.EMPTY_SHELL)
    return capture.content_type in pipeline.HTML_TYPES and len(capture.text.strip()) < settings.BROWSER_AUTO_BELOW_CHARS


def _queue_browser_capture(capture: Capture) -> None:
    with transaction.atomic():
        queue_capture(source=capture.source, trigger="auto", mode=Capture.Mode.BROWSER)


def _claimable(capture: Capture, now: datetime) -> bool:
    """Queued jobs are always worth a try (the compare-and-swap settles races); fetching ones only once the
    lease of the worker holding them ran out."""
    if capture.state == Capture.State.QUEUED:
        return True
    return (
        capture.state == Capture.State.FETCHING
        and capture.lease_expires_at is not None
        and capture.lease_expires_at <= now
    )


def _claim(capture: Capture) -> bool:
    """Compare and swap: queued -> fetching, or re-claim a fetching capture whose lease ran out."""
    now = timezone.now()
    claimable = Q(state=Capture.State.QUEUED) | Q(state=Capture.State.FETCHING, lease_expires_at__lte=now)
    won = Capture.objects.filter(claimable, pk=capture.pk, attempts=capture.attempts).update(
        state=Capture.State.FETCHING,
        attempts=F("attempts") + 1,
        lease_expires_at=now + lease_duration(capture.mode),
        started_at=now,
    )
    if won:
        capture.refresh_from_db()
    return bool(won)


def _fenced(capture: Capture) -> QuerySet[Capture]:
    """The row as long as this worker still holds it (same attempt, still fetching)."""
    return Capture.objects.filter(pk=capture.pk, state=Capture.State.FETCHING, attempts=capture.attempts)


def _give_up(capture: Capture) -> Capture | None:
    """Every attempt ended with the worker gone (killed, out of memory): fail the capture instead of looping."""
    if not _claim(capture):
        return None
    return _record_failure(
        capture,
        FetchError(reason(R.CAPTURE_WORKER_LOST)),
    )


def _record_failure(capture: Capture, error: FetchError) -> Capture | None:
    now = timezone.now()
    status = getattr(error, "status", None)
    fields = {
        "error_class": type(error).__name__,
        "error": error.reason,
        "http_status": status,
        "redirect_chain": [list(hop) for hop in error.redirect_chain],
    }
    if error.transient and capture.attempts < settings.FETCH_MAX_ATTEMPTS:
        delay = retry_delay(capture.attempts, error)
        # Back to queued with a lease covering the wait, so the sweeper leaves the retry to the broker.
        _fenced(capture).update(
            state=Capture.State.QUEUED, lease_expires_at=now + timedelta(seconds=delay + 60), **fields
        )
        raise RetryLater(delay, error.reason)
    gone = _is_gone(error)
    with transaction.atomic():
        if not _fenced(capture).update(
            state=Capture.State.FAILED,
            gone=gone,
            fetched_at=now,
            lease_expires_at=None,
            duration_ms=_elapsed_ms(capture, now),
            **fields,
        ):
            return None
        health = Source.Health.GONE if gone else Source.Health.FAILED
        was_gone = capture.source.health == Source.Health.GONE
        Source.objects.filter(pk=capture.source_id).update(
            health=health, latest_capture=capture, next_check_at=_next_check(capture.source, None)
        )
        if gone and not was_gone:  # told once, when it dies, not at every re-check
            capture.refresh_from_db()
            events.source_changed.send(sender=Source, source=capture.source, capture=capture, change="dead")
    capture.refresh_from_db()
    return capture


def _is_gone(error: FetchError) -> bool:
    """Link rot: the site says the page is gone, the name no longer resolves, or it kept failing with 5xx."""
    if isinstance(error, HTTPStatusError):
        return error.status in GONE_STATUSES or error.status >= 500
    return isinstance(error, DNSFailure)


def _elapsed_ms(capture: Capture, now: datetime) -> int | None:
    return round((now - capture.started_at).total_seconds() * 1000) if capture.started_at else None


def _record_success(capture: Capture, outcome: pipeline.CaptureOutcome) -> Capture | None:
    previous = _latest_done(capture.source).exclude(pk=capture.pk).first()
    changed = previous is not None and previous.sha256 != outcome.result.sha256
    # The fields' upload_to gives each file a random name (claims/models/sources.py): these names only carry
    # the extension.
    image = images.image_row(capture, outcome.image) if outcome.image else None
    try:
        capture.warc.save("capture.warc.gz", ContentFile(outcome.warc), save=False)
        packed = _wacz(outcome)
        capture.wacz.save("capture.wacz", ContentFile(packed.data), save=False)
        if outcome.result.content_type in BODY_EXTENSIONS:
            extension = BODY_EXTENSIONS[outcome.result.content_type]
            capture.body_file.save(f"capture{extension}", ContentFile(outcome.result.body), save=False)
        if image is not None and outcome.image is not None:
            images.save_thumbnail(image, outcome.image)
        if outcome.screenshot:
            capture.screenshot.save("capture.png", ContentFile(outcome.screenshot), save=False)
        if outcome.pdf:
            capture.pdf.save("capture.pdf", ContentFile(outcome.pdf), save=False)
        with transaction.atomic():
            if not _fenced(capture).update(**_success_fields(capture, outcome, changed, packed)):
                _discard_files(capture, image)
                return None
            capture.refresh_from_db()
            if image is not None:
                image.capture = capture
                image.save()
            if outcome.post is not None:
                images.store_post(capture=capture, post=outcome.post)
            source_fields: dict[str, Any] = {
                "health": Source.Health.CHANGED if changed else Source.Health.OK,
                "latest_capture": capture,
                "next_check_at": _next_check(capture.source, capture),
            }
            if not capture.source.title and capture.title:
                source_fields["title"] = capture.title[:500]
            Source.objects.filter(pk=capture.source_id).update(**source_fields)
            if changed:
                events.source_changed.send(sender=Source, source=capture.source, capture=capture, change="changed")
    except Exception:
        # Nothing was written (the transaction rolled back), so no row will ever name these files.
        _discard_files(capture, image)
        raise
    for evidence in Evidence.objects.filter(source_id=capture.source_id).exclude(passage=""):
        check_passage_against(evidence, capture)
    return capture


def _success_fields(
    capture: Capture, outcome: pipeline.CaptureOutcome, changed: bool, packed: Packed
) -> dict[str, Any]:
    result, extracted = outcome.result, outcome.extracted
    return {
        "state": Capture.State.DONE,
        "final_url": result.final_url,
        "redirect_chain": [list(hop) for hop in result.redirect_chain],
        "http_status": result.status,
        "headers": result.headers,
        "content_type": result.content_type,
        "size": result.size,
        "sha256": result.sha256,
        "title": extracted.title[:1000],
        "author": extracted.author[:500],
        "published_at": extracted.published,
        "modified_at": extracted.updated,
        "description": extracted.description,
        "language": extracted.language[:12],
        "text": extracted.text,
        "text_truncated": extracted.truncated,
        "warc": capture.warc.name,
        "warc_sha256": hashlib.sha256(outcome.warc).hexdigest(),
        "wacz": capture.wacz.name,
        "wacz_sha256": packed.sha256,
        "body_file": capture.body_file.name or "",
        "screenshot": capture.screenshot.name or "",
        "pdf": capture.pdf.name or "",
        "stopped_reason": outcome.stopped,
        "error_class": "",
        "error": "",
        "changed": changed,
        "gone": False,
        "duration_ms": result.elapsed_ms,
        "fetched_at": timezone.now(),
        "lease_expires_at": None,
    }


def _latest_done(source: Source) -> QuerySet[Capture]:
    return source.captures.filter(state=Capture.State.DONE).order_by(F("fetched_at").desc(nulls_last=True), "-id")


def _wacz(outcome: pipeline.CaptureOutcome) -> Packed:
    """The capture's WARC packaged as WACZ, with its page (the final address and the extracted title), signed."""
    result = outcome.result
    return write_wacz(
        outcome.warc,
        url=result.final_url or result.requested_url,
        title=outcome.extracted.title[:1000],
        fetched_at=timezone.now(),
        signing_key=archive_signing_key(),
    )


@functools.cache
def _key_from(pem: str, path: str) -> ec.EllipticCurvePrivateKey:
    if not pem:
        try:
            # O_EXCL: two workers starting at once must not each write a key and sign with different ones.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(
                    new_signing_key().private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
                    )
                )
        with open(path, "rb") as handle:
            pem = handle.read().decode()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP384R1):
        raise ValueError("The WACZ signing key must be an ECDSA P-384 private key (WACZ_SIGNING_KEY).")
    return key


def archive_signing_key() -> ec.EllipticCurvePrivateKey:
    """The desk's WACZ signing key: WACZ_SIGNING_KEY, else the key file (created on first use, mode 0600)."""
    path = settings.WACZ_SIGNING_KEY_FILE
    if not settings.WACZ_SIGNING_KEY:
        path.parent.mkdir(parents=True, exist_ok=True)
    return _key_from(settings.WACZ_SIGNING_KEY, str(path))


def archive_public_key() -> str:
    """The public half of the signing key, as PEM: what readers check the WACZ signatures against."""
    return (
        archive_signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def archive_key_fingerprint() -> str:
    return public_key_fingerprint(archive_signing_key().public_key())


def _discard_files(capture: Capture, image: CaptureImage | None = None) -> None:
    fields = [capture.warc, capture.wacz, capture.body_file, capture.screenshot, capture.pdf]
    fields += [image.thumbnail] if image is not None else []
    for field in fields:
        if field.name:
            field.storage.delete(field.name)


def _next_check(source: Source, capture: Capture | None) -> datetime:
    """Recent sources (published or added in the last two weeks) are re-checked more often: they change most."""
    now = timezone.now()
    published = capture.published_at if capture else None
    recent = source.created_at >= now - RECENT_SOURCE or (
        published is not None and published >= (now - RECENT_SOURCE).date()
    )
    hours = settings.RECAPTURE_RECENT_HOURS if recent else settings.RECAPTURE_HOURS
    return now + timedelta(hours=hours)


# Passage checks live with the evidence they check (services.sources): a new passage is checked at once.


# Importing an article by URL.


def import_article_from_url(*, article_id: int) -> Article | None:
    """Fetch an article waiting in 'fetching' through the same pipeline and store its text as the first
    revision; on a final failure the article is marked failed with the reason in plain words."""
    article = Article.objects.filter(pk=article_id, import_state=Article.ImportState.FETCHING).first()
    if article is None or not article.url:
        return article
    attempt = _import_attempt(article)
    try:
        with host_slot(_host(article.url)):
            outcome = pipeline.capture(article.url, fetch_policy())
    except HostBusy as exc:
        raise RetryLater(exc.delay, str(exc)) from exc
    except SlotsUnavailable as exc:
        raise RetryLater(SLOTS_RETRY_SECONDS, str(exc)) from exc
    except FetchError as exc:
        if exc.transient and attempt < settings.FETCH_MAX_ATTEMPTS:
            Article.objects.filter(pk=article.pk).update(
                import_error=reason(R.IMPORT_ATTEMPT, attempt=attempt, reason=exc.reason)
            )
            raise RetryLater(retry_delay(attempt, exc), exc.reason) from exc
        return _import_failed(article, exc.reason)
    extracted = outcome.extracted
    if not extracted.text.strip():
        return _import_failed(article, reason(R.IMPORT_NO_TEXT))
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.import_state != Article.ImportState.FETCHING:
            return article
        language = extracted.language or detect_language(extracted.text)
        updates: dict[str, Any] = {"language": language, "direction": direction_for(language)}
        if extracted.title and article.title in ("", article.url):
            updates["title"] = extracted.title[:500]
        if extracted.published and not article.published_at:
            updates["published_at"] = extracted.published
        Article.objects.filter(pk=article.pk).update(**updates)
        add_revision(article=article, text=extracted.text, by=article.created_by, origin=ArticleRevision.Origin.URL)
        article.refresh_from_db()
        # A monitored feed's item that carried only a summary: with its text here, it joins the inbox.
        file_fetched_article(
            article=article, canonical_url=extracted.canonical or outcome.result.final_url, author=extracted.author
        )
    return article


def _import_attempt(article: Article) -> int:
    """Attempts so far, kept in the import_error note ("Attempt N: ...") so a retry knows where it is."""
    note = article.import_error
    if note.startswith("Attempt ") and ":" in note:
        number = note[len("Attempt ") : note.index(":")]
        if number.isdigit():
            return int(number) + 1
    return 1


def _import_failed(article: Article, reason: str) -> Article:
    with transaction.atomic():
        Article.objects.filter(pk=article.pk, import_state=Article.ImportState.FETCHING).update(
            import_state=Article.ImportState.FAILED, import_error=reason
        )
        article.refresh_from_db()
        # A feed's item whose page could not be fetched still reaches the inbox, with the article's reason.
        file_fetched_article(article=article)
    return article


# Watching.


def sweep_stuck_captures() -> int:
    """Re-send captures the broker lost (queued for long, e.g. Redis was down) or whose worker died (a fetching
    lease that ran out), and article imports stuck in 'fetching'. Duplicate messages are harmless: only one
    run can claim a capture."""
    now = timezone.now()
    lost = Q(state=Capture.State.QUEUED) & (
        Q(lease_expires_at__isnull=True, queued_at__lte=now - QUEUED_GRACE) | Q(lease_expires_at__lte=now)
    )
    dead = Q(state=Capture.State.FETCHING, lease_expires_at__lte=now)
    found = list(Capture.objects.filter(lost | dead).values_list("pk", "mode")[:SCHEDULE_BATCH])
    ids = [capture_id for capture_id, _mode in found]
    # Give the re-sent queued jobs a grace period before the next sweep sends them again.
    Capture.objects.filter(pk__in=ids, state=Capture.State.QUEUED).update(lease_expires_at=now + QUEUED_GRACE)
    for capture_id, mode in found:
        send_task(capture_task(mode), capture_id)
    stale_imports = Article.objects.filter(
        import_state=Article.ImportState.FETCHING, updated_at__lte=now - QUEUED_GRACE
    )
    for article_id in stale_imports.values_list("pk", flat=True)[:SCHEDULE_BATCH]:
        Article.objects.filter(pk=article_id).update(updated_at=now)
        send_task(task("fetch_article"), article_id)
    if ids:
        log.info("sweeper re-queued %d captures", len(ids))
    return len(ids)


def schedule_recaptures() -> int:
    """Queue a re-capture of every source whose next check is due; never deletes an earlier capture."""
    now = timezone.now()
    due = Source.objects.exclude(url="").filter(next_check_at__lte=now).order_by("next_check_at")
    queued = 0
    for source in due[:SCHEDULE_BATCH]:
        with transaction.atomic():
            if queue_capture(source=source, trigger="schedule"):
                queued += 1
            # Pushed forward now so the next beat does not queue it again before this capture ends.
            Source.objects.filter(pk=source.pk).update(next_check_at=now + lease_duration(Capture.Mode.BROWSER))
    return queued


def recapture(*, source: Source) -> Capture | None:
    """Capture a source again now (the desk's and the API's button)."""
    return queue_capture(source=source, trigger="manual")
