"""Per-host politeness: a host gets at most N fetches at once and request starts spaced out, through Redis when
it is configured and inside the process otherwise; other hosts are not held up."""

from contextlib import ExitStack

import pytest
import redis

from claims.fetching import host_slots
from claims.fetching.host_slots import HostBusy, Limits, host_slot

TWO_AT_ONCE = Limits(concurrency=2, delay=0.0, slot_seconds=30, max_wait=0.0)
SPACED = Limits(concurrency=5, delay=30.0, slot_seconds=30, max_wait=0.0)


@pytest.fixture(params=["redis", "in-process"])
def backend(request, settings):
    if request.param == "redis":
        if not settings.REDIS_URL:
            pytest.skip("needs REDIS_URL")
        redis.Redis.from_url(settings.REDIS_URL).delete(
            *[f"fetch:host:{h}:{k}" for h in ("a.test", "b.test") for k in ("slots", "next")]
        )
    else:
        settings.REDIS_URL = ""
        host_slots._local.__init__()
    return request.param


def test_a_host_gets_at_most_its_concurrency(backend):
    with ExitStack() as held:
        held.enter_context(host_slot("a.test", TWO_AT_ONCE))
        held.enter_context(host_slot("a.test", TWO_AT_ONCE))
        with pytest.raises(HostBusy), host_slot("a.test", TWO_AT_ONCE):
            pass
        with host_slot("b.test", TWO_AT_ONCE):
            pass  # another host is not held up


def test_a_released_slot_is_free_again(backend):
    for _ in range(3):
        with host_slot("a.test", TWO_AT_ONCE):
            pass


def test_request_starts_are_spaced_by_the_politeness_delay(backend):
    with host_slot("a.test", SPACED):
        pass
    with pytest.raises(HostBusy) as busy, host_slot("a.test", SPACED):
        pass
    assert 0 < busy.value.delay <= 30
