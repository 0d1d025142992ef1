"""Site search: blind to Arabic diacritics, hamza and spelling variants and to Latin case; marks the match."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.arabic import normalize, text_index_keys, tokens, word_index_key
from claims.public.search import highlight, matches
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


# --- The database narrows by word keys; what it returns, in which order, and its bound -------------------------

ARABIC_WORDS = st.text(alphabet="اأإآءؤئبتةثجحخدذرزسشصضطظعغفقكلمنهوىيًٌٍَُِّْـ", min_size=1, max_size=9)


@given(text=st.lists(ARABIC_WORDS | st.sampled_from(["ميليشيات", "وحفتر", "2000", "Shoigu"]), max_size=8))
def test_every_word_that_matches_a_text_holds_one_of_its_index_keys(text):
    # The database's narrowing misses nothing: a query word matching a text (equal, without clitics, or a
    # spelling variant) always finds its key among the text's keys. Words are taken from the text and bent.
    stored = normalize(" ".join(text))
    keys = text_index_keys(stored)
    for word in [*tokens(stored), *(w[:-1] + "ي" for w in tokens(stored) if len(w) > 4), "مليشيات", "حفتر"]:
        if matches([word], stored):
            assert f" {word_index_key(word)} " in keys, (word, stored, keys)


def test_a_claim_stores_the_keys_of_its_words_and_readings(db):
    claim = ClaimFactory(statement="وصول ميليشيات وحفتر إلى طرابلس", claimant="")
    keys = claim.search_keys.split()
    assert word_index_key("مليشيات") in keys  # a spelling variant's key is the same skeleton
    assert word_index_key("حفتر") in keys  # the word without its clitic و
    assert claim.search_keys.startswith(" ") and claim.search_keys.endswith(" ")


def test_search_shows_the_newest_published_claims_first(client):
    from datetime import timedelta

    from django.utils import timezone

    from claims.models import Claim

    now = timezone.now()
    made = [make_claim(statement=f"مرتزق روسي في سرت رقم {n}") for n in range(3)]
    for age, claim in zip((2, 0, 1), made, strict=True):
        Claim.objects.filter(pk=claim.pk).update(published_at=now - timedelta(days=age))
    page = results(client, "مرتزق روسى")
    positions = [page.index(f"رقم {n}") for n in (1, 2, 0)]
    assert positions == sorted(positions)


def test_search_reads_at_most_its_pool_of_candidates_newest_first(client, monkeypatch):
    # The documented bound: the newest POOL claims holding the query's keys are read; a match older than a full
    # pool of same-outline words that do not match (روسي and رئيس share a skeleton) is not shown.
    from datetime import timedelta

    from django.utils import timezone

    from claims.models import Claim
    from claims.public import search as site_search

    monkeypatch.setattr(site_search, "POOL", 3)
    now = timezone.now()
    older = make_claim(statement="مرتزق روسي قديم")
    Claim.objects.filter(pk=older.pk).update(published_at=now - timedelta(days=30))
    assert "قديم" in results(client, "روسي")
    for n in range(3):
        make_claim(statement=f"رئيس المجلس رقم {n}")
    assert "قديم" not in results(client, "روسي")
    monkeypatch.setattr(site_search, "POOL", 4)
    assert "<mark>روسي</mark> قديم" in results(client, "روسي")


def test_the_migration_fills_in_the_keys_of_claims_already_on_file(db):
    import importlib

    from django.apps import apps
    from django.db import connection

    from claims.models import Claim

    claim = ClaimFactory(statement="وصول ميليشيات إلى طرابلس")
    expected = claim.search_keys
    Claim.objects.filter(pk=claim.pk).update(search_keys="")
    migration = importlib.import_module("claims.migrations.0045_search_at_scale")
    migration.backfill(apps, connection.schema_editor())
    claim.refresh_from_db()
    assert claim.search_keys == expected == text_index_keys(claim.search_text)


def test_search_finds_an_entity_only_through_a_published_claim(client):
    named = EntityFactory(name="Fathi Bashagha")
    draft = make_claim(status="draft", verdict="", statement="خبر لم ينشر")
    draft.entities.add(named)
    assert f"/entities/{named.pk}/" not in results(client, "Bashagha")
    make_claim(statement="خبر منشور", claimant_entity=named)
    assert f"/entities/{named.pk}/" in results(client, "Bashagha")
