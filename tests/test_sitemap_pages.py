"""A sitemap section's page, written as text from the rows' values (claims.public.sitemaps.section): every address
in each interface language with its alternates, x-default and lastmod, quoted as reverse() quotes it and escaped
for XML; published claims only; the page's Last-Modified, its newest claim's change."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date

from claims.models import Tag
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ORIGIN = "http://testserver"


def entries(client, address: str) -> list[dict]:
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    found = []
    for entry in ET.fromstring(response.content).iter(f"{SITEMAP}url"):
        found.append(
            {
                "loc": entry.findtext(f"{SITEMAP}loc"),
                "lastmod": entry.findtext(f"{SITEMAP}lastmod"),
                "changefreq": entry.findtext(f"{SITEMAP}changefreq"),
                "alternates": {link.get("hreflang"): link.get("href") for link in entry.iter(f"{XHTML}link")},
            }
        )
    return found


def test_a_claim_is_listed_in_each_language_with_its_alternates_x_default_and_lastmod(client):
    claim = make_claim(statement="زار حفتر موسكو عام 2018", statement_en="Haftar & Moscow: 2018?")
    make_claim(status="in_review", verdict="", statement="لم يُنشر")
    en, ar = ORIGIN + url(claim, "en"), ORIGIN + url(claim, "ar")
    assert "%" in ar or "haftar" in ar  # the English statement gives the slug; reverse() quoted it
    day = timezone.localtime(claim.updated_at).date().isoformat()
    alternates = {"en": en, "ar": ar, "x-default": en}
    expected = [{"loc": loc, "lastmod": day, "changefreq": "weekly", "alternates": alternates} for loc in (en, ar)]
    assert entries(client, "/sitemap-claims.xml") == expected


def test_an_arabic_claim_address_is_quoted_as_reverse_quotes_it(client):
    claim = make_claim(statement="زار حفتر موسكو عام 2018")
    locations = [entry["loc"] for entry in entries(client, "/sitemap-claims.xml")]
    assert locations == [ORIGIN + url(claim, "en"), ORIGIN + url(claim, "ar")]
    assert "%D8" in locations[0]  # the Arabic slug, percent-encoded


def test_a_topic_address_is_escaped_for_xml(client):
    tag = Tag.objects.create(name="Oil & gas", slug="oil&gas'")
    make_claim().tags.add(tag)
    expected = []
    for language in ("en", "ar"):
        with translation.override(language):
            expected.append(ORIGIN + reverse("public:topic", args=[tag.slug]))
    body = client.get("/sitemap-topics.xml").content.decode()
    assert "&amp;" in body and "&#x27;" in body
    assert [entry["loc"] for entry in entries(client, "/sitemap-topics.xml")] == expected


def test_a_page_says_when_its_newest_claim_changed(client):
    older, newer = make_claim(), make_claim()
    older.save()  # the newest change: of the lower id
    response = client.get("/sitemap-claims.xml")
    assert response["Last-Modified"] == http_date(max(older.updated_at, newer.updated_at).timestamp())


def test_an_empty_section_is_one_valid_empty_page(client):
    assert entries(client, "/sitemap-topics.xml") == []
    assert client.get("/sitemap-topics.xml?p=2").status_code == 404


def test_an_entity_is_listed_while_a_published_claim_names_it_or_it_made_one(client):
    from claims.models import Claim
    from tests.factories import EntityFactory

    named, claimant, drafted = EntityFactory(name="حفتر"), EntityFactory(name="السراج"), EntityFactory(name="الدبيبة")
    claim = make_claim(claimant_entity=claimant)
    claim.entities.add(named)
    make_claim(status="draft", verdict="").entities.add(drafted)

    def listed() -> set[str]:
        return {entry["loc"] for entry in entries(client, "/sitemap-entities.xml")}

    assert listed() == {
        ORIGIN + prefix + reverse("public:entity", args=[entity.pk]).lstrip("/")
        for entity in (named, claimant)
        for prefix in ("/", "/ar/")
    }
    Claim.objects.filter(pk=claim.pk).update(status="draft")
    assert listed() == set()
