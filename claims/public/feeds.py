"""Atom feed of published claims and their corrections, newest first: what aggregators and partner desks follow."""

from datetime import datetime
from typing import cast

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from claims.bidi import balance, isolate_plain
from claims.models import Claim, ClaimEvent
from claims.workflow import PUBLIC_STATUSES

FEED_SIZE = 50


class ClaimsFeed(Feed):
    feed_type = Atom1Feed
    title = _("Latest fact-checks and corrections")
    subtitle = _("Claims we checked, with their verdicts, and every correction we made.")

    def link(self) -> str:
        return "/"

    def feed_url(self) -> str:
        return settings.SITE_URL + "/feed.atom"

    def items(self) -> list[ClaimEvent]:
        """Publications and corrections of claims that are public now, as history events."""
        public = Claim.objects.published()
        return list(
            ClaimEvent.objects.filter(claim__in=public)
            .filter(Q(action="correction") | Q(action="transition", to_status__in=PUBLIC_STATUSES))
            .select_related("claim")
            .order_by("-at", "-id")[:FEED_SIZE]
        )

    def item_title(self, event: ClaimEvent) -> str:
        verdict = event.claim.verdict_info
        label = verdict.label(translation.get_language()) if verdict else ""
        prefix = _("Correction") + ": " if event.action == "correction" else ""
        # Plain text in every reader: a statement left with an open override would reverse the verdict after it.
        return f"{prefix}{isolate_plain(event.claim.statement)} — {label}"

    def item_description(self, event: ClaimEvent) -> str:
        # The event's public note, never its comment: comments are the desk's internal conversation.
        if event.action == "correction":
            return balance(event.public_note)
        return balance(event.claim.rationale)

    def item_link(self, event: ClaimEvent) -> str:
        link = cast(str, event.claim.public_url)  # items() are events of public claims
        return f"{link}#event-{event.pk}" if event.action == "correction" else link

    def item_guid(self, event: ClaimEvent) -> str:
        return f"{settings.SITE_URL}{event.claim.public_url}#event-{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event: ClaimEvent) -> datetime:
        return event.at

    def item_updateddate(self, event: ClaimEvent) -> datetime:
        return event.at
