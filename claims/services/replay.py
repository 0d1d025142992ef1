"""Replay of a capture's WACZ with ReplayWeb.page, on the replay origin (settings.REPLAY_ORIGIN, served by
claims/replay_http.py): the address of the frame the desk and the public archived copy embed, and the short-lived
signed tokens that let that origin hand out one WACZ.

The replay origin has no session (the desk's cookies are host-only), so a token carries the right to the file:
a *public* one only for a capture ``Capture.objects.public()`` holds, checked again when the file is fetched; a
*desk* one for a signed-in member, minted by the desk's capture page, checked against the member's roles then.
"""

from __future__ import annotations

import functools
from typing import BinaryIO, cast
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing

from claims.fetching.wacz import signer_fingerprint
from claims.models import Capture
from claims.services.roles import roles_of

SALT = "claims.replay.wacz"
PUBLIC, DESK = "public", "desk"


def replay_enabled() -> bool:
    return bool(settings.REPLAY_ORIGIN)


def wacz_token(*, capture: Capture, user: AbstractBaseUser | None = None) -> str:
    """A token for the capture's WACZ: a desk one when ``user`` (a desk member) is given, else a public one."""
    payload: dict[str, object] = {"c": capture.pk, "k": PUBLIC}
    if user is not None:
        payload = {"c": capture.pk, "k": DESK, "u": user.pk}
    return signing.dumps(payload, salt=SALT)


def capture_for_token(token: str) -> Capture | None:
    """The capture whose WACZ ``token`` may fetch now, or None (expired, forged, unpublished since, member gone)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.REPLAY_PUBLIC_TOKEN_SECONDS)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("c"), int):
        return None
    if payload.get("k") == PUBLIC:
        captures = Capture.objects.public()
    elif payload.get("k") == DESK:
        try:
            signing.loads(token, salt=SALT, max_age=settings.REPLAY_TOKEN_SECONDS)
        except signing.SignatureExpired:
            return None
        member = payload.get("u")
        if not isinstance(member, int):
            return None
        user = get_user_model().objects.filter(pk=member, is_active=True).first()
        if user is None or not roles_of(user):
            return None
        captures = Capture.objects.all()
    else:
        return None
    return captures.filter(pk=payload["c"]).exclude(wacz="").first()


def signer_of(capture: Capture) -> str:
    """The fingerprint of the key that signed the capture's WACZ ("" when unsigned, or there is none).

    A WACZ never changes once written, so its signer is read from the file once per process and WACZ digest, not
    on every view of the pages that show it (on object storage each read is a network request)."""
    name = capture.wacz.name if capture.wacz else ""
    if not name:
        return ""
    if not capture.wacz_sha256:
        return _read_signer(name)
    return _signer_by_digest(capture.wacz_sha256, name)


@functools.lru_cache(maxsize=4096)
def _signer_by_digest(digest: str, name: str) -> str:
    return _read_signer(name)


def _read_signer(name: str) -> str:
    storage = Capture._meta.get_field("wacz").storage
    try:
        with storage.open(name, "rb") as handle:
            return signer_fingerprint(cast(BinaryIO, handle))  # a stored file reads as a binary file
    except FileNotFoundError:
        return ""


def wacz_address(token: str) -> str:
    return f"{settings.REPLAY_ORIGIN}/wacz/{token}/capture.wacz"


def replay_frame_url(*, capture: Capture, user: AbstractBaseUser | AnonymousUser | None = None) -> str:
    """The ReplayWeb.page frame's address for the capture's WACZ, opened at its page; "" when there is no replay
    (no REPLAY_ORIGIN, or no WACZ)."""
    if not replay_enabled() or not capture.wacz:
        return ""
    member = user if isinstance(user, AbstractBaseUser) else None
    query = urlencode({"source": wacz_address(wacz_token(capture=capture, user=member)), "embed": "replayonly"})
    page = capture.final_url or capture.requested_url
    moment = capture.fetched_at.strftime("%Y%m%d%H%M%S") if capture.fetched_at else ""
    return f"{settings.REPLAY_ORIGIN}/replay/?{query}#view=replay&url={quote(page, safe='')}&ts={moment}"
