"""Site search: blind to Arabic diacritics, hamza and spelling variants and to Latin case; marks the match."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.public.search import highlight
from tests.factories import ClaimFactory, EntityFactory
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db


def results(client, query, prefix=""):
    return client.get(f"{prefix}/search/", {"q": query}).content.decode()


def test_search_finds_text_written_with_hamza_when_asked_without(client):
    make_claim(statement="قطع الإتصال بين الطرفين")
    assert "<mark>الإتصال</mark>" in results(client, "الاتصال")


def test_search_finds_a_spelling_variant_of_the_word(client):
    make_claim(statement="وصول ميليشيات إلى طرابلس")
    assert "<mark>ميليشيات</mark>" in results(client, "مليشيات")


def test_search_ignores_diacritics_and_latin_case(client):
    make_claim(statement="Haftar visited MOSCOW in 2018", statement_language="en")
    make_claim(statement="زار حَفْتَر موسكو")
    assert "<mark>MOSCOW</mark>" in results(client, "moscow")
    assert "<mark>حَفْتَر</mark>" in results(client, "حفتر")


def test_search_finds_entities_and_articles_of_published_claims(client):
    claim = make_claim(statement="Shoigu met Haftar")
    entity = EntityFactory(name="Sergei Shoigu", aliases=["شويغو"])
    claim.entities.add(entity)
    page = results(client, "شويغو")
    assert f"/entities/{entity.pk}/" in page
    assert f"/articles/{claim.article_id}/" in results(client, claim.article.title.split()[0])


def test_search_never_shows_an_unpublished_claim(client):
    make_claim(status="draft", verdict="", statement="سر لم ينشر بعد")
    assert "لم ينشر" not in results(client, "سر")


def test_search_results_escape_the_text_before_marking(client):
    make_claim(statement="<b>Moscow</b> talks")
    page = results(client, "moscow")
    assert "&lt;b&gt;<mark>Moscow</mark>&lt;/b&gt;" in page


@given(st.text(max_size=60), st.text(max_size=10))
def test_highlight_never_lets_markup_through(text, query):
    marked = str(highlight(text, query)).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in marked and ">" not in marked


def test_postgresql_has_trigram_indexes_on_the_search_text(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist only on PostgreSQL; elsewhere search scans")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%%gin_trgm_ops%%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"claim_search_trgm", "entity_search_trgm"} <= names


def test_a_claim_saved_without_the_services_is_found_too(client):
    # The admin, a command or a factory writes the row without claims.services: its search text comes with it.
    ClaimFactory(status="published", verdict="false", rationale="The record.", statement="Wagner left Sirte")
    assert "<mark>Sirte</mark>" in results(client, "sirte")
