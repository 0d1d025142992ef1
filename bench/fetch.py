"""Benchmark: capture 1,000 URLs from a local server that answers each request after 200 ms.

Each capture is the whole pure pipeline a worker runs (`claims.fetching.pipeline.capture`: SSRF-checked fetch,
decode, extract, WARC). `--processes` worker processes (like Celery's prefork pool: extraction is CPU work that
threads in one process would serialize) each run `--concurrency / --processes` threads; the server runs in its own
process. Prints the elapsed time as a ratio to the bound `urls × delay / concurrency` (the time the server's
waits alone take); the goal is ≤ 1.2. Run from the repository root:
`python bench/fetch.py [--urls 1000] [--concurrency 20] [--processes 2]`.
"""

import argparse
import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.fetching.client import FetchPolicy, fetch  # noqa: E402
from claims.fetching.pipeline import capture  # noqa: E402

LOCAL_PORTS = (range(1024, 65536),)  # the local servers listen on port 0's pick; 80 and 443 are always allowed
PARAGRAPH = (
    "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم "
    "بحوالي ألفين، وفق ما نقلته مصادر مطلعة على الملف. "
)
PAGE = (
    f'<html lang="ar"><head><meta charset="utf-8"><title>تقرير رقم %d</title></head><body><nav>الرئيسية</nav>'
    f"<article><h1>تقرير رقم %d</h1>{''.join(f'<p>{PARAGRAPH * 3}</p>' for _ in range(6))}</article>"
    f"<footer>جميع الحقوق محفوظة</footer></body></html>"
)


class SlowHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        time.sleep(self.server.delay)
        number = int(self.path.rsplit("/", 1)[-1])
        body = (PAGE % (number, number)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024


def serve(port_out, delay: float) -> None:
    server = Server(("127.0.0.1", 0), SlowHandler)
    server.delay = delay
    port_out.put(server.server_address[1])
    server.serve_forever()


def capture_share(base: str, numbers: list[int], threads: int, stage: str) -> tuple[int, float]:
    """One worker process: capture (or only fetch) its share of the URLs, `threads` at a time; returns how many
    came back with content and the CPU seconds it used."""
    policy = FetchPolicy(
        allowed_networks=(ip_network("127.0.0.1/32"),),
        allowed_ports=LOCAL_PORTS,
        connect_timeout=10,
        read_timeout=10,
        total_timeout=30,
    )

    def one(number: int) -> bool:
        url = f"{base}{number}"
        return bool(fetch(url, policy).body if stage == "fetch" else capture(url, policy).extracted.text)

    cpu = time.process_time()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = sum(pool.map(one, numbers))
    return done, time.process_time() - cpu


def warm_up(base: str) -> None:
    capture(f"{base}0", FetchPolicy(allowed_networks=(ip_network("127.0.0.1/32"),), allowed_ports=LOCAL_PORTS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--delay", type=float, default=0.2, help="seconds the server waits before answering")
    parser.add_argument(
        "--stage",
        choices=["capture", "fetch"],
        default="capture",
        help="capture: fetch, decode, extract, WARC (default); fetch: the HTTP client alone",
    )
    args = parser.parse_args()

    load = os.getloadavg()[0]
    context = multiprocessing.get_context("spawn")
    port = context.Queue()
    server = context.Process(target=serve, args=(port, args.delay), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port.get(timeout=30)}/story/"
    shares = [list(range(1 + i, args.urls + 1, args.processes)) for i in range(args.processes)]
    threads = max(1, args.concurrency // args.processes)
    with context.Pool(args.processes) as pool:
        pool.map(warm_up, [base] * args.processes)  # imports and trafilatura's caches, outside the timing
        started = time.perf_counter()
        results = pool.starmap(capture_share, [(base, share, threads, args.stage) for share in shares])
        elapsed = time.perf_counter() - started
    server.terminate()
    concurrency = threads * args.processes
    bound = args.urls * args.delay / concurrency
    with_text, cpu = sum(r[0] for r in results), sum(r[1] for r in results)
    assert with_text == args.urls, "every capture should have main text"
    print(
        f"{args.urls} URLs, stage {args.stage}, concurrency {concurrency} ({args.processes} processes × {threads} threads), "
        f"server delay {args.delay * 1000:.0f} ms, {os.cpu_count()} CPUs"
    )
    print(
        f"CPU used by the capturing processes: {cpu:.2f} s ({cpu / args.urls * 1000:.1f} ms per URL); "
        f"load average before the run {load:.1f}"
    )
    print(f"elapsed {elapsed:.2f} s, bound {bound:.2f} s, ratio {elapsed / bound:.2f} (goal ≤ 1.2)")


if __name__ == "__main__":
    main()
