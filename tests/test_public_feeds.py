"""The Atom feed and the sitemap are valid XML and list exactly the published claims."""

import xml.etree.ElementTree as ET

import pytest

from claims.services.history import record_event
from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
UNPUBLISHED = ["draft", "researching", "in_review"]


@pytest.fixture
def claims():
    public = [make_claim(status=s, statement=f"Public {s}") for s in ("published", "corrected", "retracted")]
    hidden = [make_claim(status=s, verdict="", statement=f"Hidden {s}") for s in UNPUBLISHED]
    for claim in public + hidden:
        record_event(claim=claim, actor=None, action="transition", from_status="in_review", to_status=claim.status)
    return public, hidden


def test_feed_is_atom_listing_exactly_the_published_claims(client, claims):
    public, hidden = claims
    response = client.get("/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    links = {link.get("href") for entry in root.iter(f"{ATOM}entry") for link in entry.iter(f"{ATOM}link")}
    assert {link.split("://", 1)[1].split("/", 1)[1] for link in links} == {url(c).lstrip("/") for c in public}


def test_feed_lists_corrections_with_their_note(client, claims):
    claim = claims[0][1]
    record_event(
        claim=claim,
        actor=None,
        action="correction",
        from_status="published",
        to_status="corrected",
        public_note="We had the wrong year.",
        comment="Internal: the desk misread the report.",
    )
    root = ET.fromstring(client.get("/feed.atom").content)
    summaries = [e.findtext(f"{ATOM}summary") for e in root.iter(f"{ATOM}entry")]
    assert "We had the wrong year." in summaries
    assert not [s for s in summaries if s and "Internal" in s]


def sitemap_locations(client) -> list[str]:
    """Every address the sitemap index leads to, through each section's pages (paths, without the host)."""
    index = ET.fromstring(client.get("/sitemap.xml").content)
    assert index.tag == f"{SITEMAP}sitemapindex"
    found = []
    for page in index.iter(f"{SITEMAP}loc"):
        response = client.get("/" + page.text.split("://", 1)[1].split("/", 1)[1])
        assert response.status_code == 200, page.text
        root = ET.fromstring(response.content)
        found += [loc.text.split("://", 1)[1].split("/", 1)[1] for loc in root.iter(f"{SITEMAP}loc")]
    return found


def test_sitemap_is_valid_xml_listing_exactly_the_published_claims_in_both_languages(client, claims):
    public, hidden = claims
    locations = set(sitemap_locations(client))
    claim_locations = {loc for loc in locations if "claims/" in loc}
    expected = {url(c, lang).lstrip("/") for c in public for lang in ("en", "ar")}
    assert claim_locations == expected
    assert f"articles/{public[0].article_id}/" in locations


@pytest.mark.parametrize("control", ["\u202e", "\u2066"], ids=["RLO", "LRI"])
def test_feed_entry_title_keeps_the_verdict_in_order_after_a_statement_ending_in_a_bidi_control(client, control):
    from bidi import get_display

    claim = make_claim(statement=f"Troops left the base{control}", verdict="false")
    record_event(claim=claim, actor=None, action="transition", from_status="in_review", to_status="published")
    root = ET.fromstring(client.get("/feed.atom").content)
    title = next(root.iter(f"{ATOM}entry")).findtext(f"{ATOM}title")
    # The statement is closed and isolated: the verdict after it reads forwards in any reader.
    assert title == f"\u2068Troops left the base{control}{'\u202c' if control == '\u202e' else '\u2069'}\u2069 — False"
    assert get_display(title, base_dir="L").endswith(" — False")
    assert get_display(title, base_dir="R").startswith("False — ")


def test_the_sitemap_is_an_index_of_sections_paged_at_the_limit_without_loss_or_repeat(
    client, claims, settings, django_assert_max_num_queries
):
    from claims.models import Claim

    public, _hidden = claims
    settings.SITEMAP_ADDRESSES_PER_PAGE = 4  # pages of 2 claim ids in 2 languages
    ids = Claim.objects.published().order_by("id").values_list("id", flat=True)
    pages = -(-(ids.last() - ids.first() + 1) // 2)
    index = client.get("/sitemap.xml").content.decode()
    assert "/sitemap-claims.xml</loc>" in index and f"/sitemap-claims.xml?p={pages}</loc>" in index
    assert f"/sitemap-claims.xml?p={pages + 1}" not in index
    with django_assert_max_num_queries(3):  # the lowest and highest ids, then the page's own rows
        second = client.get("/sitemap-claims.xml?p=2")
    assert second.status_code == 200
    claims_seen = [loc for loc in sitemap_locations(client) if "claims/" in loc]
    assert len(claims_seen) == len(set(claims_seen)) == 6
    assert set(claims_seen) == {url(c, lang).lstrip("/") for c in public for lang in ("en", "ar")}
    assert client.get(f"/sitemap-claims.xml?p={pages + 1}").status_code == 404
    assert client.get("/sitemap-claims.xml?p=x").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_sitemap_page_reads_only_its_own_range_of_ids(claims):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims.models import Claim
    from claims.public.sitemaps import IdRangePages

    published = list(Claim.objects.published().order_by("id"))
    pages = IdRangePages(Claim.objects.published(), ["en", "ar"], addresses=2 * (published[1].pk - published[0].pk + 1))
    assert pages.num_pages >= 1  # read once, by the index and by each page's bound check
    with CaptureQueriesContext(connection) as queries:
        first = pages.rows(1, ("id",))
    [query] = queries.captured_queries
    assert "OFFSET" not in query["sql"] and "COUNT" not in query["sql"].upper()
    assert first[:2] == [(published[0].pk,), (published[1].pk,)]
