"""One activity timeline per claim: its history (status, verdict, edits, evidence changes), its comments, and the
captures of the sources it cites, interleaved newest first, each with who and when.

``ClaimActivity`` reads like a QuerySet to a paginator (``count()`` and slicing), so the desk's Paginator and the
API's page pagination serve it as they serve any list; a page costs the same few queries whatever its size.
"""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, overload

from django.contrib.auth.models import User
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce

from claims.models import Capture, Claim, ClaimEvent, Comment, Evidence
from claims.models.comments import CommentQuerySet

Kind = Literal["event", "comment", "capture"]
#: When a capture happened is when it finished; one still queued or running is placed when it was queued.
HAPPENED_AT = Coalesce(F("fetched_at"), F("queued_at"))


@dataclass(frozen=True)
class Activity:
    kind: Kind
    at: datetime
    #: Who acted; None for the product itself (a capture, a re-anchoring job).
    actor: User | None
    event: ClaimEvent | None = None
    comment: Comment | None = None
    capture: Capture | None = None


class ClaimActivity:
    """A claim's timeline, newest first; slice it (``activity[0:50]``) to read a page."""

    def __init__(self, claim: Claim) -> None:
        self.claim = claim

    def _events(self) -> QuerySet[ClaimEvent]:
        return ClaimEvent.objects.filter(claim=self.claim.pk)

    def _comments(self) -> CommentQuerySet:
        return Comment.objects.filter(claim=self.claim.pk)

    def _captures(self) -> QuerySet[Capture]:
        cited = Evidence.objects.filter(claim=self.claim.pk).values("source")
        return Capture.objects.filter(source__in=cited)

    def count(self) -> int:
        return self._events().count() + self._comments().count() + self._captures().count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[Activity]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, key: int) -> Activity: ...
    @overload
    def __getitem__(self, key: slice) -> list[Activity]: ...
    def __getitem__(self, key: int | slice) -> Activity | list[Activity]:
        if isinstance(key, int):
            return self[key : key + 1][0]
        if key.step not in (None, 1):
            raise TypeError("Read a claim's activity by page: activity[start:stop].")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        # The newest ``stop`` of each kind hold the newest ``stop`` of all: three queries (and the comments'
        # mentions), however the page is cut.
        events = self._events().select_related("actor").order_by("-at", "-id")[:stop]
        comments = self._comments().for_display().order_by("-created_at", "-id")[:stop]
        captures = (
            self._captures()
            .select_related("source", "image", "post")
            .defer("text", "headers", "description")
            .order_by(HAPPENED_AT.desc(), "-id")[:stop]
        )
        merged = heapq.merge(
            (Activity("event", e.at, e.actor, event=e) for e in events),
            (Activity("comment", c.created_at, c.author, comment=c) for c in comments),
            (Activity("capture", c.fetched_at or c.queued_at, None, capture=c) for c in captures),
            key=lambda item: item.at,
            reverse=True,
        )
        return list(merged)[start:stop]
