"""Reads one number phrase at a time: digits, Arabic number words (with و and clitics) or English ones.

Used by `claims.arabic.numbers`, which adds what surrounds a number (hedges, ranges, units).
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from claims.arabic.number_words import Lexeme, lexicon
from claims.arabic.words import Token, strip_clitics


@dataclass(frozen=True)
class Reading:
    """A token read as part of a number."""

    lexeme: Lexeme | None
    conjoined: bool = False  # written with و: "and" in Arabic number words (خمسة وعشرون)


def read_token(token: Token) -> Reading:
    """What `token` means as part of a number: digits, a number word (possibly with clitics), or nothing."""
    if token.kind == "number":
        value = _digits_value(token.text)
        return Reading(Lexeme("digits", value, "") if value is not None else None)
    if token.kind != "word":
        return Reading(None)
    words = lexicon()
    if token.text in words:
        return Reading(words[token.text])
    for reading in strip_clitics(token.text)[1:]:
        lexeme = words.get(reading)
        if lexeme is None or lexeme.lang != "ar":
            continue
        prefix = token.text[: len(token.text) - len(reading)]
        # The article only goes with plurals: عشرات الآلاف, but never الأحد (Sunday) as "one".
        if prefix.endswith(("ال", "لل")) and not is_plural(lexeme):
            continue
        return Reading(lexeme, conjoined=prefix.startswith("و"))
    return Reading(None)


def _as_conjoined(token: Token) -> Reading:
    """The reading of a word that starts with و as و plus a number word, when the whole word is one itself."""
    lexeme = lexicon().get(token.text[1:]) if token.text.startswith("و") else None
    return Reading(lexeme, conjoined=True) if lexeme is not None and lexeme.lang == "ar" else Reading(None)


def is_plural(lexeme: Lexeme) -> bool:
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
class NumberPhrase:
    """A number phrase being read: tokens [start, end), its value or range, the largest scale word in it."""

    start: int
    end: int
    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    scale: Decimal | None = None
    lexemes: list[Lexeme] = field(default_factory=list)


def number_at(found: list[Token], readings: list[Reading], position: int) -> NumberPhrase | None:
    """The number phrase starting at `found[position]`, or None."""
    if position >= len(found):
        return None
    lexeme = readings[position].lexeme
    if lexeme is None:
        return None
    if lexeme.kind == "article" and position + 1 < len(found):
        following = readings[position + 1].lexeme
        if following is not None and following.kind == "few":
            return _vague_at(found, readings, position, position + 1, following)
    if lexeme.kind in ("vague", "few") or (lexeme.kind == "scale" and lexeme.form == "plural"):
        return _vague_at(found, readings, position, position, lexeme)
    return _ExactReader(found, readings, position).read()


def _vague_at(
    found: list[Token], readings: list[Reading], start: int, position: int, lexeme: Lexeme
) -> NumberPhrase | None:
    """عشرات, مئات الآلاف, tens of thousands, بضعة آلاف, several hundred, a few dozen (`lexeme` is the reading
    at `position`)."""
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
        if larger is not None and is_plural(larger) and larger.value > unit:
            unit, position = unit * larger.value, position + of + 1
            lexemes.append(larger)
    low, high = (3 * unit, 9 * unit) if few else (2 * unit, 10 * unit - 1)
    return NumberPhrase(start, position, lower=low, upper=high, lexemes=lexemes)


class _ExactReader:
    """Reads an exact number phrase (digits, Arabic or English words) token by token.

    Arabic joins the parts of a number with و (ألف وخمسمائة وخمسة وعشرون) and puts units before tens; English
    needs no "and" and puts tens first. A group below a thousand fills the slots hundreds, tens and units
    once each; scale words (thousand, million, billion) close a group and must come in falling order.
    """

    def __init__(self, found: list[Token], readings: list[Reading], start: int) -> None:
        self.found, self.readings, self.start = found, readings, start
        self.total = Decimal(0)
        self.group = Decimal(0)
        self.slots: set[str] = set()
        self.last_scale: Decimal | None = None
        self.largest_scale: Decimal | None = None
        self.lang = ""
        self.lexemes: list[Lexeme] = []
        self.end = start

    def read(self) -> NumberPhrase | None:
        position = self.start
        while position < len(self.found):
            step = self._step(position)
            if step is None:
                break
            position = self.end = step
        if not self.lexemes or self.lexemes[-1].kind == "article":
            return None
        value = self.total + self.group
        return NumberPhrase(self.start, self.end, value=value, scale=self.largest_scale, lexemes=self.lexemes)

    def _step(self, position: int) -> int | None:
        """Consume the element at `position`; the position after it, or None when the phrase ends."""
        reading = self.readings[position]
        lexeme = reading.lexeme
        if self.lexemes and self._is_english_joiner(position):
            return self._step_after_joiner(position + 1)
        if lexeme is None or (self.lang and lexeme.lang and lexeme.lang != self.lang):
            return None
        first = not self.lexemes
        if self.lang == "ar" and not first and not self._joins_arabic(reading, lexeme):
            reading = _as_conjoined(self.found[position])  # وأحد عشر is written like واحد
            lexeme = reading.lexeme
            if lexeme is None or not self._joins_arabic(reading, lexeme):
                return None
        handler = getattr(self, f"_take_{lexeme.kind}", None)
        if handler is None:
            return None
        end: int | None = handler(reading, lexeme, position, first)
        if end is not None:
            self.lexemes.append(lexeme)
            self.lang = self.lang or lexeme.lang
        return end

    def _joins_arabic(self, reading: Reading, lexeme: Lexeme) -> bool:
        """Arabic adds parts with و and multiplies without it: ألف وخمسمائة, خمسة آلاف, ثلاث مائة."""
        if lexeme.kind == "scale":
            return not reading.conjoined or self.group == 0
        if lexeme.kind == "hundred" and not reading.conjoined:
            return self.slots == {"units"}
        return reading.conjoined

    def _is_english_joiner(self, position: int) -> bool:
        token = self.found[position]
        lexeme = self.readings[position].lexeme
        if lexeme is not None and lexeme.kind == "and":
            return True
        return token.text == "-" and self.lexemes[-1].kind == "ten" and self.lang == "en"

    def _step_after_joiner(self, position: int) -> int | None:
        if position >= len(self.found):
            return None
        lexeme = self.readings[position].lexeme
        if lexeme is None or lexeme.lang != "en" or lexeme.kind not in ("unit", "ten"):
            return None
        return self._step(position)

    def _take_digits(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        if not first:
            return None
        self.group = lexeme.value
        self.slots = {"hundreds", "tens", "units"}
        return position + 1

    def _take_unit(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
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

    def _take_ten(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        if "tens" in self.slots or (self.lang == "en" and "units" in self.slots):
            return None
        self.group += lexeme.value
        self.slots.add("tens")
        return position + 1

    def _take_hundred(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        """Arabic hundreds: a value of their own (خمسمائة), or a unit times مائة (ثلاث مائة)."""
        if not self.slots:
            self.group = lexeme.value
            self.slots = {"hundreds"}
            return position + 1
        written_apart = self.slots == {"units"} and 3 <= self.group <= 9 and lexeme.value == 100
        if written_apart and not reading.conjoined:
            self.group *= 100
            self.slots = {"hundreds"}
            return position + 1
        return None

    def _take_times_hundred(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        """English "hundred" multiplies what comes before: "two hundred", "a hundred"."""
        if not 1 <= self.group <= 9 or "hundreds" in self.slots or "tens" in self.slots:
            return None
        self.group *= 100
        self.slots = {"hundreds"}
        return position + 1

    def _take_article(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        following = self.readings[position + 1].lexeme if position + 1 < len(self.found) else None
        if not first or following is None or following.kind not in ("times_hundred", "scale", "dozen"):
            return None
        self.group = Decimal(1)
        self.slots = {"units"}
        return position + 1

    def _take_dozen(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        if not 1 <= self.group <= 99 or self.total:
            return None
        self.group *= 12
        self.slots = {"hundreds", "tens", "units"}
        return position + 1

    def _take_scale(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        if self.last_scale is not None and lexeme.value >= self.last_scale:
            return None
        if self.group:
            count = self.group
        elif first or (self.lang == "ar" and reading.conjoined):
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

    def _take_half(self, reading: Reading, lexeme: Lexeme, position: int, first: bool) -> int | None:
        """مليون ونصف: one and a half million."""
        if self.last_scale is None or self.group:
            return None
        self.total += self.last_scale * lexeme.value
        self.last_scale = Decimal(0)  # nothing smaller may follow a half
        return position + 1
