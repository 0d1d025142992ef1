"""Real news pages served from a local server through fetch → decode → extract, scored against trafilatura's
ground truth. The counts are a ratchet: they may rise, never fall (figures in docs/fetching.md)."""

import gzip
import json
import re
from pathlib import Path

from claims.fetching.pipeline import capture

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"
TRUTH = json.loads((PAGES / "ground_truth.json").read_text(encoding="utf-8"))

# Today's figures; raise them when extraction improves.
MINIMUM = {"title": 19, "date": 17, "author": 13, "with": 17, "without": 17, "not_a_challenge": 19}


def simplify(value) -> str:
    if isinstance(value, list):
        value = ", ".join(value)
    value = re.sub(r"\s*[;,]\s*", ", ", value or "")
    return " ".join(value.casefold().split()).rstrip(".")


def score(entry: dict, server, policy) -> dict[str, bool | None]:
    """For each field: True (right), False (wrong) or None (the ground truth gives nothing to check)."""
    name = Path(entry["file"]).name
    url = server.route(f"/{name}", body=gzip.decompress((PAGES / name).read_bytes()))
    expected = entry["expected"]
    try:
        result = capture(url, policy).extracted
    except Exception:  # noqa: BLE001 (a failed page scores zero everywhere, the table shows it)
        return {field: False for field in MINIMUM}
    text = simplify(result.text)
    return {
        "title": simplify(result.title) == simplify(expected["title"]) if expected["title"] else None,
        "date": str(result.published) == expected["date"] if expected["date"] else None,
        "author": simplify(result.author) == simplify(expected["author"]) if expected["author"] else None,
        "with": all(simplify(s) in text for s in expected["with"]),
        "without": not any(simplify(s) in text for s in expected["without"]),
        "not_a_challenge": True,
    }


def test_real_pages_extract_at_least_as_well_as_before(server, policy):
    scores = {Path(entry["file"]).name: score(entry, server, policy) for entry in TRUTH}
    totals = {field: sum(s[field] is True for s in scores.values()) for field in MINIMUM}
    checked = {field: sum(s[field] is not None for s in scores.values()) for field in MINIMUM}
    print("\nfield            right / checked")
    for field in MINIMUM:
        print(f"{field:<16} {totals[field]:>5} / {checked[field]}")
    for name, s in scores.items():
        misses = [field for field, ok in s.items() if ok is False]
        if misses:
            print(f"  {name}: wrong {', '.join(misses)}")
    assert all(totals[field] >= MINIMUM[field] for field in MINIMUM), totals
