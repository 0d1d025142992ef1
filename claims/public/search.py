"""Site search over published claims, their entities and articles, blind to Arabic diacritics, spelling variants
and Latin case.

Every word of the query must match a word of the stored ``search_text`` (``claims.arabic.normalize``d): equal
keys first, spelling variants (``ميليشيات``/``مليشيات``) through ``claims.arabic.similar_words``. Claims are
read newest published first: the database narrows them to those whose ``search_keys`` hold every query word's
``word_index_key`` (which every match holds, so none is missed), at most ``POOL`` of them, and
``matches`` decides. Entities come from the pg_trgm GIN index on PostgreSQL, elsewhere from a plain scan, which
a small desk affords.

A number of the query, in any written form (`2000`, `2,000`, `٢٠٠٠`, `ألفين`, `two thousand`), finds claims
holding that number in any form (``Claim.search_numbers``); the query's other words are matched as above.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from claims.arabic import normalize, scan, search_key, similar_words, strip_clitics, tokens, word_index_key
from claims.arabic.number_forms import contains_key, query_numbers
from claims.models import Article, Claim, Entity
from claims.models.claims import MAX_QUERY_TERMS

LIMIT = 30
#: Claims read at most per search, newest published first, for ``matches`` to keep ``LIMIT`` of: the
#: keys narrow to words alike in outline, and a few of those differ too much (``روسي``/``رئيس``).
POOL = LIMIT * 10


@dataclass
class Results:
    claims: list
    entities: list
    articles: list

    def __bool__(self) -> bool:
        return bool(self.claims or self.entities or self.articles)


def query_words(query: str) -> list[str]:
    return list(dict.fromkeys(tokens(query)))[:8]


def matches(words: list[str], search_text: str) -> bool:
    """Whether every query word is a word (or a spelling variant of a word) of the normalized ``search_text``."""
    # Each stored word also stands for its readings without clitics, so "حفتر" finds "وحفتر".
    stored = {reading for word in tokens(search_text) for reading in strip_clitics(word)}
    return all(word in stored or any(similar_words(word, other) for other in stored) for word in words)


def search(query: str) -> Results:
    words = query_words(query)
    if not words:
        return Results([], [], [])
    numbers, other_words = query_numbers(query)
    published = Claim.objects.published()
    for value in numbers[:MAX_QUERY_TERMS]:
        published = published.filter(search_numbers__contains=contains_key(value))
    claims = _find_claims(published, query_words(other_words))
    # Exists per candidate entity, not a join to every link: the most named entity has tens of thousands.
    named = Exists(Claim.objects.published().filter(entities=OuterRef("pk")))
    made = Exists(Claim.objects.published().filter(claimant_entity=OuterRef("pk")))
    entities = _find(Entity.objects.filter(named | made), words, "search_text")
    article_ids = Claim.objects.published().values("article_id")
    articles = [
        a
        for a in Article.objects.filter(pk__in=article_ids).order_by("-published_at", "-id")[:500]
        if matches(words, normalize(f"{a.title} {a.publisher}"))
    ][:LIMIT]
    return Results(claims=claims, entities=entities, articles=articles)


def _find_claims(published, words: list[str]) -> list:
    """The newest ``LIMIT`` published claims matching every word, among the newest ``POOL`` holding their keys.

    ``LIKE '% key %'`` on ``search_keys`` is a cheap test per row: the database walks the newest claims
    (``claim_public_recent``) until it has enough when the words are common, and reads the GIN trigram index
    (``claim_keys_trgm``) when they are rare; on SQLite the same query scans.
    """
    for word in words:
        published = published.filter(search_keys__contains=f" {word_index_key(word)} ")
    newest = published.order_by("-published_at", "-id")
    # The first LIMIT candidates first: they nearly always all match, and the walk stops at a page's worth of rows
    # (a tenth of the pool's); the rest of the pool only when some did not.
    head = min(LIMIT, POOL)
    first = list(newest[:head])
    found = [claim for claim in first if matches(words, claim.search_text)]
    if len(first) == head and len(found) < LIMIT:
        for claim in newest[head:POOL]:
            if matches(words, claim.search_text):
                found.append(claim)
                if len(found) == LIMIT:
                    break
    return found


def _find(queryset, words: list[str], field: str) -> list:
    """Rows of ``queryset`` whose ``field`` matches every word, candidates narrowed by the database first."""
    if connection.vendor == "postgresql":
        for word in words:
            # The word itself or a close spelling: LIKE and pg_trgm's word-similarity operator (<%), both
            # answered from the GIN trigram index (migration 0006).
            queryset = queryset.filter(
                Q(**{f"{field}__contains": word}) | Q(**{f"{field}__trigram_word_similar": word})
            )
        candidates = queryset[: LIMIT * 10]
    else:
        candidates = queryset.iterator(chunk_size=2000)
    found = []
    for row in candidates:
        if matches(words, getattr(row, field)):
            found.append(row)
            if len(found) == LIMIT:
                break
    return found


def highlight(text: str, query: str) -> SafeString:
    """``text`` escaped, with every word that matches a query word wrapped in ``<mark>``.

    Escapes each piece before marking, so nothing of ``text`` can ever become markup.
    """
    keys = {search_key(word) for word in query_words(query)}
    if not keys:
        return escape(text)
    out: list[str] = []
    position = 0
    for token in scan(text):
        readings = strip_clitics(token.text) if token.kind == "word" else ()
        if not any(similar_words(reading, key) for reading in readings for key in keys):
            continue
        out.append(escape(text[position : token.start]))
        out.append(f"<mark>{escape(text[token.start : token.end])}</mark>")
        position = token.end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped above)
