"""Quantities in claim text: numbers in digits or words, Arabic or English, with their hedges, ranges and units.

`بحوالي ألفين` gives 2000, approximate; `أكثر من 300 مقاتل` a lower bound of 300 fighters; `بين 2 و3 ملايين`
the range 2,000,000-3,000,000. Vague plurals are ranges, approximate, without a value: عشرات/tens 20-99,
مئات/hundreds 200-999, آلاف/thousands 2,000-9,999, عشرات الآلاف/tens of thousands 20,000-99,999 (in general
2 to 10 times the word's unit, less one); dozens 24-119; بضعة/عدة/several/a few N: 3 to 9 N.
"""

from dataclasses import dataclass
from decimal import Decimal

from claims.arabic.calendar_words import YEAR_CONTEXT, YEAR_SUFFIXES, is_month_name
from claims.arabic.number_phrases import NumberPhrase, Reading, number_at, read_token
from claims.arabic.words import Token, match_phrase, phrase_table, scan


@dataclass(frozen=True)
class Quantity:
    """A number found in text. `value` is set for a point estimate (possibly approximate); `lower`/`upper`
    for bounds and ranges; `start`/`end` are code points of `text`, covering hedge, number and unit.
    """

    value: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    approximate: bool
    unit: str | None
    matched: str
    start: int
    end: int


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in `text`; when there is none, a year or a lone "one" counts too."""
    found = _find(text, strict=True) or _find(text, strict=False)
    return found[0] if found else None


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in `text`, in order. Years (`عام 2018`, `1977-1978` after الفترة), day numbers of dates
    (`4 أبريل`) and a lone "one"/أحد (usually "one of") are left out.
    """
    return _find(text, strict=True)


_APPROXIMATE, _AT_LEAST, _AT_MOST = "approximate", "lower", "upper"
_HEDGES = {
    _APPROXIMATE: "حوالي|حوالى|نحو|قرابة|زهاء|ما يقارب|يقارب|ما يقرب من|يقرب من|ما يناهز|يناهز|تقريبا|about|around"
    "|approximately|roughly|nearly|almost|some|an estimated|estimated|circa",
    _AT_LEAST: "أكثر من|ما يزيد عن|ما يزيد على|يزيد عن|يزيد على|ما لا يقل عن|لا يقل عن|ما يربو على|يربو على|أزيد من"
    "|over|more than|at least|upwards of|in excess of|no fewer than|no less than|greater than|above",
    _AT_MOST: "أقل من|ما يقل عن|لا يزيد عن|لا يزيد على|ما لا يزيد عن|ما لا يزيد على|ما يصل إلى|يصل إلى|less than"
    "|fewer than|under|up to|at most|no more than|below",
}
_HEDGES_BEFORE = phrase_table((phrase, kind) for kind, phrases in _HEDGES.items() for phrase in phrases.split("|"))
_HEDGES_AFTER = phrase_table(
    [("تقريبا", _APPROXIMATE), ("or so", _APPROXIMATE), ("approximately", _APPROXIMATE)]
    + [(phrase, _AT_LEAST) for phrase in ("على الأقل", "أو أكثر", "فأكثر", "وأكثر", "or more", "at least")]
    + [(phrase, _AT_MOST) for phrase in ("أو أقل", "فأقل", "or less", "or fewer", "at most")]
)
_RANGE_OPENERS = phrase_table([("بين", "and"), ("ما بين", "and"), ("between", "and"), ("من", "to"), ("from", "to")])
_RANGE_JOINERS: dict[str | None, set[str]] = {  # search keys: إلى is الي, حتى is حتي
    "and": {"و", "and"},
    "to": {"الي", "حتي", "to", "-"},
    None: {"الي", "to", "-"},
}
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP"}
_UNITS = {
    "people": "شخص شخصا أشخاص people persons",
    "soldiers": "جندي جنديا جنود soldiers troops",
    "fighters": "مقاتل مقاتلا مقاتلين مقاتلون fighters",
    "mercenaries": "مرتزق مرتزقة mercenaries",
    "dead": "قتيل قتيلا قتلى dead killed",
    "wounded": "جريح جريحا جرحى wounded injured",
    "refugees": "لاجئ لاجئا لاجئين لاجئون refugees",
    "displaced": "نازح نازحا نازحين نازحون displaced",
    "USD": "دولار دولارا دولارات dollars",
    "EUR": "يورو euros",
    "dinars": "دينار دينارا دنانير dinars",
    "tonnes": "طن طنا أطنان tons tonnes",
    "km": "كيلومتر كيلومترا كيلومترات كم كلم km kilometres kilometers",
    "percent": "بالمئة بالمائة % percent",
    "years": "عاما أعوام سنة سنوات years",
    "months": "شهرا أشهر شهور months",
    "days": "يوما أيام days",
    "hours": "ساعة ساعات hours",
    "aircraft": "طائرة طائرات aircraft",
    "tanks": "دبابة دبابات tanks",
}
_UNIT_TABLE = phrase_table(
    [(word, unit) for unit, words in _UNITS.items() for word in words.split()]
    + [("في المئة", "percent"), ("في المائة", "percent"), ("per cent", "percent")]
)
_CLITIC_LETTERS = set("وفبلك")


def _find(text: str, strict: bool) -> list[Quantity]:
    found = scan(text)
    readings = [read_token(token) for token in found]
    quantities = []
    index = 0
    while index < len(found):
        hit = _quantity_at(text, found, readings, index, strict)
        if hit is None:
            index += 1
            continue
        quantity, index = hit
        if quantity is not None:
            quantities.append(quantity)
    return quantities


def _quantity_at(
    text: str, found: list[Token], readings: list[Reading], index: int, strict: bool
) -> tuple[Quantity | None, int] | None:
    """(Quantity or None to skip, next index) for a quantity phrase starting at `index`, or None."""
    hedge = match_phrase(found, index, _HEDGES_BEFORE)
    position = hedge[1] if hedge else index
    opener = match_phrase(found, position, _RANGE_OPENERS)
    number_start = opener[1] if opener else position
    position, currency = _skip_prefix_symbols(found, number_start)
    first = number_at(found, readings, position)
    if first is None:
        return None
    second, end = _range_end(found, readings, first, opener[0] if opener else None)
    if strict and _is_date_part(found, first, second):
        return None, end
    if strict and second is None and hedge is None and _is_lone_one(first):
        return None, end
    unit, end = _unit_after(found, end, currency)
    after = match_phrase(found, end, _HEDGES_AFTER)
    if after:
        end = after[1]
    kind = (hedge or after or (None,))[0]
    # من and بين belong to the phrase only when a range follows them: "من 200 إلى 300", not "من 200".
    first_token = index if hedge or (opener and second) else number_start
    start, stop = found[first_token].start, found[end - 1].end
    quantity = _quantity(first, second, kind, unit, text[start:stop], start, stop)
    return quantity, end


def _skip_prefix_symbols(found: list[Token], position: int) -> tuple[int, str | None]:
    """Skip a currency sign or a lone clitic letter written onto the number (ب2000, و300)."""
    currency = None
    if position < len(found) and found[position].text in _CURRENCY_SIGNS:
        currency = _CURRENCY_SIGNS[found[position].text]
        position += 1
    if _is_clitic_on_next(found, position):
        position += 1
    return position, currency


def _is_clitic_on_next(found: list[Token], position: int) -> bool:
    return (
        position + 1 < len(found)
        and found[position].text in _CLITIC_LETTERS
        and found[position].end == found[position + 1].start
    )


def _range_end(
    found: list[Token], readings: list[Reading], first: NumberPhrase, opener: str | None
) -> tuple[NumberPhrase | None, int]:
    """The second number of a range (بين X و Y, من X إلى Y, X-Y, X to Y) and the index after the phrase."""
    position = first.end
    joiners = _RANGE_JOINERS[opener]
    if position < len(found) and found[position].text in joiners:
        if found[position].text == "-" and found[first.end - 1].kind != "number":
            return None, first.end
        second = number_at(found, readings, position + 1)
    elif opener == "and" and position < len(found) and readings[position].conjoined:
        second = number_at(found, readings, position)
    else:
        return None, first.end
    if second is None or second.value is None or first.value is None:
        return None, first.end
    lower = first.value
    if first.scale is None and second.scale is not None and lower < second.value / second.scale * 10:
        lower *= second.scale  # بين 2 و3 ملايين: the scale belongs to both
    if lower >= second.value:
        return None, first.end  # not a range: 1977-78, or two numbers side by side
    first.value = lower
    return second, second.end


def _is_date_part(found: list[Token], first: NumberPhrase, second: NumberPhrase | None) -> bool:
    """Years (after عام, في, since...; or a period 1977-1978) and day numbers next to a month name."""
    if first.lexemes[0].kind != "digits" or len(first.lexemes) > 1:
        return False
    if is_month_name(found, first.end) or (first.start > 0 and is_month_name(found, first.start - 1)):
        return True
    if not _looks_like_year(found[first.start]):
        return False
    if second is not None:
        return _looks_like_year(found[second.start])
    after = found[first.end].text if first.end < len(found) else ""
    return (
        first.start > 0 and match_phrase(found, first.start - 1, YEAR_CONTEXT) is not None
    ) or after in YEAR_SUFFIXES


def _looks_like_year(token: Token) -> bool:
    return token.kind == "number" and token.text.isdigit() and len(token.text) == 4 and 1000 <= int(token.text) <= 2100


def _is_lone_one(number: NumberPhrase) -> bool:
    """أحد and "one" alone mostly mean "one of" (أحد الضباط), not a count."""
    only = number.lexemes[0] if len(number.lexemes) == 1 else None
    return only is not None and only.kind == "unit" and only.value == 1 and (only.form == "teen" or only.lang == "en")


def _unit_after(found: list[Token], end: int, currency: str | None) -> tuple[str | None, int]:
    if currency:
        return currency, end
    position = end
    if position < len(found) and found[position].text in ("من", "of"):
        position += 1
    hit = match_phrase(found, position, _UNIT_TABLE, definite=True)
    if hit:
        return hit
    return None, end


def _quantity(
    first: NumberPhrase,
    second: NumberPhrase | None,
    kind: str | None,
    unit: str | None,
    matched: str,
    start: int,
    stop: int,
) -> Quantity:
    if second is not None:
        lower, upper, value = first.value, second.value, None
    elif first.value is None:
        lower, upper, value = first.lower, first.upper, None
    else:
        lower = first.value if kind == _AT_LEAST else None
        upper = first.value if kind == _AT_MOST else None
        value = first.value if kind in (None, _APPROXIMATE) else None
    approximate = kind == _APPROXIMATE or first.value is None
    return Quantity(_tidy(value), _tidy(lower), _tidy(upper), approximate, unit, matched, start, stop)


def _tidy(number: Decimal | None) -> Decimal | None:
    """2000, not 2.0E+3 or 2000.0."""
    if number is None:
        return None
    integral = number.to_integral_value()
    return integral if number == integral else number.normalize()


def find_unit(text: str) -> str | None:
    """The first unit word of `text` (جنود → soldiers, المقاتلين → fighters), wherever it stands: what a
    quantity counts when the number itself stands apart from it (`ويقدر عددهم بحوالي ألفين`)."""
    found = scan(text)
    for index in range(len(found)):
        hit = match_phrase(found, index, _UNIT_TABLE, definite=True)
        if hit:
            return hit[0]
    return None
