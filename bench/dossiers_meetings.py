"""Benchmark: an entity's meetings pages at 10 and at 1,000 meeting claims, on PostgreSQL.

Seeds a separate database (bulk_create: published meeting claims the focused entity attends, each with two other
attendees from a pool of entities), then times the public entity page (timeline and record), the public
who-met-whom page and the desk entity page through Django's test client, at the small size and again at the
large one for a new entity, and prints each page's median time, its query count (the same at both sizes: the
budget does not grow) and the ratio large/small. Run from the repository root:
``DEBUG=1 .venv/bin/python bench/dossiers_meetings.py 10 1000`` (``--help`` for the knobs).
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed import setup_measured_django  # noqa: E402  (bench/ is on the path when a script of it runs)

PAGES = {
    "public entity page": "/entities/{pk}/",
    "public who met whom": "/entities/{pk}/meetings/graph/",
    "desk entity page": "/desk/entities/{pk}/",
}


def measure(client, address: str, rounds: int) -> tuple[float, int]:
    from django.db import connection, reset_queries

    times, queries = [], 0
    for _ in range(rounds):
        reset_queries()
        started = time.perf_counter()
        response = client.get(address)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (address, response.status_code)
        queries = len(connection.queries)
    return statistics.median(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("small", type=int, nargs="?", default=10, help="meetings of the baseline entity")
    parser.add_argument("large", type=int, nargs="?", default=1000, help="meetings of the measured entity")
    parser.add_argument("--database", default="bench_dossiers")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    setup_measured_django(args.database)
    from django.db import connection
    from django.test import Client

    from claims.models import Entity
    from tests.factories import EntityFactory, UserFactory, make_meetings

    client = Client()
    editor = UserFactory(username=f"bench-editor-{time.time_ns()}", role="editor")
    client.force_login(editor)
    results: dict[int, dict[str, tuple[float, int]]] = {}
    for size in (args.small, args.large):
        focus = EntityFactory(name=f"Focus {size} {time.time_ns()}")
        make_meetings(focus, size, pool=max(2, size // 3))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        results[size] = {}
        for label, pattern in PAGES.items():
            address = pattern.format(pk=focus.pk)
            measure(client, address, 3)  # warm-up
            results[size][label] = measure(client, address, args.rounds)
            median, queries = results[size][label]
            print(f"{size:>6} meetings, {label:<20}: median {median * 1000:7.1f} ms, {queries} queries")
    for label in PAGES:
        (small, small_queries), (large, large_queries) = results[args.small][label], results[args.large][label]
        same = "same query budget" if small_queries == large_queries else "QUERY COUNT GREW"
        print(f"ratio {args.large}/{args.small}, {label:<20}: {large / small:.2f} ({same}: {large_queries})")
    print(f"entities in the database: {Entity.objects.count()}")


if __name__ == "__main__":
    main()
