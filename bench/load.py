"""Benchmark: HTTP load on the public pages and the API lists at 100,000 claims, against a minimal Django view.

Seeds a separate PostgreSQL database (bench/seed.py), starts gunicorn as the Procfile does (production settings:
DEBUG off, Redis cache) on a loopback port with ``bench.public_settings`` (the project plus /bench/minimal/), and
loads each target from a second process, wrk when installed (else a bounded thread-pool client), for a fixed
time, in several rounds (each figure is a target's median round). Prints requests/s, p50/p95/p99 and each
target's ratio to the minimal view measured in the same rounds, and the load average. ``--profile`` also profiles the slowest
target in this process with cProfile. Run from the repository root: ``.venv/bin/python bench/load.py``.
"""

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402

MINIMAL = "/bench/minimal/"
# wrk's done() hook prints one JSON line; latencies are in microseconds.
WRK_SCRIPT = """
paths = {%s}
headers = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], headers)
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "seconds": %%f, "errors": %%d, "non2xx": %%d, '
    .. '"p50": %%f, "p95": %%f, "p99": %%f}\\n', summary.requests, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3))
end
"""


def environment(args) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.public_settings",
        "DATABASE_URL": seed.database_url(args.database),
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "CACHE_KEY_PREFIX": "bench-load",
        # Plain HTTP on loopback, as behind a TLS-terminating proxy; the other security settings stay on.
        "SECURE_SSL_REDIRECT": "0",
        # The throttles still run (they cost a Redis round trip each); their limits must not be what is measured.
        "API_ANON_RATE": "100000000/minute",
        "API_USER_RATE": "100000000/minute",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(port, MINIMAL)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def run_wrk(port: int, paths: list[str], headers: dict, seconds: float, connections: int) -> dict:
    lua_paths = ", ".join(json.dumps(p) for p in paths)
    lua_headers = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (lua_paths, lua_headers))
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    result = json.loads(out.strip().splitlines()[-1])
    result["rate"] = result["requests"] / result["seconds"]
    return result


def run_threads(port: int, paths: list[str], headers: dict, seconds: float, connections: int) -> dict:
    """The fallback client: `connections` threads, keep-alive connections, each looping for `seconds`."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(offset: int) -> None:
        mine, bad, index = [], 0, offset
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < stop:
            began = time.perf_counter()
            connection.request("GET", paths[index % len(paths)], headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            bad += response.status != 200
            index += 1
        connection.close()
        with lock:
            latencies.extend(mine)
            failures[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i * 997,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rate": len(latencies) / elapsed,
        "errors": 0,
        "non2xx": failures[0],
        "p50": cuts[49] * 1000,
        "p95": cuts[94] * 1000,
        "p99": cuts[98] * 1000,
    }


def targets(sample: int, token: str) -> list[tuple[str, list[str], dict]]:
    from django.utils import translation

    from claims.models import Claim

    ids = list(Claim.objects.published().values_list("pk", flat=True))
    picked = random.Random(8).sample(ids, min(sample, len(ids)))
    with translation.override("en"):
        claim_paths = [c.public_url for c in Claim.objects.filter(pk__in=picked).select_related("article")]
    pages = [f"?page={n}" for n in range(1, 21)]
    token_header = {"Authorization": f"Token {token}"}
    return [
        ("public claim page", claim_paths, {}),
        ("public home", ["/"], {}),
        ("API public claims", [f"/api/v1/public/claims/{p}" for p in pages], {}),
        ("API claims (token)", [f"/api/v1/claims/{p}" for p in pages], token_header),
        *[
            (f"API {name} (token)", [f"/api/v1/{name}/?page={n}" for n in range(1, pages_of(model) + 1)], token_header)
            for name, model in desk_lists()
        ],
    ]


def desk_lists() -> list[tuple[str, type]]:
    """The token API's other lists, loaded like the claims list (claims/api/list_cache.py caches all five)."""
    from claims.models import Article, Entity, Evidence, Source

    return [("articles", Article), ("sources", Source), ("evidence", Evidence), ("entities", Entity)]


def pages_of(model, page_size: int = 50, most: int = 20) -> int:
    """How many of a list's first pages exist (the seed makes 20 articles and 200 entities, but 300,000 evidence)."""
    return max(1, min(most, -(-model.objects.count() // page_size)))


def profile(path: str, headers: dict, rounds: int) -> str:
    """cProfile of `rounds` requests to `path` through Django's test client in this process (after a warm-up)."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", **{f"HTTP_{k.upper()}": v for k, v in headers.items()})
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        response = client.get(path)
        assert response.status_code == 200, response.status_code
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(20)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--database", default=seed.DEFAULT_DATABASE)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (the Procfile's 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (the Procfile's 4)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--seconds", type=int, default=10, help="per target")
    parser.add_argument("--sample", type=int, default=1_000, help="distinct claim pages requested")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of every target, the minimal view included; each figure is the median round",
    )
    parser.add_argument("--settle", type=float, default=3.0, help="seconds of quiet before each measurement")
    parser.add_argument("--client", choices=["wrk", "threads"], default="wrk" if shutil.which("wrk") else "threads")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="profile N requests of the slowest target with cProfile afterwards",
    )
    args = parser.parse_args()

    seed.create_database(args.database)
    os.environ.update(environment(args))
    seed.setup_django(args.database, "bench.public_settings")
    seconds = seed.seed_claims(args.claims)
    if seconds:
        print(f"seeded to {args.claims:,} claims in {seconds:.0f} s")
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off: pages use the static manifest
    cache.clear()
    token = seed.editor_token()
    plan = targets(args.sample, token)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    load = run_threads if args.client == "threads" else run_wrk
    results = {}
    try:
        wait_until_up(port)
        began = time.perf_counter()
        for _name, paths, headers in plan:  # warm-up: every path once, so claim pages are in the cache
            for path in paths:
                status, body = get(port, path, headers)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}: {body[:200]!r}")
        print(
            f"warm-up (first visits, one client): {time.perf_counter() - began:.1f} s for "
            f"{sum(len(p) for _, p, _ in plan):,} paths"
        )
        loads = [os.getloadavg()[0]]
        # Rounds, not one pass: on this virtual machine a heavy target slows whatever runs next for a few seconds,
        # so each target (and the minimal view) is measured in several positions and its median round kept.
        runs: dict[str, list[dict]] = {}
        for _round in range(args.rounds):
            for name, paths, headers in [("minimal", [MINIMAL], {}), *plan]:
                time.sleep(args.settle)
                runs.setdefault(name, []).append(load(port, paths, headers, args.seconds, args.connections))
                loads.append(os.getloadavg()[0])
        for name, measured in runs.items():
            results[name] = sorted(measured, key=lambda r: r["rate"])[len(measured) // 2]
    finally:
        server.terminate()
        server.wait(timeout=30)

    ceiling = results["minimal"]["rate"]
    from claims.models import Claim

    print(
        f"\n{Claim.objects.count():,} claims; gunicorn {args.workers} workers x {args.threads} threads; "
        f"client {args.client}, {args.connections} connections, {args.rounds} rounds of {args.seconds} s per "
        f"target (minimal view: {', '.join(f'{r["rate"]:.0f}' for r in runs['minimal'])} req/s); "
        f"load average (1 min) {min(loads):.1f}-{max(loads):.1f} on {os.cpu_count()} CPUs"
    )
    print("| target | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to minimal |\n|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['rate']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
            f"{r['errors'] + r['non2xx']} | {r['rate'] / ceiling:.2f} |"
        )
    if args.profile:
        slowest = min((n for n, _, _ in plan), key=lambda n: results[n]["rate"])
        name, paths, headers = next(t for t in plan if t[0] == slowest)
        print(f"\nprofile of {args.profile} requests to {slowest} ({paths[0]}):\n")
        print(profile(paths[0], headers, args.profile))


if __name__ == "__main__":
    main()
