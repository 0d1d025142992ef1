"""Is an evidence passage really in the captured source? Arabic-aware exact search, then fuzzy search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

from claims.arabic.normalization import normalize_with_map, original_span

DEFAULT_THRESHOLD = 85.0


@dataclass(frozen=True)
class PassageMatch:
    state: Literal["found", "approximate", "not_found"]
    start: int | None = None  # code points of the original text
    end: int | None = None
    score: float = 0.0  # 100 for an exact (normalized) match


def find_passage(passage: str, text: str, threshold: float = DEFAULT_THRESHOLD) -> PassageMatch:
    """Find `passage` in `text` ignoring diacritics, Arabic spelling variants, case and spacing; below
    `threshold` (0-100, rapidfuzz partial ratio) the passage counts as not found."""
    needle, _ = normalize_with_map(passage)
    haystack, origin = normalize_with_map(text)
    if not needle or not haystack:
        return PassageMatch("not_found")
    at = haystack.find(needle)
    if at >= 0:
        return PassageMatch("found", *original_span(text, origin, at, at + len(needle)), score=100.0)
    alignment = fuzz.partial_ratio_alignment(needle, haystack, score_cutoff=threshold)
    if alignment is None or alignment.dest_end <= alignment.dest_start:
        return PassageMatch("not_found")
    start, end = original_span(text, origin, alignment.dest_start, alignment.dest_end)
    return PassageMatch("approximate", start, end, score=round(alignment.score, 1))
