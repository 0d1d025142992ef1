"""How many reviews of a ClaimReview file get a verdict from the rating mapping (claims.claimreview_import), overall
and by publisher, and which ratings map to nothing (they would wait in the desk's mapping table).

Run from the repository root with the file as argument, e.g. the shared real Arabic records (read, never copied):
`python bench/rating_coverage.py ../shared/realdata/claimreview-ar.json`.
"""

import argparse
import collections
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.claimreview_import import parse_claimreview  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a JSON file: schema.org ClaimReview or a claims:search response")
    args = parser.parse_args()
    parsed = parse_claimreview(json.loads(args.path.read_text(encoding="utf-8")))
    records = parsed.records
    mapped = [r for r in records if r.verdict]
    share = len(mapped) / len(records) if records else 0.0
    print(f"{len(records)} reviews read, {len(parsed.errors)} records unreadable")
    print(f"with a verdict: {len(mapped)} of {len(records)} = {share:.1%}")
    by_publisher: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for record in records:
        counts = by_publisher[record.publisher or record.publisher_site or "(no publisher)"]
        counts[0] += 1
        counts[1] += bool(record.verdict)
    print("\nby publisher (reviews, with a verdict):")
    for name, (total, with_verdict) in sorted(by_publisher.items(), key=lambda item: -item[1][0]):
        print(f"  {total:4d} {with_verdict:4d}  {name}")
    verdicts = collections.Counter(r.verdict for r in mapped)
    print("\nverdicts:", ", ".join(f"{v} {n}" for v, n in verdicts.most_common()))
    unmapped = collections.Counter(r.rating_text[:100] for r in records if not r.verdict)
    print(f"\nratings mapping to nothing ({sum(unmapped.values())}):")
    for rating, n in unmapped.most_common(20):
        print(f"  {n:4d}  {rating}")


if __name__ == "__main__":
    main()
