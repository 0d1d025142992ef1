"""The words of the calendar in Arabic (both month series, and the Maghreb's) and English."""

from claims.arabic.words import Token, match_phrase, phrase_table

_MONTHS = {
    1: "يناير كانون_الثاني جانفي January Jan",
    2: "فبراير شباط فيفري February Feb",
    3: "مارس آذار March Mar",
    4: "أبريل إبريل نيسان أفريل April Apr",
    5: "مايو أيار ماي May",
    6: "يونيو يونيه حزيران جوان June Jun",
    7: "يوليو يوليه تموز جويلية يوليوز July Jul",
    8: "أغسطس آب أوت غشت August Aug",
    9: "سبتمبر أيلول شتنبر September Sep Sept",
    10: "أكتوبر تشرين_الأول October Oct",
    11: "نوفمبر تشرين_الثاني نونبر November Nov",
    12: "ديسمبر كانون_الأول دجنبر December Dec",
}
MONTH_TABLE = phrase_table(
    (name.replace("_", " "), month) for month, names in _MONTHS.items() for name in names.split()
)
# Month names that are also common words (آب "father", مارس "practised", English "may", "march"): only taken
# as a month next to a day, a year or a "last/next" marker.
AMBIGUOUS_MONTHS = {"اب", "مارس", "may", "march", "mar", "jan", "sep", "dec"}

_WEEKDAYS = {
    0: "الاثنين الإثنين Monday",
    1: "الثلاثاء Tuesday",
    2: "الأربعاء الاربعاء Wednesday",
    3: "الخميس Thursday",
    4: "الجمعة Friday",
    5: "السبت Saturday",
    6: "الأحد Sunday",
}
WEEKDAY_TABLE = phrase_table(
    [(name, weekday) for weekday, names in _WEEKDAYS.items() for name in names.split()]
    + [(f"يوم {name}", weekday) for weekday, names in _WEEKDAYS.items() for name in names.split()[:-1]]
    + [(f"on {names.split()[-1]}", weekday) for weekday, names in _WEEKDAYS.items()]
)
AMBIGUOUS_WEEKDAYS = {"الاثنين"}  # also "the two"

# Words after which a four-digit number is a year, not a count (عام 2018, في 2017, أواخر 2015, since 1983), and
# the era marks written after a year (م, هـ).
YEAR_CONTEXT = phrase_table(
    (word, True)
    for word in [
        "عام",
        "العام",
        "سنة",
        "السنة",
        "عامي",
        "الفترة",
        "فترة",
        "منذ",
        "في",
        "خلال",
        "أواخر",
        "أوائل",
        "منتصف",
        "بداية",
        "نهاية",
        "مطلع",
        "حتى",
        "in",
        "since",
        "year",
        "during",
        "until",
        "late",
        "early",
        "mid",
    ]
)
YEAR_SUFFIXES = {"م", "ه", "ad", "bc", "bce", "ce"}


def is_month_name(found: list[Token], position: int) -> bool:
    """Whether a month name (of any series, one or two words) starts at `found[position]`."""
    return position < len(found) and match_phrase(found, position, MONTH_TABLE) is not None
