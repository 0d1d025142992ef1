"""Template tags for the claim form include, so the reading view and the claim page can show it."""

from django import template

from claims.desk.claim_form import claim_form_context

register = template.Library()


@register.simple_tag
def claim_form_for(claim=None):
    """The claim form's context: empty for a new claim, or filled from ``claim`` to edit it."""
    return claim_form_context(claim=claim)
