"""Every number a text writes, in whatever form, as one canonical value: what search compares.

`2000`, `2,000`, `٢٠٠٠`, `٢٬٠٠٠`, `ألفين`, `ألفي`, `two thousand` and `2k` are all 2000; `١٫٥ مليون` and
`1.5 million` are 1500000. Unlike `find_quantities`, years, day numbers and a lone "one" count too (a reader may
search for `2018`), and vague plurals (`آلاف`, `hundreds`) do not: they name no number.

Canonical values are written by `number_key` (`2000`, `1.5`), and a row stores them as `numbers_text`, a
space-padded list that a substring test (`" 2000 "`) reads on any database.
"""

from collections.abc import Iterable
from decimal import Decimal

from claims.arabic.number_phrases import NumberPhrase, number_at, read_token
from claims.arabic.typed_numbers import parse_typed_number
from claims.arabic.words import Token, scan

#: Suffixes written onto digits that multiply them: 5k, 5K (thousand); 2bn (billion).
_MULTIPLIERS = {"k": Decimal(1000), "bn": Decimal(10**9)}
#: Words that join the two ends of a range, so that the scale of the second belongs to both (بين 2 و3 ملايين).
_RANGE_JOINERS = frozenset({"و", "and", "to", "-", "الي", "حتي", "او", "or"})
_CLITIC_LETTERS = frozenset("وفبلك")
#: Numbers a stored row keeps at most: a claim's statement and span hold a handful.
MAX_NUMBERS = 64


def find_numbers(text: str) -> list[Decimal]:
    """The canonical value of every exact number in `text`, in order of first appearance, without repeats."""
    return [value for value, _, _ in _number_spans(scan(text))]


def query_numbers(query: str) -> tuple[list[Decimal], str]:
    """A search query's numbers, and the rest of the query without them.

    `Wagner 2000` gives ([2000], "Wagner"); `ألفي مقاتل` ([2000], "مقاتل"). A number glued to letters (`F16`,
    `COVID19`) stays a word of the rest: it is a name, not a count.
    """
    found = scan(query)
    numbers: list[Decimal] = []
    kept: list[str] = []
    position = 0
    for value, start, end in _number_spans(found, keep_glued=False):
        if value not in numbers:
            numbers.append(value)
        if start > 0 and _is_clitic_on(found, start - 1):
            start -= 1  # ب2000, و3: the letter goes with the number
        kept.append(query[position : found[start].start])
        position = found[end - 1].end
    kept.append(query[position:])
    return numbers, " ".join(" ".join(kept).split())


def number_key(value: Decimal) -> str:
    """The one spelling of a value that search compares: 2000, not 2E+3 or 2000.0; 1.5, not 1.50."""
    integral = value.to_integral_value()
    if value == integral:
        return str(int(integral))
    return format(value.normalize(), "f")


def numbers_text(values: list[Decimal]) -> str:
    """`values` as stored for search: keys in order, space-padded (" 2000 1.5 "), empty when there are none."""
    keys = list(dict.fromkeys(number_key(value) for value in values))[:MAX_NUMBERS]
    return f" {' '.join(keys)} " if keys else ""


def stored_numbers(texts: Iterable[str], typed: Iterable[object] = ()) -> str:
    """`numbers_text` of the numbers written in `texts` and of the `typed` field values (a quantity's value,
    lower and upper bounds: 2000, "2,000"); a typed value that is no number is skipped."""
    numbers = find_numbers(" | ".join(texts))  # a bar ends a number phrase: texts never run into each other
    for raw in typed:
        try:
            numbers.append(parse_typed_number(raw))
        except ValueError:
            continue
    return numbers_text(numbers)


def contains_key(value: Decimal) -> str:
    """What a stored `numbers_text` contains when it holds `value`."""
    return f" {number_key(value)} "


def _number_spans(found: list[Token], *, keep_glued: bool = True) -> list[tuple[Decimal, int, int]]:
    """(value, first token, token after) of each exact number phrase, first appearance of each value only."""
    readings = [read_token(token) for token in found]
    spans: list[tuple[Decimal, int, int]] = []
    seen: set[Decimal] = set()

    def add(value: Decimal, start: int, end: int) -> None:
        if value >= 0 and value.is_finite() and value not in seen:
            seen.add(value)
            spans.append((value, start, end))

    index = 0
    previous: NumberPhrase | None = None
    while index < len(found):
        phrase = number_at(found, readings, index)
        if phrase is None:
            index += 1
            continue
        end = phrase.end
        if phrase.value is not None and (keep_glued or not _glued_to_letters(found, phrase)):
            value, end = _with_multiplier(found, phrase, phrase.value)
            if previous is not None and _shares_scale(found, previous, phrase):
                add(previous.value * phrase.scale, previous.start, previous.end)  # type: ignore[operator]
            add(value, phrase.start, end)
        previous = phrase if phrase.value is not None else None
        index = max(end, index + 1)
    return spans


def _with_multiplier(found: list[Token], phrase: NumberPhrase, value: Decimal) -> tuple[Decimal, int]:
    """5k is 5000: a multiplier written onto the digits, with no space between."""
    end = phrase.end
    if len(phrase.lexemes) == 1 and phrase.lexemes[0].kind == "digits" and end < len(found):
        suffix = found[end]
        if suffix.kind == "word" and suffix.text in _MULTIPLIERS and suffix.start == found[end - 1].end:
            return value * _MULTIPLIERS[suffix.text], end + 1
    return value, end


def _shares_scale(found: list[Token], first: NumberPhrase, second: NumberPhrase) -> bool:
    """`بين 2 و3 ملايين`, `two to three million`: a bare first number that the second's scale also counts."""
    if first.scale is not None or second.scale is None or first.value is None or second.value is None:
        return False
    if second.start != first.end + 1 or found[first.end].text not in _RANGE_JOINERS:
        return False
    return first.value * second.scale < second.value * 10


def _glued_to_letters(found: list[Token], phrase: NumberPhrase) -> bool:
    """Digits written onto a word (F16, 19COVID): part of a name. A clitic letter before them (ب2000) is not."""
    if phrase.lexemes[0].kind != "digits":
        return False
    first = found[phrase.start]
    before = found[phrase.start - 1] if phrase.start > 0 else None
    after = found[phrase.start + 1] if phrase.start + 1 < len(found) else None
    glued_before = (
        before is not None
        and before.kind == "word"
        and before.end == first.start
        and not _is_clitic_on(found, phrase.start - 1)
    )
    glued_after = (
        after is not None and after.kind == "word" and after.start == first.end and after.text not in _MULTIPLIERS
    )
    return glued_before or glued_after


def _is_clitic_on(found: list[Token], index: int) -> bool:
    """Whether `found[index]` is a lone clitic letter (و ف ب ل ك) written onto the token after it."""
    token = found[index]
    return (
        token.kind == "word"
        and token.text in _CLITIC_LETTERS
        and index + 1 < len(found)
        and token.end == found[index + 1].start
    )
