"""The API's rate limits in one Redis round trip (claims.api.throttling): the same sliding window as DRF's throttles,
kept on the Redis server, with DRF's own code where the cache is not Redis, and requests let through while Redis
is down."""

import pytest
import redis
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.throttling import AnonRateThrottle as DRFAnonRateThrottle
from rest_framework.throttling import UserRateThrottle as DRFUserRateThrottle

from claims.api import throttling
from tests.public_helpers import fresh_cache, make_claim, redis_cache  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/"


@pytest.fixture
def rates(monkeypatch):
    def set_rates(user: str = "3/minute", anon: str = "3/minute") -> None:
        monkeypatch.setattr(DRFUserRateThrottle, "THROTTLE_RATES", {"user": user, "anon": anon})
        monkeypatch.setattr(DRFAnonRateThrottle, "THROTTLE_RATES", {"user": user, "anon": anon})

    return set_rates


def round_trips(monkeypatch) -> list[str]:
    """The Redis commands this process sends from now on, one per round trip."""
    sent: list[str] = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append(str(args[0]))
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    return sent


def test_a_request_costs_one_redis_round_trip_for_its_rate_limit(editor, rates, monkeypatch):
    rates(user="100/minute")
    request = RequestFactory().get(LIST)
    request.user = editor
    sent = round_trips(monkeypatch)
    assert throttling.UserRateThrottle().allow_request(request, None)
    # The first request of a Redis that has not seen the script yet loads it (NOSCRIPT, SCRIPT LOAD, again).
    assert sent in (["EVALSHA"], ["EVALSHA", "SCRIPT LOAD", "EVALSHA"])
    for _ in range(3):
        sent.clear()
        assert throttling.UserRateThrottle().allow_request(request, None)
        assert sent == ["EVALSHA"]  # DRF's throttle: GET the history, then SET it


def test_the_per_user_rate_answers_429_with_retry_after_past_its_limit(api, rates):
    rates(user="3/minute")
    assert [api.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = api.get(LIST)
    assert refused.status_code == 429
    assert 55 <= int(refused["Retry-After"]) <= 60
    assert "Request was throttled" in refused.json()["detail"]


def test_the_window_slides_a_request_older_than_the_duration_no_longer_counts(editor, rates, monkeypatch):
    rates(user="2/minute")
    request = RequestFactory().get(LIST)
    request.user = editor
    now = [1_000_000.0]
    monkeypatch.setattr(throttling.UserRateThrottle, "timer", lambda self: now[0])
    allowed = []
    for moment in (0, 10, 20, 59.9, 60.0, 70.5):
        now[0] = 1_000_000.0 + moment
        allowed.append(throttling.UserRateThrottle().allow_request(request, None))
    # 0 and 10 fill the window; 20 and 59.9 are refused (refusals are not counted, as in DRF); at 60 the request
    # of 0 has left it, at 70.5 the one of 10.
    assert allowed == [True, True, False, False, True, True]


def test_each_client_has_its_own_window(editor, second_editor, rates, monkeypatch):
    rates(user="1/minute", anon="1/minute")
    requests = []
    for user in (editor, second_editor, AnonymousUser()):
        request = RequestFactory().get(LIST, REMOTE_ADDR="192.0.2.7")
        request.user = user
        requests.append(request)
    assert throttling.UserRateThrottle().allow_request(requests[0], None)
    assert throttling.UserRateThrottle().allow_request(requests[1], None)
    assert throttling.AnonRateThrottle().allow_request(requests[2], None)
    assert not throttling.UserRateThrottle().allow_request(requests[0], None)
    assert not throttling.AnonRateThrottle().allow_request(requests[2], None)


def test_without_redis_the_limits_are_drfs_own(api, rates, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rates(user="2/minute")
    assert [api.get(LIST).status_code for _ in range(3)] == [200, 200, 429]


def test_the_api_answers_while_redis_is_down(api, private_redis, rates, settings):
    settings.CACHES = redis_cache(private_redis, "throttle")
    rates(user="2/minute")
    make_claim()
    assert api.get(LIST).status_code == 200
    private_redis.stop()
    assert [api.get(LIST).status_code for _ in range(3)] == [200, 200, 200]


def test_every_api_view_counts_requests_with_the_one_trip_throttles():
    from rest_framework.settings import api_settings

    from claims.api import dossiers, series, views

    assert [throttling.AnonRateThrottle, throttling.UserRateThrottle] == api_settings.DEFAULT_THROTTLE_CLASSES
    assert views.AnonRateThrottle is series.AnonRateThrottle is dossiers.AnonRateThrottle is throttling.AnonRateThrottle
