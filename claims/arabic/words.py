"""Words of normalized text and how loosely two spellings may be called the same word.

Three levels, strictest first:

1. `search_key` / `tokens`: the normalized word (`normalize`): diacritics, alef and hamza forms, ة/ه, ى/ي,
   digits and Latin case no longer matter. `الإتصال` and `الاتصال` share this key.
2. `strip_clitics`: also the word without the conjunctions and prepositions Arabic writes onto it
   (و ف ب ل ك) and the article ال, so `وحفتر` and `لحفتر` reach `حفتر`. It gives every plausible reading,
   including wrong ones (`بوتين` also yields `وتين`); index them all, query with the plain key.
3. `skeleton`: the consonant outline, dropping ء and the long vowels ا و ي after the first letter (Latin: the
   vowels, and doubled letters), so `ميليشيات`/`مليشيات` and `السوفيتي`/`السوفييتي` share it. Too loose to
   decide alone (`قال`, `قيل` and `قول` share it too): use it to fetch candidates, then `similar_words`.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import NamedTuple, cast

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from claims.arabic.normalization import normalize_with_map, original_span

_ARABIC_LETTER_RE = re.compile(r"[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
_LONG_VOWELS = frozenset("اوي")
_LATIN_VOWELS = frozenset("aeiouy")
_CLITIC_LETTERS = frozenset("وفبلك")
# Conjunction, then preposition, then article; ل + ال is written لل. Shortest first, so longer stems come first.
_CLITIC_PREFIXES = sorted(
    {
        conjunction + ("لل" if preposition == "ل" and article else preposition + article)
        for conjunction in ("", "و", "ف")
        for preposition in ("", "ب", "ل", "ك")
        for article in ("", "ال")
    }
    - {""},
    key=len,
)


class Token(NamedTuple):
    """One word, number or punctuation mark: its normalized text and its span [start, end) in the original."""

    text: str
    kind: str  # "word", "number" or "symbol"
    start: int
    end: int


def scan(text: str) -> list[Token]:
    """Split `text` into normalized tokens that remember where they stand in `text` (code points).

    Digits are split from letters, so `ب2000` gives `ب` and `2000`; combining marks of scripts other than
    Arabic and Latin stay inside their word.
    """
    normalized, mapping = normalize_with_map(text)
    found = []
    for match in _token_re().finditer(normalized):
        start, end = original_span(text, mapping, *match.span())
        found.append(Token(match.group(), cast(str, match.lastgroup), start, end))  # every alternative is named
    return found


@cache
def _token_re() -> re.Pattern[str]:
    """Numbers, words (letters with their combining marks, e.g. Devanagari vowel signs), punctuation."""
    return re.compile(
        rf"(?P<number>[0-9]+(?:[.,][0-9]+)*)|(?P<word>[^\W\d_](?:[^\W\d_]|[{_mark_ranges()}])*)"
        r"|(?P<symbol>[^\w\s])"
    )


def _mark_ranges() -> str:
    ranges: list[list[int]] = []
    for code in range(0x30000):
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)


def tokens(text: str) -> list[str]:
    """The search keys of the words and numbers of `text`, in order."""
    return [token.text for token in scan(text) if token.kind != "symbol"]


@lru_cache(maxsize=65536)
def search_key(word: str) -> str:
    """The strict key of one word (level 1): its normalized form without spaces or punctuation."""
    return "".join(tokens(word))


@lru_cache(maxsize=65536)
def strip_clitics(word: str) -> tuple[str, ...]:
    """The key of `word`, then its readings without prefixed و/ف, ب/ل/ك and ال (level 2), longest first.

    A reading is kept only when at least three letters remain, so short words are left whole.
    """
    key = search_key(word)
    readings = [key[len(prefix) :] for prefix in _CLITIC_PREFIXES if key.startswith(prefix)]
    return (key, *(reading for reading in dict.fromkeys(readings) if len(reading) >= 3 and reading != key))


def skeleton(word: str) -> str:
    """The loose key of one word (level 3): consonant outline for candidate lookup, never for a verdict."""
    key = search_key(word)
    if not key:
        return key
    is_arabic = bool(_ARABIC_LETTER_RE.match(key))
    vowels = _LONG_VOWELS if is_arabic else _LATIN_VOWELS
    outline = [key[0]]
    for char in key[1:]:
        if char == "ء" or char in vowels or char == outline[-1]:
            continue
        outline.append(char)
    return "".join(outline)


#: Keys shorter than this are compared whole by ``similar_words``; longer ones may differ within their skeleton.
_SKELETON_MIN = 4


def word_index_key(word: str) -> str:
    """The one key under which ``similar_words`` can find `word` (level 1 or 3): its key when shorter than four
    letters (only equal keys are alike then), else ``~`` and its skeleton. Two words alike share it, so a text
    indexed by the keys of its readings (``text_index_keys``) is found by every word that matches it; words with
    the same key may still differ too much (``قال``/``قيل``), which ``similar_words`` then decides."""
    key = search_key(word)
    return key if len(key) < _SKELETON_MIN else f"~{skeleton(key)}"


def text_index_keys(text: str) -> str:
    """The ``word_index_key`` of every reading (``strip_clitics``) of every word of `text`, once each and
    space-padded (`` k1 ~k2 ``), so that ``LIKE '% key %'`` asks whether a word of `text` may match a query word."""
    keys = dict.fromkeys(word_index_key(reading) for word in tokens(text) for reading in strip_clitics(word))
    keys.pop("", None)
    return f" {' '.join(keys)} " if keys else ""


def similar_words(a: str, b: str) -> bool:
    """Whether `a` and `b` are spelling variants of one word.

    True when their keys are equal, or when they share a skeleton, are at least four letters long and differ
    by at most one edit per four letters (`ميليشيات`/`مليشيات`, `السوفيتي`/`السوفييتي`, `Shoigu`/`Shoygu`),
    which keeps short words such as `قال` and `قيل` apart.
    """
    key_a, key_b = search_key(a), search_key(b)
    if key_a == key_b:
        return True
    shortest = min(len(key_a), len(key_b))
    if shortest < _SKELETON_MIN or skeleton(key_a) != skeleton(key_b):
        return False
    return Levenshtein.distance(key_a, key_b) <= max(1, shortest // 4)


def find_similar(word: str, vocabulary: Iterable[str], limit: int = 10) -> list[str]:
    """The words of `vocabulary` that are spelling variants of `word`, closest first."""
    key = search_key(word)
    candidates = process.extract(
        key, list(vocabulary), scorer=fuzz.ratio, processor=search_key, limit=None, score_cutoff=60
    )
    return [candidate for candidate, _, _ in candidates if similar_words(key, candidate)][:limit]


def text_similarity(a: str, b: str) -> float:
    """How alike two texts are in wording, 0 to 1, insensitive to spelling variants and word order.

    Compares the skeletons of the words without clitics, so "the same claim in other words" scores high
    and unrelated texts low; a search backend should still confirm with a human.
    """
    words_a = " ".join(sorted(skeleton(strip_clitics(word)[-1]) for word in tokens(a)))
    words_b = " ".join(sorted(skeleton(strip_clitics(word)[-1]) for word in tokens(b)))
    if not words_a or not words_b:
        return 0.0
    return fuzz.token_set_ratio(words_a, words_b) / 100


type PhraseTable[V] = dict[str, list[tuple[tuple[str, ...], V]]]


def phrase_table[V](entries: Iterable[tuple[str, V]]) -> PhraseTable[V]:
    """Prepare (phrase, value) pairs for `match_phrase`: phrases as search keys, by first word, longest first."""
    table: PhraseTable[V] = {}
    for phrase, value in entries:
        keys = tuple(token.text for token in scan(phrase))
        table.setdefault(keys[0], []).append((keys, value))
    for candidates in table.values():
        candidates.sort(key=lambda entry: -len(entry[0]))
    return table


def match_phrase[V](
    found: Sequence[Token], index: int, table: PhraseTable[V], *, definite: bool = False
) -> tuple[V, int] | None:
    """The value and end index of the longest phrase of `table` starting at `found[index]`, or None.

    The first word may carry up to two clitic letters (و ف ب ل ك), as in `بحوالي` or `والأربعاء`, and with
    `definite` also the article (`المقاتلين` for `مقاتلين`).
    """
    if index >= len(found):
        return None
    first = found[index].text
    stems = [first]
    for cut in (1, 2):
        if len(first) > cut and all(char in _CLITIC_LETTERS for char in first[:cut]):
            stems.append(first[cut:])
    if definite:
        stems.extend(strip_clitics(first))
    best: tuple[V, int] | None = None
    for stem in dict.fromkeys(stems):
        for keys, value in table.get(stem, ()):
            end = index + len(keys)
            if best is not None and end <= best[1]:
                break
            if end <= len(found) and all(found[index + k].text == key for k, key in enumerate(keys[1:], start=1)):
                best = (value, end)
                break
    return best
