"""Precision and recall of similar-claim suggestions on a labelled set: the demo desk's 13 claims and, when
the shared real ClaimReview file is checked out beside the repository, its 112 reviews (read, never copied).

Labels: demo claims 2 and 5 (the Haftar–Shoigu meetings) are the same claim; reviews of one claims:search
record are the same claim; records 84 and 85 (the veiled-schoolgirls video, checked by two desks) were
labelled the same claim by reading the 60 best-scoring pairs; every other pair is labelled distinct.
Run from the repository root: `python bench/matching_eval.py`.
"""

import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.claimreview_import import parse_claimreview  # noqa: E402
from claims.demo.desk import CLAIMS  # noqa: E402
from claims.matching import SUGGEST_THRESHOLD, ClaimText, score  # noqa: E402

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "claimreview-ar.json"
DEMO_SAME = {frozenset({"demo:2", "demo:5"})}
REAL_SAME_BY_READING = {frozenset({"real:84", "real:85"})}


def demo_items() -> dict[str, ClaimText]:
    items = {}
    for claim in CLAIMS:
        details = claim.get("details", {})
        dates = {str(details[k]) for k in ("date", "as_of", "period") if details.get(k)}
        facts = tuple((k, str(details[k]).lower()) for k in ("place", "channel") if details.get(k))
        entities = frozenset(hash(key) for key in claim.get("entities", []))
        items[f"demo:{claim['key']}"] = ClaimText(
            f"{claim['statement']} {claim['exact']}", entities, frozenset(dates), facts
        )
    return items


def real_items() -> tuple[dict[str, ClaimText], set[frozenset]]:
    if not REALDATA.exists():
        return {}, set()
    records = parse_claimreview(json.loads(REALDATA.read_text(encoding="utf-8"))).records
    items = {f"real:{r.position}": ClaimText(r.claim_text) for r in records}
    groups: dict[str, list[str]] = {}
    for r in records:
        groups.setdefault(r.position.split(".")[0], []).append(f"real:{r.position}")
    same = {frozenset(pair) for keys in groups.values() for pair in itertools.combinations(keys, 2)}
    return items, same


def evaluate(threshold: float = SUGGEST_THRESHOLD) -> dict:
    demo = demo_items()
    real, same_review = real_items()
    items = demo | real
    same = DEMO_SAME | same_review | (REAL_SAME_BY_READING if real else set())
    rows = {"all": [0, 0, 0], "without identical texts": [0, 0, 0], "demo only": [0, 0, 0]}
    for a, b in itertools.combinations(items, 2):
        pair = frozenset({a, b})
        predicted = score(items[a], items[b]).score >= threshold
        actual = pair in same
        buckets = ["all"]
        if items[a].text != items[b].text:
            buckets.append("without identical texts")
        if a.startswith("demo") and b.startswith("demo"):
            buckets.append("demo only")
        for bucket in buckets:
            tp_fp_fn = rows[bucket]
            if predicted and actual:
                tp_fp_fn[0] += 1
            elif predicted:
                tp_fp_fn[1] += 1
            elif actual:
                tp_fp_fn[2] += 1
    return {"items": len(items), "pairs": len(items) * (len(items) - 1) // 2, "rows": rows}


def main() -> None:
    for threshold in (0.30, SUGGEST_THRESHOLD, 0.45, 0.50):
        result = evaluate(threshold)
        print(f"threshold {threshold:.2f}: {result['items']} claims, {result['pairs']} pairs")
        for name, (tp, fp, fn) in result["rows"].items():
            precision = tp / (tp + fp) if tp + fp else 1.0
            recall = tp / (tp + fn) if tp + fn else 1.0
            print(f"  {name:26} TP {tp:3} FP {fp:3} FN {fn:3}  precision {precision:.2f}  recall {recall:.2f}")


if __name__ == "__main__":
    main()
