"""Every API endpoint answers desk members by role, and changes go through the services."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Claim, ClaimLink, Evidence
from tests.api.test_claimreview_parsing import GOOGLE_EN, SCHEMA_ORG_AR
from tests.factories import ArticleFactory, EvidenceFactory, SourceFactory, UserFactory

DESK_LISTS = [
    "/api/v1/articles/",
    "/api/v1/claims/",
    "/api/v1/entities/",
    "/api/v1/sources/",
    "/api/v1/evidence/",
    "/api/v1/claim-links/",
]


@pytest.mark.parametrize("endpoint", DESK_LISTS)
def test_anonymous_and_outsiders_are_refused_every_desk_list(client, api_as, outsider, endpoint):
    assert client.get(endpoint).status_code in (401, 403)
    assert api_as(outsider).get(endpoint).status_code == 403


@pytest.mark.parametrize("endpoint", DESK_LISTS)
def test_each_desk_role_reads_every_list(api_as, editor, reviewer, admin_user, endpoint):
    for user in (editor, reviewer, admin_user):
        assert api_as(user).get(endpoint).status_code == 200


def test_outsider_cannot_import_claimreview(api_as, outsider):
    assert api_as(outsider).post("/api/v1/claimreview/import/", GOOGLE_EN, format="json").status_code == 403


def test_import_from_a_json_body_reports_each_record(api):
    body = [SCHEMA_ORG_AR, {"text": "x", "claimReview": [{"title": "no url"}]}]
    report = api.post("/api/v1/claimreview/import/", body, format="json").json()
    assert report["counts"] == {"imported": 1, "updated": 0, "unchanged": 0, "error": 1}
    assert report["records"][0]["verdict"] == "accurate"
    assert "url is missing" in report["records"][1]["reason"]


def test_import_from_an_uploaded_file_is_idempotent(api):
    def upload():
        payload = json.dumps(GOOGLE_EN, ensure_ascii=False).encode()
        return api.post(
            "/api/v1/claimreview/import/", {"file": SimpleUploadedFile("r.json", payload)}, format="multipart"
        ).json()["counts"]

    assert upload() == {"imported": 1, "updated": 0, "unchanged": 0, "error": 0}
    assert upload() == {"imported": 0, "updated": 0, "unchanged": 1, "error": 0}


def test_import_of_a_file_that_is_not_json_is_a_400(api):
    response = api.post(
        "/api/v1/claimreview/import/", {"file": SimpleUploadedFile("r.json", b"<html>")}, format="multipart"
    )
    assert response.status_code == 400 and "not UTF-8 JSON" in response.json()["detail"]


def test_public_claimreview_feed_lists_published_claims_only(client, demo):
    rows = client.get("/api/v1/public/claimreview/").json()["results"]
    published = Claim.objects.published()
    assert len(rows) == published.count()
    assert all(row["@type"] == "ClaimReview" and row["reviewRating"]["alternateName"] for row in rows)


def test_public_claimreview_of_one_claim_rates_it_on_our_scale(client, demo):
    claim = Claim.objects.published().filter(verdict="accurate").first()
    node = client.get(f"/api/v1/public/claims/{claim.pk}/claimreview/").json()
    assert node["claimReviewed"] == claim.statement
    assert node["reviewRating"]["ratingValue"] == 5 and node["url"].endswith(claim.public_url)


def test_claimreview_of_a_draft_is_not_public(client, demo):
    draft = Claim.objects.filter(status="draft").first()
    assert client.get(f"/api/v1/public/claims/{draft.pk}/claimreview/").status_code == 404


def test_evidence_can_be_edited_and_removed_on_a_draft(api, editor):
    evidence = EvidenceFactory(source=SourceFactory())
    version = evidence.claim.version
    response = api.patch(f"/api/v1/evidence/{evidence.pk}/", {"stance": "contradicts", "note": "x"}, format="json")
    assert response.status_code == 200 and response.json()["stance"] == "contradicts"
    evidence.claim.refresh_from_db()
    assert evidence.claim.version == version + 1
    assert api.delete(f"/api/v1/evidence/{evidence.pk}/").status_code == 204
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_of_a_published_claim_changes_only_by_a_reviewers_correction(api, api_as, reviewer, demo):
    evidence = Evidence.objects.filter(claim__status="published").first()
    assert api_as(reviewer).delete(f"/api/v1/evidence/{evidence.pk}/").status_code == 400
    assert api.delete(f"/api/v1/evidence/{evidence.pk}/?correction=Wrong+document").status_code == 400
    response = api_as(reviewer).delete(f"/api/v1/evidence/{evidence.pk}/?correction=Wrong+document")
    assert response.status_code == 202  # proposed: four eyes, another reviewer approves it
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    second = UserFactory(username="rev2", role="reviewer")
    correction = response.json()["pending_correction"]["id"]
    approved = api_as(second).post(
        f"/api/v1/claims/{evidence.claim_id}/correction/", {"decision": "approve", "correction": correction}
    )
    assert approved.status_code == 200 and not Evidence.objects.filter(pk=evidence.pk).exists()


def test_similar_claims_are_listed_and_confirmed_through_the_api(api, demo, settings):
    from claims.services.matching import suggest_similar

    settings.MATCHING_METHOD = "lexical"  # the demo's one pair is the lexical matcher's (docs/matching.md)

    for claim in Claim.objects.filter(kind="meeting"):
        suggest_similar(claim=claim)
    link = ClaimLink.objects.get()
    rows = api.get(f"/api/v1/claim-links/?claim={link.to_claim_id}").json()["results"]
    assert [row["id"] for row in rows] == [link.pk]
    response = api.post(f"/api/v1/claim-links/{link.pk}/decision/", {"same": True}, format="json")
    assert response.json()["state"] == "confirmed" and response.json()["decided_by"] == "ed"


def test_creating_a_claim_through_the_api_suggests_similar_ones(api, demo, celery_worker):
    from tests.waiting import wait_for

    text = "زار حفتر موسكو عام 2018 والتقى وزير الدفاع الروسي سيرغي شويغو"
    article = ArticleFactory(text=text)
    response = api.post(
        "/api/v1/claims/",
        {"article": article.pk, "selector": {"exact": text}, "statement": text, "kind": "meeting"},
        format="json",
    )
    assert response.status_code == 201
    # Scored by the worker after the request committed, not inside it.
    assert wait_for(lambda: ClaimLink.objects.filter(to_claim_id=response.json()["id"]).exists())


def test_stale_claim_edit_is_a_409_with_the_current_claim(api, demo):
    claim = Claim.objects.filter(status="draft").first()
    response = api.patch(
        f"/api/v1/claims/{claim.pk}/", {"statement": "x", "version": claim.version - 1 or 99}, format="json"
    )
    assert response.status_code == 409 and response.json()["current"]["id"] == claim.pk


def test_entities_refuse_a_malformed_wikidata_id(api):
    response = api.post("/api/v1/entities/", {"kind": "person", "name": "X", "wikidata": "wd:1"}, format="json")
    assert response.status_code == 400 and "wikidata" in response.json()


def test_an_api_address_no_route_matches_answers_json_and_a_page_address_the_page(client):
    # A series slug with a dot matches no route (the router's lookup stops at dots): still the API's JSON 404.
    response = client.get("/api/v1/public/series/use.rtl/estimates/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
