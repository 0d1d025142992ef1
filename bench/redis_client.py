"""Benchmark: the cache work of a cached public page, through Django's stock Redis client and through one client
per pool (``claims.page_cache._OneClientPerPool``, what ``ResilientRedisCache`` uses).

A cached claim page asks Redis for its generations (one ``get_many``) and takes the page from the process's memory;
a throttled API request does a ``get`` and a ``set``. Each is timed over ``--calls`` calls, in alternating rounds so
both clients see the same machine, and the median round's microseconds per call are printed with the ratio
one-client-per-pool / stock (below 1: the subclass saves that share).

Run from the repository root: ``.venv/bin/python bench/redis_client.py --calls 5000`` (``--redis`` names the
server, default ``redis://127.0.0.1:6379/10``; every key it writes expires within a minute).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=5000, help="calls per round and operation")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.cache.backends.redis import RedisCache

    from claims import page_cache

    params = {"KEY_PREFIX": "bench-redis-client", "TIMEOUT": 60}
    backends = {
        "stock RedisCache": RedisCache(args.redis, params),
        "one client per pool": page_cache.ResilientRedisCache(args.redis, params),
    }
    generation_keys = ["public:generation:claim:1", page_cache.LISTS_KEY]
    for backend in backends.values():
        backend.set_many(dict.fromkeys(generation_keys, "0123456789abcdef"))

    def cached_page(backend) -> None:  # what claim_page_generations asks per cached view
        backend.get_many(generation_keys)

    def throttle(backend) -> None:  # what a DRF throttle does per request
        backend.get("throttle:anon:127.0.0.1", [])
        backend.set("throttle:anon:127.0.0.1", [time.time()], 60)

    print(f"{args.calls:,} calls per round, {args.rounds} rounds; load average before: {os.getloadavg()[0]:.1f}")
    for name, operation in (("cached page (get_many)", cached_page), ("throttle (get + set)", throttle)):
        rounds: dict[str, list[float]] = {label: [] for label in backends}
        for _ in range(args.rounds):
            for label, backend in backends.items():
                started = time.perf_counter()
                for _ in range(args.calls):
                    operation(backend)
                rounds[label].append((time.perf_counter() - started) / args.calls * 1e6)
        medians = {label: statistics.median(times) for label, times in rounds.items()}
        cells = ", ".join(f"{label} {us:.1f} us" for label, us in medians.items())
        ratio = medians["one client per pool"] / medians["stock RedisCache"]
        print(f"{name}: {cells}; ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
