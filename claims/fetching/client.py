"""The one fetch client: a polite, bounded HTTP GET that validates every redirect hop against the SSRF guard
and connects only to the address it checked."""

from __future__ import annotations

import contextlib
import hashlib
import random
import socket
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from ipaddress import IPv4Network, IPv6Network
from typing import Any, Protocol, cast
from urllib.parse import urljoin

import requests
import urllib3
from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool

from claims.fetching import reasons as R
from claims.fetching.deadline import WATCHED_POOL_CLASSES, Deadline
from claims.fetching.errors import (
    ChallengePage,
    ConnectFailed,
    ContentTypeRefused,
    FetchError,
    HTTPStatusError,
    InvalidURL,
    Timeout,
    TooLarge,
    TooManyRedirects,
    UnsafeDestination,
)
from claims.fetching.reasons import reason
from claims.fetching.safety import IPAddress, Resolver, check_host, check_port
from claims.fetching.sniff import content_type, declared_type
from claims.fetching.urls import validate_url

DEFAULT_CONTENT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "text/plain",
    "application/pdf",
    "application/json",
)
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "last-modified",
    "etag",
    "date",
    "server",
    "retry-after",
    "location",
    "cache-control",
    "expires",
    "link",
    "x-robots-tag",
)
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
CHALLENGE_STATUSES = (401, 403, 429, 503)
NOT_MODIFIED = 304
#: Request headers a caller's `headers` never replace: who we are, what we can decode, where we connect.
OWN_HEADERS = frozenset({"user-agent", "accept-encoding", "host", "connection", "content-length", "transfer-encoding"})
REDIRECT_BODY_LIMIT = 64 * 1024
ERROR_BODY_LIMIT = 512 * 1024
SHOWN_URL_CHARS = 200  # of an address quoted in an error message
CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """Everything a fetch may do; the Django side builds it from settings."""

    user_agent: str = "FactDesk-Capture/1.0 (+https://example.org/bot)"
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 20 * 1024 * 1024
    extract_max_chars: int = 2_000_000  # HTML read for text and metadata (claims.fetching.extract.slim_html)
    max_redirects: int = 10
    allowed_content_types: tuple[str, ...] = DEFAULT_CONTENT_TYPES
    allowed_networks: tuple[IPv4Network | IPv6Network, ...] = ()
    allowed_ports: tuple[range, ...] = ()  # beyond the web ports 80 and 443 (safety.WEB_PORTS)
    resolver: Resolver = socket.getaddrinfo
    verify_tls: bool | str = True
    accept_language: str = "ar, en;q=0.8, *;q=0.5"


#: (url, status) for a redirect followed; (url, None, reason) for a redirect target the guard refused.
RedirectHop = tuple[str, int] | tuple[str, None, str]


@dataclass
class Exchange:
    """One HTTP request and its response as they went over the wire, for the WARC."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    response_headers: list[tuple[str, str]]
    raw_body: bytes
    peer_address: str
    fetched_at: datetime
    truncated: bool = False


@dataclass
class FetchResult:
    requested_url: str
    final_url: str
    redirect_chain: list[RedirectHop]
    status: int
    headers: dict[str, str]
    content_type: str
    body: bytes
    elapsed_ms: int
    peer_address: str
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def fetched_at(self) -> datetime:
        return self.exchanges[-1].fetched_at


class _PinnedAddressAdapter(HTTPAdapter):
    """Resolves the host once per request, refuses unsafe answers, and connects to the checked IP while the
    Host header, TLS SNI and certificate check keep using the host name (the technique of requests-hardened,
    which lacks an allowlist of networks)."""

    def __init__(self, policy: FetchPolicy, deadline: Deadline) -> None:
        super().__init__(max_retries=0)
        self.policy = policy
        self.deadline = deadline
        self.peer_address: IPAddress | None = None

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = WATCHED_POOL_CLASSES

    def get_connection_with_tls_context(
        self,
        request: PreparedRequest,
        verify: bool | str | None,
        proxies: Mapping[str, str] | None = None,
        cert: tuple[str, str] | str | None = None,
    ) -> ConnectionPool:
        # The pool manager makes HTTP(S)ConnectionPools, the ones with connection keywords.
        pool = cast(HTTPConnectionPool, super().get_connection_with_tls_context(request, verify, proxies, cert))
        pool.conn_kw["deadline"] = self.deadline  # every connection of this fetch is cut when its time is up
        return pool

    def build_connection_pool_key_attributes(
        self, request: PreparedRequest, verify: bool | str, cert: str | tuple[str, str] | None = None
    ) -> tuple[Any, Any]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        host, port = host_params["host"], host_params["port"]
        addresses = check_host(host, self.policy.resolver, self.policy.allowed_networks, port=port)
        check_port(port or DEFAULT_PORTS[host_params["scheme"]], self.policy.allowed_ports)
        self.peer_address = addresses[0]
        host_header = f"[{host}]" if ":" in host else host
        request.headers["Host"] = f"{host_header}:{port}" if port is not None else host_header
        if host_params["scheme"] == "https":
            # urllib3's pools take both; the requests stubs list only the keys requests itself sets.
            pool_kwargs["assert_hostname"] = host  # type: ignore[typeddict-unknown-key]
            pool_kwargs["server_hostname"] = host  # type: ignore[typeddict-unknown-key]
        ip = self.peer_address
        host_params["host"] = f"[{ip}]" if ip.version == 6 else str(ip)
        return host_params, pool_kwargs

    def get_connection(self, url: str | bytes, proxies: Mapping[str, str] | None = None) -> ConnectionPool:
        raise NotImplementedError("only get_connection_with_tls_context pins the checked address")


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    etag: str = "",
    last_modified: str = "",
    form: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET `url` under `policy`, following redirects by hand so every hop passes the SSRF guard.

    With `form`, the first request is a POST of that form (an API call, such as asking a web archive to save a
    page); a redirect after it is followed with a GET, as browsers do. `headers` are sent on every request
    (an API's Accept or Authorization); they never replace OWN_HEADERS.

    With `etag` or `last_modified` (the validators a previous answer gave) the GET is conditional
    (If-None-Match, If-Modified-Since): a 304 Not Modified comes back as a FetchResult with status 304 and no
    body, not as an error.

    A FetchError raised here carries `redirect_chain`: the redirects followed before it, and the target refused
    if the guard refused one.
    """
    chain: list[RedirectHop] = []
    conditions = {
        name: value.strip()
        for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified))
        if value and value.strip() and "\n" not in value and "\r" not in value
    }
    extra = {
        name: value for name, value in (headers or {}).items() if "\n" not in name + value and "\r" not in name + value
    }
    try:
        return _follow(url, policy, chain, conditions, _Ask(form=form, headers=extra))
    except FetchError as exc:
        exc.redirect_chain = chain
        raise


@dataclass(frozen=True)
class _Ask:
    """What the caller adds to the request: a form to POST on the first hop, and headers for every hop."""

    form: Mapping[str, str] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


def _follow(
    url: str, policy: FetchPolicy, chain: list[RedirectHop], conditions: Mapping[str, str], ask: _Ask
) -> FetchResult:
    started = time.monotonic()
    requested = validate_url(url)
    current = requested
    exchanges: list[Exchange] = []
    with Deadline(policy.total_timeout) as deadline, requests.Session() as session:
        session.trust_env = False  # proxies or .netrc from the environment must not bypass the guard
        adapter = _PinnedAddressAdapter(policy, deadline)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        for _hop in range(policy.max_redirects + 1):
            with _refusal_of(current if chain else None, chain):
                hop_ask = ask if not chain else _Ask(headers=ask.headers)
                response = _send(session, current, policy, deadline, conditions, hop_ask)
            with response:
                peer = str(adapter.peer_address)
                if response.status_code in REDIRECT_STATUSES and response.headers.get("location"):
                    record = _read_capped(response, REDIRECT_BODY_LIMIT, deadline, policy)
                    exchanges.append(_exchange(response, peer, *record))
                    chain.append((current, response.status_code))
                    target = urljoin(current, response.headers["location"].strip())
                    with _refusal_of(target, chain):
                        current = _check_redirect_target(target, policy)
                    continue
                if response.status_code == NOT_MODIFIED and conditions:
                    exchanges.append(_exchange(response, peer, b"", b"", False))
                    return FetchResult(
                        requested_url=requested,
                        final_url=current,
                        redirect_chain=chain,
                        status=NOT_MODIFIED,
                        headers=_kept_headers(response),
                        content_type="",
                        body=b"",
                        elapsed_ms=round((time.monotonic() - started) * 1000),
                        peer_address=peer,
                        exchanges=exchanges,
                    )
                if response.status_code >= 300:
                    raw, body, truncated = _read_capped(response, ERROR_BODY_LIMIT, deadline, policy)
                    exchanges.append(_exchange(response, peer, raw, body, truncated))
                    raise _status_error(response, body)
                declared = declared_type(response.headers.get("content-type"), policy.allowed_content_types)
                _check_declared_length(response, policy)
                raw, body = _read_body(response, policy.max_bytes, deadline, policy)
                exchanges.append(_exchange(response, peer, raw, body, False))
                return FetchResult(
                    requested_url=requested,
                    final_url=current,
                    redirect_chain=chain,
                    status=response.status_code,
                    headers=_kept_headers(response),
                    content_type=content_type(declared, body, policy.allowed_content_types),
                    body=body,
                    elapsed_ms=round((time.monotonic() - started) * 1000),
                    peer_address=peer,
                    exchanges=exchanges,
                )
    looped = len({hop[0] for hop in chain}) < len(chain)
    raise TooManyRedirects(reason(R.REDIRECTS_LOOP if looped else R.REDIRECTS_TOO_MANY, count=policy.max_redirects))


def _check_redirect_target(target: str, policy: FetchPolicy) -> str:
    # Kept whole or not at all (validate_url refuses an address longer than the URL columns): a shortened address
    # is another page, and the capture's final address must be the page that was captured.
    return validate_url(target)


@contextlib.contextmanager
def _refusal_of(target: str | None, chain: list[RedirectHop]) -> Iterator[None]:
    """The guard refusing a redirect target is the redirect's refusal: record the target and its reason in the
    chain, and say which redirect it was. `target` None: the first address, whose refusal is plain."""
    try:
        yield
    except (InvalidURL, UnsafeDestination) as exc:
        if target is None:
            raise
        chain.append((target, None, exc.reason))
        raise type(exc)(reason(R.REDIRECT_REFUSED, target=_shown(target), reason=R.lowered(exc.reason))) from exc


def _shown(url: str) -> str:
    return (
        url
        if len(url) <= SHOWN_URL_CHARS
        else reason(R.URL_SHORTENED, start=url[:SHOWN_URL_CHARS], length=f"{len(url):,}")
    )


def _send(
    session: requests.Session,
    url: str,
    policy: FetchPolicy,
    deadline: Deadline,
    conditions: Mapping[str, str],
    ask: _Ask,
) -> requests.Response:
    remaining = deadline.remaining()
    timeout = (min(policy.connect_timeout, remaining), min(policy.read_timeout, remaining))
    try:
        response = _get(session, url, policy, timeout, conditions, ask)
    except FetchError:
        # A connection cut by the deadline fails as whatever the cut looked like (no status line, a broken
        # header); the deadline is the reason to give.
        deadline.check()
        raise
    if deadline.expired:
        # Headers cut short by the deadline can still parse as a response: never use it.
        response.close()
        deadline.check()
    return response


def _get(
    session: requests.Session,
    url: str,
    policy: FetchPolicy,
    timeout: tuple[float, float],
    conditions: Mapping[str, str],
    ask: _Ask,
) -> requests.Response:
    headers = {
        "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,application/json;q=0.8,"
        "*/*;q=0.1",
        "Accept-Language": policy.accept_language,
        **{name: value for name, value in ask.headers.items() if name.lower() not in OWN_HEADERS},
        **conditions,
        "User-Agent": policy.user_agent,
        "Accept-Encoding": "gzip, deflate",
    }
    with _in_plain_words(timeout):
        return session.request(
            "POST" if ask.form is not None else "GET",
            url,
            data=dict(ask.form) if ask.form is not None else None,
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
            stream=True,
            verify=policy.verify_tls,
        )


@contextlib.contextmanager
def _in_plain_words(timeout: tuple[float, float]) -> Iterator[None]:
    """requests' and urllib3's failures as the FetchErrors a desk reads; the guard's own FetchErrors pass as they are."""
    try:
        yield
    except FetchError:
        raise
    except requests.exceptions.ConnectTimeout as exc:
        raise Timeout(reason(R.CONNECT_TIMEOUT, seconds=f"{timeout[0]:g}")) from exc
    except requests.exceptions.ReadTimeout as exc:
        raise Timeout(reason(R.READ_TIMEOUT, seconds=f"{timeout[1]:g}")) from exc
    except requests.exceptions.SSLError as exc:
        raise ConnectFailed(reason(R.TLS_FAILED), transient=False) from exc
    except (requests.exceptions.ConnectionError, urllib3.exceptions.HTTPError) as exc:
        raise ConnectFailed(reason(R.UNREACHABLE)) from exc
    except requests.exceptions.InvalidURL as exc:
        raise InvalidURL(reason(R.URL_MALFORMED, error=str(exc))) from exc


def _check_declared_length(response: requests.Response, policy: FetchPolicy) -> None:
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise TooLarge(reason(R.FILE_TOO_LARGE, size=_megabytes(int(declared)), limit=_megabytes(policy.max_bytes)))


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


class _Decoder:
    """Undoes Content-Encoding while counting decompressed bytes, so a small gzip bomb stops at the cap."""

    def __init__(self, encoding: str, limit: int) -> None:
        encoding = encoding.strip().lower()
        self._zlib: zlib._Decompress | None
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS)
        elif encoding in ("", "identity"):
            self._zlib = None
        else:
            raise ContentTypeRefused(reason(R.COMPRESSION_REFUSED, encoding=repr(encoding)))
        self._deflate = encoding == "deflate"
        self.limit = limit
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        if self._zlib is None:
            return self._count(data)
        out = []
        try:
            while data:
                piece = self._zlib.decompress(data, self.limit - self.size + 1)
                out.append(self._count(piece))
                data = self._zlib.unconsumed_tail
        except zlib.error as exc:
            if self._deflate and self.size == 0 and not out:
                # Some servers send raw deflate without the zlib header the standard asks for.
                self._zlib, self._deflate = zlib.decompressobj(-zlib.MAX_WBITS), False
                return self.feed(data)
            raise FetchError(reason(R.COMPRESSION_CORRUPT), transient=True) from exc
        return b"".join(out)

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            raise TooLarge(reason(R.CONTENT_TOO_LARGE, limit=_megabytes(self.limit)))
        return piece


def _read_body(response: requests.Response, limit: int, deadline: Deadline, policy: FetchPolicy) -> tuple[bytes, bytes]:
    """Stream the body, returning (bytes as received, decoded bytes); TooLarge as soon as either passes `limit`."""
    decoder = _Decoder(response.headers.get("content-encoding", ""), limit)
    raw_parts, body_parts, raw_size = [], [], 0
    try:
        while True:
            _set_read_timeout(response, min(policy.read_timeout, deadline.remaining()))
            chunk = response.raw.read1(CHUNK, decode_content=False)
            if not chunk:
                break
            raw_size += len(chunk)
            if raw_size > limit:
                raise TooLarge(reason(R.RESPONSE_TOO_LARGE, limit=_megabytes(limit)))
            raw_parts.append(chunk)
            body_parts.append(decoder.feed(chunk))
    except urllib3.exceptions.ReadTimeoutError as exc:
        deadline.check()
        raise Timeout(reason(R.STALLED, seconds=f"{policy.read_timeout:g}")) from exc
    except (urllib3.exceptions.ProtocolError, OSError) as exc:
        deadline.check()
        raise ConnectFailed(reason(R.CONNECTION_BROKE)) from exc
    # A connection the deadline shut down ends like a body without Content-Length: it is not the whole page.
    deadline.check()
    return b"".join(raw_parts), b"".join(body_parts)


def _set_read_timeout(response: requests.Response, seconds: float) -> None:
    # The read timeout given to requests applies per socket read; tightening it before each read keeps the
    # whole download inside the total deadline.
    sock = getattr(getattr(response.raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(seconds)


def _read_capped(
    response: requests.Response, limit: int, deadline: Deadline, policy: FetchPolicy
) -> tuple[bytes, bytes, bool]:
    """Read a redirect or error body for the record; past `limit` keep what was read and mark it truncated."""
    try:
        raw, body = _read_body(response, limit, deadline, policy)
        return raw, body, False
    except (TooLarge, ContentTypeRefused, ConnectFailed, Timeout):
        deadline.check()
        return b"", b"", True


def _exchange(response: requests.Response, peer: str, raw: bytes, body: bytes, truncated: bool) -> Exchange:
    version = {10: "HTTP/1.0", 11: "HTTP/1.1", 20: "HTTP/2"}.get(response.raw.version, "HTTP/1.1")
    return Exchange(
        url=response.url,
        method=response.request.method or "GET",  # always set on a request that was sent
        request_headers=list(response.request.headers.items()),
        status=response.status_code,
        reason=response.reason or "",
        http_version=version,
        response_headers=list(response.raw.headers.items()),
        raw_body=raw,
        peer_address=peer,
        fetched_at=datetime.now(UTC),
        truncated=truncated,
    )


def _kept_headers(response: requests.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}


def _status_error(response: requests.Response, body: bytes) -> FetchError:
    status = response.status_code
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    if status in CHALLENGE_STATUSES or status >= 500:
        reason = _challenge_reason(status, response.headers.get("content-type"), body)
        if reason:
            return ChallengePage(reason, status=status, retry_after=retry_after)
    return HTTPStatusError(_status_reason(status), status=status, retry_after=retry_after)


def _challenge_reason(status: int, content_type: str | None, body: bytes) -> str | None:
    from claims.fetching.decode import decode_html
    from claims.fetching.extract import detect_challenge, visible_text

    if not body:
        return None
    html, _encoding = decode_html(body, content_type)
    return detect_challenge(status, html, visible_text(html))


def _status_reason(status: int) -> str:
    if status == 404:
        return reason(R.HTTP_NOT_FOUND)
    if status == 410:
        return reason(R.HTTP_GONE)
    if status in (401, 403):
        return reason(R.HTTP_REFUSED, status=status)
    if status == 429:
        return reason(R.HTTP_SLOW_DOWN)
    if status >= 500:
        return reason(R.HTTP_SERVER_ERROR, status=status)
    if 300 <= status < 400:
        return reason(R.HTTP_ODD_REDIRECT, status=status)
    return reason(R.HTTP_ERROR, status=status)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header given as seconds or as an HTTP date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Uniform(Protocol):
    """`random`, or a seeded `random.Random` in tests."""

    def uniform(self, a: float, b: float) -> float: ...


def retry_delay(
    attempt: int,
    error: FetchError,
    base: float = 2.0,
    cap: float = 600.0,
    rng: _Uniform = random,
    max_retry_after: float = 6 * 3600.0,
) -> float:
    """Seconds before retry number `attempt` (1 for the first retry): exponential backoff with full jitter,
    never shorter than the server's Retry-After (itself bounded by `max_retry_after`)."""
    delay = rng.uniform(0, min(cap, base * 2 ** max(attempt - 1, 0)))
    if error.retry_after is not None:
        delay = max(delay, min(error.retry_after, max_retry_after))
    return delay


@dataclass(frozen=True)
class PostResult:
    """A POST's answer: its status and the start of its body (for the delivery log), never followed further."""

    status: int
    body: bytes
    elapsed_ms: int


#: Bytes of a POST's answer kept for the log; the rest is not read.
POST_ANSWER_LIMIT = 4 * 1024


def post(url: str, body: bytes, headers: Mapping[str, str], policy: FetchPolicy) -> PostResult:
    """POST `body` to `url` under `policy`, through the same SSRF guard and pinned address as ``fetch``.

    Redirects are not followed (a POST that moves is answered as its 3xx status). Raises FetchError when the
    address is refused or the server cannot be reached in time.
    """
    started = time.monotonic()
    target = validate_url(url)
    with Deadline(policy.total_timeout) as deadline, requests.Session() as session:
        session.trust_env = False  # proxies or .netrc from the environment must not bypass the guard
        adapter = _PinnedAddressAdapter(policy, deadline)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        remaining = deadline.remaining()
        timeout = (min(policy.connect_timeout, remaining), min(policy.read_timeout, remaining))
        with _in_plain_words(timeout):
            try:
                response = session.post(
                    target,
                    data=body,
                    headers={"User-Agent": policy.user_agent, **headers},
                    timeout=timeout,
                    allow_redirects=False,
                    stream=True,
                    verify=policy.verify_tls,
                )
            except FetchError:
                deadline.check()
                raise
        with response:
            _raw, answer, _truncated = _read_capped(response, POST_ANSWER_LIMIT, deadline, policy)
            return PostResult(
                status=response.status_code, body=answer, elapsed_ms=round((time.monotonic() - started) * 1000)
            )
