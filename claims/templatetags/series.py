"""``{% series_about entity as found %}``: the series that count an entity, for its page (one query)."""

from django import template

from claims.models import Entity, Series
from claims.services.series import public_series

register = template.Library()


@register.simple_tag
def series_about(entity: Entity, desk: bool = False) -> list[Series]:
    """Every series about ``entity`` on the desk; in public, those with a published member only."""
    found = Series.objects.all() if desk else public_series()
    return list(found.filter(entity=entity).order_by("name", "id"))
