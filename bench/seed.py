"""Seeding for the scale benchmarks: a separate PostgreSQL database filled by bulk_create with published claims,
each with entities, evidence and a history event, plus an editor with an API token.

Used by bench/load.py; run alone it seeds and prints the time it took:
``.venv/bin/python bench/seed.py --claims 100000`` (database ``bench_scale`` unless ``--database``).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "bench_scale"
BATCH = 5_000


def database_url(name: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def create_database(name: str, fresh: bool = False) -> None:
    """Create the benchmark database if missing (`fresh`: drop it first); refuses the names test runs use."""
    import psycopg

    if name == "test" or name.startswith("test_"):
        raise SystemExit(f"refusing to seed {name!r}: that name belongs to test runs")
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(name: str, settings_module: str = "project.settings") -> None:
    os.environ["DATABASE_URL"] = database_url(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def setup_measured_django(name: str) -> None:
    """The page benchmarks' start: `name` created if missing and migrated, Django pointed at it, and queries
    recorded, for pages measured through Django's test client."""
    create_database(name)
    setup_django(name)
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.DEBUG = True  # record queries
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)


def seed_claims(total: int) -> float:
    """Grow the database to `total` published claims (two entities and three evidence rows each); seconds spent."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from claims.arabic import normalize
    from claims.models import Article, ArticleRevision, Claim, ClaimEvent, Entity, Evidence, Source

    call_command("migrate", verbosity=0)
    have = Claim.objects.count()
    if have >= total:
        return 0.0
    started = time.perf_counter()
    text = (ROOT / "claims" / "demo" / "haftar-russia.ar.txt").read_text(encoding="utf-8")
    entities = list(Entity.objects.order_by("pk")[:200]) or Entity.objects.bulk_create(
        Entity(name=f"شخص {i}", names={"en": f"Person {i}"}, search_text=normalize(f"شخص {i} person {i}"))
        for i in range(200)
    )
    sources = list(Source.objects.order_by("pk")[:500]) or Source.objects.bulk_create(
        Source(url=f"https://news.example.org/{i}", original_url=f"https://news.example.org/{i}", title=f"Story {i}")
        for i in range(500)
    )
    now = timezone.now()
    through = Claim.entities.through
    for batch_start in range(have, total, BATCH):
        article = Article.objects.create(title=f"مقال {batch_start}", language="ar", direction="rtl")
        revision = ArticleRevision.objects.create(article=article, number=1, text=text)
        Article.objects.filter(pk=article.pk).update(current_revision=revision)
        rows = []
        for i in range(batch_start, min(batch_start + BATCH, total)):
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
                    statement_language="ar",
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
        through.objects.bulk_create(
            through(claim_id=c.pk, entity_id=entities[(c.pk + k) % len(entities)].pk) for c in made for k in (0, 1)
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
        # What autovacuum does after a bulk load: statistics, and the visibility map index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    # The writes above went through Django's cursors, which move the desk's write generations themselves; a load
    # that bypasses them (COPY) must not leave the API's cached lists in place.
    from claims.write_generation import writes_happened

    writes_happened()
    return time.perf_counter() - started


def editor_token(username: str = "bench-editor") -> str:
    """An editor's API token (created once)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    user = get_user_model().objects.filter(username=username).first() or UserFactory(username=username, role="editor")
    return Token.objects.get_or_create(user=user)[0].key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    create_database(args.database)
    setup_django(args.database)
    seconds = seed_claims(args.claims)
    from claims.models import Claim

    print(f"{Claim.objects.count():,} claims in {args.database} (this run added some in {seconds:.1f} s)")


if __name__ == "__main__":
    main()
