"""The API's rate limits, DRF's anonymous and per-user rates, in one Redis round trip per request.

DRF's throttles read a request's history from the cache and write it back: two round trips on every API request,
a third of the token list's cost once its page comes from the cache (docs/profile.md). Here the same sliding window
(the requests of the last ``duration`` seconds, at most ``num_requests`` of them) is a sorted set of timestamps that
one Lua script trims, counts and extends on the Redis server, atomically, so two web processes counting the same
client at once cannot both take its last request. Without Redis (the embedded default's memory cache) DRF's own
code runs. As with DRF's throttles on the resilient cache, a Redis that does not answer lets the request through:
an outage of the cache is no outage of the API.
"""

import logging
import secrets

from django.core.cache import caches
from rest_framework import throttling

from claims.page_cache import UNREACHABLE, ResilientRedisCache

log = logging.getLogger(__name__)

#: KEYS[1] the client's window; ARGV: now, duration (s), limit, a member unique to this request. Returns
#: {1, count} when the request is counted, {0, count, oldest timestamp} when the window is full. DRF drops the
#: history at or before ``now - duration``; so does the trim (an inclusive bound).
WINDOW = """
local now = tonumber(ARGV[1])
local duration = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
if count >= tonumber(ARGV[3]) then
    return {0, count, redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(duration))
return {1, count + 1}
"""

_script = None


def _window(client):
    """The script, made once per process (redis-py sends EVALSHA on the given client, and the script itself when
    Redis restarted without it). Django's Redis cache makes a client object per call on a shared pool."""
    global _script
    if _script is None:
        _script = client.register_script(WINDOW)
    return _script


class OneTripThrottle(throttling.SimpleRateThrottle):
    """``allow_request`` of DRF's SimpleRateThrottle, with the window kept on the Redis server."""

    # Not DRF's key: its history is a pickled list, this window a sorted set (a WRONGTYPE error on the same key).
    cache_format = "throttle_window_%(scope)s_%(ident)s"
    num_requests: int
    duration: int

    def allow_request(self, request, view) -> bool:
        backend = caches["default"]
        if self.rate is None or not isinstance(backend, ResilientRedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        try:
            client = backend._cache.get_client(write=True)
            answer = _window(client)(
                keys=[backend.make_key(self.key)],
                args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{secrets.token_hex(6)}"],
                client=client,
            )
        except UNREACHABLE as exc:
            log.warning("cache unreachable during the rate limit: %s", exc)
            self.history = []
            return True
        if answer[0]:
            return True
        # DRF's wait() reads the window's size and its oldest request (the history's last item).
        count, oldest = int(answer[1]), float(answer[2])
        self.history = [self.now] * (count - 1) + [oldest]
        return self.throttle_failure()


class AnonRateThrottle(OneTripThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(OneTripThrottle, throttling.UserRateThrottle):
    pass
