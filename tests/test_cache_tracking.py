"""The generations each process keeps in memory (claims/cache_tracking.py): a change any process makes is seen by
the next request of every other, and without a live tracking connection nothing is answered from memory."""

import pytest
import redis

from claims import page_cache
from claims.page_cache import LISTS_KEY
from tests.public_helpers import make_claim, redis_cache, url
from tests.scale.cluster import wait_until

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(private_redis, settings):
    """The cache on the test's own redis-server, with tracking, once Redis has confirmed the tracking connection."""
    settings.CACHE_TRACKING = True
    settings.CACHES = redis_cache(private_redis, "tracked")
    page_cache.forget_local_pages()
    page_cache.lists_generation()
    wait_until(lambda: tracker().trusted(), timeout=10, message="Redis never confirmed the tracking connection")
    yield private_redis
    page_cache.stop_tracking()
    page_cache.forget_local_pages()


def tracker():
    found = page_cache.cache.tracker  # type: ignore[attr-defined]
    assert found is not None
    return found


def other_process(server) -> redis.Redis:
    """What another web process or a worker does to the generations: a plain client of the same Redis."""
    return redis.Redis.from_url(server.url)


def made(key: str) -> str:
    return page_cache.cache.make_key(key)


def commands(server) -> int:
    stats = redis.Redis.from_url(server.url).info("commandstats")
    return stats.get("cmdstat_mget", {}).get("calls", 0) + stats.get("cmdstat_get", {}).get("calls", 0)


def encoded(value: str) -> bytes:
    return page_cache.cache._cache._serializer.dumps(value)


def test_a_generation_another_process_moves_is_read_anew_by_the_very_next_request(tracked):
    other = other_process(tracked)
    page_cache.lists_generation()
    for round_ in range(200):
        # move_generations in another process: the write, then the barrier that its next command is.
        other.set(made(LISTS_KEY), encoded(f"moved-{round_}"))
        other.ping()
        assert page_cache.lists_generation() == f"moved-{round_}"


def test_a_moved_generation_is_seen_at_once_in_this_process_and_others(tracked):
    other = other_process(tracked)
    claim = make_claim()
    page_cache.claim_page_generations(claim.pk)
    before = page_cache.claim_page_generations(claim.pk)
    page_cache.invalidate_claim(claim.pk)
    after = page_cache.claim_page_generations(claim.pk)
    assert after.lists != before.lists
    # What this process wrote is what Redis holds (no stale copy answered, none left behind).
    assert page_cache.cache.get(LISTS_KEY) == after.lists
    assert other.exists(made(LISTS_KEY))


def test_generations_in_memory_cost_no_round_trip(tracked):
    page_cache.lists_generation()
    before = commands(tracked)
    for _ in range(50):
        page_cache.lists_generation()
    assert commands(tracked) == before


def test_a_read_that_a_change_overtakes_is_answered_but_not_kept(tracked):
    other = other_process(tracked)
    page_cache.cache.set(LISTS_KEY, "old")
    fetch = page_cache.cache._cache.get_many

    def fetch_then_changed(keys):
        found = fetch(keys)  # "old", read just before another process moves the generation
        other.set(made(LISTS_KEY), encoded("new"))
        other.ping()
        return found

    page_cache.cache._cache.get_many = fetch_then_changed
    try:
        assert page_cache.lists_generation() == "old"  # current when read
    finally:
        page_cache.cache._cache.get_many = fetch
    assert page_cache.lists_generation() == "new"


def test_a_lost_tracking_connection_sends_reads_back_to_redis(tracked):
    other = other_process(tracked)
    page_cache.cache.set(LISTS_KEY, "before")
    assert page_cache.lists_generation() == "before"
    other.client_kill_filter(_type="pubsub")  # the tracking connection is the only subscriber
    other.set(made(LISTS_KEY), encoded("after"))  # no one is told now
    assert page_cache.lists_generation() == "after"
    wait_until(lambda: tracker().trusted(), timeout=10, message="the tracker never reconnected")
    other.set(made(LISTS_KEY), encoded("reconnected"))
    other.ping()
    assert page_cache.lists_generation() == "reconnected"


def test_a_flushed_redis_empties_the_memory(tracked):
    page_cache.cache.set(LISTS_KEY, "kept")
    assert page_cache.lists_generation() == "kept"
    other_process(tracked).flushdb()
    other_process(tracked).ping()
    assert page_cache.lists_generation() not in (None, "kept")  # a new generation started


def test_a_stopped_redis_is_not_answered_from_memory(tracked, client):
    claim = make_claim(statement="Two thousand fighters")
    address = url(claim)
    client.get(address)
    assert client.get(address).status_code == 200
    tracked.stop()
    wait_until(lambda: not tracker().trusted(), timeout=10, message="the memory stayed trusted")
    # Nothing vouches for a generation: the page comes from the database, not from this process's memory.
    assert page_cache.claim_page_generations(claim.pk).claim is None
    assert "Two thousand fighters" in client.get(address).content.decode()


def test_a_request_reads_the_invalidations_already_sent_even_before_the_listener_wakes(private_redis, monkeypatch):
    """The listener thread may not have run since another process's change reached the socket: the request
    reads it first. Here no listener runs at all (and one PING's answer keeps the memory trusted throughout)."""
    from claims import cache_tracking
    from claims.cache_tracking import GenerationTracker

    monkeypatch.setattr(cache_tracking, "TRUST_FOR", 600.0)

    other = redis.Redis.from_url(private_redis.url)
    tracker = GenerationTracker(private_redis.url, ["t:"])
    monkeypatch.setattr(tracker, "_ensure_listening", lambda: None)  # no listener: only requests read the socket
    tracker._connect()
    wait_until(lambda: tracker.trusted(), timeout=10, message="Redis never answered the tracker's PING")

    def fetch(keys):
        return {key: value for key, value in zip(keys, other.mget(keys), strict=True) if value is not None}

    try:
        for round_ in range(20):
            other.set("t:generation", f"moved-{round_}")
            other.ping()
            assert tracker.get_many(["t:generation"], fetch) == {"t:generation": f"moved-{round_}".encode()}
            assert tracker.get_many(["t:generation"], fetch) == {"t:generation": f"moved-{round_}".encode()}
            assert "t:generation" in tracker._values  # answered from memory, not by fetching
    finally:
        tracker._untrust()


def test_moving_a_generation_returns_only_after_the_barrier(tracked, monkeypatch):
    """move_generations waits for a second command's answer, so the other processes' connections have been sent
    the invalidations before the change is reported done (and before, say, a worker marks its job finished)."""
    backend = page_cache.cache._connections[page_cache.cache._alias]  # type: ignore[attr-defined]
    calls: list[str] = []
    set_many, barrier = backend.set_many, backend.tracking_barrier

    def counted_set_many(*args, **kwargs):
        calls.append("set_many")
        return set_many(*args, **kwargs)

    def counted_barrier():
        calls.append("barrier")
        barrier()

    monkeypatch.setattr(backend, "set_many", counted_set_many)
    monkeypatch.setattr(backend, "tracking_barrier", counted_barrier)
    page_cache.invalidate_lists()
    assert calls == ["set_many", "barrier"]
