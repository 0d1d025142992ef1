"""Telling that two sites carry the same story: agency copy is republished across Arabic sites with a new
headline, the site's name and a line or two changed. Two copies are one story when their canonical URLs are the
same, or when their texts' simhashes are within HAMMING_THRESHOLD bits. Pure Python: no ORM, no request.

The simhash (Charikar 2002; Manku, Jain and Das Sarma 2007 for near-duplicate web pages) is taken over shingles
of SHINGLE_WORDS consecutive words of the Arabic-normalized text (claims.arabic.normalize: hamza, alef, ta
marbuta, tashkeel and digits unified, via claims.arabic.tokens), so spelling variants of the same copy do not count as changes.
"""

from __future__ import annotations

import hashlib

from claims.arabic import tokens
from claims.fetching.errors import FetchError
from claims.fetching.urls import normalize_url

BITS = 64
SHINGLE_WORDS = 3
#: Two texts whose simhashes differ in at most this many of the 64 bits are the same story. Manku et al. found
#: 3 bits right for billions of web pages; a desk's inbox holds thousands, and republished agency copy differs
#: by a dateline, a credit line and a word or two, which moves about 5 bits in a 120-word story: 8 keeps those
#: together, while unrelated texts (32 bits apart on average, give or take 4; 35 to 38 for two Libyan stories
#: in tests/test_syndication.py) stay far apart.
HAMMING_THRESHOLD = 8
#: Below this many words a text's simhash says too little (a summary, a caption): only the URL counts.
MIN_WORDS = 40


def canonical_url(url: str) -> str:
    """The address that names the story whatever link led to it: scheme and host lower-cased, default port,
    fragment and tracking parameters dropped (claims.fetching.urls.normalize_url). "" for an unusable address."""
    if not url:
        return ""
    try:
        return normalize_url(url)
    except FetchError:
        return ""


def url_key(url: str) -> str:
    """A fixed-length key of a canonical URL, for a database index (URLs may be 2,000 characters)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest() if url else ""


def words(text: str) -> list[str]:
    """The normalized words and numbers of `text`, in order (tokens() normalizes)."""
    return tokens(text)


def fingerprint(text: str) -> int | None:
    """The text's 64-bit simhash, as a signed integer (a PostgreSQL bigint); None under MIN_WORDS words."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return None
    weights = [0] * BITS
    for start in range(len(found) - SHINGLE_WORDS + 1):
        shingle = " ".join(found[start : start + SHINGLE_WORDS]).encode("utf-8")
        value = int.from_bytes(hashlib.blake2b(shingle, digest_size=8).digest(), "big")
        for bit in range(BITS):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(BITS) if weights[bit] > 0)
    return unsigned - (1 << BITS) if unsigned >= 1 << (BITS - 1) else unsigned


def distance(first: int, second: int) -> int:
    """How many of the 64 bits differ."""
    return ((first ^ second) & ((1 << BITS) - 1)).bit_count()


def same_story(first: int | None, second: int | None) -> bool:
    return first is not None and second is not None and distance(first, second) <= HAMMING_THRESHOLD
