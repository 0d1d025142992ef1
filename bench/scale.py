"""Scale: every list, filter, search (Arabic spelling variants included), dashboard queue, entity page, similar-claim
candidate search, reader request match and sitemap, measured at each size in one run, with each target's cost at
the largest size as a ratio of its cost at the smallest (the target: at most 1.5).

``nice -n 19 .venv/bin/python bench/scale.py --size 10000:bench_million_10k --size 1000000:bench_million``

Each size is a database seeded by bench/seed.py (``seed_desk``; seeded here when it holds fewer claims) and
measured in its own process, through Django's test client: the fastest of ``--repeat`` requests after one
warm-up (the machine is shared: slower runs measure the neighbours), and the queries of the last. The sizes'
requests of a target alternate (``measure``), so that a slow spell of the machine weighs on both sides of a ratio.
The same addresses are asked at each size: the entity measured is the desk's most named one (the seed's first),
the claims and articles the newest.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402

TARGET = 1.5
# Spelling variants of the same words (hamza forms, ة/ه, ى/ي): each must find what the other finds, as fast.
SEARCHES = {
    "search: مرتزق روسي": "مرتزق روسي",
    "search: مرتزق روسى (ى)": "مرتزق روسى",
    "search: أعلنت الحكومة": "أعلنت الحكومة",
    "search: اعلنت الحكومه (no hamza, ه)": "اعلنت الحكومه",
    "search: 2000 طرابلس (number)": "2000 طرابلس",
    "search: a rare word": "قباله الكفرة",
}

# A reader's "check this" (claims.services.requests.find_published_match): a short text against the published
# claims, one worded as the seed's commonest template, one that no claim holds.
READER_REQUESTS = {
    "reader request match": "هل صحيح أن في ليبيا 2000 مرتزق روسي؟",
    "reader request match (a text no claim holds)": "هل غرقت سفينة شحن يابانية قرب جزيرة مالطا؟",
}


def targets(ids: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(name, who, address): who is "public", "desk" (an editor's session) or "api" (an editor's token)."""
    entity, article, user = ids["entity"], ids["article"], ids["user"]
    found: list[tuple[str, str, str]] = [
        ("desk claims list", "desk", "/desk/claims/"),
        ("desk claims list p.50", "desk", "/desk/claims/?page=50"),
        ("desk claims ?status=in_review", "desk", "/desk/claims/?status=in_review"),
        ("desk claims ?verdict=false", "desk", "/desk/claims/?verdict=false"),
        ("desk claims ?kind=meeting", "desk", "/desk/claims/?kind=meeting"),
        ("desk claims ?assignee=me", "desk", f"/desk/claims/?assignee={user}"),
        ("desk claims ?entity=", "desk", f"/desk/claims/?entity={entity}"),
        ("desk claims ?q=مرتزق", "desk", "/desk/claims/?q=مرتزق"),
        ("desk claims ?q=مرتزق روسي (two words)", "desk", "/desk/claims/?q=مرتزق روسي"),
        ("desk articles list", "desk", "/desk/articles/"),
        ("desk dashboard", "desk", "/desk/"),
        ("desk dashboard ?status=draft", "desk", "/desk/?status=draft"),
        ("desk dashboard ?q=مرتزق", "desk", "/desk/?q=مرتزق"),
        ("api claims", "api", "/api/v1/claims/"),
        ("api claims ?status=published", "api", "/api/v1/claims/?status=published"),
        ("api claims ?entity=", "api", f"/api/v1/claims/?entity={entity}"),
        ("api claims ?search=مرتزق روسى", "api", "/api/v1/claims/?search=مرتزق روسى"),
        ("api claims ?ordering=-created_at", "api", "/api/v1/claims/?ordering=-created_at"),
        ("api claims ?claimant=حفتر", "api", "/api/v1/claims/?claimant=حفتر"),
        ("api claims ?claimant= (a name no claim has)", "api", "/api/v1/claims/?claimant=نادر"),
        ("api articles", "api", "/api/v1/articles/"),
        ("api articles ?search=طرابلس", "api", "/api/v1/articles/?search=طرابلس"),
        ("api articles ?ordering=title", "api", "/api/v1/articles/?ordering=title"),
        ("api sources", "api", "/api/v1/sources/"),
        ("api sources ?search=news1", "api", "/api/v1/sources/?search=news1"),
        ("api sources ?ordering=health", "api", "/api/v1/sources/?ordering=health"),
        ("api evidence", "api", "/api/v1/evidence/"),
        ("api entities", "api", "/api/v1/entities/"),
        ("api public claims", "public", "/api/v1/public/claims/"),
        ("public home", "public", "/"),
        ("public claim page", "public", ids["claim_url"]),
        ("public article page", "public", f"/articles/{article}/"),
        ("public entity page (most named)", "public", f"/entities/{entity}/"),
        ("public entity feed", "public", f"/entities/{entity}/feed.atom"),
        ("public feed.atom", "public", "/feed.atom"),
        ("sitemap index", "public", "/sitemap.xml"),
        ("sitemap claims p.1", "public", "/sitemap-claims.xml"),
        ("sitemap entities p.1", "public", "/sitemap-entities.xml"),
        ("sitemap articles p.1", "public", "/sitemap-articles.xml"),
    ]
    found += [(name, "public", f"/search/?q={q}") for name, q in SEARCHES.items()]
    return found


class Site:
    """One size's desk in this process, answering one request of a target at a time (``serve``)."""

    def __init__(self, database: str, size: int) -> None:
        seed.create_database(database)
        seed.setup_django(database)
        from django.conf import settings

        # The database's cost, not the page cache's: every request renders (a dummy cache is an empty one).
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.test.utils import setup_test_environment

        from claims.models import Claim, Entity
        from claims.services import matching, requests

        self.seconds = seed.seed_desk(size)
        setup_test_environment()
        settings.DEBUG = True
        settings.ALLOWED_HOSTS = ["testserver"]
        editor = get_user_model().objects.get(username="bench-editor")
        token = seed.editor_token("bench-editor")
        newest = Claim.objects.published().order_by("-id").first()
        assert newest is not None
        self.newest = newest
        ids: dict[str, Any] = {
            "entity": Entity.objects.order_by("id").values_list("id", flat=True)[0],
            "article": newest.article_id,
            "claim": newest.pk,
            "claim_url": newest.public_url,
            "user": editor.pk,
        }
        self.clients = {"public": Client(), "desk": Client(), "api": Client(HTTP_AUTHORIZATION=f"Token {token}")}
        self.clients["desk"].force_login(editor)
        self.claims = Claim.objects.count()
        self.calls: dict[str, tuple[str | None, Any]] = {
            name: (address, lambda who=who, address=address: self.get(who, address))
            for name, who, address in targets(ids)
        }
        self.calls["similar-claim candidates"] = (None, lambda: len(matching.candidate_claims(newest)) and None)
        self.calls["memory look-up (find_in_memory)"] = (
            None,
            lambda: len(matching.find_in_memory(newest.statement)) and None,
        )
        for name, text in READER_REQUESTS.items():
            self.calls[name] = (None, lambda text=text: requests.find_published_match(text=text, url="") and None)
        self.addresses: dict[str, int] = {}

    def get(self, who: str, address: str) -> int:
        response = self.clients[who].get(address)
        if address.startswith("/sitemap-"):
            self.addresses[address] = response.content.count(b"<url>")
        return response.status_code

    def warm(self, name: str) -> None:
        """The warm-up before a target's timed requests: caches, the planner's statistics, the model's weights."""
        from claims.services import matching

        if name.startswith("memory look-up") and matching.use_embeddings():
            embed_candidates(self.newest.statement)
        self.calls[name][1]()

    def time(self, name: str) -> dict[str, Any]:
        """One timed request of ``name``: its cost, its queries and what it answered."""
        from django.db import connection, reset_queries

        address, call = self.calls[name]
        reset_queries()
        started = time.perf_counter()
        status = call()
        found = {"ms": (time.perf_counter() - started) * 1000, "queries": len(connection.queries), "status": status}
        if address in self.addresses:
            found["addresses"] = self.addresses[address]
        return found


def serve(database: str, size: int) -> None:
    """A child's loop: one JSON line out when seeded (its claims and target names), then for each command line in
    (``warm NAME`` or ``time NAME``) one JSON line out."""
    # The answers go out on the original standard output alone: whatever the code measured prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    site = Site(database, size)
    print(json.dumps({"claims": site.claims, "seeded_s": site.seconds, "targets": list(site.calls)}), file=answers)
    answers.flush()
    for line in sys.stdin:
        command, name = line.rstrip("\n").split(" ", 1)
        if command == "warm":
            site.warm(name)
            print(json.dumps({}), file=answers)
        else:
            print(json.dumps(site.time(name)), file=answers)
        answers.flush()


class Child:
    """A size's `serve` process, asked one request at a time."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 (read when the child fails, closed with it)
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", spec],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            text=True,
            env={**os.environ, "DEBUG": "1"},
        )

    def answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            code = self.process.wait()
            self.errors.seek(0)
            raise SystemExit(f"measuring {self.spec} stopped (exit code {code}):\n{self.errors.read()[-4000:]}")
        return json.loads(line)

    def ask(self, command: str, name: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command} {name}\n")
        self.process.stdin.flush()
        return self.answer()

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()
        self.errors.close()


def measure(children: list[Child], names: list[str], repeat: int) -> list[dict[str, Any]]:
    """Each target's cost at every size: its requests interleaved across the sizes, in an order reversed every
    round (ABBA), so that a slow spell of the shared machine falls on both sizes rather than on one size's whole
    run; the fastest of ``repeat`` per size, after one warm-up each, and the queries of the last."""
    results: list[dict[str, Any]] = [{} for _ in children]
    for name in names:
        for child in children:
            child.ask("warm", name)
        timings: list[list[dict[str, Any]]] = [[] for _ in children]
        for round_ in range(repeat):
            order = list(enumerate(children))
            for index, child in order if round_ % 2 == 0 else reversed(order):
                timings[index].append(child.ask("time", name))
        for index, runs in enumerate(timings):
            costs = [run["ms"] for run in runs]
            results[index][name] = {**runs[-1], "ms": min(costs), "median_ms": statistics.median(costs)}
    return results


def chosen(name: str, only: list[str] | None) -> bool:
    return not only or any(part in name for part in only)


def embed_candidates(text: str) -> int:
    """Store the embeddings of `text`'s memory candidates, as `embed_claims` has on a running desk; the seed has
    none, and the look-up embeds up to EMBED_MISSING_PER_RUN missing candidates per call: it would measure the
    model, by an amount that shrinks from one call to the next."""
    from claims import embeddings
    from claims.services import matching

    vector = embeddings.embed([text])[0]
    return matching.embed_claims(matching.memory_candidate_ids(text=text, entity_ids=[], vector=vector))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", help="CLAIMS:DATABASE, smallest first (two or more)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--serve", help=argparse.SUPPRESS)  # CLAIMS:DATABASE, in a child process
    parser.add_argument(
        "--only", action="append", help="measure only targets whose name contains this (repeatable: any of them)"
    )
    args = parser.parse_args()
    if args.serve:
        size, database = args.serve.split(":", 1)
        serve(database, int(size))
        return
    sizes = args.size or ["10000:bench_million_10k", "1000000:bench_million"]
    # Seeded one after the other (each seeds its database when it holds fewer claims), then measured together.
    children, ready = [], []
    for spec in sizes:
        child = Child(spec)
        ready.append(child.answer())
        children.append(child)
    names = [name for name in ready[0]["targets"] if chosen(name, args.only)]
    measured = measure(children, names, args.repeat)
    for child in children:
        child.close()
    runs = [{**info, "targets": found} for info, found in zip(ready, measured, strict=True)]
    small, large = runs[0], runs[-1]
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print(f"{'target':44} {small['claims']:>10,} {large['claims']:>12,}   ratio  queries")
    over = 0
    for name, cost in small["targets"].items():
        big = large["targets"][name]
        ratio = big["ms"] / cost["ms"] if cost["ms"] else float("inf")
        over += ratio > TARGET
        flag = "" if ratio <= TARGET else "  > 1.5"
        status = "" if big["status"] == 200 or not isinstance(big["status"], int) else f" [HTTP {big['status']}]"
        print(
            f"{name:44} {cost['ms']:8.1f}ms {big['ms']:10.1f}ms {ratio:7.2f}  {cost['queries']:>3}/{big['queries']:<3}"
            f"{flag}{status}"
        )
        if cost.get("addresses") and big.get("addresses"):
            # A sitemap page is bounded (50,000 addresses) but holds more of them in the larger site: its cost per
            # address is what must not grow with the table. Printed, not counted as a target of its own.
            small_each, big_each = cost["ms"] / cost["addresses"] * 1000, big["ms"] / big["addresses"] * 1000
            each = big_each / small_each
            print(
                f"{'  per 1,000 addresses':44} {small_each:8.1f}ms {big_each:10.1f}ms {each:7.2f}  "
                f"({cost['addresses']:,} / {big['addresses']:,} addresses)" + ("" if each <= TARGET else "  > 1.5")
            )
    print(f"{over} of {len(small['targets'])} targets over {TARGET}×")


if __name__ == "__main__":
    main()
