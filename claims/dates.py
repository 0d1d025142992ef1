"""Dates with a precision (a year, a month or a day) for claims, and dates written relative to an article's
publication date ("Wednesday", "last April", `أبريل/ نيسان الماضي`) resolved against it.
"""

import calendar
import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import cast

from django.utils.translation import gettext as _

from claims.arabic.calendar_words import (
    AMBIGUOUS_MONTHS,
    AMBIGUOUS_WEEKDAYS,
    MONTH_TABLE,
    WEEKDAY_TABLE,
    YEAR_CONTEXT,
    YEAR_SUFFIXES,
)
from claims.arabic.normalization import ascii_digits
from claims.arabic.words import Token, match_phrase, phrase_table, scan

_ISO_PARTIAL_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class PartialDate:
    """A calendar date known to the year, the month or the day. `str()` gives ISO 8601: 2019, 2019-04, 2019-04-04."""

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.year <= 9999:
            raise ValueError(_("year %(year)s is outside 1 to 9999") % {"year": self.year})
        if self.month is None:
            if self.day is not None:
                raise ValueError(_("a date with a day needs a month"))
            return
        if not 1 <= self.month <= 12:
            raise ValueError(_("month %(month)s is outside 1 to 12") % {"month": self.month})
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(
                    _("day %(day)s is outside 1 to %(last)s for %(month)s")
                    % {"day": self.day, "last": last, "month": f"{self.year}-{self.month:02d}"}
                )

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def precision(self) -> str:
        """'year', 'month' or 'day'."""
        if self.day is not None:
            return "day"
        return "year" if self.month is None else "month"

    def earliest(self) -> dt.date:
        """The first day this date can mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        """The last day this date can mean."""
        month = self.month or 12
        return dt.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])


def parse_partial_date(value: str) -> PartialDate:
    """Read 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (Arabic-Indic digits too); ValueError says what is wrong."""
    text = ascii_digits(value.strip())
    match = _ISO_PARTIAL_RE.fullmatch(text)
    if not match:
        raise ValueError(_("%(value)s is not a date: expected YYYY, YYYY-MM or YYYY-MM-DD") % {"value": repr(value)})
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        return PartialDate(cast(int, year), month, day)  # the pattern's first group always matches
    except ValueError as error:
        raise ValueError(_("%(value)s is not a date: %(error)s") % {"value": repr(value), "error": error}) from None


@dataclass(frozen=True)
class ResolvedDate:
    """A date found in text: the date, the phrase that gave it (span in code points) and whether it was
    written relative to the publication date (so the desk shows it as resolved, not as written).
    """

    date: PartialDate
    matched: str
    start: int
    end: int
    relative: bool


_PAST = "past"
_NEXT = "next"
_CURRENT = "current"
_MARKERS_AFTER = phrase_table(
    [(word, _PAST) for word in ("الماضي", "الماضية", "المنصرم", "المنصرمة", "الفائت", "الفائتة")]
    + [(word, _NEXT) for word in ("المقبل", "المقبلة", "القادم", "القادمة")]
    + [(word, _CURRENT) for word in ("الجاري", "الحالي")]
)
_MARKERS_BEFORE = phrase_table([("last", _PAST), ("next", _NEXT), ("this", _CURRENT)])
_MONTH_LEADS = phrase_table([("شهر", True), ("month of", True)])  # "the month of": what follows is a month
_PREPOSITIONS = phrase_table(
    (word, True) for word in ["في", "منذ", "خلال", "حتى", "مطلع", "أواخر", "in", "since", "during", "until", "by"]
)

_DAY_WORDS = phrase_table(
    [("أول أمس", -2), ("أول من أمس", -2), ("أمس الأول", -2), ("بعد غد", 2)]
    + [(word, -1) for word in ("أمس", "الأمس", "البارحة", "yesterday")]
    + [(word, 0) for word in ("اليوم", "today")]
    + [(word, 1) for word in ("غدا", "الغد", "tomorrow")]
    + [("the day before yesterday", -2), ("the day after tomorrow", 2)]
)
_PERIOD_WORDS = phrase_table(
    [
        (f"{noun} {marker}", (unit, offset))
        for unit, nouns in (("year", ("العام", "السنة")), ("month", ("الشهر",)))
        for noun in nouns
        for marker, offset in (
            ("الماضي", -1),
            ("الماضية", -1),
            ("المنصرم", -1),
            ("الجاري", 0),
            ("الحالي", 0),
            ("الحالية", 0),
            ("المقبل", 1),
            ("المقبلة", 1),
            ("القادم", 1),
            ("القادمة", 1),
        )
    ]
    + [(f"هذا {noun}", (unit, 0)) for unit, noun in (("year", "العام"), ("month", "الشهر"))]
    + [("هذه السنة", ("year", 0))]
    + [
        (f"{marker} {unit}", (unit, offset))
        for unit in ("year", "month")
        for marker, offset in (("last", -1), ("this", 0), ("next", 1))
    ]
)
_ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
_OF_YEAR = phrase_table(
    [("من العام الماضي", -1), ("من العام الجاري", 0), ("من العام الحالي", 0), ("من هذا العام", 0)]
    + [("من العام المقبل", 1), ("من العام القادم", 1), ("of last year", -1), ("of this year", 0), ("of next year", 1)]
)


def resolve_relative_date(text: str, reference: dt.date) -> ResolvedDate | None:
    """The first date written in `text`, resolved against `reference` (the article's publication date).

    Conventions, chosen for news written in the past tense:
    - a bare weekday (الأربعاء, Wednesday) is the latest such day on or before the reference (the reference
      day itself counts); with الماضي/"last" strictly before it, with المقبل/"next" strictly after it;
    - a month without a year (أبريل/ نيسان, April) is its latest occurrence on or before the reference
      month, or day when a day is given; with الماضي/"last" strictly before the reference month, with
      المقبل/"next" strictly after it, with الجاري in the reference year;
    - أمس/yesterday, اليوم/today, غدا/tomorrow, العام الماضي/last year, الشهر المقبل/next month and the like
      count from the reference;
    - years need a word that makes them a year (عام 2018, في 2017, in 1983), so counts are not read as years.
    An article announcing something ahead ("from midnight Sunday") resolves to the past Sunday by these rules:
    the desk sees the resolved date and corrects it.
    """
    found = find_dates(text, reference)
    return found[0] if found else None


def find_dates(text: str, reference: dt.date) -> list[ResolvedDate]:
    """Every date written in `text`, in order, resolved against `reference` as `resolve_relative_date` does."""
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    found = scan(text)
    results = []
    index = 0
    while index < len(found):
        hit = _date_at(found, index, reference, text)
        if hit is None:
            index += 1
            continue
        date, relative, first, end = hit
        start, stop = found[first].start, found[end - 1].end
        results.append(ResolvedDate(date, text[start:stop], start, stop, relative))
        index = end
    return results


#: What a matcher found: the date, whether it was written relative to the reference, and its tokens [start, end).
type _Hit = tuple[PartialDate, bool, int, int]


def _date_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    for matcher in (_day_word_at, _period_at, _weekday_at, _month_at, _iso_at, _year_at):
        hit: _Hit | None
        try:
            hit = matcher(found, index, reference, text)
        except ValueError:  # a day that the month does not have, such as 31 فبراير
            hit = None
        if hit is not None:
            return hit
    return None


def _day_word_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    hit = match_phrase(found, index, _DAY_WORDS)
    if hit is None:
        return None
    offset, end = hit
    day = reference + dt.timedelta(days=offset)
    return PartialDate(day.year, day.month, day.day), True, index, end


def _period_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    hit = match_phrase(found, index, _PERIOD_WORDS)
    if hit is None:
        return None
    (unit, offset), end = hit
    if unit == "year":
        return PartialDate(reference.year + offset), True, index, end
    months = reference.year * 12 + reference.month - 1 + offset
    return PartialDate(months // 12, months % 12 + 1), True, index, end


def _weekday_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    before = match_phrase(found, index, _MARKERS_BEFORE)
    start = before[1] if before else index
    hit = match_phrase(found, start, WEEKDAY_TABLE)
    if hit is None:
        return None
    weekday, end = hit
    after = match_phrase(found, end, _MARKERS_AFTER) if before is None else None
    marker = (before or after or (None, end))[0]
    if after:
        end = after[1]
    if end - start == 1 and marker is None and found[start].text.endswith(tuple(AMBIGUOUS_WEEKDAYS)):
        return None
    today = reference.weekday()
    if marker == _PAST:
        days_back = (today - weekday - 1) % 7 + 1
    elif marker == _NEXT:
        days_back = -((weekday - today - 1) % 7 + 1)
    else:
        days_back = (today - weekday) % 7
    day = reference - dt.timedelta(days=days_back)
    return PartialDate(day.year, day.month, day.day), True, index, end


def _month_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    before = match_phrase(found, index, _MARKERS_BEFORE)
    position = before[1] if before else index
    day = None
    if before is None and _is_day(found, position):
        day, position = int(found[position].text), _skip_ordinal(found, position + 1)
        if position < len(found) and found[position].text == "of":
            position += 1
    lead = match_phrase(found, position, _MONTH_LEADS) if day is None else None
    named = _month_name_at(found, lead[1] if lead else position, text)
    if named is None:
        return None
    month, position, ambiguous = named
    ambiguous = ambiguous and lead is None and not (index and match_phrase(found, index - 1, _PREPOSITIONS))
    position = _skip_second_name(found, position, text)
    if day is None and _is_day(found, position):
        day, position = int(found[position].text), _skip_ordinal(found, position + 1)
    year, relative, marked, position = _year_of_month(found, position, reference, month, day, before)
    if ambiguous and day is None and not marked:
        return None
    return PartialDate(year, month, day), relative, index, position


def _year_of_month(
    found: list[Token],
    position: int,
    reference: dt.date,
    month: int,
    day: int | None,
    before: tuple[str, int] | None,
) -> tuple[int, bool, bool, int]:
    """(year, relative, marked, end) for a month name ending at `position`; `marked` says that something
    beside the name (a year, الماضي, "last") shows it is a month.
    """
    comma = 1 if position < len(found) and found[position].text == "," else 0
    if _is_year(found, position + comma):
        return int(found[position + comma].text), False, True, position + comma + 1
    of_year = match_phrase(found, position, _OF_YEAR)
    if of_year:
        return reference.year + of_year[0], True, True, of_year[1]
    after = match_phrase(found, position, _MARKERS_AFTER) if before is None else None
    marker = (before or after or (None, position))[0]
    if after:
        position = after[1]
    return _year_for_month(month, day, marker, reference), True, marker is not None, position


def _year_for_month(month: int, day: int | None, marker: str | None, reference: dt.date) -> int:
    if marker == _CURRENT:
        return reference.year
    if marker == _PAST:
        return reference.year if month < reference.month else reference.year - 1
    if marker == _NEXT:
        return reference.year if month > reference.month else reference.year + 1
    if (month, day or 1) <= (reference.month, reference.day):
        return reference.year
    return reference.year - 1


def _month_name_at(found: list[Token], position: int, text: str) -> tuple[int, int, bool] | None:
    """(month, end, ambiguous) for a month name at `position`; English names must be capitalized."""
    hit = match_phrase(found, position, MONTH_TABLE)
    if hit is None:
        return None
    month, end = hit
    token = found[position]
    if token.text.isascii() and not text[token.start].isupper():
        return None
    return month, end, token.text in AMBIGUOUS_MONTHS


def _skip_second_name(found: list[Token], position: int, text: str) -> int:
    """Skip the same month's name in the other series: `أبريل/ نيسان`, `نيسان (أبريل)`."""
    if position < len(found) and found[position].text in ("/", "("):
        named = _month_name_at(found, position + 1, text)
        if named is not None:
            position = named[1]
            if position < len(found) and found[position].text == ")":
                position += 1
    return position


def _skip_ordinal(found: list[Token], position: int) -> int:
    if position < len(found) and found[position].text in _ORDINAL_SUFFIXES:
        return position + 1
    return position


def _iso_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    parts = found[index : index + 5]
    shape = [(token.kind, len(token.text)) for token in parts]
    if shape != [("number", 4), ("symbol", 1), ("number", 2), ("symbol", 1), ("number", 2)]:
        return None
    if parts[1].text != "-" or parts[3].text != "-":
        return None
    if any(left.end != right.start for left, right in itertools.pairwise(parts)):
        return None
    return parse_partial_date(text[parts[0].start : parts[4].end]), False, index, index + 5


def _year_at(found: list[Token], index: int, reference: dt.date, text: str) -> _Hit | None:
    context = match_phrase(found, index, YEAR_CONTEXT)
    if context is not None:
        position = context[1]
    elif len(found) == 1 or _follows_year_range(found, index):
        position = index
    else:
        return None
    if not _is_year(found, position):
        return None
    end = position + 1
    if end < len(found) and found[end].text in YEAR_SUFFIXES:
        end += 1
    return PartialDate(int(found[position].text)), False, position, end


def _follows_year_range(found: list[Token], index: int) -> bool:
    """The second year of a period such as `الفترة 1977-1978`."""
    return (
        index >= 3
        and found[index - 1].text == "-"
        and _is_year(found, index - 2)
        and match_phrase(found, index - 3, YEAR_CONTEXT) is not None
    )


def _is_year(found: list[Token], position: int) -> bool:
    if position >= len(found) or found[position].kind != "number":
        return False
    text = found[position].text
    return len(text) == 4 and text.isdigit() and 1000 <= int(text) <= 2100


def _is_day(found: list[Token], position: int) -> bool:
    if position >= len(found) or found[position].kind != "number":
        return False
    text = found[position].text
    return text.isdigit() and len(text) <= 2 and 1 <= int(text) <= 31
