"""The web keeps answering while Redis is down: the cache behaves as empty instead of raising."""

from claims.page_cache import ResilientRedisCache


def unreachable_cache():
    return ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})


def test_reads_miss_and_writes_are_dropped_when_redis_is_unreachable():
    cache = unreachable_cache()
    assert cache.get("page", "fallback") == "fallback"
    assert cache.set("page", "html") is None
    assert cache.get_or_set("gen", 1) == 1
    assert cache.incr("gen") is None
    assert cache.get_many(["a", "b"]) == {}
    # The keys it could not write, as Django's set_many contract says: the public pages retry their generations.
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]


def test_throttled_api_still_answers_without_redis(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "claims.page_cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/api/v1/public/claims/")
    assert response.status_code == 200
