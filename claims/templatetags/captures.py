"""{{ source|capture_state }}: a source's live capture state for the evidence panel (the same dict the JSON
status endpoint sends to captures.js)."""

from django import template

from claims.desk.sources import source_state

register = template.Library()


@register.filter
def capture_state(source):
    if source.is_offline:
        in_flight = None
    elif hasattr(source, "in_flight_captures"):  # prefetched by the claim page (claims.desk.views.IN_FLIGHT)
        in_flight = next(iter(source.in_flight_captures), None)
    else:
        in_flight = source.captures.in_flight().first()
    return source_state(source, in_flight)
