"""Asking a public web archive to keep its own copy of a page: the Internet Archive's Save Page Now 2 API (or any
service speaking it), through the same safe client as every fetch.

Two calls: ``request_save`` (POST /save, answering a job id) and ``job_status`` (GET /save/status/<job id>, pending
until the copy exists at /web/<timestamp>/<url>). Both answer a ``SaveAnswer``; what is worth another try later
(a 429, a 5xx, a timeout, a pending job) is told apart from what is final (a refused page, refused keys).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from claims.fetching import reasons as R
from claims.fetching.client import FetchPolicy, fetch
from claims.fetching.errors import FetchError, HTTPStatusError
from claims.fetching.reasons import reason

JSON_TYPES = ("application/json", "text/json", "text/plain")
#: Save Page Now's error codes, as the words that finish "The web archive would not save this page: …".
DETAILS = {
    "error:blocked": R.ARCHIVE_DETAIL_BLOCKED,
    "error:blocked-url": R.ARCHIVE_DETAIL_BLOCKED,
    "error:blocked-client-ip": R.ARCHIVE_DETAIL_BLOCKED,
    "error:robots": R.ARCHIVE_DETAIL_ROBOTS,
    "error:not-found": R.ARCHIVE_DETAIL_NOT_FOUND,
    "error:too-many-daily-captures": R.ARCHIVE_DETAIL_TOO_MANY,
    "error:invalid-host-resolution": R.ARCHIVE_DETAIL_UNREACHABLE,
    "error:invalid-url-syntax": R.ARCHIVE_DETAIL_UNREACHABLE,
    "error:connection-refused": R.ARCHIVE_DETAIL_UNREACHABLE,
}
#: Codes that say "not now" rather than "never".
BUSY = {
    "error:user-session-limit",
    "error:service-unavailable",
    "error:internal-server-error",
    "error:soft-time-limit-exceeded",
}


@dataclass(frozen=True)
class SaveAnswer:
    state: str  # "pending" | "done" | "failed" | "later"
    job_id: str = ""
    url: str = ""  # the archive's copy, once done
    reason: str = ""  # plain words, for failed and later
    retry_after: float | None = None


@dataclass(frozen=True)
class Service:
    base: str  # e.g. https://web.archive.org
    access_key: str = ""
    secret_key: str = ""

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.access_key and self.secret_key:
            headers["Authorization"] = f"LOW {self.access_key}:{self.secret_key}"
        return headers


def _json_policy(policy: FetchPolicy) -> FetchPolicy:
    return replace(policy, allowed_content_types=tuple(dict.fromkeys((*policy.allowed_content_types, *JSON_TYPES))))


def _call(service: Service, path: str, policy: FetchPolicy, form: dict[str, str] | None = None) -> Any:
    """The JSON an API call answers; a FetchError becomes the SaveAnswer it means."""
    try:
        result = fetch(service.base.rstrip("/") + path, _json_policy(policy), form=form, headers=service.headers())
    except HTTPStatusError as exc:
        if exc.status in (401, 403):
            return SaveAnswer("failed", reason=reason(R.ARCHIVE_KEYS_REFUSED, status=exc.status))
        if exc.status == 429 or exc.status >= 500:
            return SaveAnswer("later", reason=reason(R.ARCHIVE_BUSY, status=exc.status), retry_after=exc.retry_after)
        return SaveAnswer("failed", reason=str(exc))
    except FetchError as exc:
        if exc.transient is False:
            return SaveAnswer("failed", reason=str(exc))
        return SaveAnswer("later", reason=str(exc), retry_after=exc.retry_after)
    try:
        return json.loads(result.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return SaveAnswer("later", reason=reason(R.ARCHIVE_UNREADABLE))


def _refusal(answer: dict[str, Any]) -> SaveAnswer:
    code = str(answer.get("status_ext") or "")
    if code in BUSY:
        return SaveAnswer("later", reason=reason(R.ARCHIVE_BUSY, status=code))
    detail = DETAILS.get(code)
    words = reason(detail) if detail else str(answer.get("message") or code or "?")[:300]
    return SaveAnswer("failed", reason=reason(R.ARCHIVE_WOULD_NOT_SAVE, detail=R.lowered(words)))


def request_save(service: Service, url: str, policy: FetchPolicy) -> SaveAnswer:
    answer = _call(service, "/save", policy, form={"url": url})
    if isinstance(answer, SaveAnswer):
        return answer
    if isinstance(answer, dict) and answer.get("job_id"):
        return SaveAnswer("pending", job_id=str(answer["job_id"])[:200])
    if isinstance(answer, dict) and answer.get("status") == "error":
        return _refusal(answer)
    return SaveAnswer("later", reason=reason(R.ARCHIVE_UNREADABLE))


def job_status(service: Service, job_id: str, policy: FetchPolicy) -> SaveAnswer:
    answer = _call(service, f"/save/status/{quote(job_id, safe='')}", policy)
    if isinstance(answer, SaveAnswer):
        return answer
    if not isinstance(answer, dict):
        return SaveAnswer("later", reason=reason(R.ARCHIVE_UNREADABLE), job_id=job_id)
    status = answer.get("status")
    if status == "success" and answer.get("timestamp") and answer.get("original_url"):
        copy = f"{service.base.rstrip('/')}/web/{answer['timestamp']}/{answer['original_url']}"
        return SaveAnswer("done", job_id=job_id, url=copy[:2000])
    if status == "error":
        return replace(_refusal(answer), job_id=job_id)
    return SaveAnswer("pending", job_id=job_id)
