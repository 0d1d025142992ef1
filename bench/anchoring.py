"""Benchmark: re-anchor 2,000 claims on a ~1 MB Arabic article after a revision.

Prints the time of `reanchor_all` as a ratio against a baseline measured in the same run: one plain
`str.find` of every claim's quote in the revised text. Run from the repository root:
`python bench/anchoring.py`.
"""

import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.anchoring import describe, reanchor_all  # noqa: E402

TEXT_SIZE = 1_000_000
CLAIMS = 2_000
ROUNDS = 3
LETTERS = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
INSERTED = "وأضافت مصادر مطلعة في بيان لاحق أن المعلومات الواردة في التقرير دقيقة.\n\n"


def build_article(rng: random.Random) -> str:
    vocabulary = ["".join(rng.choices(LETTERS, k=rng.randint(2, 8))) for _ in range(5_000)]
    words, size = [], 0
    while size < TEXT_SIZE:
        word = rng.choice(vocabulary) + (".\n\n" if rng.random() < 0.02 else " ")
        words.append(word)
        size += len(word)
    return "".join(words)[:TEXT_SIZE]


def pick_claims(rng: random.Random, text: str) -> list:
    """Claims of 6 to 14 words each, at random word boundaries spread over the whole text."""
    # Spans end on a space, so none may start within the last few hundred code points.
    boundaries = [i + 1 for i, char in enumerate(text[:-500]) if char == " "]
    starts = sorted(rng.sample(boundaries, CLAIMS))
    selectors = []
    for start in starts:
        end = start
        for _ in range(rng.randint(6, 14)):
            end = text.find(" ", end + 1)
        selectors.append(describe(text, start, end))
    return selectors


def best_time(function) -> float:
    times = []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return min(times)


def reword(rng: random.Random, text: str, selectors: list, share: float) -> str:
    """Change one letter inside a share of the claims, so they need a fuzzy search."""
    chars = list(text)
    for selector in rng.sample(selectors, int(len(selectors) * share)):
        position = rng.randrange(selector.start, selector.end)
        if chars[position] != " ":
            chars[position] = "ـ"
    return "".join(chars)


def report(label: str, selectors: list, revised: str) -> None:
    baseline = best_time(lambda: [revised.find(s.exact) for s in selectors])
    measured = best_time(lambda: reanchor_all(selectors, revised))
    methods = Counter(anchoring.method for anchoring in reanchor_all(selectors, revised))
    print(
        f"{label}: reanchor_all / str.find baseline = {measured / baseline:.2f} "
        f"(baseline {baseline * 1000:.1f} ms; {dict(methods)})"
    )


def main() -> None:
    rng = random.Random(2020)
    text = build_article(rng)
    selectors = pick_claims(rng, text)
    print(f"{len(text):,} code points, {len(selectors):,} claims")
    # The edit goes after the first paragraph, so a few claims stay put and the rest shift.
    cut = text.index("\n\n") + 2
    report("paragraph inserted near the start", selectors, text[:cut] + INSERTED + text[cut:])
    reworded = reword(rng, text, selectors, 0.01)
    report("and 1% of claims reworded", selectors, reworded[:cut] + INSERTED + reworded[cut:])


if __name__ == "__main__":
    main()
