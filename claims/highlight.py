"""Split a text into segments by claim spans, so overlapping and nested claims can all be highlighted.

Plain Python: positions are code points; each segment carries the ids of the claims covering it, and of the desk's
span comments and the proposed claims covering it (each highlighted in their own style).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    claim_ids: tuple[int, ...]
    comment_ids: tuple[int, ...] = ()
    proposal_ids: tuple[int, ...] = ()


CLAIM, COMMENT, PROPOSAL = 0, 1, 2


def segments(
    text: str,
    spans: list[tuple[int, int, int]],
    comments: list[tuple[int, int, int]] | None = None,
    proposals: list[tuple[int, int, int]] | None = None,
) -> list[Segment]:
    """``spans`` are (claim_id, start, end), ``comments`` (comment_id, start, end), ``proposals`` (proposal_id,
    start, end); spans outside the text are clipped, empty ones ignored."""
    n = len(text)
    tagged = (
        [((CLAIM, cid), s, e) for cid, s, e in spans]
        + [((COMMENT, cid), s, e) for cid, s, e in comments or ()]
        + [((PROPOSAL, pid), s, e) for pid, s, e in proposals or ()]
    )
    clipped = [(key, max(0, s), min(n, e)) for key, s, e in tagged if min(n, e) > max(0, s)]
    opening: dict[int, list[tuple[int, int]]] = defaultdict(list)
    closing: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for cid, s, e in clipped:
        opening[s].append(cid)
        closing[e].append(cid)
    cuts = sorted({0, n, *opening, *closing})
    # One sweep over the cuts keeps the spans open at each one: linear in cuts, not cuts x spans (2,000 claims
    # on a 1 MB article took 0.4 s the quadratic way).
    open_ids: Counter[tuple[int, int]] = Counter()
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        for cid in closing.get(a, ()):
            open_ids[cid] -= 1
            if not open_ids[cid]:
                del open_ids[cid]
        open_ids.update(opening.get(a, ()))
        covering = sorted(open_ids.elements())
        claim_ids = tuple(cid for kind, cid in covering if kind == CLAIM)
        comment_ids = tuple(cid for kind, cid in covering if kind == COMMENT)
        proposal_ids = tuple(pid for kind, pid in covering if kind == PROPOSAL)
        out.append(Segment(text[a:b], a, claim_ids, comment_ids, proposal_ids))
    return out
