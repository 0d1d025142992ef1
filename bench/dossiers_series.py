"""Benchmark: the public and desk series pages for a series of N claims against a series of 10, on PostgreSQL.

Seeds a separate database (bulk_create: for each size a series of published quantity claims, each with one
source estimate), then renders ``/series/<slug>/``, ``/ar/series/<slug>/``, its CSV, the desk page and both API estimates
endpoints through Django's test client, and prints for each size the median time, the query count and the bytes
of the page and of its chart (for the CSV also its first byte and its time per 1,000 rows: a CSV necessarily grows
with its rows), the first read after the members change (which builds the cached index), then the ratio of each
size's time to the first size's. Sizes are arguments: run from the
repository root ``DEBUG=1 .venv/bin/python bench/dossiers_series.py 10 10000`` (``--help`` for the knobs).
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))
from seed import setup_measured_django  # noqa: E402  (the same throwaway database helper)


def seed(size: int) -> str:
    """A series of ``size`` published quantity claims spread over 20 years; returns its slug (kept across runs)."""
    from django.utils import timezone

    from claims.models import Article, ArticleRevision, Claim, Evidence, Series, SeriesMember, Source

    slug = f"bench-{size}"
    series = Series.objects.filter(slug=slug).first()
    if series is not None:
        return slug
    article = Article.objects.create(title=f"Bench {size}", language="ar")
    text = (ROOT / "claims" / "demo" / "haftar-russia.ar.txt").read_text(encoding="utf-8")
    revision = ArticleRevision.objects.create(article=article, number=1, text=text)
    article.current_revision = article.public_revision = revision
    article.save(update_fields=["current_revision", "public_revision"])
    series = Series.objects.create(slug=slug, name=f"Fighters in Libya ({size})", unit="fighters")
    source = Source.objects.create(kind="report", title="Bench report", publisher="Bench panel")
    now = timezone.now()
    first = dt.date(2005, 1, 1)
    for start in range(0, size, 5_000):
        claims = Claim.objects.bulk_create(
            Claim(
                article=article,
                revision=revision,
                public_revision=revision,
                exact=text[:40],
                start=0,
                end=40,
                public_selector={"exact": text[:40], "prefix": "", "suffix": "", "start": 0, "end": 40},
                kind="quantity",
                statement=f"نحو {1000 + n % 1500} مقاتل في ليبيا",
                status="published",
                verdict=["accurate", "mostly_accurate", "misleading", "false"][n % 4],
                published_at=now,
                details={
                    "subject": "fighters in Libya",
                    "value": 1000 + n % 1500,
                    "approximate": n % 3 == 0,
                    "unit": "fighters",
                    "as_of": (first + dt.timedelta(days=(n * 7) % 7300)).isoformat(),
                },
            )
            for n in range(start, min(start + 5_000, size))
        )
        SeriesMember.objects.bulk_create(SeriesMember(series=series, claim=c, state="accepted") for c in claims)
        Evidence.objects.bulk_create(
            Evidence(claim=c, source=source, estimate_lower=800, estimate_upper=1200 + c.pk % 500) for c in claims
        )
    return slug


def measure(client, path: str, rounds: int) -> tuple[float, float, int, int, int]:
    """Median seconds to the whole body and to its first byte (the same but for a streamed CSV), queries, bytes
    of the body and of its chart."""
    from django.db import connection, reset_queries

    timings, firsts = [], []
    for _ in range(rounds):
        reset_queries()
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        if response.streaming:
            chunks = iter(response.streaming_content)
            parts = [next(chunks)]
            firsts.append(time.perf_counter() - started)
            parts += list(chunks)
            body = b"".join(parts)
        else:
            body = response.content
            firsts.append(time.perf_counter() - started)
        timings.append(time.perf_counter() - started)
    chart = body[body.find(b"<svg") : body.find(b"</svg>")] if b"<svg" in body else b""
    return statistics.median(timings), statistics.median(firsts), len(connection.queries), len(body), len(chart)


def forget_indexes() -> None:
    """Drop every cached series index (claims.services.series.SeriesView), as a change to the members would."""
    from django.core.cache import cache

    from claims.page_cache import forget_local_pages

    forget_local_pages()
    client = getattr(cache, "_cache", None)
    redis = client.get_client(write=True) if client is not None and hasattr(client, "get_client") else None
    if redis is not None:
        for key in redis.scan_iter("*series:*"):
            redis.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "sizes", type=int, nargs="*", default=[10, 10_000], help="claims per series; the first is the baseline"
    )
    parser.add_argument("--database", default="bench_series")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    setup_measured_django(args.database)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from tests.factories import UserFactory

    editor = get_user_model().objects.filter(username="bench-editor").first() or UserFactory(
        username="bench-editor", role="editor"
    )
    public, desk = Client(), Client()
    desk.force_login(editor)
    slugs = {size: seed(size) for size in args.sizes}
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from claims.models import Series

    results: dict[tuple[str, int], float] = {}
    rows: dict[int, int] = {}
    for size in args.sizes:
        pk = Series.objects.get(slug=slugs[size]).pk
        pages = {
            "public": (public, f"/series/{slugs[size]}/"),
            "public ar": (public, f"/ar/series/{slugs[size]}/"),
            "csv": (public, f"/series/{slugs[size]}/estimates.csv"),
            "desk": (desk, f"/desk/series/{pk}/"),
            "api public": (public, f"/api/v1/public/series/{slugs[size]}/estimates/"),
            "api desk": (desk, f"/api/v1/series/{pk}/estimates/"),
        }
        # The first read after the members change builds the series' index (order, chart) from every estimate.
        forget_indexes()
        for name in ("public", "desk"):
            client, path = pages[name]
            cold, _first, queries, _bytes, _chart = measure(client, path, 1)
            print(f"{size:>7} claims, {name:<10}: first read after a change {cold * 1000:8.1f} ms, {queries} queries")
        for name, (client, path) in pages.items():
            measure(client, path, 1)  # warm-up
            seconds, first, queries, size_bytes, chart_bytes = measure(client, path, args.rounds)
            results[(name, size)] = seconds
            if name == "csv":
                rows[size] = size_bytes and (_csv_rows(client, path))
                results[("csv first byte", size)] = first
                results[("csv per 1,000 rows", size)] = seconds / rows[size] * 1000
            print(
                f"{size:>7} claims, {name:<10}: median {seconds * 1000:8.1f} ms, {queries} queries, "
                f"{size_bytes / 1024:7.1f} KiB body, {chart_bytes / 1024:5.1f} KiB chart"
                + (
                    f", first byte {first * 1000:.1f} ms, {rows[size]} rows, "
                    f"{results[('csv per 1,000 rows', size)] * 1000:.1f} ms per 1,000 rows"
                    if name == "csv"
                    else ""
                )
            )
    base = args.sizes[0]
    # A CSV grows with its rows: its ratio is its first byte's; its whole time is given per 1,000 rows.
    names = [name for name in pages if name != "csv"] + ["csv first byte"]
    for size in args.sizes[1:]:
        ratios = ", ".join(f"{name} {results[(name, size)] / results[(name, base)]:.1f}×" for name in names)
        per_rows = results[("csv per 1,000 rows", size)] * 1000
        print(f"ratio {size}/{base} claims: {ratios}; csv {per_rows:.1f} ms per 1,000 rows at {size} claims")


def _csv_rows(client, path: str) -> int:
    response = client.get(path)
    return b"".join(response.streaming_content).count(b"\n") - 1


if __name__ == "__main__":
    main()
