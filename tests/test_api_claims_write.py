"""Writing claims and articles through /api/v1/: every selector case, validation errors per kind, versions."""

import pytest

from claims.models import Claim
from claims.write_generation import MoveGenerations
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory

TEXT = (
    "عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو.\n"
    "ويقدر عددهم بحوالي ألفين. وقال مسؤول إن عددهم بحوالي ألفين أيضا.\n"
)
QUOTE = "زار حفتر موسكو"
TWICE = "عددهم بحوالي ألفين"


@pytest.fixture
def article(db):
    return ArticleFactory(text=TEXT)


def post_claim(api, article, selector, **fields):
    body = {"article": article.pk, "selector": selector, "statement": "A neutral statement.", "kind": "other"}
    return api.post("/api/v1/claims/", body | fields, format="json")


def test_quote_only_fills_in_positions_and_context(api, article):
    response = post_claim(api, article, {"exact": QUOTE})
    selector = response.json()["selector"]
    start = TEXT.index(QUOTE)
    assert response.status_code == 201
    assert (selector["start"], selector["end"]) == (start, start + len(QUOTE))
    assert selector["prefix"] == TEXT[:start] and selector["suffix"].startswith(" والتقى")


def test_quote_with_prefix_picks_the_right_occurrence(api, article):
    second = TEXT.index(TWICE, TEXT.index(TWICE) + 1)
    response = post_claim(api, article, {"exact": TWICE, "prefix": "وقال مسؤول إن "})
    assert response.status_code == 201 and response.json()["selector"]["start"] == second


def test_quote_with_suffix_picks_the_right_occurrence(api, article):
    second = TEXT.index(TWICE, TEXT.index(TWICE) + 1)
    response = post_claim(api, article, {"exact": TWICE, "suffix": " أيضا"})
    assert response.json()["selector"]["start"] == second


def test_positions_only_fill_in_the_quote(api, article):
    start = TEXT.index(QUOTE)
    response = post_claim(api, article, {"start": start, "end": start + len(QUOTE)})
    assert response.status_code == 201 and response.json()["selector"]["exact"] == QUOTE


def test_quote_and_positions_that_agree_are_accepted(api, article):
    start = TEXT.index(QUOTE)
    response = post_claim(api, article, {"exact": QUOTE, "start": start, "end": start + len(QUOTE)})
    assert response.status_code == 201


def test_positions_count_code_points_not_utf16_units(api):
    text = "😀😀 Libya: about 2000 fighters."
    article = ArticleFactory(text=text, language="en", direction="ltr")
    start = text.index("about")
    response = post_claim(api, article, {"start": start, "end": start + len("about 2000")})
    assert response.json()["selector"]["exact"] == "about 2000"


@pytest.mark.parametrize(
    ("selector", "words"),
    [
        ({"exact": "نص غير موجود"}, "copy it again"),
        ({"exact": TWICE}, "appears 2 times"),
        ({"exact": QUOTE, "start": 0, "end": len(QUOTE)}, "does not match"),
        ({"start": 5, "end": 50_000}, "not a span of the article"),
        ({"start": 9, "end": 3}, "not a span of the article"),
    ],
)
def test_unresolvable_selectors_are_a_400_that_says_why(api, article, selector, words):
    response = post_claim(api, article, selector)
    assert response.status_code == 400
    assert words in response.json()["selector"]
    assert not Claim.objects.exists()


def test_selector_without_quote_or_both_positions_is_a_400(api, article):
    response = post_claim(api, article, {"start": 3})
    assert response.status_code == 400
    assert "both start and end" in str(response.json()["selector"])


def test_claim_on_an_article_still_fetching_is_a_400(api):
    from claims.models import Article

    article = Article.objects.create(title="x", url="https://example.org/x", import_state="fetching")
    response = post_claim(api, article, {"exact": "x"})
    assert response.status_code == 400 and "still being fetched" in response.json()["article"]


@pytest.mark.parametrize(
    ("kind", "details", "field", "words"),
    [
        ("quantity", {"value": "two thousand"}, "details.value", "Enter a number"),
        ("quantity", {"lower": 10, "upper": 5}, "details.upper", "below the lower bound"),
        ("quantity", {"value": -3}, "details.value", "not negative"),
        ("quantity", {"as_of": "2020/2018"}, "details.as_of", "ends before it starts"),
        ("quantity", {"approximate": "maybe"}, "details.approximate", "true or false"),
        ("meeting", {"channel": "pigeon"}, "details.channel", "Choose one of"),
        ("meeting", {"date": "2018-13"}, "details.date", "month 13"),
        ("event", {"who": 5}, "details.who", "list of names"),
        ("quote", {"speaker": 3}, "details.speaker", "Enter text"),
        ("opinion", {"value": 3}, "details.value", "Not a field of a opinion claim"),
        ("rumour", {}, "kind", "not a valid choice"),
    ],
)
def test_details_are_validated_per_kind_with_a_message_per_field(api, article, kind, details, field, words):
    response = post_claim(api, article, {"exact": QUOTE}, kind=kind, details=details)
    assert response.status_code == 400
    assert words in str(response.json()[field])


def test_empty_statement_is_a_field_error(api, article):
    response = post_claim(api, article, {"exact": QUOTE}, statement=" ")
    assert response.status_code == 400 and "statement" in response.json()


def test_meeting_attendees_are_nested_in_details(api, article):
    haftar, shoigu = EntityFactory(name="Khalifa Haftar"), EntityFactory(name="Sergei Shoigu")
    details = {
        "date": "2018",
        "place": "Moscow",
        "attendees": [
            {"entity": haftar.pk, "role": "commander", "status": "confirmed"},
            {"entity": shoigu.pk, "name": "شويغو", "role": "minister"},
        ],
    }
    response = post_claim(api, article, {"exact": QUOTE}, kind="meeting", details=details)
    body = response.json()
    assert response.status_code == 201
    assert body["details"]["date"] == "2018"
    assert [(a["entity"], a["role"], a["status"]) for a in body["details"]["attendees"]] == [
        (haftar.pk, "commander", "confirmed"),
        (shoigu.pk, "minister", "unverified"),
    ]


def test_attendee_with_an_unknown_entity_is_a_field_error(api, article):
    details = {"attendees": [{"entity": 999_999, "role": "x"}]}
    response = post_claim(api, article, {"exact": QUOTE}, kind="meeting", details=details)
    assert response.status_code == 400 and "attendees.0.entity" in response.json()


def test_attendees_on_a_claim_that_is_not_a_meeting_are_refused(api, article):
    entity = EntityFactory()
    details = {"attendees": [{"entity": entity.pk}]}
    response = post_claim(api, article, {"exact": QUOTE}, kind="event", details=details)
    assert response.status_code == 400 and "Only a meeting" in response.json()["attendees"]


def test_patch_with_the_current_version_saves_and_bumps_it(api, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"version": 1, "statement": "Edited."}, format="json")
    assert response.status_code == 200
    assert (response.json()["statement"], response.json()["version"]) == ("Edited.", 2)


def test_patch_without_version_is_a_400(api, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"statement": "Edited."}, format="json")
    assert response.status_code == 400 and "version" in response.json()


def test_patch_with_a_stale_version_is_a_409_with_the_current_claim(api, article, second_editor):
    from claims.services.claims import update_claim

    claim = ClaimFactory(article=article, quote=QUOTE)
    update_claim(claim_id=claim.pk, by=second_editor, version=1, statement="Theirs.")
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"version": 1, "statement": "Mine."}, format="json")
    assert response.status_code == 409
    assert response.json()["current"]["statement"] == "Theirs." and response.json()["current"]["version"] == 2


def test_patch_can_move_the_selector(api, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    response = api.patch(
        f"/api/v1/claims/{claim.pk}/", {"version": 1, "selector": {"exact": "سيرغي شويغو"}}, format="json"
    )
    assert response.json()["selector"]["start"] == TEXT.index("سيرغي شويغو")


def test_patch_details_are_validated_too(api, article):
    claim = ClaimFactory(article=article, quote=QUOTE, kind="quantity")
    response = api.patch(f"/api/v1/claims/{claim.pk}/", {"version": 1, "details": {"value": "lots"}}, format="json")
    assert response.status_code == 400 and "details.value" in response.json()


def test_delete_needs_the_version(api, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    assert api.delete(f"/api/v1/claims/{claim.pk}/").status_code == 400
    assert api.delete(f"/api/v1/claims/{claim.pk}/?version=1").status_code == 204


def test_article_post_with_text_is_created_at_once(api):
    response = api.post("/api/v1/articles/", {"title": "t", "text": TEXT}, format="json")
    assert response.status_code == 201
    assert (response.json()["language"], response.json()["direction"], response.json()["revision"]) == ("ar", "rtl", 1)


def test_article_post_with_only_a_url_is_accepted_for_fetching(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post("/api/v1/articles/", {"url": "https://example.org/news/2"}, format="json")
    assert response.status_code == 202 and response.json()["import_state"] == "fetching"
    # The fetch, beside the desk's write generations moving after each write (claims/write_generation.py).
    assert len([c for c in callbacks if not isinstance(c, MoveGenerations)]) == 1


def test_article_post_with_neither_text_nor_url_is_a_400(api):
    response = api.post("/api/v1/articles/", {"title": "t"}, format="json")
    assert response.status_code == 400 and "text" in response.json()


def test_article_patch_with_new_text_adds_a_revision_and_reanchors_claims(api, article):
    claim = ClaimFactory(article=article, quote=QUOTE)
    new_text = "مقدمة.\n" + TEXT
    response = api.patch(f"/api/v1/articles/{article.pk}/", {"text": new_text}, format="json")
    claim.refresh_from_db()
    assert response.status_code == 200 and response.json()["revision"] == 2
    assert (claim.revision.number, claim.anchor, new_text[claim.start : claim.end]) == (2, "exact", QUOTE)


def test_article_revisions_lists_every_revision_in_order(api, article):
    api.patch(f"/api/v1/articles/{article.pk}/", {"text": TEXT + "سطر جديد.\n"}, format="json")
    body = api.get(f"/api/v1/articles/{article.pk}/revisions/").json()
    assert [r["number"] for r in body["results"]] == [1, 2]
    assert body["results"][0]["text"] == TEXT


def test_readers_without_a_desk_role_cannot_write(api_as, outsider, article):
    response = post_claim(api_as(outsider), article, {"exact": QUOTE})
    assert response.status_code == 403
