"""The similar-claims panel reads its links here, so the claim page's view needs no change."""

from django import template

from claims.services.matching import similar_claims

register = template.Library()


@register.simple_tag
def similar_links(claim):
    return similar_claims(claim)
