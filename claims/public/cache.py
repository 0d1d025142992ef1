"""Cache keys for public pages. A generation number per claim (and one for lists) makes invalidation one write.

Rendered claim pages live in the shared cache and, in front of it, in a small per-process memory: their keys
carry the generations, so a changed claim gets a new key and an old copy is never served; asking the shared
cache for the generations stays one round trip per request.
"""

import threading
import time
from collections import OrderedDict

from django.core.cache import cache

LISTS_KEY = "public:gen:lists"
#: Rendered pages also expire on their own, so a change no service reported (a new capture date) shows up.
PAGE_TIMEOUT = 60 * 60


def claim_generation(claim_id: int) -> int:
    return cache.get_or_set(f"public:gen:claim:{claim_id}", 1, timeout=None)


def lists_generation() -> int:
    return cache.get_or_set(LISTS_KEY, 1, timeout=None)


def claim_page_version(claim_id: int) -> str:
    """The claim's generation and the lists' in one round trip: a claim page shows related claims too."""
    claim_key = f"public:gen:claim:{claim_id}"
    found = cache.get_many([claim_key, LISTS_KEY])
    if len(found) < 2:
        return f"{claim_generation(claim_id)}.{lists_generation()}"
    return f"{found[claim_key]}.{found[LISTS_KEY]}"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def invalidate_claim(claim_id: int) -> None:
    """Drop cached pages showing this claim, and the lists (home, feed, sitemap, entity and article pages)."""
    _bump(f"public:gen:claim:{claim_id}")
    invalidate_lists()


def invalidate_lists() -> None:
    """Drop every cached public page and list: for a change many claims show, such as an entity's new name.

    Claim pages carry the lists generation in their keys too, so they are dropped as well.
    """
    _bump(LISTS_KEY)


#: Rendered pages each web process keeps in memory (about 15 KB each; a public API list page of 50, ~60 KB).
LOCAL_PAGES = 1000
_local: OrderedDict[str, tuple[float, object]] = OrderedDict()
_local_lock = threading.Lock()


def get_page(key: str, timeout: int = PAGE_TIMEOUT):
    """The page stored under ``key``: from this process's memory, else from the shared cache; None if absent.

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
