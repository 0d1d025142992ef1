"""Quantities in claim text: numbers in digits or words, Arabic or English, with their hedges, ranges and units.

`بحوالي ألفين` gives 2000, approximate; `أكثر من 300 مقاتل` a lower bound of 300 fighters; `بين 2 و3 ملايين`
the range 2,000,000-3,000,000. Vague plurals are ranges, approximate, without a value: عشرات/tens 20-99,
مئات/hundreds 200-999, آلاف/thousands 2,000-9,999, عشرات الآلاف/tens of thousands 20,000-99,999 (in general
2 to 10 times the word's unit, less one); dozens 24-119; بضعة/عدة/several/a few N: 3 to 9 N.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from claims.arabic.calendar_words import is_month_name
from claims.arabic.number_words import Lexeme, lexicon
from claims.arabic.words import Token, match_phrase, phrase_table, scan, strip_clitics


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
_HEDGES_BEFORE = phrase_table(
    [
        (phrase, _APPROXIMATE)
        for phrase in (
            "حوالي",
            "حوالى",
            "نحو",
            "قرابة",
            "زهاء",
            "ما يقارب",
            "يقارب",
            "ما يقرب من",
            "يقرب من",
            "ما يناهز",
            "يناهز",
            "تقريبا",
            "about",
            "around",
            "approximately",
            "roughly",
            "nearly",
            "almost",
            "some",
            "an estimated",
            "estimated",
            "circa",
        )
    ]
    + [
        (phrase, _AT_LEAST)
        for phrase in (
            "أكثر من",
            "ما يزيد عن",
            "ما يزيد على",
            "يزيد عن",
            "يزيد على",
            "ما لا يقل عن",
            "لا يقل عن",
            "ما يربو على",
            "يربو على",
            "أزيد من",
            "over",
            "more than",
            "at least",
            "upwards of",
            "in excess of",
            "no fewer than",
            "no less than",
            "greater than",
            "above",
        )
    ]
    + [
        (phrase, _AT_MOST)
        for phrase in (
            "أقل من",
            "ما يقل عن",
            "لا يزيد عن",
            "لا يزيد على",
            "ما لا يزيد عن",
            "ما لا يزيد على",
            "ما يصل إلى",
            "يصل إلى",
            "less than",
            "fewer than",
            "under",
            "up to",
            "at most",
            "no more than",
            "below",
        )
    ]
)
_HEDGES_AFTER = phrase_table(
    [("تقريبا", _APPROXIMATE), ("or so", _APPROXIMATE), ("approximately", _APPROXIMATE)]
    + [(phrase, _AT_LEAST) for phrase in ("على الأقل", "أو أكثر", "فأكثر", "وأكثر", "or more", "at least")]
    + [(phrase, _AT_MOST) for phrase in ("أو أقل", "فأقل", "or less", "or fewer", "at most")]
)
_RANGE_OPENERS = phrase_table([("بين", "and"), ("ما بين", "and"), ("between", "and"), ("من", "to"), ("from", "to")])
_RANGE_JOINERS = {  # search keys: إلى is الي, حتى is حتي
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
_YEAR_CONTEXT = {
    "عام", "العام", "سنه", "السنه", "عامي", "الفتره", "فتره", "منذ", "في", "خلال", "اواخر", "اوايل", "منتصف",
    "بدايه", "نهايه", "مطلع", "حتي", "in", "since", "year", "during", "until", "late", "early", "mid",
}  # fmt: skip
_YEAR_SUFFIXES = {"م", "ه", "ad", "bc", "bce", "ce"}
_CLITIC_LETTERS = set("وفبلك")


def _find(text: str, strict: bool) -> list[Quantity]:
    found = scan(text)
    readings = [_read(token) for token in found]
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


@dataclass(frozen=True)
class _Reading:
    lexeme: Lexeme | None
    conjoined: bool = False  # written with و: "and" in Arabic number words (خمسة وعشرون)


def _read(token: Token) -> _Reading:
    if token.kind == "number":
        value = _digits_value(token.text)
        return _Reading(Lexeme("digits", value, "") if value is not None else None)
    if token.kind != "word":
        return _Reading(None)
    words = lexicon()
    if token.text in words:
        return _Reading(words[token.text])
    for reading in strip_clitics(token.text)[1:]:
        lexeme = words.get(reading)
        if lexeme is None or lexeme.lang != "ar":
            continue
        prefix = token.text[: len(token.text) - len(reading)]
        # The article only goes with plurals: عشرات الآلاف, but never الأحد (Sunday) as "one".
        if prefix.endswith(("ال", "لل")) and not _is_plural(lexeme):
            continue
        return _Reading(lexeme, conjoined=prefix.startswith("و"))
    return _Reading(None)


def _is_plural(lexeme: Lexeme) -> bool:
    return lexeme.kind == "vague" or (lexeme.kind == "scale" and lexeme.form == "plural")


def _digits_value(text: str) -> Decimal | None:
    """2,000 and 2000 are two thousand, 1.5 and 1,5 one and a half; 1,500 is fifteen hundred."""
    groups = text.split(",")
    if len(groups) > 1 and all(len(group) == 3 for group in groups[1:-1]) and len(groups[-1].split(".")[0]) == 3:
        text = text.replace(",", "")
    elif text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@dataclass
class _Number:
    """A number phrase being read: tokens [start, end), its value or range, the largest scale word in it."""

    start: int
    end: int
    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    scale: Decimal | None = None
    lexemes: list[Lexeme] = field(default_factory=list)


def _quantity_at(text, found, readings, index, strict):
    """(Quantity or None to skip, next index) for a quantity phrase starting at `index`, or None."""
    hedge = match_phrase(found, index, _HEDGES_BEFORE)
    position = hedge[1] if hedge else index
    opener = match_phrase(found, position, _RANGE_OPENERS)
    if opener:
        position = opener[1]
    position, currency = _skip_prefix_symbols(found, position)
    first = _number_at(found, readings, position)
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
    start, stop = found[index].start, found[end - 1].end
    quantity = _quantity(first, second, kind, unit, text[start:stop], start, stop)
    return quantity, end


def _skip_prefix_symbols(found, position):
    """Skip a currency sign or a lone clitic letter written onto the number (ب2000, و300)."""
    currency = None
    if position < len(found) and found[position].text in _CURRENCY_SIGNS:
        currency = _CURRENCY_SIGNS[found[position].text]
        position += 1
    if _is_clitic_on_next(found, position):
        position += 1
    return position, currency


def _is_clitic_on_next(found, position) -> bool:
    return (
        position + 1 < len(found)
        and found[position].text in _CLITIC_LETTERS
        and found[position].end == found[position + 1].start
    )


def _range_end(found, readings, first, opener):
    """The second number of a range (بين X و Y, من X إلى Y, X-Y, X to Y) and the index after the phrase."""
    position = first.end
    joiners = _RANGE_JOINERS[opener]
    if position < len(found) and found[position].text in joiners:
        if found[position].text == "-" and found[first.end - 1].kind != "number":
            return None, first.end
        second = _number_at(found, readings, position + 1)
    elif opener == "and" and position < len(found) and readings[position].conjoined:
        second = _number_at(found, readings, position)
    else:
        return None, first.end
    if second is None or second.value is None or first.value is None:
        return None, first.end
    if first.scale is None and second.scale is not None and first.value < second.value / second.scale * 10:
        first.value *= second.scale  # بين 2 و3 ملايين: the scale belongs to both
    return second, second.end


def _is_date_part(found, first, second) -> bool:
    """Years (after عام, في, since...; or a period 1977-1978) and day numbers next to a month name."""
    if first.lexemes[0].kind != "digits" or len(first.lexemes) > 1:
        return False
    if is_month_name(found, first.end) or (first.start > 0 and is_month_name(found, first.start - 1)):
        return True
    if not _looks_like_year(found[first.start]):
        return False
    if second is not None:
        return _looks_like_year(found[second.start])
    before = found[first.start - 1].text if first.start > 0 else ""
    after = found[first.end].text if first.end < len(found) else ""
    return before in _YEAR_CONTEXT or strip_clitics(before)[-1] in _YEAR_CONTEXT or after in _YEAR_SUFFIXES


def _looks_like_year(token: Token) -> bool:
    return token.kind == "number" and token.text.isdigit() and len(token.text) == 4 and 1000 <= int(token.text) <= 2100


def _is_lone_one(number: _Number) -> bool:
    """أحد and "one" alone mostly mean "one of" (أحد الضباط), not a count."""
    only = number.lexemes[0] if len(number.lexemes) == 1 else None
    return only is not None and only.kind == "unit" and only.value == 1 and (only.form == "teen" or only.lang == "en")


def _unit_after(found, end, currency):
    if currency:
        return currency, end
    position = end
    if position < len(found) and found[position].text in ("من", "of"):
        position += 1
    hit = match_phrase(found, position, _UNIT_TABLE, definite=True)
    if hit:
        return hit
    return None, end


def _quantity(first, second, kind, unit, matched, start, stop) -> Quantity:
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


def _number_at(found, readings, position) -> _Number | None:
    """The number phrase starting at `found[position]`, or None."""
    if position >= len(found) or readings[position].lexeme is None:
        return None
    lexeme = readings[position].lexeme
    if lexeme.kind == "article" and position + 1 < len(found):
        following = readings[position + 1].lexeme
        if following is not None and following.kind == "few":
            return _vague_at(found, readings, position, position + 1)
    if lexeme.kind in ("vague", "few") or (lexeme.kind == "scale" and lexeme.form == "plural"):
        return _vague_at(found, readings, position, position)
    return _ExactReader(found, readings, position).read()


def _vague_at(found, readings, start, position) -> _Number | None:
    """عشرات, مئات الآلاف, tens of thousands, بضعة آلاف, several hundred, a few dozen."""
    lexeme = readings[position].lexeme
    position += 1
    few = lexeme.kind == "few"
    if few:
        counted = readings[position].lexeme if position < len(found) else None
        if counted is None or counted.kind not in ("scale", "times_hundred", "hundred", "vague", "dozen"):
            return None
        if counted.kind == "hundred" and counted.value != 100:
            return None
        unit, position = counted.value, position + 1
    else:
        unit = lexeme.value
    lexemes = [lexeme]
    if position < len(found):
        of = 1 if found[position].text == "of" else 0
        larger = readings[position + of].lexeme if position + of < len(found) else None
        if larger is not None and _is_plural(larger) and larger.value > unit:
            unit, position = unit * larger.value, position + of + 1
            lexemes.append(larger)
    low, high = (3 * unit, 9 * unit) if few else (2 * unit, 10 * unit - 1)
    return _Number(start, position, lower=low, upper=high, lexemes=lexemes)


class _ExactReader:
    """Reads an exact number phrase (digits, Arabic or English words) token by token.

    Arabic joins the parts of a number with و (ألف وخمسمائة وخمسة وعشرون) and puts units before tens; English
    needs no "and" and puts tens first. A group below a thousand fills the slots hundreds, tens and units
    once each; scale words (thousand, million, billion) close a group and must come in falling order.
    """

    def __init__(self, found, readings, start):
        self.found, self.readings, self.start = found, readings, start
        self.total = Decimal(0)
        self.group = Decimal(0)
        self.slots: set[str] = set()
        self.last_scale: Decimal | None = None
        self.largest_scale: Decimal | None = None
        self.lang = ""
        self.lexemes: list[Lexeme] = []
        self.end = start

    def read(self) -> _Number | None:
        position = self.start
        while position < len(self.found):
            step = self._step(position)
            if step is None:
                break
            position = self.end = step
        if not self.lexemes or self.lexemes[-1].kind == "article":
            return None
        value = self.total + self.group
        return _Number(self.start, self.end, value=value, scale=self.largest_scale, lexemes=self.lexemes)

    def _step(self, position) -> int | None:
        """Consume the element at `position`; the position after it, or None when the phrase ends."""
        reading = self.readings[position]
        lexeme = reading.lexeme
        if self.lexemes and self._is_english_joiner(position):
            following = self._step_after_joiner(position + 1)
            return following
        if lexeme is None or (self.lang and lexeme.lang and lexeme.lang != self.lang):
            return None
        first = not self.lexemes
        if self.lang == "ar" and not first and not self._joins_arabic(reading, lexeme):
            return None
        handler = getattr(self, f"_take_{lexeme.kind}", None)
        if handler is None:
            return None
        end = handler(lexeme, position, first)
        if end is not None:
            self.lexemes.append(lexeme)
            self.lang = self.lang or lexeme.lang
        return end

    def _joins_arabic(self, reading: _Reading, lexeme: Lexeme) -> bool:
        """Arabic adds parts with و and multiplies without it: ألف وخمسمائة, خمسة آلاف, ثلاث مائة."""
        if lexeme.kind == "scale":
            return not reading.conjoined or self.group == 0
        if lexeme.kind == "hundred" and not reading.conjoined:
            return self.slots == {"units"}
        return reading.conjoined

    def _is_english_joiner(self, position) -> bool:
        token = self.found[position]
        lexeme = self.readings[position].lexeme
        if lexeme is not None and lexeme.kind == "and":
            return True
        return token.text == "-" and self.lexemes[-1].kind == "ten" and self.lang == "en"

    def _step_after_joiner(self, position) -> int | None:
        if position >= len(self.found):
            return None
        lexeme = self.readings[position].lexeme
        if lexeme is None or lexeme.lang != "en" or lexeme.kind not in ("unit", "ten"):
            return None
        saved_end = self.end
        end = self._step(position)
        if end is None:
            self.end = saved_end
        return end

    def _take_digits(self, lexeme, position, first):
        if not first:
            return None
        self.group = lexeme.value
        self.slots = {"hundreds", "tens", "units"}
        return position + 1

    def _take_unit(self, lexeme, position, first):
        if "units" in self.slots or (self.lang == "en" and self.slots and "tens" in self.slots and lexeme.value >= 10):
            return None
        next_lexeme = self.readings[position + 1].lexeme if position + 1 < len(self.found) else None
        is_teen = (
            lexeme.lang == "ar"
            and lexeme.value < 10
            and next_lexeme is not None
            and next_lexeme.kind == "unit"
            and next_lexeme.value == 10
            and not self.readings[position + 1].conjoined
        )
        if is_teen and "tens" not in self.slots:
            self.group += lexeme.value + 10
            self.slots |= {"units", "tens"}
            return position + 2
        if lexeme.form == "teen" or (lexeme.value >= 10 and "tens" in self.slots):
            return None
        self.group += lexeme.value
        self.slots.add("units")
        if lexeme.value >= 10:
            self.slots.add("tens")
        return position + 1

    def _take_ten(self, lexeme, position, first):
        if "tens" in self.slots or (self.lang == "en" and "units" in self.slots):
            return None
        self.group += lexeme.value
        self.slots.add("tens")
        return position + 1

    def _take_hundred(self, lexeme, position, first):
        """Arabic hundreds: a value of their own (خمسمائة), or a unit times مائة (ثلاث مائة)."""
        if not self.slots:
            self.group = lexeme.value
            self.slots = {"hundreds"}
            return position + 1
        written_apart = self.slots == {"units"} and 3 <= self.group <= 9 and lexeme.value == 100
        if written_apart and not self.readings[position].conjoined:
            self.group *= 100
            self.slots = {"hundreds"}
            return position + 1
        return None

    def _take_times_hundred(self, lexeme, position, first):
        """English "hundred" multiplies what comes before: "two hundred", "a hundred"."""
        if not 1 <= self.group <= 9 or "hundreds" in self.slots or "tens" in self.slots:
            return None
        self.group *= 100
        self.slots = {"hundreds"}
        return position + 1

    def _take_article(self, lexeme, position, first):
        following = self.readings[position + 1].lexeme if position + 1 < len(self.found) else None
        if not first or following is None or following.kind not in ("times_hundred", "scale", "dozen"):
            return None
        self.group = Decimal(1)
        self.slots = {"units"}
        return position + 1

    def _take_dozen(self, lexeme, position, first):
        if not 1 <= self.group <= 99 or self.total:
            return None
        self.group *= 12
        self.slots = {"hundreds", "tens", "units"}
        return position + 1

    def _take_scale(self, lexeme, position, first):
        if self.last_scale is not None and lexeme.value >= self.last_scale:
            return None
        if self.group:
            count = self.group
        elif first or (self.lang == "ar" and self.readings[position].conjoined):
            if lexeme.lang == "en":
                return None  # "thousand" alone is not a number in English
            count = Decimal(2) if lexeme.form == "two" else Decimal(1)
        else:
            return None
        self.total += count * lexeme.value
        self.group = Decimal(0)
        self.slots = set()
        self.last_scale = lexeme.value
        self.largest_scale = self.largest_scale or lexeme.value
        return position + 1

    def _take_half(self, lexeme, position, first):
        """مليون ونصف: one and a half million."""
        if self.last_scale is None or self.group:
            return None
        self.total += self.last_scale * lexeme.value
        self.last_scale = Decimal(0)  # nothing smaller may follow a half
        return position + 1
