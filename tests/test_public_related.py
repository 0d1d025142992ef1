"""Related claims on a claim page: confirmed same-claim links first, then claims sharing an entity; published only."""

import pytest

from claims.models import ClaimLink
from tests.factories import EntityFactory
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db


def test_claim_page_lists_confirmed_links_then_claims_sharing_an_entity(client):
    entity = EntityFactory()
    claim = make_claim(statement="Main claim")
    claim.entities.add(entity)
    sharing = make_claim(statement="Sharing an entity")
    sharing.entities.add(entity)
    same = make_claim(statement="Said again elsewhere")
    ClaimLink.objects.create(from_claim=claim, to_claim=same, state="confirmed", score=0.8)
    dismissed = make_claim(statement="Dismissed match")
    ClaimLink.objects.create(from_claim=claim, to_claim=dismissed, state="dismissed", score=0.5)
    body = client.get(url(claim)).content.decode()
    related = body.split('id="related-heading"', 1)[1]
    assert related.index(url(same)) < related.index(url(sharing))
    assert url(dismissed) not in related
