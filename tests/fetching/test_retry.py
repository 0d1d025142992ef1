"""When to try a failed fetch again: backoff with jitter, honouring the server's Retry-After."""

import random
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from claims.fetching.client import parse_retry_after, retry_delay
from claims.fetching.errors import HTTPStatusError, Timeout


@given(st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=2**32))
def test_backoff_stays_between_zero_and_the_exponential_bound_and_the_cap(attempt, seed):
    delay = retry_delay(attempt, Timeout("slow"), base=2.0, cap=600.0, rng=random.Random(seed))
    assert 0 <= delay <= min(600.0, 2.0 * 2 ** (attempt - 1))


@given(st.integers(min_value=1, max_value=10), st.floats(min_value=0, max_value=3600))
def test_retry_after_is_never_cut_short(attempt, retry_after):
    error = HTTPStatusError("busy", status=429, retry_after=retry_after)
    assert retry_delay(attempt, error, rng=random.Random(1)) >= retry_after


def test_absurd_retry_after_is_bounded():
    error = HTTPStatusError("busy", status=503, retry_after=10**9)
    assert retry_delay(1, error, max_retry_after=3600) == 3600


def test_retry_after_is_read_as_seconds_or_http_date():
    now = datetime(2020, 1, 15, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 15 Jan 2020 12:01:30 GMT", now=now) == 90.0
    assert parse_retry_after("Wed, 15 Jan 2020 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_client_errors_are_final_and_server_errors_transient():
    assert not HTTPStatusError("gone", status=404).transient
    assert not HTTPStatusError("forbidden", status=403).transient
    assert HTTPStatusError("busy", status=429).transient
    assert HTTPStatusError("down", status=503).transient
