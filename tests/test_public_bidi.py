"""User text with bidi controls on public pages: isolated in HTML, closed and isolated where the text is plain."""

import html
import json
import re

import pytest
from bidi import get_display

from tests.public_helpers import fresh_cache, make_claim, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

RLO, PDF, FSI, PDI = "\u202e", "\u202c", "\u2068", "\u2069"


def test_claim_page_title_and_open_graph_title_close_a_statement_left_overridden(client, settings):
    claim = make_claim(statement=f"Troops left{RLO}", verdict="false")
    page = client.get(url(claim)).content.decode()
    title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))
    assert title == f"{FSI}Troops left{RLO}{PDF}{PDI} · {settings.SITE_NAME}"
    assert get_display(title, base_dir="L").endswith(f" · {settings.SITE_NAME}")
    og_title = html.unescape(re.search(r'<meta property="og:title" content="([^"]*)"', page).group(1))
    assert og_title == f"False: {FSI}Troops left{RLO}{PDF}{PDI}"


def test_claimreview_json_ld_closes_what_the_statement_and_claimant_leave_open(client):
    claim = make_claim(statement=f"Troops left{RLO}", claimant="\u2067وزير", verdict="false")
    page = client.get(url(claim)).content.decode()
    node = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert node["claimReviewed"] == f"Troops left{RLO}{PDF}"
    assert node["itemReviewed"]["author"]["name"] == f"\u2067وزير{PDI}"


def test_search_without_results_isolates_the_readers_words(client):
    page = client.get("/search/", {"q": "جيش"}).content.decode()
    assert "<bdi>جيش</bdi>" in page
