"""How likely two claims assert the same thing: wording (Arabic-normalized word keys and character trigrams),
shared entities, numbers and dates. Pure Python; ``claims/services/matching.py`` finds candidates and stores
suggestions, an editor decides.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from claims.arabic import Quantity, find_quantities, normalize, skeleton, strip_clitics, tokens

#: Texts whose features (word keys, trigrams, numbers, years, negation) each process keeps: one claim is scored
#: against hundreds of candidates, and the same memory claims come back for every claim of a story; reading the
#: Arabic number words again for each pair was most of the memory's time (docs/benchmarks.md).
TEXT_FEATURES_CACHED = 4096

#: Suggest a pair to the desk from this score up (chosen on the labelled set in docs/matching.md).
SUGGEST_THRESHOLD = 0.35

_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
#: Words that say nothing about what a claim asserts; they would make every pair look alike.
_STOP_SKELETONS = frozenset(
    skeleton(strip_clitics(w)[-1])
    for w in (
        "في",
        "من",
        "الى",
        "على",
        "عن",
        "مع",
        "ان",
        "أن",
        "إن",
        "هذا",
        "هذه",
        "التي",
        "الذي",
        "كان",
        "قد",
        "لا",
        "ما",
        "و",
        "او",
        "ثم",
        "بين",
        "عام",
        "منذ",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "to",
        "and",
        "or",
        "with",
        "that",
        "is",
        "was",
        "by",
        "for",
        "at",
        "from",
    )
)


@dataclass(frozen=True)
class ClaimText:
    """What matching needs from one claim; build it from a model instance or an imported record."""

    text: str
    entities: frozenset[int] = field(default_factory=frozenset)
    #: Partial ISO dates or periods ("2018", "2018-11", "2016/2020") the claim is about or was made on.
    dates: frozenset[str] = field(default_factory=frozenset)
    #: Structured facts that two claims about one event share, e.g. {"place": "moscow", "channel": "video"}.
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Match:
    score: float
    words: float
    trigrams: float
    entities: float | None
    numbers: float | None
    dates: float | None
    conflicts: int


def forget_text_features() -> None:
    """Empty the per-process caches of text features (for benchmarks that measure a cold start)."""
    for cached in (_words, _normalized_words, _quantities, word_keys, trigrams, numbers, _years_of, negated):
        cached.cache_clear()
    _quantity_bounds.cache_clear()


# Each text is read once for each of these, whatever features ask for them: reading Arabic text (normalizing it,
# finding number words) is most of the scoring's cost.
@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def _words(text: str) -> tuple[str, ...]:
    return tuple(tokens(text))


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def _normalized_words(text: str) -> tuple[str, ...]:
    return tuple(tokens(normalize(text)))


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def _quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(find_quantities(text))


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def word_keys(text: str) -> frozenset[str]:
    """Spelling-insensitive keys of the content words: clitics stripped, consonant outline."""
    keys = (skeleton(strip_clitics(word)[-1]) for word in _words(text))
    return frozenset(key for key in keys if len(key) > 1 and key not in _STOP_SKELETONS)


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def trigrams(text: str) -> frozenset[str]:
    """Character trigrams of each normalized word padded like pg_trgm, so scores agree with the database's."""
    grams: set[str] = set()
    for word in _normalized_words(text):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def numbers(text: str) -> frozenset[Decimal]:
    """The quantities of `text` other than years (years are compared as dates)."""
    years = {Decimal(year) for year in _years_of(text)}
    found = {q.value if q.value is not None else q.lower for q in _quantities(text)}
    return frozenset(n for n in found if n is not None and n not in years)


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def _years_of(text: str) -> tuple[int, ...]:
    return tuple(int(year) for year in _YEAR_RE.findall(text))


def year_spans(text: str, dates: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Year intervals the claim speaks of: each year in the text, each date or period ("2016/2020")."""
    spans = [(year, year) for year in _years_of(text)]
    for date in dates:
        years = [int(part[:4]) for part in date.split("/") if part[:4].isdigit()]
        if years:
            spans.append((min(years), max(years)))
    return spans


def _dates_agree(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> float | None:
    if not a or not b:
        return None
    return 1.0 if any(lo_a <= hi_b and lo_b <= hi_a for lo_a, hi_a in a for lo_b, hi_b in b) else 0.0


def _conflicts(a: tuple[tuple[str, str], ...], b: tuple[tuple[str, str], ...]) -> int:
    facts_b = dict(b)
    return sum(1 for key, value in a if key in facts_b and facts_b[key] != value)


def jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _overlap(a: frozenset[object], b: frozenset[object]) -> float:
    """Share of the smaller set found in the other: a paraphrase often drops words, rarely adds them."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def score(a: ClaimText, b: ClaimText) -> Match:
    """A 0-1 score that two claims assert the same thing, with its parts for the desk to see."""
    keys_a, keys_b = word_keys(a.text), word_keys(b.text)
    words = (jaccard(keys_a, keys_b) + _overlap(keys_a, keys_b)) / 2
    grams = jaccard(trigrams(a.text), trigrams(b.text))
    entities = None
    if a.entities and b.entities:
        # One shared name (the article's subject) is weak evidence; two or more start to describe an event.
        entities = jaccard(a.entities, b.entities) * min(1.0, len(a.entities & b.entities) / 2)
    nums_a, nums_b = numbers(a.text), numbers(b.text)
    nums = jaccard(nums_a, nums_b) if nums_a and nums_b else None
    dates = _dates_agree(year_spans(a.text, a.dates), year_spans(b.text, b.dates))
    parts = [(words, 0.4), (grams, 0.3)]
    for value, weight in ((entities, 0.3), (nums, 0.15)):
        if value is not None:
            parts.append((value, weight))
    total = sum(value * weight for value, weight in parts) / sum(weight for _, weight in parts)
    conflicts = _conflicts(a.facts, b.facts)
    # Different numbers, years, places or channels: most likely another event, even in the same words.
    total *= 0.7 ** (conflicts + (nums == 0.0) + (dates == 0.0))
    return Match(
        score=round(min(1.0, total), 4),
        words=round(words, 4),
        trigrams=round(grams, 4),
        entities=entities,
        numbers=nums,
        dates=dates,
        conflicts=conflicts,
    )


# --- quantity series --------------------------------------------------------------------------------------------

#: A quantity claim scoring at least this against a series is proposed as a member (claims.services.series).
SERIES_THRESHOLD = 0.4


@dataclass(frozen=True)
class SeriesText:
    """What a series is matched on: its subject and names (each a phrase), who is counted, unit and place."""

    phrases: tuple[str, ...]
    entity: int | None = None
    unit: str = ""
    place: str = ""


def _same_term(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return normalize(text).strip().rstrip("s")  # "fighters" and "fighter" count the same thing

    return key(a) == key(b)


def series_score(series: SeriesText, *, text: str, entities: frozenset[int], unit: str, place: str) -> float:
    """How surely a quantity claim (its subject and statements in ``text``) counts what ``series`` counts, 0 to 1.

    Subject words weigh most (the largest share of the words of one of the series' phrases, its subject or a
    name, that the claim uses, spelling-insensitive); counting the series' entity weighs nearly as much; a unit or place that differs takes away, since "2,000 fighters" and "2,000 dollars" or
    "in Syria" count something else.
    """
    used = word_keys(text)
    shares = [len(wanted & used) / len(wanted) for wanted in map(word_keys, series.phrases) if wanted]
    value = 0.55 * max(shares, default=0.0) + (0.4 if series.entity is not None and series.entity in entities else 0.0)
    if series.unit and unit:
        value += 0.15 if _same_term(series.unit, unit) else -0.3
    if series.place and place:
        value += 0.1 if _same_term(series.place, place) else -0.2
    return round(min(1.0, max(0.0, value)), 3)


# --- the fact-check memory: embeddings checked by quantities, years, negation and names -----------------------

#: Words that negate what a claim asserts, matched as whole normalized words (claims.arabic.normalize): Arabic
#: particles and verbs of denial, English ones. "ما" is left out: it is as often "what" or "that".
_NEGATION_WORDS = frozenset(
    normalize(word)
    for word in (
        "لا",
        "لم",
        "لن",
        "ليس",
        "ليست",
        "ليسوا",
        "لست",
        "غير",
        "عدم",
        "بدون",
        "نفى",
        "نفت",
        "ينفي",
        "تنفي",
        "نفي",
        "ينفون",
        "كذب",
        "no",
        "not",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nor",
        "without",
        "deny",
        "denies",
        "denied",
        "denying",
        "isn",
        "aren",
        "wasn",
        "weren",
        "doesn",
        "didn",
        "don",
        "won",
        "hasn",
        "haven",
        "cannot",
        "can't",
    )
)


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def negated(text: str) -> bool:
    """Whether `text` holds a negation word (its own, or a clitic-prefixed Arabic one such as ولم)."""
    for word in _normalized_words(text):
        if word in _NEGATION_WORDS or strip_clitics(word)[-1] in _NEGATION_WORDS:
            return True
        if word[:1] in ("و", "ف") and word[1:] in _NEGATION_WORDS:  # ولم، فلا: the conjunction glued on
            return True
    return False


@lru_cache(maxsize=TEXT_FEATURES_CACHED)
def _quantity_bounds(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    """Each quantity of `text` (years left out) as an interval: a point, a range, an approximate point ±20%,
    an "at least"/"at most" bound open on one side."""
    years = {Decimal(year) for year in _years_of(text)}
    spans: list[tuple[Decimal, Decimal]] = []
    for q in _quantities(text):
        if q.value is not None:
            if q.value in years:
                continue
            slack = abs(q.value) * Decimal("0.2") if q.approximate else Decimal(0)
            spans.append((q.value - slack, q.value + slack))
        elif q.lower is not None or q.upper is not None:
            lower = q.lower if q.lower is not None else Decimal("-Infinity")
            upper = q.upper if q.upper is not None else Decimal("Infinity")
            spans.append((lower, upper))
    return tuple(spans)


@dataclass(frozen=True)
class Checks:
    """What two claims disagree on, each compared on its own (an embedding hardly tells "2,000" from "5,000", or a
    claim from its denial): True when both say something and it differs."""

    numbers: bool
    years: bool
    negation: bool
    entities: bool
    facts: int

    @property
    def any(self) -> bool:
        return self.numbers or self.years or self.negation or self.entities or self.facts > 0


def checks(a: ClaimText, b: ClaimText) -> Checks:
    nums_a, nums_b = _quantity_bounds(a.text), _quantity_bounds(b.text)
    numbers_differ = bool(nums_a and nums_b) and not any(
        lo_a <= hi_b and lo_b <= hi_a for lo_a, hi_a in nums_a for lo_b, hi_b in nums_b
    )
    years_differ = _dates_agree(year_spans(a.text, a.dates), year_spans(b.text, b.dates)) == 0.0
    entities_differ = bool(a.entities and b.entities) and not (a.entities & b.entities)
    return Checks(
        numbers=numbers_differ,
        years=years_differ,
        negation=negated(a.text) != negated(b.text),
        entities=entities_differ,
        facts=_conflicts(a.facts, b.facts),
    )


@dataclass(frozen=True)
class MemoryWeights:
    """How the memory's score is made (chosen on the train splits only: bench/claim_matching.py, docs/matching.md).

    score = cosine + lexical × lexical score − a penalty for each check that disagrees.
    """

    lexical: float = 0.25
    numbers: float = 0.0
    years: float = 0.0
    negation: float = 0.0
    entities: float = 0.05
    facts: float = 0.05
    #: Added when one text is Arabic and the other not: a translation's cosine runs lower than a paraphrase's, and
    #: their words share nothing (docs/matching.md says how it was estimated).
    cross_language: float = 0.05


MEMORY_WEIGHTS = MemoryWeights()


def memory_score(cosine: float | None, a: ClaimText, b: ClaimText, weights: MemoryWeights = MEMORY_WEIGHTS) -> float:
    """The memory's score for a pair: the embeddings' cosine (when there are embeddings; else the lexical score
    alone, scaled alike) plus the lexical score, minus the checks that disagree."""
    lexical = score(a, b).score
    found = checks(a, b)
    base = cosine if cosine is not None else lexical
    value = base + weights.lexical * lexical
    if cosine is not None and arabic_script(a.text) != arabic_script(b.text):
        value += weights.cross_language
    value -= weights.numbers * found.numbers + weights.years * found.years + weights.negation * found.negation
    value -= weights.entities * found.entities + weights.facts * min(found.facts, 2)
    return round(value, 4)


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def arabic_script(text: str) -> bool:
    """Whether most of the letters of `text` are Arabic."""
    return len(_ARABIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


def refused(found: Checks) -> bool:
    """Never the same claim, however alike: a different number, a year that does not overlap, or one of the two
    denying what the other asserts (an embedding scores "2,000 fighters" and "5,000 fighters" 0.98)."""
    return found.numbers or found.years or found.negation


@dataclass(frozen=True)
class GapRule:
    """Which ranked candidates are "the same claim": the best one when its score reaches ``floor`` and it leads
    the next by ``gap`` or more, or when it reaches ``sure`` whatever the gap; after it, each next one that
    reaches ``sure`` too (a claim checked by several desks). A fixed threshold alone fails: true pairs and near
    misses overlap in cosine, but a true pair usually stands out from the rest of its candidates."""

    floor: float
    gap: float
    sure: float


def decide(ranked: list[float], rule: GapRule) -> int:
    """How many of the best-first scores `ranked` are accepted (0 when none). Leave out the refused candidates
    first (``refused``): they are other claims, neither the match nor its competition."""
    if not ranked:
        return 0
    best = ranked[0]
    runner_up = ranked[1] if len(ranked) > 1 else None
    leads = runner_up is None or best - runner_up >= rule.gap
    if not (best >= rule.sure or (best >= rule.floor and leads)):
        return 0
    accepted = 1
    while accepted < len(ranked) and ranked[accepted] >= rule.sure:
        accepted += 1
    return accepted


#: The memory's decision (chosen on the train splits: docs/matching.md).
MEMORY_RULE = GapRule(floor=0.94, gap=0.02, sure=0.96)
