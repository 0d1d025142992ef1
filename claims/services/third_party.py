"""A public web archive's own copy of each captured page, when the desk turns it on (DeskSettings.third_party_copies):
a copy held by someone other than the desk, for partners and readers who would rather not trust ours alone.

Each step is one task: ask the archive (Save Page Now 2: claims.fetching.third_party), then check its job until the
copy exists. Whatever says "not now" (a 429, a 5xx, a timeout, the desk's own per-minute limit, a job still
running) is tried again later; a refusal is final and kept in plain words. Every call goes through the safe
client and counts against THIRD_PARTY_ARCHIVE_MAX_TRIES, so a row never loops for ever.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from claims.fetching import reasons as R
from claims.fetching.reasons import reason
from claims.fetching.third_party import SaveAnswer, Service, job_status, request_save
from claims.models import Capture, DeskSettings, ThirdPartyCopy
from claims.services.captures import fetch_policy
from claims.services.queueing import enqueue_after_commit, task


def service() -> Service:
    return Service(
        base=settings.THIRD_PARTY_ARCHIVE_URL,
        access_key=settings.THIRD_PARTY_ARCHIVE_ACCESS_KEY,
        secret_key=settings.THIRD_PARTY_ARCHIVE_SECRET_KEY,
    )


def queue_copy(capture: Capture) -> ThirdPartyCopy | None:
    """After a successful capture: ask for a third-party copy if the desk wants them (once per capture)."""
    if not DeskSettings.load().third_party_copies or capture.state != Capture.State.DONE or not capture.source.url:
        return None
    copy, created = ThirdPartyCopy.objects.get_or_create(capture=capture, defaults={"service": service().base})
    if created:
        enqueue_after_commit(task("third_party_copy"), copy.pk)
    return copy


def _within_desk_limit() -> bool:
    """At most THIRD_PARTY_ARCHIVE_PER_MINUTE calls a minute, over every worker (a counter in the shared cache)."""
    key = f"third-party-archive:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count: int = cache.incr(key)
        return count <= int(settings.THIRD_PARTY_ARCHIVE_PER_MINUTE)
    except ValueError:  # the cache lost the key between add and incr: count this call as the first
        cache.set(key, 1, timeout=120)
        return True


def run_copy(*, copy_id: int) -> tuple[ThirdPartyCopy | None, float | None]:
    """One step; answers the row and, when another step is due, in how many seconds."""
    with transaction.atomic():
        copy = ThirdPartyCopy.objects.select_for_update().select_related("capture__source").filter(pk=copy_id).first()
        if copy is None or copy.state in (ThirdPartyCopy.State.DONE, ThirdPartyCopy.State.FAILED):
            return copy, None
        if copy.tries >= settings.THIRD_PARTY_ARCHIVE_MAX_TRIES:
            return _finish(copy, failed=reason(R.ARCHIVE_GAVE_UP, tries=copy.tries)), None
        if not _within_desk_limit():
            copy.error = reason(R.ARCHIVE_DESK_LIMIT, count=settings.THIRD_PARTY_ARCHIVE_PER_MINUTE)
            copy.save(update_fields=["error"])
            return copy, 60 - time.time() % 60 + 1
        copy.tries += 1
        copy.save(update_fields=["tries"])
    # The call runs outside the row's lock: a slow archive must not hold a database transaction open.
    policy = fetch_policy()
    if copy.state == ThirdPartyCopy.State.QUEUED:
        answer = request_save(service(), copy.capture.source.url, policy)
    else:
        answer = job_status(service(), copy.job_id, policy)
    return _apply(copy, answer)


def _apply(copy: ThirdPartyCopy, answer: SaveAnswer) -> tuple[ThirdPartyCopy, float | None]:
    with transaction.atomic():
        copy = ThirdPartyCopy.objects.select_for_update().select_related("capture").get(pk=copy.pk)
        if answer.state == "done":
            copy.url = answer.url
            Capture.objects.filter(pk=copy.capture_id).update(third_party_url=answer.url)
            return _finish(copy), None
        if answer.state == "failed":
            return _finish(copy, failed=answer.reason), None
        if answer.state == "pending":
            copy.state, copy.job_id, copy.error = ThirdPartyCopy.State.PENDING, answer.job_id, ""
            copy.save(update_fields=["state", "job_id", "error"])
            return copy, float(settings.THIRD_PARTY_ARCHIVE_CHECK_SECONDS)
        copy.error = answer.reason  # later: the same step again
        copy.save(update_fields=["error"])
        delay = answer.retry_after or settings.THIRD_PARTY_ARCHIVE_CHECK_SECONDS * min(2 ** max(copy.tries - 1, 0), 30)
        return copy, float(min(delay, 3600))


def _finish(copy: ThirdPartyCopy, *, failed: str = "") -> ThirdPartyCopy:
    copy.state = ThirdPartyCopy.State.FAILED if failed else ThirdPartyCopy.State.DONE
    copy.error, copy.finished_at = failed, timezone.now()
    copy.save(update_fields=["state", "url", "error", "finished_at"])
    return copy
