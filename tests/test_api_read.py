"""The read side of the API contract: field names, pagination, selectors and permissions."""

import pytest

from claims.models import Claim

CLAIM_FIELDS = {
    "id",
    "article",
    "selector",
    "statement",
    "kind",
    "claimant",
    "details",
    "status",
    "verdict",
    "rationale",
    "public_url",
    "version",
    "anchor",
}


@pytest.mark.parametrize("endpoint", ["articles", "claims", "entities", "sources", "evidence"])
def test_anonymous_gets_no_desk_endpoint(client, demo, endpoint):
    response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code in (401, 403)


def test_signed_in_user_without_a_desk_role_is_refused(api_as, outsider, demo):
    assert api_as(outsider).get("/api/v1/claims/").status_code == 403


def test_editor_token_lists_the_13_demo_claims_with_contract_fields(api, demo):
    body = api.get("/api/v1/claims/?page_size=50").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 13
    for claim in body["results"]:
        assert set(claim) >= CLAIM_FIELDS
        selector = claim["selector"]
        assert set(selector) == {"exact", "prefix", "suffix", "start", "end"}
        assert demo.text[selector["start"] : selector["end"]] == selector["exact"]


def test_public_url_only_for_published_claims(api, demo):
    for claim in api.get("/api/v1/claims/").json()["results"]:
        if claim["status"] in ("published", "corrected", "retracted"):
            assert claim["public_url"].startswith("http://testserver/claims/")
        else:
            assert claim["public_url"] is None


def test_meeting_details_list_attendees(api, demo):
    claim = Claim.objects.get(exact__startswith="عام 2018 زار حفتر")
    details = api.get(f"/api/v1/claims/{claim.pk}/").json()["details"]
    assert details["date"] == "2018" and details["place"] == "Moscow"
    assert {a["entity_name"] for a in details["attendees"]} == {"Khalifa Haftar", "Sergei Shoigu", "Valery Gerasimov"}


def test_article_fields_follow_the_contract(api, demo):
    article = api.get(f"/api/v1/articles/{demo.pk}/").json()
    assert {"id", "title", "url", "publisher", "language", "direction", "published_at", "text", "revision"} <= set(
        article
    )
    assert article["direction"] == "rtl" and article["revision"] == 1 and article["text"] == demo.text


def test_entities_have_names_by_language_and_aliases(api, demo):
    results = api.get("/api/v1/entities/?page_size=50").json()["results"]
    haftar = next(e for e in results if e["wikidata"] == "Q1740441")
    assert haftar["names"]["ar"] == "خليفة حفتر" and "Haftar" in haftar["aliases"]


def test_sources_show_their_latest_capture(api, demo):
    source = api.get("/api/v1/sources/").json()["results"][0]
    assert {"id", "url", "kind", "publisher", "title", "latest_capture"} <= set(source)


def test_public_api_needs_no_login_and_lists_only_published(client, demo):
    body = client.get("/api/v1/public/claims/").json()
    assert body["count"] == Claim.objects.published().count() == 5
    assert {c["status"] for c in body["results"]} == {"published"}


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    assert client.get("/api/docs/").status_code == 200
