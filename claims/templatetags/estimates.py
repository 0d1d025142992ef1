"""{% estimates_chart claim %}: every source's estimate of a quantity claim on one number line (SVG)."""

from django import template
from django.utils.text import Truncator

from claims.charts import Estimate, layout

register = template.Library()


@register.inclusion_tag("includes/estimates_chart.html")
def estimates_chart(claim, evidence=None):
    """`evidence` defaults to all of the claim's evidence; the public page passes only what it shows."""
    rows = list(evidence if evidence is not None else claim.evidence.select_related("source"))
    estimates = [
        Estimate(
            label=_label(e.source),
            value=e.estimate_value,
            lower=e.estimate_lower,
            upper=e.estimate_upper,
            approximate=e.estimate_approximate,
            stance=e.stance,
        )
        for e in rows
        if e.has_estimate
    ]
    units = {e.estimate_unit for e in rows if e.has_estimate and e.estimate_unit}
    return {"chart": layout(estimates, unit=", ".join(sorted(units))), "claim": claim}


def _label(source) -> str:
    """The publisher names a source shortest ("US Africa Command"); long titles would run off the chart."""
    return Truncator(source.publisher or str(source)).chars(28)
