"""ClaimReview JSON-LD: the pure builder, and the block on the claim page agreeing with what a reader sees."""

import json
from html.parser import HTMLParser

import pytest

from claims.claimreview import claim_review
from claims.workflow import BEST_RATING, VERDICTS, WORST_RATING
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)


def build(**overrides):
    values = dict(
        url="https://f.example/claims/1/x/",
        claim_reviewed="X happened",
        verdict="false",
        language="en",
        date_published="2026-01-02",
        site_name="Desk",
        site_url="https://f.example/",
        claimant="A Minister",
        claim_date="2025-12",
        appearance_url="https://news.example/a",
    )
    return claim_review(**(values | overrides))


def test_claimreview_has_every_required_and_recommended_property():
    node = build()
    assert node["@type"] == "ClaimReview"
    for key in ("claimReviewed", "reviewRating", "url", "author", "datePublished", "itemReviewed"):
        assert node[key]
    assert node["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": BEST_RATING,
        "worstRating": WORST_RATING,
    }
    assert node["author"] == {"@type": "Organization", "name": "Desk", "url": "https://f.example/"}
    item = node["itemReviewed"]
    assert item["author"]["name"] == "A Minister"
    assert item["datePublished"] == "2025-12"
    assert item["appearance"][0]["url"] == item["firstAppearance"]["url"] == "https://news.example/a"


@pytest.mark.parametrize("verdict", sorted(VERDICTS))
def test_rating_label_is_the_verdict_label_in_the_page_language(verdict):
    assert build(verdict=verdict, language="ar")["reviewRating"]["alternateName"] == VERDICTS[verdict].label_ar


def test_not_checkable_and_retracted_reviews_carry_a_label_but_no_number():
    assert "ratingValue" not in build(verdict="not_checkable")["reviewRating"]
    assert "ratingValue" not in build(retracted=True)["reviewRating"]


def test_claim_without_a_named_claimant_still_has_an_author():
    assert build(claimant="")["itemReviewed"]["author"]["name"]


class _Page(HTMLParser):
    """Collects the JSON-LD blocks and the text of elements the tests name by class or tag."""

    def __init__(self):
        super().__init__()
        self.jsonld, self.texts, self.attrs, self._stack = [], {}, {}, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = [tag, *(attrs.get("class") or "").split()]
        if attrs.get("rel") == "canonical":
            self.attrs["canonical"] = attrs["href"]
        if tag == "script" and attrs.get("type") == "application/ld+json":
            names.append("jsonld")
        self._stack.append(names)

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for names in self._stack:
            for name in names:
                self.texts[name] = self.texts.get(name, "") + data
        if self._stack and "jsonld" in self._stack[-1]:
            self.jsonld.append(data)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_claim_page_jsonld_matches_the_visible_text(client, language, settings):
    claim = make_claim(
        verdict="misleading",
        statement="The ministry counted 2,000 troops",
        claimant="The minister",
        claimed_on="2025-11",
    )
    page = _Page()
    page.feed(client.get(url(claim, language)).content.decode())
    assert len(page.jsonld) == 1
    node = json.loads(page.jsonld[0])
    assert node["claimReviewed"] == page.texts["claim-statement"].strip()
    assert node["reviewRating"]["alternateName"] == page.texts["verdict-name"].strip()
    assert node["reviewRating"]["ratingValue"] == VERDICTS["misleading"].rating
    assert node["url"] == page.attrs["canonical"] == settings.SITE_URL + url(claim, language)
    assert node["itemReviewed"]["author"]["name"] in page.texts["claim-facts"]
    assert node["itemReviewed"]["datePublished"] in page.texts["claim-facts"]
    assert node["datePublished"] == claim.published_at.date().isoformat()
    assert node["author"]["name"] == settings.SITE_NAME
    appearance = node["itemReviewed"]["firstAppearance"]["url"]
    prefix = "/ar" if language == "ar" else ""
    assert appearance == settings.SITE_URL + f"{prefix}/articles/{claim.article_id}/"


@pytest.mark.django_db
def test_jsonld_cannot_break_out_of_its_script_element(client):
    claim = make_claim(statement="</script><script>alert(1)</script>")
    body = client.get(url(claim)).content.decode()
    assert "<script>alert(1)" not in body
