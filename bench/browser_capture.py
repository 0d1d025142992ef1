"""Benchmark: browser captures against plain captures of the same real pages, in the same run.

Serves every ``*.html.gz`` page of PAGES_DIR (tests/data/pages: 19 real news pages) from a local server on
127.0.0.1 and captures each one in turn, as one worker does (one page at a time): first with the plain pipeline
(``claims.fetching.pipeline.capture``: fetch, decode, extract, WARC), then in the browser
(``claims.fetching.browser.capture``: the same fetch, Chromium rendering through the route interception,
screenshot, PDF, text from the rendered DOM, WARC of every response). The pages' own files point at hosts that do
not resolve here and are refused quickly, as unreachable hosts are.

Prints pages per minute per worker for each, and memory per page: the peak proportional set size (PSS, from
/proc/PID/smaps_rollup, so that pages shared between Chromium's processes count once) sampled every 50 ms while the
page is captured, of this process for the plain capture and of this process with every descendant (Playwright's
driver and Chromium's processes) for the browser capture; Chromium's share alone is printed too. Run from the
repository root: ``python bench/browser_capture.py tests/data/pages [--rounds 1]``.
"""

import argparse
import gzip
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from claims.fetching import browser  # noqa: E402
from claims.fetching.client import FetchPolicy  # noqa: E402
from claims.fetching.pipeline import capture as plain_capture  # noqa: E402

LOCAL_PORTS = (range(1024, 65536),)
MIB = 1024 * 1024


class PageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = self.server.pages.get(self.path.lstrip("/"))
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree(pid: int) -> list[int]:
    pids, pending = [], [pid]
    while pending:
        current = pending.pop()
        pids.append(current)
        pending += children(current)
    return pids


def pss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def is_chromium(pid: int) -> bool:
    try:
        return "chrom" in Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return False


class PeakMemory:
    """Samples the PSS of this process (and, with ``descendants``, of its whole tree) until stopped."""

    def __init__(self, descendants: bool):
        self.descendants = descendants
        self.peak = self.peak_chromium = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        me = os.getpid()
        while not self._stop.is_set():
            pids = tree(me) if self.descendants else [me]
            sizes = {pid: pss(pid) for pid in pids}
            self.peak = max(self.peak, sum(sizes.values()))
            self.peak_chromium = max(self.peak_chromium, sum(s for p, s in sizes.items() if is_chromium(p)))
            self._stop.wait(0.05)


def run(kind: str, urls: list[str], policy: FetchPolicy, limits: browser.BrowserLimits) -> dict:
    peaks, chromium, failures = [], [], 0
    started = time.monotonic()
    for url in urls:
        with PeakMemory(descendants=kind == "browser") as memory:
            try:
                if kind == "browser":
                    outcome = browser.capture(url, policy, limits)
                    assert outcome.screenshot
                else:
                    plain_capture(url, policy)
            except Exception as exc:  # noqa: BLE001 (a failed page is counted and shown)
                failures += 1
                print(f"  {kind} {url}: {exc}", file=sys.stderr)
        peaks.append(memory.peak)
        chromium.append(memory.peak_chromium)
    elapsed = time.monotonic() - started
    return {
        "pages_per_minute": len(urls) / elapsed * 60,
        "seconds": elapsed,
        "pss_mean": statistics.mean(peaks) / MIB,
        "pss_max": max(peaks) / MIB,
        "chromium_mean": statistics.mean(chromium) / MIB,
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="a folder of *.html.gz pages (tests/data/pages)")
    parser.add_argument("--rounds", type=int, default=1, help="times each page is captured by each method")
    args = parser.parse_args()
    pages = {path.name: gzip.decompress(path.read_bytes()) for path in sorted(args.pages.glob("*.html.gz"))}
    if not pages:
        sys.exit(f"no *.html.gz pages in {args.pages}")
    server = ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    server.daemon_threads = True
    server.pages = pages
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urls = [f"http://127.0.0.1:{server.server_address[1]}/{name}" for name in pages] * args.rounds
    policy = FetchPolicy(
        allowed_networks=(ip_network("127.0.0.1/32"),), allowed_ports=LOCAL_PORTS, max_bytes=5 * MIB, total_timeout=20
    )
    limits = browser.BrowserLimits(total_timeout=60, load_timeout=20)
    print(f"{len(urls)} captures of {len(pages)} pages, one at a time (one worker)")
    results = {kind: run(kind, urls, policy, limits) for kind in ("plain", "browser")}
    print(
        f"{'':8} {'pages/min':>10} {'seconds':>8} {'PSS/page MiB':>13} {'max MiB':>8} {'Chromium MiB':>13} {'failed':>6}"
    )
    for kind, r in results.items():
        print(
            f"{kind:8} {r['pages_per_minute']:>10.1f} {r['seconds']:>8.1f} {r['pss_mean']:>13.0f} {r['pss_max']:>8.0f}"
            f" {r['chromium_mean']:>13.0f} {r['failures']:>6}"
        )
    plain, rendered = results["plain"], results["browser"]
    print(
        f"browser / plain: {rendered['pages_per_minute'] / plain['pages_per_minute']:.3f}× the pages per minute, "
        f"{rendered['pss_mean'] / plain['pss_mean']:.1f}× the memory per page"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
