"""{{ evidence|evidence_values }}, {% evidence_stances %} and {{ number|plain_number }}: what the evidence panel and
its edit form show for a row."""

from decimal import Decimal

from django import template

from claims.models import Evidence

register = template.Library()


@register.filter(name="plain_number")
def _number(value: Decimal | None) -> str:
    """2000.00 reads as 2000, 2.50 as 2.5: the editor typed a number, not a column's scale."""
    return "" if value is None else f"{value.normalize():f}"


@register.filter
def evidence_values(evidence: Evidence) -> dict:
    return {
        "stance": evidence.stance,
        "passage": evidence.passage,
        "note": evidence.note,
        "estimate_value": _number(evidence.estimate_value),
        "estimate_lower": _number(evidence.estimate_lower),
        "estimate_upper": _number(evidence.estimate_upper),
        "estimate_unit": evidence.estimate_unit,
        "estimate_approximate": evidence.estimate_approximate,
    }


@register.simple_tag
def evidence_stances():
    return Evidence.Stance.choices
