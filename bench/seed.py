"""Seeding for the scale benchmarks: a separate PostgreSQL database filled by COPY with a desk's memory in
realistic proportions: per ten claims one article (and its revision), two entity links and two evidence rows
each, one source per five claims with a done capture, a creation event per claim and a transition for those
published. Statements are Arabic, written in the spelling variants a desk sees (hamza forms, ة/ه, ى/ي), so
search is measured on the text it meets.

Used by bench/load.py and bench/scale.py; run alone it seeds and prints the time it took:
``nice -n 19 .venv/bin/python bench/seed.py --claims 1000000 --database bench_million``; ``--desk`` also makes
the desk's accounts (editor, reviewer, with API tokens) and gives the desk's queues their assignees.
"""

import argparse
import hashlib
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE = "bench_scale"
#: Claims written per COPY round (its articles, links, evidence and events with it).
BATCH = 20_000
CLAIMS_PER_ARTICLE = 10
CLAIMS_PER_ENTITY = 50
CLAIMS_PER_SOURCE = 5
DESK_USERS = ("bench-editor", "bench-reviewer", "editor", "reviewer")

# The statements a desk of Libyan news checks, each in two spellings of the same words (what normalize() folds).
TEMPLATES = [
    ("يوجد في ليبيا نحو {n} مرتزق روسي في {place}", "يوجد فى ليبيا نحو {n} مرتزق روسى فى {place}"),
    ("أعلنت الحكومة أن {n} أسرة عادت إلى {place}", "اعلنت الحكومه ان {n} اسره عادت الى {place}"),
    ("قال المتحدث إن {n} شاحنة مساعدات وصلت إلى {place}", "قال المتحدث ان {n} شاحنه مساعدات وصلت الى {place}"),
    ("ارتفع عدد النازحين في {place} إلى {n} شخص", "ارتفع عدد النازحين فى {place} الى {n} شخص"),
    ("أكد الوزير أن إنتاج النفط بلغ {n} ألف برميل يوميا", "اكد الوزير ان انتاج النفط بلغ {n} الف برميل يوميا"),
    ("التقى رئيس المجلس الرئاسي وفدا من {place}", "التقى رئيس المجلس الرئاسى وفدا من {place}"),
    ("تحدث مسؤول عن {n} مهاجر غرقوا قبالة {place}", "تحدث مسؤول عن {n} مهاجر غرقوا قباله {place}"),
    ("قالت البعثة الأممية إن {n} مدنيا قتلوا في {place}", "قالت البعثه الاممية ان {n} مدنيا قتلوا فى {place}"),
    ("أفاد تقرير بأن سعر الخبز في {place} تضاعف {n} مرة", "افاد تقرير بان سعر الخبز فى {place} تضاعف {n} مره"),
    ("صرح النائب بأن {n} مدرسة أغلقت في {place}", "صرح النائب بان {n} مدرسه اغلقت فى {place}"),
]
PLACES = ["طرابلس", "بنغازي", "سرت", "مصراتة", "سبها", "درنة", "الزاوية", "طبرق", "غريان", "الكفرة"]
FIRST = ["محمد", "أحمد", "خليفة", "عبد الحميد", "فايز", "عقيلة", "فتحي", "نجلاء", "عبد الله", "سالم"]
FAMILY = ["حفتر", "الدبيبة", "السراج", "صالح", "باشاغا", "المنقوش", "المشري", "الكبير", "المنفي", "بوشناف"]
STATUSES = (  # cumulative share: most of a memory is published, the rest is the desk's work in progress
    (0.80, "published"),
    (0.84, "corrected"),
    (0.85, "retracted"),
    (0.90, "draft"),
    (0.95, "researching"),
    (1.00, "in_review"),
)
VERDICTS = ["accurate", "mostly_accurate", "misleading", "false", "unproven"]
KINDS = ["quantity", "quantity", "quantity", "event", "meeting", "quote", "other"]


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


# --- COPY ------------------------------------------------------------------------------------------------------


class Table:
    """One model's table written by COPY: every concrete column, a row's missing values taken from the field's
    default (prepared once), so a row gives only what it means; ids are given by the seed, so rows can point at
    each other before they are written."""

    def __init__(self, model: Any) -> None:
        from django.db import connection
        from django.utils import timezone

        now = timezone.now()
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in self.fields]
        self.defaults: list[Any] = []
        for f in self.fields:
            if f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection)
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            elif f.null:
                value = None
            else:
                value = ""
            self.defaults.append(value)
        self.names = [f.attname for f in self.fields]

    def next_id(self, cursor: Any) -> int:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{self.model._meta.db_table}"')
        return int(cursor.fetchone()[0])

    def copy(self, cursor: Any, rows: Iterable[dict[str, Any]]) -> int:
        """Write `rows` (attname → database-ready value); the count written."""
        columns = ", ".join(f'"{c}"' for c in self.columns)
        pairs = list(zip(self.names, self.defaults, strict=True))
        written = 0
        with cursor.copy(f'COPY "{self.model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row.get(name, default) for name, default in pairs])
                written += 1
        return written

    def reset_sequence(self, cursor: Any) -> None:
        table = self.model._meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE(MAX(id), 1)) FROM \"{table}\""
        )


def plain_indexes(cursor: Any, tables: list[str]) -> list[tuple[str, str]]:
    """The tables' indexes that back no constraint (name, definition): dropped for the load, built after, which is
    many times faster than keeping trigram and b-tree indexes up to date row by row."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
        [tables],
    )
    return list(cursor.fetchall())


# --- rows --------------------------------------------------------------------------------------------------------


def _statement(rng: random.Random) -> tuple[str, str, int, str]:
    template = rng.randrange(len(TEMPLATES))
    variant = 1 if rng.random() < 0.3 else 0
    n = rng.choice([120, 300, 450, 800, 1200, 2000, 3500, 5000, 12000, 40000])
    place = rng.choice(PLACES)
    return TEMPLATES[template][variant].format(n=n, place=place), place, n, KINDS[template % len(KINDS)]


def _status(rng: random.Random) -> str:
    draw = rng.random()
    return next(status for share, status in STATUSES if draw < share)


def _zipf(rng: random.Random, size: int) -> int:
    """An index into `size` items where a few are very common (a desk's few main actors), most are rare."""
    return min(size - 1, int(size * rng.random() ** 3))


def seed_claims(total: int, *, users: list[int] | None = None) -> float:
    """Grow the database to `total` claims (published for the most part) with their articles, entities, evidence,
    sources, captures and history, by COPY; seconds spent. `users`: ids the desk's unfinished claims are assigned
    to, round robin (none: unassigned)."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from claims.arabic import normalize, text_index_keys
    from claims.arabic.number_forms import stored_numbers
    from claims.models import Article, ArticleRevision, Capture, Claim, ClaimEvent, Entity, Evidence, Source

    call_command("migrate", verbosity=0)
    have = Claim.objects.count()
    if have >= total:
        return 0.0
    started = time.perf_counter()
    through = Claim.entities.through
    tables = {m: Table(m) for m in (Article, ArticleRevision, Claim, through, Entity, Evidence, Source, Capture)}
    tables[ClaimEvent] = Table(ClaimEvent)
    now = timezone.now()
    rng = random.Random(total ^ have)
    searched: dict[str, tuple[str, str, str]] = {}

    with transaction.atomic(), connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own, for COPY
        cursor.execute("SET LOCAL session_replication_role = replica")  # the seed writes consistent rows: no FK checks
        names = [t.model._meta.db_table for t in tables.values()]
        indexes = plain_indexes(cursor, names)
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        ids = {model: table.next_id(cursor) for model, table in tables.items()}

        # Entities and sources grow with the claims, as a memory's actors and cited pages do.
        entity_total = max(20, total // CLAIMS_PER_ENTITY)
        source_total = max(50, total // CLAIMS_PER_SOURCE)
        have_entities = Entity.objects.count()
        have_sources = Source.objects.count()

        def entities() -> Iterator[dict[str, Any]]:
            for k in range(have_entities, entity_total):
                name = f"{FIRST[k % len(FIRST)]} {FAMILY[(k // len(FIRST)) % len(FAMILY)]} {k}"
                english = f"Person {k}"
                yield {
                    "id": ids[Entity] + k - have_entities,
                    "name": name,
                    "names": Jsonb({"ar": name, "en": english}),
                    "search_text": normalize(f"{name} {english}"),
                }

        tables[Entity].copy(cursor, entities())
        entity_ids = list(Entity.objects.order_by("pk").values_list("pk", flat=True))

        def sources() -> Iterator[dict[str, Any]]:
            for k in range(have_sources, source_total):
                source_id = ids[Source] + k - have_sources
                url = f"https://news{k % 40}.example.org/{k}/story"
                yield {
                    "id": source_id,
                    "url": url,
                    "original_url": url,
                    "publisher": f"News {k % 40}",
                    "title": f"تقرير {k}",
                    "latest_capture_id": ids[Capture] + k - have_sources,
                }

        def captures() -> Iterator[dict[str, Any]]:
            for k in range(have_sources, source_total):
                url = f"https://news{k % 40}.example.org/{k}/story"
                yield {
                    "id": ids[Capture] + k - have_sources,
                    "source_id": ids[Source] + k - have_sources,
                    "state": "done",
                    "requested_url": url,
                    "final_url": url,
                    "http_status": 200,
                    "title": f"تقرير {k}",
                    "sha256": hashlib.sha256(url.encode()).hexdigest(),
                    "text": "نحو ألفي عنصر",
                    "fetched_at": now,
                }

        tables[Source].copy(cursor, sources())
        tables[Capture].copy(cursor, captures())
        source_ids = list(Source.objects.order_by("pk").values_list("pk", flat=True))

        claim_id, article_id, event_id = ids[Claim], ids[Article], ids[ClaimEvent]
        revision_id, link_id, evidence_id = ids[ArticleRevision], ids[through], ids[Evidence]
        span = timedelta(days=5 * 365) / max(total, 1)  # five years of a desk's work
        for batch_start in range(have, total, BATCH):
            articles, revisions, claims, links, evidence, events = [], [], [], [], [], []
            batch_end = min(batch_start + BATCH, total)
            for first in range(batch_start, batch_end, CLAIMS_PER_ARTICLE):
                sentences = [_statement(rng) for _ in range(first, min(first + CLAIMS_PER_ARTICLE, batch_end))]
                text = "\n".join(f"{s[0]}." for s in sentences)
                when = now - span * (total - first)
                articles.append(
                    {
                        "id": article_id,
                        "title": f"مقال {first}: {sentences[0][1]}",
                        "language": "ar",
                        "direction": "rtl",
                        "published_at": when,
                        "current_revision_id": revision_id,
                        "public_revision_id": revision_id,
                        "created_at": when,
                    }
                )
                revisions.append(
                    {
                        "id": revision_id,
                        "article_id": article_id,
                        "number": 1,
                        "text": text,
                        "sha256": hashlib.sha256(text.encode()).hexdigest(),
                        "created_at": when,
                    }
                )
                offset = 0
                for i, (statement, _place, n, kind) in enumerate(sentences, start=first):
                    status = _status(rng)
                    public = status in ("published", "corrected", "retracted")
                    claimant = f"{FIRST[i % 7]} {FAMILY[i % 9]}"
                    english = f"Claim about {n} in Libya"
                    if statement not in searched:
                        fields = [statement, english, statement, claimant]
                        text = normalize(" ".join(fields))
                        searched[statement] = (
                            text,
                            text_index_keys(text),
                            stored_numbers(fields, [n if kind == "quantity" else None, None, None]),
                        )
                    search_text, search_keys, search_numbers = searched[statement]
                    claim_when = when + timedelta(seconds=i - first)
                    claims.append(
                        {
                            "id": claim_id,
                            "article_id": article_id,
                            "revision_id": revision_id,
                            "exact": statement,
                            "start": offset,
                            "end": offset + len(statement),
                            "kind": kind,
                            "statement": statement,
                            "statement_language": "ar",
                            "statement_en": english,
                            "claimant": claimant,
                            "details": Jsonb({"value": n, "unit": ""} if kind == "quantity" else {}),
                            "status": status,
                            "verdict": VERDICTS[i % len(VERDICTS)] if public or status == "in_review" else "",
                            "rationale": "تتراوح التقديرات بين 800 و2000." if public else "",
                            "published_at": claim_when if public else None,
                            # What readers see: the revision and span the claim was published in.
                            "public_revision_id": revision_id if public else None,
                            "public_selector": Jsonb(
                                {"exact": statement, "start": offset, "end": offset + len(statement)} if public else {}
                            ),
                            "assignee_id": users[i % len(users)] if users and not public else None,
                            "search_text": search_text,
                            "search_keys": search_keys,
                            "search_numbers": search_numbers,
                            "created_at": claim_when,
                            "updated_at": claim_when,
                        }
                    )
                    offset += len(statement) + 2
                    for entity in {entity_ids[_zipf(rng, len(entity_ids))] for _ in range(2)}:
                        links.append({"id": link_id, "claim_id": claim_id, "entity_id": entity})
                        link_id += 1
                    for source in {source_ids[rng.randrange(len(source_ids))] for _ in range(2)}:
                        evidence.append(
                            {
                                "id": evidence_id,
                                "claim_id": claim_id,
                                "source_id": source,
                                "passage": "نحو ألفي عنصر",
                                "estimate_value": n,
                                "created_at": claim_when,
                                "updated_at": claim_when,
                            }
                        )
                        evidence_id += 1
                    events.append(
                        {
                            "id": event_id,
                            "claim_id": claim_id,
                            "at": claim_when,
                            "action": "created",
                            "to_status": "draft",
                        }
                    )
                    event_id += 1
                    if public:
                        events.append(
                            {
                                "id": event_id,
                                "claim_id": claim_id,
                                "at": claim_when,
                                "action": "transition",
                                "from_status": "in_review",
                                "to_status": "published",
                            }
                        )
                        event_id += 1
                    claim_id += 1
                article_id += 1
                revision_id += 1
            tables[Article].copy(cursor, articles)
            tables[ArticleRevision].copy(cursor, revisions)
            tables[Claim].copy(cursor, claims)
            tables[through].copy(cursor, links)
            tables[Evidence].copy(cursor, evidence)
            tables[ClaimEvent].copy(cursor, events)
            print(f"  {batch_end:,} claims after {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

        for name, definition in indexes:
            cursor.execute(definition)
            print(f"  index {name} rebuilt after {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        for table in tables.values():
            table.reset_sequence(cursor)
        # The load wrote with triggers off (replica role): the entity records' counts are recounted, and the
        # entity feeds' rows rebuilt, once.
        cursor.execute("SELECT claims_recount_entity_claims()")
        cursor.execute("SELECT claims_rebuild_entity_feed()")
    with connection.cursor() as cursor:
        # What autovacuum does after a bulk load: statistics, and the visibility map index-only scans need.
        cursor.execute("VACUUM ANALYZE")
    # The writes above went through Django's cursors, which move the desk's write generations themselves; a load
    # that bypasses them (COPY) must not leave the API's cached lists in place.
    from claims.write_generation import writes_happened

    writes_happened()
    return time.perf_counter() - started


def editor_token(username: str = "bench-editor", role: str = "editor") -> str:
    """An API token for a desk account of `role` (created once)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    user = get_user_model().objects.filter(username=username).first() or UserFactory(username=username, role=role)
    return Token.objects.get_or_create(user=user)[0].key


def seed_desk(total: int) -> float:
    """A desk to measure: its accounts (editors and reviewers with API tokens) first, then `total` claims whose
    unfinished part is assigned to them, so the dashboard's queues hold what a busy desk's do; seconds spent."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for username in DESK_USERS:
        editor_token(username, role="reviewer" if "reviewer" in username else "editor")
    users = list(get_user_model().objects.filter(username__in=DESK_USERS).values_list("pk", flat=True))
    return seed_claims(total, users=users)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--desk", action="store_true", help="also the desk's accounts, assigned the open claims")
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    args = parser.parse_args()
    create_database(args.database, fresh=args.fresh)
    setup_django(args.database)
    seconds = seed_desk(args.claims) if args.desk else seed_claims(args.claims)
    from claims.models import Claim

    print(f"{Claim.objects.count():,} claims in {args.database} (this run added some in {seconds:.1f} s)")


if __name__ == "__main__":
    main()
