"""Checking and normalizing the web addresses the desk asks us to fetch."""

from __future__ import annotations

from typing import cast
from urllib.parse import unquote, urlsplit, urlunsplit

from url_normalize import url_normalize

from claims.fetching import reasons as R
from claims.fetching.errors import InvalidURL
from claims.fetching.reasons import reason

# Parameters that only identify a campaign or a click, never the page itself.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "__twitter_impression",
        "_hsenc",
        "_hsmi",
        "wt_mc",
        "at_medium",
        "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
ALLOWED_SCHEMES = ("http", "https")
#: Longest URL a source, an article or a capture stores: their URL columns are this long (a test keeps them equal).
MAX_URL_LENGTH = 2000
#: DNS limits (RFC 1035): a host name is at most 253 characters, each dot-separated part at most 63, counted in
#: the ASCII form that is looked up (an Arabic part is longer as xn--…).
MAX_HOST_LENGTH = 253
MAX_HOST_LABEL_LENGTH = 63


def validate_url(url: str) -> str:
    """Return the URL stripped of surrounding blanks, or raise InvalidURL saying what is wrong with it."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL(reason(R.URL_EMPTY))
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(reason(R.URL_TOO_LONG, length=len(url), limit=MAX_URL_LENGTH))
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidURL(reason(R.URL_BLANKS))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(reason(R.URL_MALFORMED, error=str(exc))) from exc
    scheme = parts.scheme.lower()
    if not scheme:
        raise InvalidURL(reason(R.URL_NO_SCHEME))
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidURL(reason(R.URL_SCHEME_REFUSED, scheme=scheme))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidURL(reason(R.URL_CREDENTIALS))
    if not parts.hostname:
        raise InvalidURL(reason(R.URL_NO_HOST))
    if port == 0:
        raise InvalidURL(reason(R.URL_PORT_ZERO))
    if ":" not in parts.hostname:  # an IPv6 literal has no labels
        _check_host_name(parts.hostname)
    return url


def _check_host_name(host: str) -> None:
    labels = host.removesuffix(".").split(".")
    if any(not label for label in labels):
        raise InvalidURL(reason(R.HOST_EMPTY_PART))
    ascii_labels = [_ascii_label(label) for label in labels]
    longest = max(ascii_labels, key=len)
    if len(longest) > MAX_HOST_LABEL_LENGTH:
        raise InvalidURL(reason(R.HOST_PART_TOO_LONG, length=len(longest), limit=MAX_HOST_LABEL_LENGTH))
    length = len(".".join(ascii_labels))
    if length > MAX_HOST_LENGTH:
        raise InvalidURL(reason(R.HOST_TOO_LONG, length=length, limit=MAX_HOST_LENGTH))


def _ascii_label(label: str) -> str:
    """The label as DNS sees it: itself if ASCII, else its punycode form (what the IDNA codecs produce)."""
    if label.isascii():
        return label
    try:
        return "xn--" + label.lower().encode("punycode").decode("ascii")
    except UnicodeError as exc:
        raise InvalidURL(reason(R.HOST_BAD_CHARACTERS)) from exc


def normalize_url(url: str) -> str:
    """Canonical form used to recognise the same source: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, remaining query parameters sorted by name (stable for repeats)."""
    try:
        normalized = cast(str, url_normalize(validate_url(url)))  # None only for a None input
    except UnicodeError as exc:  # idna refuses the host (a character IDNA 2008 disallows, a bad joiner)
        raise InvalidURL(reason(R.HOST_BAD_CHARACTERS)) from exc
    parts = urlsplit(normalized)
    normalized = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", _clean_query(parts.query), ""))
    if len(normalized) > MAX_URL_LENGTH:
        # Measured encoded: one Arabic letter is 6 characters once percent-encoded (%D8%B9), so a 1,900-letter
        # address is 11,400 characters stored.
        raise InvalidURL(reason(R.URL_TOO_LONG_ENCODED, length=len(normalized), limit=MAX_URL_LENGTH))
    return normalized


def _clean_query(query: str) -> str:
    pairs = [pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    return "&".join(sorted(pairs, key=lambda pair: pair.split("=", 1)[0]))


def _is_tracking(name: str) -> bool:
    name = unquote(name).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
