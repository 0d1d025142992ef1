"""A browser capture: the page rendered in headless Chromium (Playwright, Debian's /usr/bin/chromium), every file it
loads recorded in the WARC, a full-page PNG screenshot and a printed PDF, and its text read from the rendered DOM.

Chromium itself never touches the network. Every request it makes is intercepted (``context.route``) and fetched
here with the one fetch client (claims.fetching.client), which resolves the host, refuses internal addresses and
ports, and connects only to the address it checked; the route is then fulfilled with that answer or aborted. As a
second wall, Chromium resolves no name (``--host-resolver-rules``), sends anything it would still send itself to
a closed proxy port, prefetches nothing, and has service workers blocked and WebSockets closed before they open.

Bounded in time (one deadline for the whole render), in bytes (per response: the fetch policy's cap; in all:
``BrowserLimits.max_total_bytes``), in the number of requests, and in memory (Chromium's processes, PSS, watched by
claims.fetching.memory_watch and killed past ``BrowserLimits.max_memory_bytes``). Nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field
from typing import Any

from claims.fetching import reasons as R
from claims.fetching.archive import write_warc
from claims.fetching.client import Exchange, FetchPolicy, FetchResult, fetch
from claims.fetching.decode import decode_html
from claims.fetching.errors import ChallengePage, FetchError, HTTPStatusError, Timeout, TooLarge
from claims.fetching.extract import detect_challenge, extract
from claims.fetching.memory_watch import MemoryWatch
from claims.fetching.pipeline import HTML_TYPES, CaptureOutcome
from claims.fetching.pipeline import capture as plain_capture
from claims.fetching.reasons import reason
from claims.fetching.sniff import ANY_TYPE

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Chromium resolves no name itself: a request that escaped the interception could not find any host.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--dns-prefetch-disable",
    "--disable-features=Prerender2,SpeculationRulesPrefetchProxy,NetworkPrediction,PreloadMediaEngagementData",
)
#: Everything Chromium would send by itself goes to this proxy, where nothing listens (port 9, discard), loopback
#: included (Playwright adds ``<-loopback>`` to the bypass list, so 127.0.0.0/8 is proxied too).
REFUSING_PROXY = "http://127.0.0.1:9"
#: Headers of a fetched answer that no longer describe the body handed to Chromium (the client decoded it).
DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"})
#: Request headers passed on from Chromium to the fetch (the client sets its own User-Agent and encodings).
PASSED_HEADERS = ("accept", "referer", "accept-language")


@dataclass(frozen=True)
class BrowserLimits:
    """What one browser capture may do; the Django side builds it from the BROWSER_* settings."""

    total_timeout: float = 60.0  # seconds for the whole render, screenshot and PDF
    load_timeout: float = 30.0  # seconds to wait for the page's load event before capturing it as it stands
    settle_ms: int = 1500  # after the load event, time for scripts to fetch and draw
    max_requests: int = 300
    max_total_bytes: int = 50 * 1024 * 1024
    viewport_width: int = 1280
    viewport_height: int = 900
    max_screenshot_height: int = 15000  # pixels: an endless page is cut here
    max_memory_bytes: int = 1536 * 1024 * 1024  # Chromium's processes in all (PSS); 0: not watched
    executable: str = CHROMIUM


@dataclass
class _Loading:
    """What the route handler has done so far for one page."""

    limits: BrowserLimits
    policy: FetchPolicy
    deadline: float
    prefetched: dict[str, FetchResult]  # answers already fetched, by address ("": the page itself)
    exchanges: list[Exchange] = field(default_factory=list)
    requests: int = 0
    total_bytes: int = 0
    stopped: str = ""
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) of requests not fulfilled

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


def capture(url: str, policy: FetchPolicy, limits: BrowserLimits | None = None) -> CaptureOutcome:
    """Render ``url`` in Chromium under ``policy`` and ``limits``; raises a FetchError subclass on failure.

    The page itself is fetched first, exactly as a plain capture fetches it (same errors, same bot-wall checks but
    the script shell, which is what the browser is for). A page that is not HTML (a PDF) is captured plainly.
    """
    limits = limits or BrowserLimits()
    deadline = time.monotonic() + limits.total_timeout
    main = fetch(url, dataclasses.replace(policy, total_timeout=min(policy.total_timeout, limits.total_timeout)))
    if main.content_type not in HTML_TYPES:
        return plain_capture(url, policy)
    loading = _Loading(limits=limits, policy=policy, deadline=deadline, prefetched={"": main})
    loading.exchanges.extend(main.exchanges)
    html, screenshot, pdf = _render(main, loading)
    if time.monotonic() > deadline:
        raise Timeout(reason(R.BROWSER_TOO_LONG, seconds=f"{limits.total_timeout:g}"))
    extracted = extract(html, main.final_url, max_chars=policy.extract_max_chars)
    challenge = detect_challenge(main.status, html, extracted.text, max_chars=policy.extract_max_chars)
    if challenge and challenge != reason(R.EMPTY_SHELL):
        raise ChallengePage(challenge, status=main.status)
    _text, encoding = decode_html(main.body, main.headers.get("content-type"))
    recorded = dataclasses.replace(main, exchanges=loading.exchanges)
    return CaptureOutcome(
        result=main,
        extracted=extracted,
        encoding=encoding,
        warc=write_warc(recorded),
        screenshot=screenshot,
        pdf=pdf,
        stopped=loading.stopped,
    )


def _render(main: FetchResult, loading: _Loading) -> tuple[str, bytes, bytes]:
    """(rendered HTML, PNG, PDF) of the page, every request it makes going through ``_answer``."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    limits = loading.limits
    watch = MemoryWatch(limits.max_memory_bytes)
    try:
        with watch, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=limits.executable, args=list(CHROMIUM_ARGS), proxy={"server": REFUSING_PROXY}
            )
            try:
                context = browser.new_context(
                    viewport={"width": limits.viewport_width, "height": limits.viewport_height},
                    service_workers="block",
                    accept_downloads=False,
                    java_script_enabled=True,
                )
                context.route("**/*", lambda route, request: _answer(route, request, loading))
                context.route_web_socket("**/*", lambda socket: socket.close())
                page = context.new_page()
                try:
                    # The redirects were followed by the client already: Chromium opens the final address, so that the
                    # page's relative links resolve against it (a fulfilled redirect would not be intercepted again).
                    page.goto(main.final_url, wait_until="load", timeout=_ms(loading, limits.load_timeout))
                except PlaywrightTimeout:
                    loading.stopped = loading.stopped or reason(
                        R.BROWSER_STILL_LOADING, seconds=f"{limits.load_timeout:g}"
                    )
                page.wait_for_timeout(min(limits.settle_ms, max(_ms(loading, limits.settle_ms / 1000), 0)))
                html = page.content()
                screenshot = _screenshot(page, loading)
                page.emulate_media(media="screen")
                pdf = page.pdf(print_background=True)
                context.close()
            finally:
                browser.close()
    except PlaywrightError as exc:  # PlaywrightTimeout included
        if watch.exceeded:
            # Not transient: the same page would need the same memory again.
            raise FetchError(_memory_reason(limits), transient=False) from exc
        if isinstance(exc, PlaywrightTimeout) or time.monotonic() > loading.deadline:
            raise Timeout(reason(R.BROWSER_TOO_LONG, seconds=f"{limits.total_timeout:g}")) from exc
        raise FetchError(reason(R.BROWSER_FAILED, error=str(exc).splitlines()[0][:200]), transient=True) from exc
    if watch.exceeded:
        raise FetchError(_memory_reason(limits), transient=False)
    return html, screenshot, pdf


def _memory_reason(limits: BrowserLimits) -> str:
    return reason(R.BROWSER_TOO_MUCH_MEMORY, limit=f"{limits.max_memory_bytes / 1_048_576:.0f} MB")


def _ms(loading: _Loading, seconds: float) -> float:
    """``seconds`` in milliseconds, no longer than what is left of the deadline (at least 1 ms)."""
    return max(1.0, min(seconds, loading.remaining()) * 1000)


def _screenshot(page: Any, loading: _Loading) -> bytes:
    limits = loading.limits
    height = page.evaluate("() => Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight || 0)")
    clip = {
        "x": 0,
        "y": 0,
        "width": limits.viewport_width,
        "height": max(1, min(int(height or 1), limits.max_screenshot_height)),
    }
    shot: bytes = page.screenshot(full_page=True, clip=clip, type="png", timeout=_ms(loading, limits.total_timeout))
    return shot


def _answer(route: Any, request: Any, loading: _Loading) -> None:
    """One request of the page: fetched through the safe client and handed to Chromium, or refused."""
    url = request.url
    if not url.startswith(("http://", "https://")):
        route.abort("blockedbyclient")
        return
    refusal = _over_limits(request, loading)
    if refusal:
        loading.refused.append((url, refusal))
        route.abort("blockedbyclient")
        return
    # The first request is the page itself, fetched already (Chromium may spell its address a little differently).
    # A file that redirected is handed over at the address asked for, with the final answer's body.
    result = loading.prefetched.pop(url, None) or (loading.prefetched.pop("", None) if not loading.requests else None)
    loading.requests += 1
    if result is None:
        try:
            result = fetch(url, _subresource_policy(loading), headers=_passed_headers(request))
        except HTTPStatusError as exc:
            route.fulfill(status=exc.status, body=b"")
            return
        except FetchError as exc:
            if (
                isinstance(exc, TooLarge)
                and loading.total_bytes + loading.policy.max_bytes > loading.limits.max_total_bytes
            ):
                loading.stopped = loading.stopped or _bytes_reason(loading.limits)
            loading.refused.append((url, exc.reason))
            route.abort("blockedbyclient" if exc.__class__.__name__ == "UnsafeDestination" else "failed")
            return
        loading.exchanges.extend(result.exchanges)
    loading.total_bytes += len(result.body)
    headers = {name: value for name, value in _last_headers(result) if name.lower() not in DROPPED_HEADERS}
    route.fulfill(status=result.status, headers=headers, body=result.body)


def _over_limits(request: Any, loading: _Loading) -> str:
    limits = loading.limits
    if request.method not in ("GET", "HEAD"):
        return "only GET requests are made"
    if loading.remaining() <= 0:
        return reason(R.BROWSER_TOO_LONG, seconds=f"{limits.total_timeout:g}")
    if loading.requests >= limits.max_requests:
        loading.stopped = loading.stopped or reason(R.BROWSER_TOO_MANY_REQUESTS, count=limits.max_requests)
        return loading.stopped
    if loading.total_bytes >= limits.max_total_bytes:
        loading.stopped = loading.stopped or _bytes_reason(limits)
        return loading.stopped
    return ""


def _bytes_reason(limits: BrowserLimits) -> str:
    return reason(R.BROWSER_TOO_MANY_BYTES, limit=f"{limits.max_total_bytes / 1_048_576:.1f} MB")


def _subresource_policy(loading: _Loading) -> FetchPolicy:
    """The capture's policy for a file of the page: any type, no larger than what is left of the byte budget,
    within what is left of the deadline."""
    policy = loading.policy
    return dataclasses.replace(
        policy,
        allowed_content_types=(ANY_TYPE,),
        max_bytes=max(1, min(policy.max_bytes, loading.limits.max_total_bytes - loading.total_bytes)),
        total_timeout=max(0.1, min(policy.total_timeout, loading.remaining())),
    )


def _passed_headers(request: Any) -> dict[str, str]:
    headers = request.headers
    return {name: headers[name] for name in PASSED_HEADERS if name in headers}


def _last_headers(result: FetchResult) -> list[tuple[str, str]]:
    return list(result.exchanges[-1].response_headers) if result.exchanges else list(result.headers.items())
