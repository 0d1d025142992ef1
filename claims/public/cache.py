"""Cache keys for public pages. A generation number per claim (and one for lists) makes invalidation one write."""

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
    _bump(LISTS_KEY)
