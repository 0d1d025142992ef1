"""Train the check-worthiness model that `claims.checkworthiness.score` uses, from CheckThat! files.

    python bench/train_checkworthiness.py [FILE ...] --out claims/data/checkworthiness.json.gz

Without files it trains on the shared CheckThat! 2022 task 1B train files, Arabic and English (beside the
repository, under ../shared/realdata/claim-spotting/). Logistic regression by Adagrad over the hashed features
of `claims.checkworthiness.features`, L2-regularised; deterministic (sorted input, fixed seed). `--cv K` first
chooses the epochs and the L2 strength by K-fold cross-validation on the given files only (mean accuracy over
the languages), then trains on all of them. Prints what it did; the data itself is never written anywhere.
"""

import argparse
import math
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claim_data import Example, default_paths, ranked_labels, ranking_figures, read_examples  # noqa: E402

from claims.checkworthiness import BUCKETS, MODEL_PATH, Model, features, hashed, write_model  # noqa: E402

Vector = list[tuple[int, float]]
EPOCHS = 2
SEEDS = 3  # models averaged, each trained on its own shuffling order
L2 = 1e-5
RATE = 0.2
POSITIVE_WEIGHT = 10.0
GRID_L2 = (0.0, 1e-5)
GRID_EPOCHS = (2, 4, 8)


def vectorize(examples: Sequence[Example], buckets: int = BUCKETS) -> list[Vector]:
    """Each example's hashed features. A transcript sentence also gets a feature of its own that soaks up how
    rare claims are in debates (1.7% against 65% of tweets), so the shared words are not pushed down for it;
    it is constant within a transcript (no effect on its ranking) and never present when the product scores."""
    return [
        sorted(hashed([*features(e.text, e.language or "xx"), *["domain:transcript"] * e.transcript], buckets).items())
        for e in examples
    ]


def train_one(
    vectors: Sequence[Vector],
    labels: Sequence[int],
    *,
    epochs: int = EPOCHS,
    l2: float = L2,
    rate: float = RATE,
    seed: int = 13,
    buckets: int = BUCKETS,
    weights: Sequence[float] | None = None,
    checkpoints: Sequence[int] = (),
) -> list[Model]:
    """Logistic regression by Adagrad; one model per checkpoint epoch (or the last one when none is given)."""
    w = [0.0] * buckets
    squares = [1e-8] * buckets
    bias, bias_square = 0.0, 1e-8
    order = list(range(len(vectors)))
    shuffler = random.Random(seed)
    snapshots = []
    for epoch in range(1, epochs + 1):
        shuffler.shuffle(order)
        for index in order:
            vector = vectors[index]
            margin = bias + sum(w[bucket] * value for bucket, value in vector)
            probability = 1.0 / (1.0 + math.exp(-margin)) if margin > -30 else 0.0
            error = (probability - labels[index]) * (weights[index] if weights else 1.0)
            for bucket, value in vector:
                gradient = error * value + l2 * w[bucket]
                squares[bucket] += gradient * gradient
                w[bucket] -= rate * gradient / math.sqrt(squares[bucket])
            bias_square += error * error
            bias -= rate * error / math.sqrt(bias_square)
        if epoch in checkpoints or (not checkpoints and epoch == epochs):
            snapshots.append(Model({b: v for b, v in enumerate(w) if v}, bias, buckets))
    return snapshots


def train(
    vectors: Sequence[Vector], labels: Sequence[int], *, seed: int = 13, seeds: int = SEEDS, **settings: Any
) -> list[Model]:
    """The average of `seeds` models that differ only in the order they saw the examples (seed, seed + 1, ...):
    averaging the weights of a linear model averages its logits, which smooths out what one shuffle overfits."""
    runs = [train_one(vectors, labels, seed=seed + k, **settings) for k in range(seeds)]
    averaged = []
    for models in zip(*runs, strict=True):
        weights: dict[int, float] = {}
        for model in models:
            for bucket, weight in model.weights.items():
                weights[bucket] = weights.get(bucket, 0.0) + weight / seeds
        averaged.append(Model(weights, sum(model.bias for model in models) / seeds, models[0].buckets))
    return averaged


def margin_of(model: Model, vector: Vector) -> float:
    return model.bias + sum(model.weights.get(bucket, 0.0) * value for bucket, value in vector)


def cross_validate(examples: Sequence[Example], vectors: Sequence[Vector], folds: int, seed: int) -> tuple[int, float]:
    """The (epochs, l2) with the best mean per-language accuracy over `folds` stratified folds."""
    languages = sorted({e.language for e in examples})
    fold_of = [0] * len(examples)
    shuffler = random.Random(seed)
    for language in languages:
        for label in (0, 1):
            members = [i for i, e in enumerate(examples) if e.language == language and e.label == label]
            shuffler.shuffle(members)
            for position, index in enumerate(members):
                fold_of[index] = position % folds
    results: dict[tuple[int, float], list[float]] = {}
    for l2 in GRID_L2:
        correct = {(epochs, language): 0 for epochs in GRID_EPOCHS for language in languages}
        for fold in range(folds):
            train_at = [i for i in range(len(examples)) if fold_of[i] != fold]
            test_at = [i for i in range(len(examples)) if fold_of[i] == fold]
            models = train(
                [vectors[i] for i in train_at],
                [examples[i].label for i in train_at],
                epochs=max(GRID_EPOCHS),
                l2=l2,
                seed=seed,
                checkpoints=GRID_EPOCHS,
            )
            for epochs, model in zip(GRID_EPOCHS, models, strict=True):
                for i in test_at:
                    predicted = int(margin_of(model, vectors[i]) >= 0)
                    correct[epochs, examples[i].language] += int(predicted == examples[i].label)
        for epochs in GRID_EPOCHS:
            accuracies = [
                correct[epochs, language] / sum(1 for e in examples if e.language == language) for language in languages
            ]
            results[epochs, l2] = accuracies
            shown = " ".join(f"{language}={a:.3f}" for language, a in zip(languages, accuracies, strict=True))
            print(f"cv epochs={epochs:>2} l2={l2:g}: {shown} mean={sum(accuracies) / len(accuracies):.3f}")
    best = max(results, key=lambda key: (sum(results[key]) / len(results[key]), -key[0], -key[1]))
    return best


def transcript_weights(examples: Sequence[Example], positive_weight: float) -> list[float]:
    """Per-example weights: a transcript's rare positives (about 1.7%) count `positive_weight` times."""
    return [positive_weight if e.label and e.transcript else 1.0 for e in examples]


def held_out_transcripts(
    examples: Sequence[Example], vectors: Sequence[Vector], *, positive_weight: float, **settings: float
) -> list[list[int]]:
    """Leave one transcript out: for each transcript among `examples`, a model trained on everything else ranks
    its sentences; the rankings' labels, one list per transcript, in file order."""
    rankings = []
    for group in sorted({e.group for e in examples if e.transcript}):
        train_at = [i for i, e in enumerate(examples) if e.group != group]
        test_at = [i for i, e in enumerate(examples) if e.group == group]
        chosen = [examples[i] for i in train_at]
        (model,) = train(
            [vectors[i] for i in train_at],
            [e.label for e in chosen],
            weights=transcript_weights(chosen, positive_weight),
            **settings,
        )
        held_out = [examples[i] for i in test_at]
        rankings.append(ranked_labels(held_out, [margin_of(model, vectors[i]) for i in test_at]))
        figure = ranking_figures(rankings[-1:])[0]
        print(f"held out {group}: AP {figure:.3f}", flush=True)
    return rankings


def load(paths: Sequence[Path]) -> list[Example]:
    examples: list[Example] = []
    for path in sorted(paths):
        seen: set[tuple[str, int]] = set()
        for example in read_examples(path):
            # The Arabic train file repeats 110 lines verbatim: count each once.
            if example.transcript or (example.text, example.label) not in seen:
                seen.add((example.text, example.label))
                examples.append(example)
    return examples


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="CheckThat! TSV files (default: the shared 1B train)")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--rate", type=float, default=RATE)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--seeds", type=int, default=SEEDS, help="models averaged, each with its own shuffling")
    parser.add_argument(
        "--positive-weight", type=float, default=POSITIVE_WEIGHT, help="weight of a transcript's positives"
    )
    parser.add_argument("--loto", action="store_true", help="also report task 5 MAP by leave-one-transcript-out")
    parser.add_argument("--cv", type=int, default=0, help="choose epochs and L2 by K-fold cross-validation first")
    args = parser.parse_args(argv)
    paths = args.files or default_paths("tweets", "train")
    started = time.process_time()
    examples = load(paths)
    if not examples:
        print("no labelled lines in the given files", file=sys.stderr)
        return 1
    vectors = vectorize(examples)
    print(f"{len(examples)} examples from {len(paths)} files, {sum(e.label for e in examples)} positive")
    epochs, l2 = args.epochs, args.l2
    if args.cv > 1:
        epochs, l2 = cross_validate(examples, vectors, args.cv, args.seed)
        print(f"chosen by {args.cv}-fold cross-validation: epochs={epochs} l2={l2:g}")
    settings = {"epochs": epochs, "l2": l2, "rate": args.rate, "seed": args.seed, "seeds": args.seeds}
    if args.loto:
        rankings = held_out_transcripts(examples, vectors, positive_weight=args.positive_weight, **settings)
        figures = ranking_figures(rankings)
        print(f"task 5 leave-one-transcript-out: MAP {figures[0]:.3f}, P@5 {figures[1]:.3f}, P@10 {figures[2]:.3f}")
    weights = transcript_weights(examples, args.positive_weight)
    (model,) = train(vectors, [e.label for e in examples], weights=weights, **settings)
    about = {
        "trained_on": sorted(path.name for path in paths),
        "examples": len(examples),
        "epochs": epochs,
        "l2": l2,
        "rate": args.rate,
        "seed": args.seed,
        "seeds": args.seeds,
        "positive_weight": args.positive_weight,
    }
    write_model(Model(model.weights, model.bias, model.buckets, about), args.out)
    size = args.out.stat().st_size
    print(
        f"wrote {args.out.name}: {len(model.weights)} weights, {size / 1024:.0f} KiB, {time.process_time() - started:.1f} s CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
