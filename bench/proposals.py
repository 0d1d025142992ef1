"""Benchmark: claims proposed in the demo article against the 13 contiguous claims an editor pulls out of it, and
the CPU time of proposing for a 1,000-word article.

The expected claims are those of the demo desk (claims/demo/desk.py, the README table's rows 1 to 13), its
entities the registry. A claim is *found* when a proposal's span overlaps it by at least half of their union;
*kind right* when the proposal has the claim's kind; *fields right* when the kind's key fields agree:
quantity: value, bounds and "approximate"; meeting: every attendee listed (date and place equal where both give
them); event: the date; quote: a speaker naming every speaker entity (date equal where both give one); other and
opinion have no field to compare. CPU: time.process_time of claims.proposals.propose (registry included) on the
first 1,000 words of the demo text repeated, median of several runs. Run from the repository root:

    python bench/proposals.py [path/to/haftar-russia.ar.txt]
"""

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(USE_I18N=False)
django.setup()

from claims.demo import desk  # noqa: E402
from claims.proposals import Proposal, RegistryEntry, propose  # noqa: E402

DEMO = Path(__file__).resolve().parents[2] / "shared" / "demo" / "haftar-russia.ar.txt"
GOAL_FOUND, GOAL_CPU_MS = 11, 100.0
RUNS = 9
WORDS = 1_000


def registry() -> tuple[list[RegistryEntry], dict[str, int]]:
    entries, ids = [], {}
    for number, (key, (kind, name, names, aliases, _wikidata)) in enumerate(desk.ENTITIES.items(), start=1):
        entries.append(RegistryEntry(number, (*names.values(), *aliases), kind, name))
        ids[key] = number
    return entries, ids


def overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / (max(a[1], b[1]) - min(a[0], b[0]))


def fields_right(spec: dict, proposal: Proposal, ids: dict[str, int]) -> bool:
    want, got = spec["details"], proposal.details
    if proposal.kind == "quantity":
        return all(want.get(k) == got.get(k) for k in ("value", "lower", "upper")) and bool(
            want.get("approximate")
        ) == bool(got.get("approximate"))
    if proposal.kind == "meeting":
        listed = {a["entity"] for a in got.get("attendees", [])}
        attendees = {ids[a[0]] for a in spec.get("attendees", [])} <= listed
        return attendees and _agree(want, got, "date") and _agree(want, got, "place")
    if proposal.kind == "event":
        return got.get("date") == want.get("date")
    if proposal.kind == "quote":
        names = [desk.ENTITIES[key][1] for key in spec.get("entities", [])]
        return all(name in got.get("speaker", "") for name in names) and _agree(want, got, "date")
    return True


def _agree(want: dict, got: dict, name: str) -> bool:
    return name not in want or name not in got or want[name] == got[name]


def thousand_words(text: str) -> str:
    lines, count = [], 0
    while count < WORDS:
        for line in text.splitlines(keepends=True):
            line = line if line.endswith("\n") else line + "\n"  # the last line: the repeat starts on a new one
            words = line.split()
            if count + len(words) > WORDS:
                lines.append(" ".join(words[: WORDS - count]))
                count = WORDS
                break
            lines.append(line)
            count += len(words)
    return "".join(lines)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO
    text = path.read_text(encoding="utf-8")
    published = dt.date.fromisoformat(desk.ARTICLE["published_at"])
    entries, ids = registry()
    proposals = propose(text, published=published, language="ar", registry=entries)
    print(f"{path.name}: {len(text)} code points, {len(proposals)} proposals")
    print(f"{'#':>3} {'expected':<9} {'proposed':<9} {'overlap':>7}  found  kind  fields")
    right = 0
    for spec in [s for s in desk.CLAIMS if 1 <= s["key"] <= 13]:
        start = text.index(spec["exact"])
        span = (start, start + len(spec["exact"]))
        best = max(proposals, key=lambda p: overlap(span, (p.start, p.end)))
        share = overlap(span, (best.start, best.end))
        found = share >= 0.5
        kind = found and best.kind == spec["kind"]
        fields = kind and fields_right(spec, best, ids)
        right += bool(fields)
        marks = ["yes" if flag else "no" for flag in (found, kind, fields)]
        print(
            f"{spec['key']:>3} {spec['kind']:<9} {best.kind:<9} {share:>7.2f}  {marks[0]:<5}  {marks[1]:<4}  {marks[2]}"
        )
        if spec["key"] == 1:
            wagner = best.details
        if spec["kind"] == "meeting" and found:
            print(f"      attendees: {', '.join(a['name'] for a in best.details.get('attendees', []))}")
    print(f"right kind and fields: {right} of 13 (goal: at least {GOAL_FOUND})")
    print(f"Wagner estimate: value {wagner.get('value')}, approximate {wagner.get('approximate')}")

    article = thousand_words(text)
    times = []
    for _ in range(RUNS):
        began = time.process_time()
        propose(article, published=published, language="ar", registry=entries)
        times.append((time.process_time() - began) * 1000)
    median = statistics.median(times)
    print(
        f"CPU for a {len(article.split())}-word article: median {median:.1f} ms of {RUNS} runs "
        f"(first {times[0]:.1f} ms, max {max(times):.1f} ms); goal under {GOAL_CPU_MS:.0f} ms: "
        f"{'met' if median < GOAL_CPU_MS else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
