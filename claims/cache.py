"""A Redis cache that degrades to "no cache" while Redis is unreachable, so the web keeps answering.

Pages, throttles and sessions-by-cache only lose speed when Redis restarts; they must not fail with a 500.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class _OneClientPerPool(RedisCacheClient):
    """Django builds a new redis.Redis for every command, ~0.15 ms of Python (its table of response callbacks),
    about half of what a cached page or a throttle check costs. redis-py clients are thread-safe and take a
    connection from their pool per command, so one client per pool does the same work."""

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


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

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
        return self._quietly("set", None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._quietly("add", False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._quietly("set_many", list(data), super().set_many, data, timeout, version)

    def delete(self, key, version=None):
        return self._quietly("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._quietly("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._quietly("incr", None, super().incr, key, delta, version)

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

    def has_key(self, key, version=None):
        return self._quietly("has_key", False, super().has_key, key, version)

    def touch(self, key, timeout=None, version=None):
        return self._quietly("touch", False, super().touch, key, timeout, version)
