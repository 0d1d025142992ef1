"""Benchmark: bad input at scale, each figure a ratio to a baseline measured in the same run.

(a) ``article``: a ~1 MB Arabic article with 2,000 claims: the desk reading view's render and re-anchoring after
    an edit near the start, against a 10 KB article with 10 claims and a plain ``str.find`` of every quote.
(b) ``huge``: the capture pipeline against a local server streaming 100 MB (with and without Content-Length):
    refused at the 15 MB cap; peak RSS growth of a fresh process against capturing a 1 MB page.
(c) ``hosts``: 10,000 sources of one host re-checked by beat (``schedule_recaptures``), the queued captures run
    by worker threads against a local server that counts concurrent connections: the per-host limit holds.

Uses its own PostgreSQL database (``bench_scale_input``) and Redis database 10. Run from the repository root:
``.venv/bin/python bench/bad_input.py [article|huge|hosts ...]`` (all three by default).
"""

import argparse
import atexit
import json
import os
import queue
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402

DATABASE = "bench_scale_input"
MB = 1024 * 1024
LOCAL_PORTS = (range(1024, 65536),)  # the local servers listen on port 0's pick; 80 and 443 are always allowed


def median_time(fn, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        began = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def count_queries(fn):
    """(number of SQL statements `fn` ran, its result); counted by a wrapper, so reconnections do not lose any."""
    from django.db import connection

    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        result = fn()
    return len(seen), result


# (a) A large article.


def arabic_text(size: int) -> str:
    """`size` code points of Arabic paragraphs, each numbered so quotes taken from them are unique."""
    base = (ROOT / "claims" / "demo" / "haftar-russia.ar.txt").read_text(encoding="utf-8").split("\n")
    lines = [line for line in base if len(line) > 80]
    out, n = [], 0
    while sum(map(len, out)) < size:
        out.append(f"الفقرة {n}: {lines[n % len(lines)]}\n")
        n += 1
    return "".join(out)[:size]


def make_article(text: str, claims: int, user):
    from claims import anchoring
    from claims.models import Claim
    from claims.services.articles import create_article

    article = create_article(title=f"Bench {len(text):,} code points", text=text, language="ar", by=user)
    revision = article.current_revision
    step = len(text) // claims
    rows = []
    for i in range(claims):
        start = i * step + 10
        sel = anchoring.describe(text, start, start + 60)
        rows.append(
            Claim(
                article=article,
                revision=revision,
                exact=sel.exact,
                prefix=sel.prefix,
                suffix=sel.suffix,
                start=sel.start,
                end=sel.end,
                kind="other",
                statement=f"ادعاء {i}",
                statement_language="ar",
                created_by=user,
            )
        )
    Claim.objects.bulk_create(rows, batch_size=1_000)
    return article


def reading_view_and_reanchor(rounds: int) -> None:
    from django.test import Client

    from claims.models import Claim
    from claims.services import articles as article_services
    from tests.factories import UserFactory

    user = UserFactory(username="bench-editor", role="editor")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    big = make_article(arabic_text(MB), 2_000, user)
    small = make_article(arabic_text(10 * 1024), 10, user)

    def view(article):
        response = client.get(f"/desk/articles/{article.pk}/")
        assert response.status_code == 200, response.status_code
        return response

    results = {}
    for name, article in (("10 KB, 10 claims", small), ("1 MB, 2,000 claims", big)):
        view(article)
        queries, size = count_queries(lambda a=article: len(view(a).content))
        results[name] = median_time(lambda a=article: view(a), rounds)
        print(
            f"reading view {name}: median {results[name] * 1000:.1f} ms, {queries} queries, "
            f"{size / 1024:,.0f} KB of HTML"
        )
    ratio = results["1 MB, 2,000 claims"] / results["10 KB, 10 claims"]
    print(f"  ratio large/small: {ratio:.1f} for 100x the text and 200x the claims")

    # Re-anchoring after an edit near the start: every span moves by the inserted length.
    text = big.current_revision.text
    edited = text[:500] + "جملة أضيفت في بداية المقال بعد النشر. " + text[500:]
    quotes = list(big.claims.values_list("exact", flat=True))
    find_all = median_time(lambda: [edited.find(q) for q in quotes], 5)
    queued = []
    original_enqueue = article_services.enqueue_after_commit
    article_services.enqueue_after_commit = lambda task, *args: queued.append(args)
    try:
        began = time.perf_counter()
        revision = article_services.add_revision(article=big, text=edited, by=user)
        add_seconds = time.perf_counter() - began
    finally:
        article_services.enqueue_after_commit = original_enqueue
    print(
        f"add_revision of the 1 MB article: {add_seconds * 1000:.0f} ms in the request "
        f"(re-anchoring handed to a job: {bool(queued)})"
    )
    from claims import anchoring
    from claims.tasks import reanchor_article

    selectors = [anchoring.Selector(c.exact, c.prefix, c.suffix, c.start, c.end) for c in big.claims.all()]
    pure = median_time(lambda: anchoring.reanchor_all(selectors, edited), 3)
    began = time.perf_counter()
    counts = reanchor_article(big.pk, revision.pk)  # the Celery job's body, run here
    job = time.perf_counter() - began
    moved = Claim.objects.filter(article=big, revision=revision).count()
    print(f"re-anchoring 2,000 claims: {counts}; {moved} on the new revision")
    print(f"  str.find of every quote: {find_all * 1000:.1f} ms (baseline)")
    print(f"  anchoring.reanchor_all (pure): {pure * 1000:.1f} ms, ratio {pure / find_all:.1f}")
    print(
        f"  reanchor_article job (batched UPDATEs and history rows, one transaction): {job * 1000:.0f} ms, "
        f"ratio {job / find_all:.0f}"
    )
    view(big)
    after = median_time(lambda: view(big), rounds)
    print(
        f"reading view after the edit: median {after * 1000:.1f} ms, ratio to the 10 KB article "
        f"{after / results['10 KB, 10 claims']:.1f}"
    )


# (b) A source answering 100 MB.


class BigHandler(BaseHTTPRequestHandler):
    """/big: 100 MB of HTML ended by closing the connection (no length declared); /declared: the same with
    Content-Length; /near: 14 MB, just under the cap; /small: 1 MB; /warm: 10 KB."""

    chunk = b"<p>" + "نص طويل جدا ".encode() * 500 + b"</p>\n"

    def do_GET(self):
        total = {"/big": 100 * MB, "/declared": 100 * MB, "/near": 14 * MB, "/warm": 10 * 1024}.get(self.path, MB)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.path != "/big":
            self.send_header("Content-Length", str(total))
        self.end_headers()
        head = b"<html><head><title>big</title></head><body>"
        try:
            self.wfile.write(head)
            sent = len(head)
            while sent < total:
                piece = self.chunk[: total - sent]
                self.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading at its cap, as it should

    def log_message(self, *args):
        pass


def serve(handler, ready) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    ready.put(server.server_address[1])
    server.serve_forever()


def start_server(handler):
    context = get_context("fork")
    ready = context.Queue()
    process = context.Process(target=serve, args=(handler, ready), daemon=True)
    process.start()
    return process, ready.get(timeout=10)


def capture_child(url: str) -> None:
    """In a fresh process: capture a 10 KB page (a worker's one-time costs: lazy imports, the language model),
    then `url`; print its outcome and the memory growth it caused as JSON."""
    from claims.fetching import pipeline
    from claims.fetching.client import FetchPolicy

    policy = FetchPolicy(
        allowed_networks=(ip_network("127.0.0.1/32"),), allowed_ports=LOCAL_PORTS, max_bytes=15 * MB, total_timeout=120
    )
    pipeline.capture(url.rsplit("/", 1)[0] + "/warm", policy)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    outcome = _capture_outcome(pipeline, url, policy)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()  # a second capture, traced: the Python heap's share (tracing slows it, so it is not timed)
    _capture_outcome(pipeline, url, policy)
    peak = tracemalloc.get_traced_memory()[1]
    print(
        json.dumps(
            {
                "outcome": outcome,
                "rss_mb": after / 1024,
                "rss_growth_mb": (after - before) / 1024,
                "traced_peak_mb": peak / MB,
                "seconds": seconds,
            }
        )
    )


def _capture_outcome(pipeline, url, policy) -> str:
    from claims.fetching.errors import FetchError

    try:
        return f"captured {len(pipeline.capture(url, policy).result.body) / MB:.1f} MB"
    except FetchError as exc:
        return f"{type(exc).__name__}: {exc}"


def huge_source() -> None:
    process, port = start_server(BigHandler)
    try:
        rows = {}
        for name, path in (
            ("1 MB page", "/small"),
            ("14 MB page (under the cap)", "/near"),
            ("100 MB, no length", "/big"),
            ("100 MB, Content-Length", "/declared"),
        ):
            out = subprocess.run(
                [sys.executable, __file__, "--capture-child", f"http://127.0.0.1:{port}{path}"],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            rows[name] = json.loads(out.strip().splitlines()[-1])
        base = rows["1 MB page"]
        print(
            "| response | outcome | peak RSS | ratio to 1 MB page | growth over warm worker | Python heap peak "
            "| seconds | ratio to 1 MB page |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for name, r in rows.items():
            print(
                f"| {name} | {r['outcome'][:90]} | {r['rss_mb']:.0f} MB | {r['rss_mb'] / base['rss_mb']:.2f} | "
                f"{r['rss_growth_mb']:.1f} MB | {r['traced_peak_mb']:.1f} MB | {r['seconds']:.2f} | "
                f"{r['seconds'] / base['seconds']:.2f} |"
            )
    finally:
        process.terminate()


# (c) 10,000 sources on one host.


class CountingHandler(BaseHTTPRequestHandler):
    """Answers every page after a short wait and counts the requests in flight; /stats reports the maximum,
    /reset reports and starts counting it afresh."""

    lock = threading.Lock()
    current = 0
    highest = 0
    served = 0
    delay = 0.05
    page = (
        "<html><head><title>مصدر</title></head><body><article><p>"
        + "قال المتحدث إن نحو ألفي عنصر موجودون في البلاد. " * 40
        + "</p></article></body></html>"
    ).encode()

    def do_GET(self):
        cls = type(self)
        if self.path in ("/stats", "/reset"):
            with cls.lock:
                body = json.dumps({"highest": cls.highest, "served": cls.served}).encode()
                if self.path == "/reset":
                    cls.highest = 0
        else:
            with cls.lock:
                cls.current += 1
                cls.highest = max(cls.highest, cls.current)
            time.sleep(cls.delay)
            with cls.lock:
                cls.current -= 1
                cls.served += 1
            body = self.page
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def stats(port: int, path: str = "/stats") -> dict:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path)
    return json.loads(connection.getresponse().read())


def run_workers(capture_ids: list[int], threads: int, seconds: float) -> tuple[int, int, float]:
    """Run the captures with `threads` workers for at most `seconds`, as Celery would: a job whose host is busy
    goes back to the queue. Returns (captures done, hand-backs, seconds)."""
    from django.db import connection

    from claims.services.captures import RetryLater, run_capture

    jobs: queue.Queue = queue.Queue()
    for capture_id in capture_ids:
        jobs.put(capture_id)
    counts = {"done": 0, "busy": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        try:
            while time.monotonic() < stop:
                try:
                    capture_id = jobs.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcome = "done" if run_capture(capture_id=capture_id) is not None else None
                except RetryLater:
                    outcome = "busy"
                    jobs.put(capture_id)
                if outcome:
                    with lock:
                        counts[outcome] += 1
        finally:
            connection.close()

    began = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return counts["done"], counts["busy"], time.perf_counter() - began


def many_sources(count: int, threads: int, seconds: float) -> None:
    from django.conf import settings

    from claims.models import Capture, Source
    from claims.services import captures, queueing
    from claims.services.captures import schedule_recaptures

    process, port = start_server(CountingHandler)
    settings.FETCH_ALLOWED_NETWORKS = (ip_network("127.0.0.1/32"),)
    settings.FETCH_ALLOWED_PORTS = LOCAL_PORTS
    Capture.objects.all().delete()
    Source.objects.all().delete()
    Source.objects.bulk_create(
        Source(
            url=f"http://127.0.0.1:{port}/story/{i}",
            original_url=f"http://127.0.0.1:{port}/story/{i}",
            title=f"Story {i}",
            next_check_at="2020-01-01T00:00:00Z",
        )
        for i in range(count)
    )
    sent: list[int] = []
    original_send = queueing.send_task
    queueing.send_task = lambda task, *args: sent.append(args[0])
    try:
        beats, began = 0, time.perf_counter()
        while Source.objects.filter(next_check_at__lte="2021-01-01T00:00:00Z").exists():
            schedule_recaptures()
            beats += 1
        scheduling = time.perf_counter() - began
    finally:
        queueing.send_task = original_send
    print(
        f"{count:,} due sources of one host: {len(sent):,} captures queued in {beats} beats "
        f"({captures.SCHEDULE_BATCH} per beat), {scheduling / beats * 1000:.0f} ms per beat"
    )

    limit = settings.FETCH_PER_HOST_CONCURRENCY
    for delay, label in (
        (0.0, "no politeness delay: the concurrency limit alone"),
        (settings.FETCH_POLITENESS_DELAY, "the default politeness delay"),
    ):
        settings.FETCH_POLITENESS_DELAY = delay
        start_served = stats(port, "/reset")["served"]
        done, busy, elapsed = run_workers(sent, threads, seconds)
        seen = stats(port)
        served = seen["served"] - start_served
        # The most requests the limits allow in `elapsed`: `limit` at a time, each held for the server's delay,
        # or (with a politeness delay) one start per delay, counting the first at time zero.
        allowed = limit * elapsed / CountingHandler.delay if not delay else elapsed / delay + 1
        print(
            f"{label} ({delay:.1f} s): {threads} worker threads for {elapsed:.1f} s: {done:,} captures done, "
            f"{busy:,} handed back as host busy; highest concurrent requests to the host {seen['highest']} "
            f"(limit {limit}): {'holds' if seen['highest'] <= limit else 'BROKEN'}; {served} requests = "
            f"{served / allowed:.2f} of the {allowed:.0f} the limits allow; load average {os.getloadavg()[0]:.1f}"
        )
        sent = list(Capture.objects.filter(state="queued").values_list("pk", flat=True))
    process.terminate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", default=["article", "huge", "hosts"], help="any of: article huge hosts")
    parser.add_argument("--capture-child", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8, help="worker threads for the re-checks")
    parser.add_argument("--seconds", type=float, default=15, help="per re-check phase")
    args = parser.parse_args()
    if args.capture_child:
        capture_child(args.capture_child)
        return
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if "huge" in args.parts:
        huge_source()
    if {"article", "hosts"} & set(args.parts):
        seed.create_database(DATABASE, fresh=True)  # history rows cannot be deleted: start from an empty one
        os.environ["REDIS_URL"] = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10")
        os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="bench-media-")  # the captures' WARC files
        atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)
        seed.setup_django(DATABASE)
        from django.conf import settings
        from django.core.management import call_command

        settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
        call_command("migrate", verbosity=0)
        if "article" in args.parts:
            reading_view_and_reanchor(args.rounds)
        if "hosts" in args.parts:
            many_sources(args.sources, args.threads, args.seconds)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
