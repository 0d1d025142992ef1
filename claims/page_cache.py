"""The public page cache: the Redis backend that degrades to "no cache", page keys, generations and invalidation.

Every edge uses it (public views, the API's public lists) and the services invalidate through it; it imports no
service, view or API module, so it sits below all of them.

**The backend.** ``ResilientRedisCache`` (``CACHES["default"]`` when REDIS_URL is set) answers as an empty cache
while Redis is unreachable, so pages, throttles and sessions-by-cache only lose speed when Redis restarts; they
must not fail with a 500.

**Page keys.** A generation per claim (and one for lists) makes invalidation one write. Rendered pages live in
the shared cache and, in front of it, in a small per-process memory: their keys carry the generations, so a
changed claim gets a new key and an old copy is never served. The generations themselves come from this process's
memory while Redis tracks them for it (claims/cache_tracking.py), else from the shared cache in one round trip.

A generation is a random token, never a counter: Redis restarted empty (or a key expired) starts a new token
that no process has ever keyed a page under, where a counter would restart at 1 and match the pages each web
process still remembers. And a page is served from a cache only under generations the shared cache has just
vouched for: while Redis is unreachable every public page is rendered from the database, which is the truth.
"""

import logging
import secrets
import threading
import time
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import default_key_func
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from claims.cache_tracking import GenerationTracker

log = logging.getLogger(__name__)

# --- the backend --------------------------------------------------------------------------------------------

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class _OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis for every command (its table of response callbacks), about as much Python
    as the command's round trip: most of what a cached page or a throttle check costs. redis-py clients are
    thread-safe and take a connection from their pool per command, so one client per pool does the same work.

    No supported setting does this: RedisCache's OPTIONS only reach the connection pool (``pool_class``, socket
    options), which Django already keeps one of per process. Kept for the speed ``bench/redis_client.py``
    measures (docs/benchmarks.md, "One Redis client per pool").
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        # Django's private client API, which django-stubs leaves out.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


#: Key prefixes whose values each process keeps in memory, told by Redis when they change
#: (claims/cache_tracking.py): the public pages' generations and the desk's.
TRACKED_PREFIXES = ("public:generation:", "desk:generation:")
_trackers: dict[tuple, GenerationTracker] = {}
_trackers_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool
        # Django gives each thread its own backend object; the tracker (a connection and a thread) is the
        # process's, shared by every backend object on the same server and key prefix.
        self._tracker: GenerationTracker | None = None
        if settings.CACHE_TRACKING and self.key_func is default_key_func:
            server = self._servers[0]  # type: ignore[attr-defined]  # RedisCache's, which django-stubs leaves out
            prefixes = tuple(self.make_key(prefix) for prefix in TRACKED_PREFIXES)
            with _trackers_lock:
                tracker = _trackers.get((server, prefixes))
                if tracker is None:
                    timeout = params.get("OPTIONS", {}).get("socket_connect_timeout", 1.0)
                    tracker = _trackers[(server, prefixes)] = GenerationTracker(
                        server, prefixes, connect_timeout=timeout
                    )
            self._tracker = tracker

    @property
    def tracker(self) -> GenerationTracker | None:
        return self._tracker

    def get_many_tracked(self, keys, version=None) -> dict:
        """``get_many`` for generations: from this process's memory while Redis tracks them for it."""
        if self._tracker is None:
            return self.get_many(keys, version)
        # make_key, not make_and_validate_key: these are the app's own keys, and the check (for memcached) costs
        # as much as the rest of the look-up.
        made = {self.make_key(key, version=version): key for key in keys}
        try:
            found = self._tracker.get_many(list(made), self._cache.get_many)  # type: ignore[arg-type]
        except UNREACHABLE as exc:
            log.warning("cache unreachable during get_many: %s", exc)
            return {}
        return {made[key]: value for key, value in found.items()}

    def tracking_barrier(self) -> None:
        """Return once every process's tracking connection has been sent the invalidations of this thread's
        writes so far (a write returns as soon as Redis applied it; the invalidations go out in the same turn of
        Redis's event loop, which a second command's answer proves has ended). A request another process starts
        afterwards reads them before it answers from memory (``GenerationTracker.get_many``)."""
        if self._tracker is not None:
            self._quietly("ping", None, lambda: self._cache.get_client(write=True).ping())

    def _forget(self, keys, version=None) -> None:
        tracked = [key for key in keys if key.startswith(TRACKED_PREFIXES)]
        if self._tracker is not None and tracked:
            self._tracker.forget(self.make_key(key, version=version) for key in tracked)

    def _quietly(self, operation: str, default, call, *args, **kwargs):
        try:
            return call(*args, **kwargs)
        except UNREACHABLE as exc:
            log.warning("cache unreachable during %s: %s", operation, exc)
            return default

    def get(self, key, default=None, version=None):
        return self._quietly("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._quietly("get_many", {}, super().get_many, keys, version)

    def set(self, key, value, timeout=None, version=None):
        done = self._quietly("set", None, super().set, key, value, timeout, version)
        self._forget([key], version)  # after the write: a read in between keeps nothing
        return done

    def add(self, key, value, timeout=None, version=None):
        done = self._quietly("add", False, super().add, key, value, timeout, version)
        self._forget([key], version)  # after the write: a read in between keeps nothing
        return done

    def set_many(self, data, timeout=None, version=None):
        done = self._quietly("set_many", list(data), super().set_many, data, timeout, version)
        self._forget(list(data), version)  # after the write: a read in between keeps nothing
        return done

    def delete(self, key, version=None):
        done = self._quietly("delete", False, super().delete, key, version)
        self._forget([key], version)  # after the write: a read in between keeps nothing
        return done

    def delete_many(self, keys, version=None):
        done = self._quietly("delete_many", None, super().delete_many, keys, version)
        self._forget(list(keys), version)  # after the write: a read in between keeps nothing
        return done

    def incr(self, key, delta=1, version=None):
        done = self._quietly("incr", None, super().incr, key, delta, version)
        self._forget([key], version)  # after the write: a read in between keeps nothing
        return done

    def get_or_set(self, key, default, timeout=None, version=None):
        return self._quietly(
            "get_or_set",
            default() if callable(default) else default,
            super().get_or_set,
            key,
            default,
            timeout,
            version,
        )

    def clear(self):
        done = self._quietly("clear", False, super().clear)
        if self._tracker is not None:
            self._tracker.forget_all()
        return done

    def has_key(self, key, version=None):
        return self._quietly("has_key", False, super().has_key, key, version)

    def touch(self, key, timeout=None, version=None):
        return self._quietly("touch", False, super().touch, key, timeout, version)


# --- generations ----------------------------------------------------------------------------------------------

LISTS_KEY = "public:generation:lists"
#: Rendered pages also expire on their own, so a change no service reported (a new capture date) shows up.
PAGE_TIMEOUT = 60 * 60
#: Generations expire too (every key the app writes does, Redis being the Celery broker as well); one that
#: expires only costs its pages one new render.
GENERATION_TIMEOUT = 24 * 60 * 60


def _claim_key(claim_id: int) -> str:
    return f"public:generation:claim:{claim_id}"


def new_generation() -> str:
    # 64 random bits: no restart, expiry or other process comes back to a token already used.
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Generations:
    """The generations the shared cache vouched for when a page was asked; None where it had none (restarted
    empty, expired, or a claim never viewed since) or could not be reached."""

    lists: str | None
    claim: str | None = None


def get_generations(keys: list[str]) -> dict:
    """The generations among ``keys`` that the shared cache has: read from this process's memory while Redis
    tracks them for it (``ResilientRedisCache.get_many_tracked``), else from the cache."""
    tracked = getattr(cache, "get_many_tracked", None)
    return tracked(keys) if tracked is not None else cache.get_many(keys)


def stop_tracking() -> None:
    """End every tracker of this process (tests that stop their own redis-server)."""
    with _trackers_lock:
        trackers = list(_trackers.values())
        _trackers.clear()
    for tracker in trackers:
        tracker.stop()


def lists_generation() -> str | None:
    """The lists generation, started if the shared cache has none; None when it cannot vouch for one."""
    return get_generations([LISTS_KEY]).get(LISTS_KEY) or _start_lists()


def _start_lists() -> str | None:
    # Started before the page is rendered, like any generation read: a change committed after this point
    # moves it again. Losing the race to another process (or an unreachable Redis) leaves this one page uncached.
    generation = new_generation()
    return generation if cache.add(LISTS_KEY, generation, timeout=GENERATION_TIMEOUT) else None


def claim_page_generations(claim_id: int) -> Generations:
    """The claim's generation and the lists' in one round trip (a claim page shows related claims too).

    A missing claim generation is not started here: the claim may not exist or not be public, and a key for
    every id a client makes up would fill Redis. See ``start_claim_generation``.
    """
    found = get_generations([_claim_key(claim_id), LISTS_KEY])
    return Generations(lists=found.get(LISTS_KEY) or _start_lists(), claim=found.get(_claim_key(claim_id)))


def start_claim_generation(claim_id: int, generations: Generations) -> Generations:
    """Call after rendering a public claim from the database because it had no generation: start one, so its
    next view comes from the cache.

    If a service or another process started one first, the render may predate their change: the generations
    come back without a claim generation and the page is not cached this time.
    """
    if generations.lists is None or generations.claim is not None:
        return generations
    generation = new_generation()
    if cache.add(_claim_key(claim_id), generation, timeout=GENERATION_TIMEOUT):
        return replace(generations, claim=generation)
    return generations


#: Changes with the shape of what claim pages cache (2: the rendered bytes), so that code deployed over a running
#: Redis never reads an entry the previous code stored.
CLAIM_PAGE_FORMAT = 2


def claim_page_key(claim_id: int, language: str, generations: Generations) -> str | None:
    """The cache key of a claim page, or None when the page may not come from (or go into) a cache."""
    if generations.claim is None or generations.lists is None:
        return None
    return f"public:claim:{CLAIM_PAGE_FORMAT}:{claim_id}:{language}:{generations.claim}.{generations.lists}"


def invalidate_claim(claim_id: int) -> None:
    """Drop cached pages showing this claim, and the lists (home, feed, sitemap, entity and article pages)."""
    _move_generations([_claim_key(claim_id), LISTS_KEY])


def invalidate_lists() -> None:
    """Drop every cached public page and list: for a change many claims show, such as an entity's new name.

    Claim pages carry the lists generation in their keys too, so they are dropped as well.
    """
    _move_generations([LISTS_KEY])


def move_generations(keys: list[str]) -> None:
    """Give each of ``keys`` a new generation in the shared cache, retrying from this process while it cannot
    be reached (claims/write_generation.py keeps the desk's here too)."""
    _move_generations(keys)


#: Seconds between attempts to write generations Redis could not take.
RETRY_SECONDS = 5.0
#: Generations still to move, each with when it first failed (monotonic seconds).
_owed: dict[str, float] = {}
_owed_lock = threading.Lock()


def _move_generations(keys: list[str], since: dict[str, float] | None = None) -> None:
    failed = cache.set_many({key: new_generation() for key in keys}, timeout=GENERATION_TIMEOUT)
    if not failed:
        barrier = getattr(cache, "tracking_barrier", None)
        if barrier is not None:
            barrier()
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


# --- pages ----------------------------------------------------------------------------------------------------

#: Rendered pages each web process keeps in memory (about 15 KB each; a public API list page of 50, ~60 KB).
LOCAL_PAGES = 2500
# Django's local-memory backend is the per-process tier: each page keeps its own timeout, and a full memory drops
# its least recently used page (CULL_FREQUENCY = MAX_ENTRIES culls len // MAX_ENTRIES = one entry). It belongs to
# this module rather than to CACHES: how public pages are cached is no deployment setting, and settings (or a
# test) that point CACHES at another Redis keep it.
_local = LocMemCache(
    "claims-public-pages",
    {"TIMEOUT": PAGE_TIMEOUT, "OPTIONS": {"MAX_ENTRIES": LOCAL_PAGES, "CULL_FREQUENCY": LOCAL_PAGES}},
)


def get_page(key: str, timeout: int = PAGE_TIMEOUT):
    """The page stored under ``key``: from this process's memory, else from the shared cache; None if absent.

    ``key`` must carry generations the shared cache vouched for during this request.
    ``timeout``: how long this process keeps a page found in the shared cache (the one it was stored with).
    """
    entry = _local.get(key)
    if entry is None:
        entry = cache.get(key)
        if entry is not None:
            _local.set(key, entry, timeout)
    return entry


def set_page(key: str, entry, timeout: int = PAGE_TIMEOUT) -> None:
    cache.set(key, entry, timeout=timeout)
    _local.set(key, entry, timeout)


def forget_local_pages() -> None:
    """Empty this process's memory of pages (tests reuse claim ids across databases)."""
    _local.clear()
