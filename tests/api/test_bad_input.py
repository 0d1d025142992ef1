"""Bad input over the API gets a clear 4xx naming what is wrong, never a 500."""

import pytest

from claims.models import Article, Source
from tests.factories import ArticleFactory, EntityFactory, EvidenceFactory

pytestmark = pytest.mark.django_db


def test_a_source_url_with_a_host_label_over_63_characters_is_refused(api):
    response = api.post("/api/v1/sources/", {"url": f"https://{'a' * 64}.example.org/"}, format="json")
    assert response.status_code == 400
    assert "63" in response.json()["url"]


def test_a_source_url_with_a_host_over_253_characters_is_refused(api):
    host = ".".join(["a" * 60] * 5)  # 304 characters, each label within 63
    response = api.post("/api/v1/sources/", {"url": f"https://{host}/"}, format="json")
    assert response.status_code == 400
    assert "253" in response.json()["url"]


def test_a_source_url_that_percent_encodes_past_the_column_is_refused(api):
    url = "https://news.example.org/" + "ع" * 1900  # 1,925 characters, 11,425 once percent-encoded
    response = api.post("/api/v1/sources/", {"url": url}, format="json")
    assert response.status_code == 400
    assert "2000" in response.json()["url"] or "2,000" in response.json()["url"]
    assert not Source.objects.exists()


def test_the_url_length_message_is_in_the_users_language():
    from django.utils import translation

    from claims.fetching.reasons import in_language
    from claims.fetching.urls import InvalidURL, normalize_url

    with translation.override("ar"), pytest.raises(InvalidURL) as refused:
        normalize_url("https://news.example.org/" + "ع" * 1900)
    assert str(refused.value).startswith("This address is 11425 characters long")  # stored and logged in English
    with translation.override("ar"):
        shown = in_language(refused.value.reason)
    assert "11425" in shown and "الحد الأقصى" in shown


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/",
        "/api/v1/claims/",
        "/api/v1/sources/",
        "/api/v1/entities/",
        "/api/v1/evidence/",
        "/api/v1/claimreview/import/",
    ],
)
def test_a_deeply_nested_json_body_is_a_400_on_every_post(api, path):
    body = "[" * 100_000 + "]" * 100_000
    response = api.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_json_body_nested_past_the_limit_is_refused_before_any_view_walks_it(api):
    depth = 200  # json parses this; the serializers and the database's encoder would recurse on it
    body = '{"a":' * depth + "1" + "}" * depth
    response = api.post("/api/v1/entities/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_deeply_nested_claimreview_file_is_a_400(api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("reviews.json", b"[" * 100_000 + b"]" * 100_000, content_type="application/json")
    response = api.post("/api/v1/claimreview/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_deeply_nested_patch_is_a_400(api):
    entity = EntityFactory()
    body = "[" * 100_000 + "]" * 100_000
    response = api.patch(f"/api/v1/entities/{entity.pk}/", body, content_type="application/json")
    assert response.status_code == 400


def test_attendees_given_as_a_string_are_refused(api, editor):
    article = ArticleFactory()
    body = {
        "article": article.pk,
        "selector": {"start": 0, "end": 10},
        "statement": "They met.",
        "kind": "meeting",
        "details": {"attendees": "Haftar and Putin"},
    }
    response = api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "attendees" in response.json()


def test_details_given_as_a_string_are_refused(api):
    article = ArticleFactory()
    body = {
        "article": article.pk,
        "selector": {"start": 0, "end": 10},
        "statement": "They met.",
        "kind": "meeting",
        "details": "in Moscow",
    }
    response = api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "details" in response.json()


def test_patching_an_article_text_with_another_field_changes_both(api):
    article = ArticleFactory(text="First text.")
    response = api.patch(
        f"/api/v1/articles/{article.pk}/", {"text": "Second text.", "title": "New title"}, format="json"
    )
    assert response.status_code == 200, response.content
    article.refresh_from_db()
    assert (article.title, article.text, article.revision_number) == ("New title", "Second text.", 2)


def test_patching_an_article_with_an_empty_text_is_refused_and_keeps_the_text(api):
    article = ArticleFactory(text="First text.")
    response = api.patch(f"/api/v1/articles/{article.pk}/", {"text": "  "}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()
    assert Article.objects.get(pk=article.pk).text == "First text."


def test_patching_an_article_with_an_empty_text_and_a_title_changes_neither(api):
    article = ArticleFactory(text="First text.", title="Old title")
    response = api.patch(f"/api/v1/articles/{article.pk}/", {"text": "", "title": "New title"}, format="json")
    assert response.status_code == 400
    assert "text" in response.json()
    article.refresh_from_db()
    assert (article.title, article.text) == ("Old title", "First text.")


def test_put_on_an_article_is_not_allowed(api):
    article = ArticleFactory(text="First text.")
    response = api.put(f"/api/v1/articles/{article.pk}/", {"text": "Second text.", "title": "T"}, format="json")
    assert response.status_code == 405


@pytest.mark.parametrize("value", ["-2.5e258", "99999999999999999999", "1e400"])
def test_an_id_filter_too_large_for_the_database_is_a_400(api, value):
    response = api.get("/api/v1/claim-links/", {"claim": value})
    assert response.status_code == 400
    assert "claim" in response.json()


@pytest.mark.parametrize(
    "path, name",
    [
        ("/api/v1/claims/", "article"),
        ("/api/v1/evidence/", "claim"),
        ("/api/v1/evidence/", "source"),
        ("/api/v1/public/claims/", "article"),
    ],
)
def test_a_model_id_filter_too_large_for_the_database_is_a_400(api, path, name):
    response = api.get(path, {name: "99999999999999999999"})
    assert response.status_code == 400


def test_evidence_filtered_by_claim_lists_that_claims_evidence(api):
    evidence = EvidenceFactory()
    EvidenceFactory()  # another claim's
    response = api.get("/api/v1/evidence/", {"claim": evidence.claim_id})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [evidence.pk]


def test_entity_names_with_a_nul_character_are_refused(api):
    response = api.post(
        "/api/v1/entities/", {"kind": "person", "name": "Haftar", "names": {"e\u0000n": "Haftar"}}, format="json"
    )
    assert response.status_code == 400


def test_deleting_evidence_with_a_json_list_body_is_not_a_500(api):
    # The correction is read from a JSON object body; a JSON list carries none (it used to raise AttributeError).
    evidence = EvidenceFactory()
    response = api.delete(f"/api/v1/evidence/{evidence.pk}/", ["not", "an", "object"], format="json")
    assert response.status_code == 204


def test_deleting_a_claim_with_a_json_list_body_asks_for_the_version(api):
    claim = EvidenceFactory().claim
    response = api.delete(f"/api/v1/claims/{claim.pk}/", ["not", "an", "object"], format="json")
    assert response.status_code == 400
    assert "version" in response.json()
