"""The claim page shows similar claims with a score; the editor confirms or dismisses them there."""

import pytest

from claims.models import Claim, ClaimLink
from claims.services.matching import suggest_similar


@pytest.fixture(autouse=True)
def lexical(settings):
    """The demo's one suggested pair (claims 2 and 5) is the lexical matcher's; the embeddings' memory suggests more
    among the demo's claims, all from one article (docs/matching.md, "Known limits")."""
    settings.MATCHING_METHOD = "lexical"


def _meetings_link():
    for claim in Claim.objects.filter(kind="meeting"):
        suggest_similar(claim=claim)
    return ClaimLink.objects.get()


def test_claim_page_lists_the_suggestion_with_its_score(client, editor, demo):
    link = _meetings_link()
    client.force_login(editor)
    page = client.get(f"/desk/claims/{link.from_claim_id}/").content.decode()
    assert f"#{link.to_claim_id} " in page and f"{link.score:.2f}" in page


def test_look_for_similar_claims_button_stores_suggestions(client, editor, demo, celery_worker):
    from tests.waiting import wait_for

    claim = Claim.objects.filter(kind="meeting").order_by("pk").first()
    client.force_login(editor)
    response = client.post(f"/desk/claims/{claim.pk}/similar/")
    assert response.status_code == 302 and response.url.endswith("#similar")
    # A worker scores it once the request has answered.
    assert wait_for(lambda: ClaimLink.objects.count() == 1)


def test_confirming_same_claim_from_the_desk(client, editor, demo):
    link = _meetings_link()
    client.force_login(editor)
    client.post(f"/desk/claims/{link.to_claim_id}/similar/{link.pk}/", {"same": "1"})
    link.refresh_from_db()
    assert link.state == "confirmed" and link.decided_by == editor


def test_dismissing_from_the_desk_hides_the_suggestion(client, editor, demo):
    link = _meetings_link()
    client.force_login(editor)
    client.post(f"/desk/claims/{link.from_claim_id}/similar/{link.pk}/", {"same": "0"})
    page = client.get(f"/desk/claims/{link.from_claim_id}/").content.decode()
    assert "No similar claims suggested." in page


def test_outsiders_cannot_decide(client, outsider, demo):
    link = _meetings_link()
    client.force_login(outsider)
    assert client.post(f"/desk/claims/{link.from_claim_id}/similar/{link.pk}/", {"same": "1"}).status_code == 403
