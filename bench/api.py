"""Benchmark: the cost of one claims list page of the API at 100 and at 100,000 claims, on PostgreSQL.

Seeds a separate database (bulk_create: claims with entities and attendees, so the prefetches do real work),
then times ``GET /api/v1/claims/?page_size=50`` through Django's test client as an editor, at 100 claims and
again at 100,000, and prints the median time, the query count and the ratio large/small (goal ≤ 1.5). Run
from the repository root: ``DEBUG=1 .venv/bin/python bench/api.py`` (``--help`` for the knobs).
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


def grow_to(total: int) -> None:
    """Add claims (every fifth a meeting with two attendees, each naming two entities) until `total` exist."""
    from claims.models import Article, ArticleRevision, Attendee, Claim, Entity

    have = Claim.objects.count()
    if have >= total:
        return
    article = Article.objects.first()
    if article is None:
        text = (ROOT / "claims" / "demo" / "haftar-russia.ar.txt").read_text(encoding="utf-8")
        article = Article.objects.create(title="Bench", language="ar")
        revision = ArticleRevision.objects.create(article=article, number=1, text=text)
        article.current_revision = revision
        article.save(update_fields=["current_revision"])
        Entity.objects.bulk_create(Entity(kind="person", name=f"Person {n}") for n in range(20))
    revision = article.current_revision
    entities = list(Entity.objects.order_by("pk"))
    statuses = ["draft", "researching", "in_review", "published"]
    batch = 5_000
    for start in range(have, total, batch):
        claims = Claim.objects.bulk_create(
            Claim(
                article=article,
                revision=revision,
                exact=revision.text[n % 3000 : n % 3000 + 40],
                start=n % 3000,
                end=n % 3000 + 40,
                kind="meeting" if n % 5 == 0 else "other",
                statement=f"ادعاء رقم {n}",
                status=statuses[n % 4],
                verdict="accurate" if n % 4 == 3 else "",
                search_text=f"ادعاء رقم {n}",
            )
            for n in range(start, min(start + batch, total))
        )
        through = Claim.entities.through
        through.objects.bulk_create(
            through(claim_id=c.pk, entity_id=entities[(c.pk + k) % len(entities)].pk) for c in claims for k in (0, 1)
        )
        Attendee.objects.bulk_create(
            Attendee(claim=c, entity=entities[(c.pk + k) % len(entities)], order=k)
            for c in claims
            if c.kind == "meeting"
            for k in (0, 1)
        )


def measure(client, rounds: int, page_size: int) -> tuple[float, int]:
    from django.db import connection, reset_queries

    timings = []
    for _ in range(rounds):
        reset_queries()
        started = time.perf_counter()
        response = client.get(f"/api/v1/claims/?page_size={page_size}&page=2")
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    return statistics.median(timings), len(connection.queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="bench_api")
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    create_database(args.database)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ["API_USER_RATE"] = "1000000/minute"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from claims.models import Claim
    from tests.factories import UserFactory

    setup_test_environment()
    settings.DEBUG = True  # record queries
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    Claim.objects.all().delete()  # start from the small size every run
    client = Client()
    client.force_login(UserFactory(username="bench-editor", role="editor"))
    results = {}
    for size in (args.small, args.large):
        grow_to(size)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        measure(client, 3, args.page_size)  # warm-up
        results[size] = measure(client, args.rounds, args.page_size)
        print(
            f"{size:>8} claims: median {results[size][0] * 1000:.1f} ms per page of {args.page_size}, "
            f"{results[size][1]} queries"
        )
    ratio = results[args.large][0] / results[args.small][0]
    print(f"ratio {args.large}/{args.small}: {ratio:.2f} (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
