"""Checking and normalizing the web addresses the desk asks us to fetch."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from url_normalize import url_normalize

from claims.fetching.errors import InvalidURL

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


def validate_url(url: str) -> str:
    """Return the URL stripped of surrounding blanks, or raise InvalidURL saying what is wrong with it."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidURL("The address is empty.")
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidURL("The address contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"The address is malformed ({exc}).") from exc
    scheme = parts.scheme.lower()
    if not scheme:
        raise InvalidURL("The address has no scheme; it must start with http:// or https://.")
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidURL(f'Only http:// and https:// addresses can be fetched, not "{scheme}:" addresses.')
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise InvalidURL("The address contains a user name or password; remove them before fetching.")
    if not parts.hostname:
        raise InvalidURL("The address has no host name.")
    if port == 0:
        raise InvalidURL("The address uses port 0, which cannot be fetched.")
    return url


def normalize_url(url: str) -> str:
    """Canonical form used to recognise the same source: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, remaining query parameters sorted by name (stable for repeats)."""
    normalized = url_normalize(validate_url(url))
    parts = urlsplit(normalized)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", _clean_query(parts.query), ""))


def _clean_query(query: str) -> str:
    pairs = [pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    return "&".join(sorted(pairs, key=lambda pair: pair.split("=", 1)[0]))


def _is_tracking(name: str) -> bool:
    name = unquote(name).lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)
