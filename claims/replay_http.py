"""The replay origin (settings.REPLAY_ORIGIN): a middleware that answers every request for that host and lets none
through to the app, so no desk view, session or cookie is ever reached from it.

It serves ReplayWeb.page, vendored from its npm package (claims/vendor/replaywebpage, tools/vendor_replay.sh):
the app shell at /replay/, its ui.js, its service worker (which replays the archived page inside that origin), and
one WACZ per signed token (claims.services.replay) at /wacz/<token>/capture.wacz, with byte ranges, which is how
ReplayWeb.page reads a WACZ. Only the app's origin may frame it (frame-ancestors); everything has a strict CSP.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

from claims.services.replay import capture_for_token

VENDOR = Path(__file__).resolve().parent / "vendor" / "replaywebpage"
#: Paths under /replay/ and the type each is served as: the shell, its script, its service worker and the ad-block
#: rules ReplayWeb.page may load. Nothing else of the package is served.
ASSETS = {
    "ui.js": "text/javascript; charset=utf-8",
    "sw.js": "text/javascript; charset=utf-8",
    "adblock/adblock.gz": "application/gzip",
}
SHELL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>ReplayWeb.page</title><script src="./ui.js"></script></head>
<body><replay-app-main></replay-app-main></body></html>
"""
WACZ_PATH = re.compile(r"^/wacz/(?P<token>[A-Za-z0-9_:\-]+)/capture\.wacz$")
RANGE = re.compile(r"^bytes=(?P<start>\d*)-(?P<end>\d*)$")


def replay_host() -> str:
    """The Host header the replay origin is asked for (host[:port], as the browser sends it)."""
    return urlsplit(settings.REPLAY_ORIGIN).netloc.lower() if settings.REPLAY_ORIGIN else ""


def csp() -> str:
    """Strict: only this origin's own scripts, workers and frames (the replayed page runs in a frame the service
    worker serves here); inline styles and data: icons (which its components fetch) for ReplayWeb.page; framed only
    by the app."""
    app = urlsplit(settings.SITE_URL)
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "font-src 'self' data:; media-src 'self' blob:; connect-src 'self' data:; worker-src 'self'; frame-src 'self'; "
        f"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors {app.scheme}://{app.netloc}"
    )


class ReplayOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        host = replay_host()
        # The raw header, compared exactly: request.get_host() would check ALLOWED_HOSTS, which is the app's.
        if not host or request.META.get("HTTP_HOST", "").lower() != host:
            return self.get_response(request)
        response = _answer(request)
        response["Content-Security-Policy"] = csp()
        response["X-Content-Type-Options"] = "nosniff"
        response["Referrer-Policy"] = "no-referrer"
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        return response


def _answer(request: HttpRequest) -> HttpResponseBase:
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    path = request.path
    if path in {"/replay/", "/replay/index.html"}:
        response: HttpResponseBase = HttpResponse(SHELL, content_type="text/html; charset=utf-8")
        patch_cache_control(response, public=True, max_age=300)
        return response
    if path.startswith("/replay/") and path.removeprefix("/replay/") in ASSETS:
        name = path.removeprefix("/replay/")
        response = FileResponse((VENDOR / name).open("rb"), content_type=ASSETS[name])
        if name == "sw.js":
            response["Service-Worker-Allowed"] = "/replay/"
        patch_cache_control(response, public=True, max_age=3600)
        return response
    match = WACZ_PATH.match(path)
    if match:
        return _wacz(request, match["token"])
    return HttpResponse("Not found.\n", status=404, content_type="text/plain; charset=utf-8")


def _wacz(request: HttpRequest, token: str) -> HttpResponseBase:
    capture = capture_for_token(token)
    if capture is None:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain; charset=utf-8")
    try:
        handle = capture.wacz.open("rb")
    except FileNotFoundError:
        return HttpResponse("Not found.\n", status=404, content_type="text/plain; charset=utf-8")
    with handle:
        data = handle.read()
    response = _ranged(data, request.META.get("HTTP_RANGE", ""))
    response["Content-Type"] = "application/wacz"
    response["Accept-Ranges"] = "bytes"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _ranged(data: bytes, header: str) -> HttpResponse:
    """The whole file, or the one byte range asked for (RFC 9110 §14): ReplayWeb.page reads a WACZ's index first,
    then only the records a page needs."""
    match = RANGE.match(header.strip())
    if not match or (not match["start"] and not match["end"]):
        return HttpResponse(data)
    size = len(data)
    if match["start"]:
        start = int(match["start"])
        end = min(int(match["end"]), size - 1) if match["end"] else size - 1
    else:  # bytes=-N: the last N bytes
        start, end = max(size - int(match["end"]), 0), size - 1
    if start >= size or start > end:
        return HttpResponse(status=416, headers={"Content-Range": f"bytes */{size}"})
    response = HttpResponse(data[start : end + 1], status=206)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
