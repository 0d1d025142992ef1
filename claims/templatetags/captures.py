"""{{ source|capture_state }}: a source's live capture state for the evidence panel (the same dict the JSON
status endpoint sends to captures.js)."""

from django import template

from claims.desk.sources import source_state

register = template.Library()


@register.filter
def capture_state(source):
    in_flight = source.captures.filter(state__in=["queued", "fetching"]).first() if not source.is_offline else None
    return source_state(source, in_flight)
