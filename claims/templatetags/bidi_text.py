"""``isolate_plain``: user text where HTML cannot isolate it (``<title>``, ``<meta content>``), from claims.bidi."""

from django import template

from claims.bidi import isolate_plain as isolate

register = template.Library()


@register.filter
def isolate_plain(value) -> str:
    return isolate(str(value))
