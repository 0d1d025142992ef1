"""Which addresses the desk may fetch, and how the same source is recognised under different spellings."""

import pytest

from claims.fetching.errors import InvalidURL
from claims.fetching.urls import normalize_url, validate_url


def test_scheme_and_host_are_lowercased_and_default_port_dropped():
    assert normalize_url("HTTP://Example.COM:80/Path") == "http://example.com/Path"


def test_fragment_and_tracking_parameters_are_dropped_and_the_rest_sorted():
    url = "https://example.com/a?utm_source=x&b=2&fbclid=abc&a=1&gclid=z&mc_cid=1&igshid=q&ref_src=tw#top"
    assert normalize_url(url) == "https://example.com/a?a=1&b=2"


def test_repeated_parameters_keep_their_order():
    assert normalize_url("https://example.com/?b=1&a=2&a=1") == "https://example.com/?a=2&a=1&b=1"


def test_arabic_path_is_percent_encoded_once():
    once = normalize_url("https://example.com/مقال")
    assert once == "https://example.com/%D9%85%D9%82%D8%A7%D9%84"
    assert normalize_url(once) == once


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("file:///etc/passwd", "Only http:// and https://"),
        ("ftp://example.com/x", "Only http:// and https://"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http:///nohost", "no host name"),
        ("example.com/page", "no scheme"),
        ("http://example.com:99999/", "malformed"),
        ("http://exa mple.com/", "spaces"),
        ("", "empty"),
    ],
)
def test_unfetchable_addresses_are_refused_with_a_clear_reason(url, words):
    with pytest.raises(InvalidURL) as caught:
        validate_url(url)
    assert words in caught.value.reason
    assert not caught.value.transient


def test_invalid_url_is_a_value_error_for_callers_that_validate_forms():
    with pytest.raises(ValueError):
        validate_url("javascript:alert(1)")


def test_the_url_limit_is_the_length_of_every_url_column():
    from claims.fetching.urls import MAX_URL_LENGTH
    from claims.models import Article, Capture, Source

    columns = [
        Source._meta.get_field("url"),
        Source._meta.get_field("original_url"),
        Article._meta.get_field("url"),
        Capture._meta.get_field("requested_url"),
        Capture._meta.get_field("final_url"),
    ]
    assert {column.max_length for column in columns} == {MAX_URL_LENGTH}


def test_an_address_longer_than_the_limit_as_typed_is_refused():
    with pytest.raises(InvalidURL, match="limit is 2000"):
        validate_url("https://example.com/?q=" + "a" * 2000)


@pytest.mark.parametrize(
    "host", ["a" * 64 + ".example.org", ".".join(["a" * 60] * 5), "a..example.org", "ع" * 60 + ".example.org"]
)
def test_host_names_past_the_dns_limits_are_refused(host):
    with pytest.raises(InvalidURL):
        normalize_url(f"https://{host}/")


def test_an_arabic_host_within_the_limits_is_kept():
    assert normalize_url("https://موقع.example/").startswith("https://xn--")
