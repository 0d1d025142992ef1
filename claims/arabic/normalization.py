"""The one text normalization for search, claim matching and evidence passage checks.

Never applied to stored text: it builds comparison keys, and `normalize_with_map` leads a match found in a
key back to the span of the original text, in code points.
"""

import bisect
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

# Arabic vowel marks, shadda, sukun, hamza/madda above and below, superscript alef, Quranic annotation signs,
# and the Latin/Cyrillic combining accents (so "Erdoğan" meets "Erdogan").
_DROPPED_MARK_RANGES = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x0674, 0x0674),
    (0x06D6, 0x06ED),
    (0x08D3, 0x08E1),
    (0x08E3, 0x08FF),
)

#: Arabic-Indic (٠–٩) and Eastern Arabic, Persian/Urdu (۰–۹), digits as ASCII: part of normalize(), and alone in
#: ascii_digits() for parsers that must keep every other character (dates, typed numbers).
_DIGIT_MAP = {chr(0x0660 + d): str(d) for d in range(10)} | {chr(0x06F0 + d): str(d) for d in range(10)}
_ASCII_DIGITS = str.maketrans(_DIGIT_MAP)
_LETTER_MAP = {
    "\u0640": "",  # tatweel: stretches a word for layout only
    "\u0671": "\u0627",  # alef wasla
    "\u0672": "\u0627",  # alef with wavy hamza above
    "\u0673": "\u0627",  # alef with wavy hamza below
    "\u0649": "\u064a",  # alef maqsura -> yaa
    "\u06cc": "\u064a",  # Persian yeh, common from Persian keyboards
    "\u0629": "\u0647",  # taa marbuta -> haa
    "\u06a9": "\u0643",  # Persian keheh -> kaf
    "\u066b": ".",  # Arabic decimal separator
    "\u066c": ",",  # Arabic thousands separator
    "\u066a": "%",
}
_LETTER_MAP.update(_DIGIT_MAP)
_LETTER_MAP.update(dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e", '"'))
_LETTER_MAP.update(dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"))
_LETTER_MAP.update(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"))


@cache
def _fold_char(char: str) -> str:
    """What one character of the decomposed, casefolded text becomes."""
    code = ord(char)
    if any(low <= code <= high for low, high in _DROPPED_MARK_RANGES):
        return ""
    if char in _LETTER_MAP:
        return _LETTER_MAP[char]
    if unicodedata.category(char) == "Cf":  # bidi controls, zero-width joiners, soft hyphen
        return ""
    return char


@lru_cache(maxsize=8192)
def _normalize_cluster(cluster: str) -> str:
    # NFKD and casefold twice: the Unicode "compatibility caseless match" recipe, which is stable under
    # repetition (casefolding can produce characters that decompose further, and the other way round).
    decomposed = unicodedata.normalize("NFKD", cluster.casefold())
    decomposed = unicodedata.normalize("NFKD", decomposed.casefold())
    folded = "".join(_fold_char(char) for char in decomposed)
    return unicodedata.normalize("NFC", folded)


@cache
def _composes_backward() -> frozenset[str]:
    """Characters that canonical composition can fuse with what precedes them (NFC_Quick_Check = Maybe)."""
    chars = set()
    for code in range(0x30000):
        decomposition = unicodedata.decomposition(chr(code))
        if not decomposition or decomposition.startswith("<"):
            continue
        parts = decomposition.split()
        if len(parts) == 2 and unicodedata.normalize("NFC", chr(code)) == chr(code):
            chars.add(chr(int(parts[1], 16)))
    # Hangul vowel and final jamo compose algorithmically, so they are missing from the decomposition table.
    chars.update(chr(code) for code in range(0x1161, 0x1176))
    chars.update(chr(code) for code in range(0x11A8, 0x11C3))
    return frozenset(chars)


@cache
def _starts_cluster(char: str) -> bool:
    """Whether normalization can never reach back from `char` into the text before it."""
    if char in _composes_backward():
        return False
    decomposed = unicodedata.normalize("NFKD", char)
    return not decomposed or unicodedata.combining(decomposed[0]) == 0


def _clusters(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of runs that normalize independently of each other: a base and its marks."""
    start = 0
    for index in range(1, len(text)):
        if _starts_cluster(text[index]):
            yield start, index
            start = index
    if text:
        yield start, len(text)


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalize `text` and give, for each code point of the result, the index of the original code point
    it came from (characters produced by one decomposition or one collapsed whitespace run share the index
    of its first code point). The mapping is non-decreasing.
    """
    out: list[str] = []
    origin: list[int] = []
    pending_space: int | None = None
    for start, end in _clusters(text):
        for char in _normalize_cluster(text[start:end]):
            if char.isspace():
                if pending_space is None:
                    pending_space = start
                continue
            if pending_space is not None and out:
                out.append(" ")
                origin.append(pending_space)
            pending_space = None
            out.append(char)
            origin.append(start)
    return "".join(out), origin


def ascii_digits(text: str) -> str:
    """`text` with its Arabic-Indic and Eastern Arabic digits as ASCII ones (٢٠١٩ → 2019); nothing else changes."""
    return text.translate(_ASCII_DIGITS)


def normalize(text: str) -> str:
    """The comparison form of `text`.

    NFKC; Arabic harakat, Quranic marks, tatweel and Latin accents removed; alef forms (أ إ آ ٱ) → ا;
    ى → ي; ة → ه; hamza on a carrier → the carrier (ؤ → و, ئ → ي); Arabic-Indic and Eastern digits → ASCII;
    casefolded; typographic quotes and dashes → ASCII; invisible format characters dropped; whitespace runs
    → one space, none at the ends. A lone hamza ء is kept: it is a letter of its own (سوء, شيء) and dropping it
    merges real words; `skeleton` drops it for the looser key. Idempotent.
    """
    return normalize_with_map(text)[0]


def original_span(text: str, mapping: list[int], start: int, end: int) -> tuple[int, int]:
    """Turn the span [start, end) of `normalize_with_map(text)` into a span of `text`.

    The original span covers the diacritics and invisible characters of the matched letters and never ends
    in whitespace or invisible characters.
    """
    if not 0 <= start < end <= len(mapping):
        raise ValueError(f"span {start}-{end} is not inside a normalized text of length {len(mapping)}")
    original_start = mapping[start]
    # The next normalized character from a later original one; characters of one expansion (ﷲ → الله) share it.
    following = bisect.bisect_right(mapping, mapping[end - 1])
    original_end = mapping[following] if following < len(mapping) else len(text)
    while original_end > original_start + 1 and _is_trailing_filler(text[original_end - 1]):
        original_end -= 1
    return original_start, original_end


def _is_trailing_filler(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cf"
