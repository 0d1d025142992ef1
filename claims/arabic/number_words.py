"""The words of numbers in Arabic and English: what each means to the parser, and numbers written out.

Arabic words are listed as written (with hamza, taa marbuta, alef maqsura) and looked up by their search key,
so every spelling that normalizes alike (مائة, مئة, ماية) is understood.
"""

from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from claims.arabic.words import search_key


class Lexeme(NamedTuple):
    """What a number word contributes.

    kind: "unit" (1-19), "ten" (20-90), "hundred" (Arabic 100-900, a value of its own), "times_hundred"
    (English "hundred", multiplies what precedes), "scale" (thousand, million, billion), "dozen", "vague"
    (عشرات, hundreds: a range), "few" (بضعة, several: three to nine of what follows), "article" (English
    "a"/"an" before a scale), "half" (ونصف after a scale), "and" (English "and").
    form: for Arabic units "teen" marks forms that only start a compound (أحد عشر); for Arabic scales "one"
    (ألف), "two" (ألفان) or "plural" (آلاف).
    """

    kind: str
    value: Decimal
    lang: str
    form: str = ""


_AR_UNITS = {
    1: ("واحد", "واحدة"),
    2: ("اثنان", "اثنين", "اثنتان", "اثنتين"),
    3: ("ثلاثة", "ثلاث"),
    4: ("أربعة", "أربع"),
    5: ("خمسة", "خمس"),
    6: ("ستة", "ست"),
    7: ("سبعة", "سبع"),
    8: ("ثمانية", "ثماني", "ثمان", "ثمانى"),
    9: ("تسعة", "تسع"),
    10: ("عشرة", "عشر"),
}
_AR_TEEN_ONLY = {1: ("أحد", "إحدى"), 2: ("اثنا", "اثني", "اثنتا", "اثنتي")}
_AR_TENS = {
    20: ("عشرون", "عشرين"),
    30: ("ثلاثون", "ثلاثين"),
    40: ("أربعون", "أربعين"),
    50: ("خمسون", "خمسين"),
    60: ("ستون", "ستين"),
    70: ("سبعون", "سبعين"),
    80: ("ثمانون", "ثمانين"),
    90: ("تسعون", "تسعين"),
}
_AR_HUNDRED_STEMS = {
    3: ("ثلاث", "ثلث"),
    4: ("أربع",),
    5: ("خمس",),
    6: ("ست",),
    7: ("سبع",),
    8: ("ثمان", "ثماني"),
    9: ("تسع",),
}
_AR_SCALES = {
    1000: {"one": ("ألف",), "two": ("ألفان", "ألفين", "ألفا", "ألفي"), "plural": ("آلاف", "ألوف")},
    10**6: {
        "one": ("مليون",),
        "two": ("مليونان", "مليونين", "مليونا", "مليوني"),
        "plural": ("ملايين",),
    },
    10**9: {
        "one": ("مليار", "بليون"),
        "two": ("ملياران", "مليارين", "مليارا", "ملياري", "بليونان", "بليونين"),
        "plural": ("مليارات", "بلايين"),
    },
}
_AR_VAGUE = {10: ("عشرات",), 100: ("مئات",)}
_AR_FEW = ("بضعة", "بضع", "عدة")

_EN_UNITS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_EN_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9}
_EN_VAGUE = {
    "tens": 10,
    "dozens": 12,
    "hundreds": 100,
    "thousands": 1000,
    "millions": 10**6,
    "billions": 10**9,
}


@cache
def lexicon() -> dict[str, Lexeme]:
    """Every number word, by search key."""
    entries: dict[str, Lexeme] = {}

    def add(words: Iterable[str], lexeme: Lexeme) -> None:
        for word in words:
            entries[search_key(word)] = lexeme

    for value, words in _AR_UNITS.items():
        add(words, Lexeme("unit", Decimal(value), "ar"))
    for value, words in _AR_TEEN_ONLY.items():
        add(words, Lexeme("unit", Decimal(value), "ar", "teen"))
    for value, words in _AR_TENS.items():
        add(words, Lexeme("ten", Decimal(value), "ar"))
    add(("مائة", "مئة", "ماية", "مية"), Lexeme("hundred", Decimal(100), "ar"))
    add(
        ("مائتان", "مائتين", "مئتان", "مئتين", "مائتا", "مائتي", "مئتا", "مئتي"),
        Lexeme("hundred", Decimal(200), "ar"),
    )
    for value, stems in _AR_HUNDRED_STEMS.items():
        add(
            [stem + hundred for stem in stems for hundred in ("مائة", "مئة")],
            Lexeme("hundred", Decimal(value * 100), "ar"),
        )
    for value, forms in _AR_SCALES.items():
        for form, words in forms.items():
            add(words, Lexeme("scale", Decimal(value), "ar", form))
    for value, words in _AR_VAGUE.items():
        add(words, Lexeme("vague", Decimal(value), "ar"))
    add(_AR_FEW, Lexeme("few", Decimal(1), "ar"))
    add(("نصف",), Lexeme("half", Decimal("0.5"), "ar"))

    for value, word in enumerate(_EN_UNITS, start=1):
        add((word,), Lexeme("unit", Decimal(value), "en"))
    for value, word in zip(range(20, 100, 10), _EN_TENS, strict=True):
        add((word,), Lexeme("ten", Decimal(value), "en"))
    add(("hundred",), Lexeme("times_hundred", Decimal(100), "en"))
    for word, value in _EN_SCALES.items():
        add((word,), Lexeme("scale", Decimal(value), "en"))
    for word, value in _EN_VAGUE.items():
        add((word,), Lexeme("vague", Decimal(value), "en"))
    add(("dozen",), Lexeme("dozen", Decimal(12), "en"))
    add(("several", "few"), Lexeme("few", Decimal(1), "en"))
    add(("a", "an"), Lexeme("article", Decimal(1), "en"))
    add(("and",), Lexeme("and", Decimal(0), "en"))
    return entries
