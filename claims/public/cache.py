"""Cache keys for public pages. A generation per claim (and one for lists) makes invalidation one write.

Rendered pages live in the shared cache and, in front of it, in a small per-process memory: their keys carry
the generations, so a changed claim gets a new key and an old copy is never served; asking the shared cache for
the generations stays one round trip per request.

A generation is a random token, never a counter: Redis restarted empty (or a key expired) starts a new token
that no process has ever keyed a page under, where a counter would restart at 1 and match the pages each web
process still remembers. And a page is served from a cache only under generations the shared cache has just
vouched for: while Redis is unreachable every public page is rendered from the database, which is the truth.
"""

import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from django.core.cache import cache

log = logging.getLogger(__name__)

LISTS_KEY = "public:generation:lists"
#: Rendered pages also expire on their own, so a change no service reported (a new capture date) shows up.
PAGE_TIMEOUT = 60 * 60
#: Generations expire too (every key the app writes does, Redis being the Celery broker as well); one that
#: expires only costs its pages one new render.
GENERATION_TIMEOUT = 24 * 60 * 60


def _claim_key(claim_id: int) -> str:
    return f"public:generation:claim:{claim_id}"


def _new_generation() -> str:
    # 64 random bits: no restart, expiry or other process comes back to a token already used.
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Generations:
    """The generations the shared cache vouched for when a page was asked; None where it had none (restarted
    empty, expired, or a claim never viewed since) or could not be reached."""

    lists: str | None
    claim: str | None = None


def lists_generation() -> str | None:
    """The lists generation, started if the shared cache has none; None when it cannot vouch for one."""
    return cache.get(LISTS_KEY) or _start_lists()


def _start_lists() -> str | None:
    # Started before the page is rendered, like any generation read: a change committed after this point
    # moves it again. Losing the race to another process (or an unreachable Redis) leaves this one page uncached.
    generation = _new_generation()
    return generation if cache.add(LISTS_KEY, generation, timeout=GENERATION_TIMEOUT) else None


def claim_page_generations(claim_id: int) -> Generations:
    """The claim's generation and the lists' in one round trip (a claim page shows related claims too).

    A missing claim generation is not started here: the claim may not exist or not be public, and a key for
    every id a client makes up would fill Redis. See ``start_claim_generation``.
    """
    found = cache.get_many([_claim_key(claim_id), LISTS_KEY])
    return Generations(lists=found.get(LISTS_KEY) or _start_lists(), claim=found.get(_claim_key(claim_id)))


def start_claim_generation(claim_id: int, generations: Generations) -> Generations:
    """Call after rendering a public claim from the database because it had no generation: start one, so its
    next view comes from the cache.

    If a service or another process started one first, the render may predate their change: the generations
    come back without a claim generation and the page is not cached this time.
    """
    if generations.lists is None or generations.claim is not None:
        return generations
    generation = _new_generation()
    if cache.add(_claim_key(claim_id), generation, timeout=GENERATION_TIMEOUT):
        return replace(generations, claim=generation)
    return generations


def claim_page_key(claim_id: int, language: str, generations: Generations) -> str | None:
    """The cache key of a claim page, or None when the page may not come from (or go into) a cache."""
    if generations.claim is None or generations.lists is None:
        return None
    return f"public:claim:{claim_id}:{language}:{generations.claim}.{generations.lists}"


def invalidate_claim(claim_id: int) -> None:
    """Drop cached pages showing this claim, and the lists (home, feed, sitemap, entity and article pages)."""
    _move_generations([_claim_key(claim_id), LISTS_KEY])


def invalidate_lists() -> None:
    """Drop every cached public page and list: for a change many claims show, such as an entity's new name.

    Claim pages carry the lists generation in their keys too, so they are dropped as well.
    """
    _move_generations([LISTS_KEY])


#: Seconds between attempts to write generations Redis could not take.
RETRY_SECONDS = 5.0
#: Generations still to move, each with when it first failed (monotonic seconds).
_owed: dict[str, float] = {}
_owed_lock = threading.Lock()


def _move_generations(keys: list[str], since: dict[str, float] | None = None) -> None:
    failed = cache.set_many({key: _new_generation() for key in keys}, timeout=GENERATION_TIMEOUT)
    if not failed:
        return
    # Redis may come back with its data (persisted, or only the network was down) and the old generations: the
    # change would stay hidden behind cached pages until they expire. This process keeps trying (a late new
    # generation is always harmless) until every page cached before the change has expired anyway.
    log.warning("could not move public page generations %s; retrying every %s s", failed, RETRY_SECONDS)
    now = time.monotonic()
    with _owed_lock:
        first = not _owed
        for key in failed:
            began = (since or {}).get(key, now)
            if now - began < PAGE_TIMEOUT:
                _owed.setdefault(key, began)
        if not (first and _owed):
            return
    timer = threading.Timer(RETRY_SECONDS, _retry_owed)
    timer.daemon = True
    timer.start()


def _retry_owed() -> None:
    with _owed_lock:
        owed = dict(_owed)
        _owed.clear()
    _move_generations(list(owed), since=owed)


#: Rendered pages each web process keeps in memory (about 15 KB each; a public API list page of 50, ~60 KB).
LOCAL_PAGES = 1000
_local: OrderedDict[str, tuple[float, object]] = OrderedDict()
_local_lock = threading.Lock()


def get_page(key: str, timeout: int = PAGE_TIMEOUT):
    """The page stored under ``key``: from this process's memory, else from the shared cache; None if absent.

    ``key`` must carry generations the shared cache vouched for during this request.
    ``timeout``: how long this process keeps a page found in the shared cache (the one it was stored with).
    """
    with _local_lock:
        found = _local.get(key)
        if found is not None and found[0] > time.monotonic():
            _local.move_to_end(key)
            return found[1]
    entry = cache.get(key)
    if entry is not None:
        _remember(key, entry, timeout)
    return entry


def set_page(key: str, entry, timeout: int = PAGE_TIMEOUT) -> None:
    cache.set(key, entry, timeout=timeout)
    _remember(key, entry, timeout)


def _remember(key: str, entry, timeout: int = PAGE_TIMEOUT) -> None:
    with _local_lock:
        _local[key] = (time.monotonic() + timeout, entry)
        _local.move_to_end(key)
        while len(_local) > LOCAL_PAGES:
            _local.popitem(last=False)


def forget_local_pages() -> None:
    """Empty this process's memory of pages (tests reuse claim ids across databases)."""
    with _local_lock:
        _local.clear()
