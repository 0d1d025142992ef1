"""Split a text into segments by claim spans, so overlapping and nested claims can all be highlighted.

Plain Python: positions are code points; each segment carries the ids of the claims covering it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    claim_ids: tuple[int, ...]


def segments(text: str, spans: list[tuple[int, int, int]]) -> list[Segment]:
    """``spans`` are (claim_id, start, end); spans outside the text are clipped, empty ones ignored."""
    n = len(text)
    clipped = [(cid, max(0, s), min(n, e)) for cid, s, e in spans if min(n, e) > max(0, s)]
    cuts = sorted({0, n, *(s for _, s, _ in clipped), *(e for _, _, e in clipped)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a == b:
            continue
        ids = tuple(sorted(cid for cid, s, e in clipped if s <= a and e >= b))
        out.append(Segment(text[a:b], a, ids))
    return out
