"""Arabic (and English) text handling for search, claim matching and quantity suggestions: the one
normalization, word keys and spelling-variant matching, number parsing, language detection.
"""

from claims.arabic.language import detect_language, direction_for
from claims.arabic.normalization import ascii_digits, normalize, normalize_with_map, original_span
from claims.arabic.numbers import Quantity, find_quantities, parse_quantity
from claims.arabic.words import (
    Token,
    find_similar,
    scan,
    search_key,
    similar_words,
    skeleton,
    strip_clitics,
    text_index_keys,
    text_similarity,
    tokens,
    word_index_key,
)

__all__ = [
    "Quantity",
    "Token",
    "ascii_digits",
    "detect_language",
    "direction_for",
    "find_quantities",
    "find_similar",
    "normalize",
    "normalize_with_map",
    "original_span",
    "parse_quantity",
    "scan",
    "search_key",
    "similar_words",
    "skeleton",
    "strip_clitics",
    "text_index_keys",
    "text_similarity",
    "tokens",
    "word_index_key",
]
