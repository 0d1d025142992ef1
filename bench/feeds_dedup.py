"""Benchmark: what the inbox's near-duplicate check costs per new story (claims/syndication.py).

Prints the time to fingerprint one Arabic article (simhash over 3-word shingles of the normalized text) and to
compare one fingerprint with FEED_DEDUP candidates (the most the inbox reads: services/inbox.MAX_CANDIDATES), and
how many random candidates fall within the Hamming threshold (false matches). Then, on real news pages (the
trafilatura evaluation pages, read from `../shared/realdata/pages/`, never copied), the smallest distance between
two different articles, and the distance between each article and a republished copy of it (a dateline before,
a credit line after, one sentence dropped). Run from the repository root:
`python bench/feeds_dedup.py [pages directory]`.
"""

import gzip
import itertools
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

import django  # noqa: E402

django.setup()

from claims import syndication  # noqa: E402
from claims.fetching.decode import decode_html  # noqa: E402
from claims.fetching.extract import extract  # noqa: E402

PAGES = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "pages"

CANDIDATES = 5_000
WORDS = 800  # a long news article
ROUNDS = 20
LETTERS = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]


def article(rng: random.Random, vocabulary: list[str]) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(WORDS))


def main() -> None:
    rng = random.Random(14)
    vocabulary = ["".join(rng.choices(LETTERS, k=rng.randint(2, 8))) for _ in range(3_000)]
    texts = [article(rng, vocabulary) for _ in range(ROUNDS)]
    started = time.perf_counter()
    prints = [syndication.fingerprint(text) for text in texts]
    per_text = (time.perf_counter() - started) / ROUNDS
    candidates = [syndication.fingerprint(article(rng, vocabulary)) for _ in range(200)]
    candidates = [rng.getrandbits(64) - (1 << 63) for _ in range(CANDIDATES - len(candidates))] + candidates
    started = time.perf_counter()
    matches = 0
    for value in prints:
        matches += sum(syndication.distance(value, other) <= syndication.HAMMING_THRESHOLD for other in candidates)
    per_compare = (time.perf_counter() - started) / ROUNDS
    print(f"fingerprint of a {WORDS}-word article: {per_text * 1000:.1f} ms")
    print(f"compare with {CANDIDATES:,} candidates: {per_compare * 1000:.1f} ms")
    print(f"false matches within {syndication.HAMMING_THRESHOLD} bits: {matches} of {ROUNDS * CANDIDATES:,}")
    real_pages(Path(sys.argv[1]) if len(sys.argv) > 1 else PAGES)


def republished(text: str) -> str:
    sentences = text.split(". ")
    kept = sentences[:3] + sentences[4:] if len(sentences) > 6 else sentences
    return "LONDON (Agency) - " + ". ".join(kept) + " (Reporting by the agency; editing by the desk.)"


def real_pages(directory: Path) -> None:
    if not directory.is_dir():
        print(f"no pages at {directory}: real-page figures skipped")
        return
    texts = {}
    for path in sorted(directory.glob("*.html.gz")):
        html, _codec = decode_html(gzip.decompress(path.read_bytes()), None)
        text = extract(html, "https://example.org/").text
        if syndication.fingerprint(text) is not None:
            texts[path.name] = text
    prints = {name: syndication.fingerprint(text) for name, text in texts.items()}
    apart = min(syndication.distance(prints[a], prints[b]) for a, b in itertools.combinations(prints, 2))
    copies = sorted(
        syndication.distance(prints[name], syndication.fingerprint(republished(texts[name]))) for name in texts
    )
    print(f"{len(texts)} real articles: the closest two different ones are {apart} bits apart")
    print(f"their republished copies: {copies} bits from the original (threshold {syndication.HAMMING_THRESHOLD})")


if __name__ == "__main__":
    main()
