"""Benchmark: public claim page throughput against a minimal Django view, in one gunicorn, on PostgreSQL + Redis.

Seeds a separate PostgreSQL database with published claims (bulk_create), starts gunicorn on a loopback port
with ``bench.public_settings`` (the project plus a baseline view), then for each target runs a fixed number of
client threads for a fixed time and prints requests/s, p50 and p99 latency, and the ratio claim/minimal (goal
≥ 0.6). Claim pages rotate over a sample of claims; a warm-up pass renders each once, so the measured pass is
what a reader gets after the first visit (the cache is dropped whenever the claim changes). Run from the
repository root: ``.venv/bin/python bench/public_pages.py`` (``--help`` for the knobs).
"""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def environment(args) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.public_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.database}",
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_KEY_PREFIX": "bench-public",
        # Plain HTTP on loopback, as behind a TLS-terminating proxy; production security headers stay on.
        "SECURE_SSL_REDIRECT": "0",
    }


def seed(claims: int) -> list[int]:
    """Create the database's claims unless it already holds them; return the published claim ids."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from claims.arabic import normalize
    from claims.models import Article, ArticleRevision, Claim, ClaimEvent, Entity, Evidence, Source

    call_command("migrate", verbosity=0)
    # DEBUG is off, as in production: pages name their stylesheet through the static files manifest.
    call_command("collectstatic", interactive=False, verbosity=0)
    if Claim.objects.count() < claims:
        started = time.perf_counter()
        text = (ROOT / "claims" / "demo" / "haftar-russia.ar.txt").read_text(encoding="utf-8")
        now = timezone.now()
        entities = Entity.objects.bulk_create(
            Entity(name=f"شخص {i}", names={"en": f"Person {i}"}, search_text=normalize(f"شخص {i} person {i}"))
            for i in range(200)
        )
        sources = Source.objects.bulk_create(
            Source(
                url=f"https://news.example.org/{i}", original_url=f"https://news.example.org/{i}", title=f"Story {i}"
            )
            for i in range(500)
        )
        existing = Claim.objects.count()
        for batch_start in range(existing, claims, 5_000):
            size = min(5_000, claims - batch_start)
            article = Article.objects.create(title=f"مقال {batch_start}", language="ar", direction="rtl")
            revision = ArticleRevision.objects.create(article=article, number=1, text=text)
            Article.objects.filter(pk=article.pk).update(current_revision=revision)
            rows = []
            for i in range(batch_start, batch_start + size):
                start = (i * 37) % (len(text) - 120)
                statement = f"ادعاء رقم {i}: يوجد في ليبيا نحو ألفي مرتزق روسي"
                rows.append(
                    Claim(
                        article=article,
                        revision=revision,
                        exact=text[start : start + 80],
                        start=start,
                        end=start + 80,
                        kind="quantity",
                        statement=statement,
                        statement_en=f"Claim {i}: about 2,000 Russian mercenaries are in Libya",
                        claimant="تقارير موثوقة",
                        status="published",
                        verdict="mostly_accurate",
                        rationale="Estimates range from 800 to 2,000.",
                        published_at=now,
                        search_text=normalize(statement),
                    )
                )
            made = Claim.objects.bulk_create(rows, batch_size=1_000)
            Claim.entities.through.objects.bulk_create(
                Claim.entities.through(claim_id=c.pk, entity_id=entities[c.pk % len(entities)].pk) for c in made
            )
            Evidence.objects.bulk_create(
                Evidence(
                    claim=c,
                    source=sources[(c.pk + k) % len(sources)],
                    passage="about 2,000 personnel",
                    estimate_value=2000 - 400 * k,
                )
                for c in made
                for k in range(3)
            )
            ClaimEvent.objects.bulk_create(
                ClaimEvent(claim=c, action="transition", from_status="in_review", to_status="published") for c in made
            )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"seeded {claims - existing:,} claims in {time.perf_counter() - started:.1f} s")
    return list(Claim.objects.published().values_list("pk", flat=True))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/minimal/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def hammer(port: int, paths: list[str], seconds: float, threads: int) -> tuple[float, list[float]]:
    """Requests/s and every request's latency, ``threads`` clients each looping over ``paths`` for ``seconds``."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        mine, index = [], offset
        while time.perf_counter() < stop:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            began = time.perf_counter()
            connection.request("GET", paths[index % len(paths)])
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                raise SystemExit(f"{paths[index % len(paths)]} answered {response.status}")
            connection.close()
            index += 1
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(i * 997,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100)[round(share * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database", default="factdesk_bench_public")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sample", type=int, default=1_000, help="distinct claim pages requested")
    args = parser.parse_args()

    os.environ.update(environment(args))
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {args.database}"],
        capture_output=True,
        check=False,
    )
    ids = seed(args.claims)
    from django.core.cache import cache
    from django.utils import translation

    from claims.models import Claim

    cache.clear()
    sample = random.Random(6).sample(ids, min(args.sample, len(ids)))
    with translation.override("en"):
        claim_paths = [c.public_url for c in Claim.objects.filter(pk__in=sample)]
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        wait_until_up(port)
        began = time.perf_counter()
        for path in claim_paths:  # warm-up: each sampled page rendered once into the cache
            _get(port, path)
        print(
            f"first visits (rendered, one client): {(time.perf_counter() - began) / len(claim_paths) * 1000:.1f} ms "
            f"per page over {len(claim_paths):,} claims"
        )
        hammer(port, ["/bench/minimal/"], 2, args.threads)
        load = os.getloadavg()[0]
        results = {}
        for name, paths in (("minimal view", ["/bench/minimal/"]), ("claim page", claim_paths)):
            rate, latencies = hammer(port, paths, args.seconds, args.threads)
            results[name] = rate
            print(
                f"{name:>12}: {rate:8.1f} req/s  p50 {percentile(latencies, 0.5):6.1f} ms  "
                f"p99 {percentile(latencies, 0.99):6.1f} ms  ({len(latencies):,} requests)"
            )
        print(
            f"claims in database: {len(ids):,}; gunicorn workers: {args.workers}; client threads: {args.threads}; "
            f"load average before: {load:.1f}"
        )
        print(f"ratio claim page / minimal view: {results['claim page'] / results['minimal view']:.2f} (goal >= 0.6)")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}")
    connection.close()


if __name__ == "__main__":
    main()
