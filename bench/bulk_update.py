"""Benchmark: writing re-anchored claims back, Django's ``bulk_update`` against the batched parametrized UPDATEs of
``claims.services.articles._write_anchors``, on PostgreSQL.

Seeds a separate database with ``--claims`` claims on one article (bulk_create, reused afterwards), loads them,
changes every field a re-anchoring writes, and times both ways of saving them (same batch size, alternating
rounds, each inside a transaction rolled back afterwards so every round writes the same rows). Prints the median
of each and the ratio bulk_update / executemany. Run from the repository root:
``DEBUG=1 .venv/bin/python bench/bulk_update.py --claims 2000`` (``--help`` for the knobs).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed import create_database  # noqa: E402  (bench/ is on the path when a script of it runs)


class Rollback(Exception):
    pass


def seed(total: int) -> None:
    from claims.models import Article, ArticleRevision, Claim

    article = Article.objects.filter(title="Bench bulk update").first()
    if article is None:
        text = (ROOT / "claims" / "demo" / "haftar-russia.ar.txt").read_text(encoding="utf-8")
        article = Article.objects.create(title="Bench bulk update", language="ar")
        revision = ArticleRevision.objects.create(article=article, number=1, text=text)
        article.current_revision = revision
        article.save(update_fields=["current_revision"])
    revision = article.current_revision
    have = Claim.objects.filter(article=article).count()
    Claim.objects.bulk_create(
        (
            Claim(
                article=article,
                revision=revision,
                exact=revision.text[n % 3000 : n % 3000 + 40],
                start=n % 3000,
                end=n % 3000 + 40,
                statement=f"ادعاء رقم {n}",
                search_text=f"ادعاء رقم {n}",
            )
            for n in range(have, total)
        ),
        batch_size=1000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=2000, help="claims written back per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", default="bench_bulk_update")
    args = parser.parse_args()

    create_database(args.database)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from claims.models import Claim
    from claims.services.articles import REANCHOR_BATCH, REANCHOR_FIELDS, _write_anchors

    call_command("migrate", verbosity=0)
    seed(args.claims)
    claims = list(Claim.objects.filter(article__title="Bench bulk update").order_by("pk")[: args.claims])

    def reanchored(round_number: int) -> None:
        for n, claim in enumerate(claims):
            claim.anchor = "fuzzy" if (n + round_number) % 2 else "exact"
            claim.anchor_confidence = 0.5 + (n % 50) / 100
            claim.start, claim.end = claim.start + 1, claim.end + 1
            claim.prefix, claim.suffix = f"قبل {round_number}", f"بعد {n}"
            claim.updated_at = timezone.now()

    ways = {
        "executemany (_write_anchors)": lambda: _write_anchors(claims),
        "bulk_update": lambda: Claim.objects.bulk_update(claims, REANCHOR_FIELDS, batch_size=REANCHOR_BATCH),
    }
    timings: dict[str, list[float]] = {name: [] for name in ways}
    for round_number in range(args.rounds + 1):  # the first round warms both up and is not counted
        for name, write in ways.items():
            reanchored(round_number)
            try:
                with transaction.atomic():
                    started = time.perf_counter()
                    write()
                    elapsed = time.perf_counter() - started
                    raise Rollback
            except Rollback:
                pass
            if round_number:
                timings[name].append(elapsed)
    print(
        f"{len(claims):,} claims, {args.rounds} rounds, batches of {REANCHOR_BATCH}; load average {os.getloadavg()[0]:.1f}"
    )
    medians = {name: statistics.median(times) for name, times in timings.items()}
    for name, median in medians.items():
        print(f"{name}: median {median * 1000:.1f} ms")
    print(f"ratio bulk_update / executemany: {medians['bulk_update'] / medians['executemany (_write_anchors)']:.2f}")


if __name__ == "__main__":
    main()
