"""Reading the CheckThat! claim files for the check-worthiness training script and benchmark.

Two formats, told apart by their first line: CheckThat! 2022 task 1B tweets (TSV with a header `topic,
tweet_id, tweet_url, tweet_text, class_label`) and CheckThat! 2020 task 5 transcripts (TSV without header:
`line_number, speaker, sentence, label`). Lines are split on tabs only: the texts hold `"` that is no quoting.
"""

from dataclasses import dataclass
from pathlib import Path


def _shared() -> Path:
    """../shared/realdata/claim-spotting beside the repository (or beside a folder holding the checkout)."""
    for folder in Path(__file__).resolve().parents[2:4]:
        if (folder / "shared" / "realdata").is_dir():
            return folder / "shared" / "realdata" / "claim-spotting"
    return Path(__file__).resolve().parents[2] / "shared" / "realdata" / "claim-spotting"


SHARED = _shared()
TWEETS = SHARED / "checkthat2022_task1b"
TRANSCRIPTS = SHARED / "checkthat2020_task5_en"


@dataclass(frozen=True)
class Example:
    text: str
    label: int
    language: str  # "ar", "en" or "" (detect)
    group: str  # the file it came from: one transcript is one ranking for MAP
    transcript: bool = False  # a sentence of a debate or speech (task 5), not a tweet


def language_of(path: Path) -> str:
    """The language a CheckThat! file name announces (`CT22_arabic_...`), or "" to detect it per line."""
    name = path.name.lower()
    if "arabic" in name or "_ar_" in name:
        return "ar"
    if "english" in name or "_en_" in name or "_en." in name:
        return "en"
    return ""


def read_examples(path: Path, *, language: str | None = None) -> list[Example]:
    """The labelled lines of one file, in file order. Transcripts are English unless `language` says otherwise."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        return []
    header = lines[0].split("\t")
    if "tweet_text" in header:
        text_at, label_at = header.index("tweet_text"), header.index("class_label")
        rows, default, transcript = lines[1:], language_of(path), False
    else:
        text_at, label_at = 2, 3
        rows, default, transcript = lines, language_of(path) or "en", True
    found = []
    for row in rows:
        fields = row.split("\t")
        if len(fields) <= max(text_at, label_at) or fields[label_at].strip() not in {"0", "1"}:
            continue
        found.append(Example(fields[text_at], int(fields[label_at]), language or default, path.name, transcript))
    return found


def default_paths(kind: str, split: str = "") -> list[Path]:
    """The shared files: kind 'tweets' with split 'train'/'dev', or 'transcripts' (all of them, sorted)."""
    if kind == "tweets":
        return [TWEETS / f"CT22_{name}_1B_claim_{split}.tsv" for name in ("arabic", "english")]
    return sorted(TRANSCRIPTS.glob("*.tsv"))


def average_precision(ranked_labels: list[int]) -> float:
    """Average precision of one ranking (labels best first): the mean precision at each positive's rank."""
    hits, total = 0, 0.0
    for rank, label in enumerate(ranked_labels, start=1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def ranked_labels(examples: list[Example], scores: list[float]) -> list[int]:
    """The labels of one transcript ordered by score, best first (ties keep transcript order)."""
    order = sorted(range(len(examples)), key=lambda i: (-scores[i], i))
    return [examples[i].label for i in order]


def ranking_figures(rankings: list[list[int]]) -> tuple[float, float, float]:
    """MAP, P@5 and P@10 over rankings (one per transcript; transcripts without a positive are skipped)."""
    rankings = [labels for labels in rankings if any(labels)]
    if not rankings:
        return 0.0, 0.0, 0.0
    count = len(rankings)
    return (
        sum(average_precision(labels) for labels in rankings) / count,
        sum(sum(labels[:5]) / 5 for labels in rankings) / count,
        sum(sum(labels[:10]) / 10 for labels in rankings) / count,
    )
