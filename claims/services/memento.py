"""The captures that are mementos of an original URL: every archived copy for the desk, the public ones for
readers (claims.memento formats them). One query each, bounded by TIMEMAP_MAX."""

import re

from django.db.models import OuterRef, Subquery

from claims.fetching.urls import normalize_url
from claims.models import Capture, Claim, Evidence

#: The most recent mementos a TimeMap lists (a source re-captured daily for three years stays whole).
TIMEMAP_MAX = 1000

_COLLAPSED_SCHEME = re.compile(r"^(https?):/+", re.IGNORECASE)


def original_url(path_part: str, query: str = "") -> str:
    """The URI-R asked about, from the rest of a TimeMap or TimeGate path and its query string, normalized as
    sources are (so `HTTP://Example.org/a?utm_source=x` finds the source of `http://example.org/a`). A proxy that
    collapses `//` to `/` is undone. Raises claims.fetching.errors.InvalidURL."""
    url = _COLLAPSED_SCHEME.sub(lambda m: f"{m.group(1)}://", path_part.strip())
    if "://" not in url:
        url = f"http://{url}"
    if query:
        url = f"{url}?{query}"
    return normalize_url(url)


def desk_mementos(url: str) -> list[Capture]:
    """Every successful capture of the source at ``url`` that has an archived copy, oldest first."""
    captures = (
        Capture.objects.filter(source__url=url, state=Capture.State.DONE, fetched_at__isnull=False)
        .exclude(warc="")
        .order_by("-fetched_at", "-id")
    )
    return sorted(captures[:TIMEMAP_MAX], key=lambda c: (c.fetched_at, c.pk))


def public_mementos(url: str) -> list[Capture]:
    """The capture of ``url`` readers may see (Capture.objects.public()), with ``claim_id``: the first published
    claim citing it, whose archived-copy page is the memento's address."""
    citing = (
        Evidence.objects.filter(source=OuterRef("source"), claim__in=Claim.objects.published())
        .order_by("claim_id")
        .values("claim_id")[:1]
    )
    captures = (
        Capture.objects.public()
        .filter(source__url=url, fetched_at__isnull=False)
        .annotate(claim_id=Subquery(citing))
        .order_by("fetched_at", "id")
    )
    return list(captures[:TIMEMAP_MAX])
