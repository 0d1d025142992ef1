"""Claim dates with a precision, and relative dates resolved against the article's publication date."""

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claims.dates import PartialDate, find_dates, parse_partial_date, resolve_relative_date

# The demo article was published on Friday 10 January 2020.
PUBLISHED = dt.date(2020, 1, 10)
references = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2090, 12, 31))
ARABIC_WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]
ENGLISH_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
EGYPTIAN_MONTHS = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
]
LEVANTINE_MONTHS = [
    "كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول", "تشرين الثاني",
    "كانون الأول",
]  # fmt: skip


def resolved(text, reference=PUBLISHED):
    found = resolve_relative_date(text, reference)
    assert found is not None, text
    return found


@st.composite
def partial_dates(draw):
    day = draw(st.dates(min_value=dt.date(1, 1, 1)))
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    return PartialDate(day.year, day.month) if precision == "month" else PartialDate(day.year, day.month, day.day)


@given(partial_dates())
def test_partial_dates_survive_a_round_trip_through_iso_text(date):
    assert parse_partial_date(str(date)) == date


def test_partial_dates_know_their_precision():
    assert [parse_partial_date(s).precision for s in ("2018", "2018-04", "2018-04-04")] == ["year", "month", "day"]


def test_a_partial_date_spans_from_its_first_to_its_last_day():
    assert (PartialDate(2020, 2).earliest(), PartialDate(2020, 2).latest()) == (
        dt.date(2020, 2, 1),
        dt.date(2020, 2, 29),
    )
    assert PartialDate(2018).latest() == dt.date(2018, 12, 31)


def test_arabic_indic_digits_are_read_in_partial_dates():
    assert parse_partial_date("٢٠١٩-٠٤-٠٤") == PartialDate(2019, 4, 4)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2019-13", "month 13 is outside 1 to 12"),
        ("2019-02-29", "day 29 is outside 1 to 28"),
        ("19", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
        ("April 2019", "expected YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_bad_partial_dates_are_refused_with_a_clear_message(text, message):
    with pytest.raises(ValueError, match=message):
        parse_partial_date(text)


def test_demo_wednesday_is_two_days_before_publication():
    found = resolved("والأربعاء، دعا الرئيسان التركي رجب طيب أردوغان، ونظيره الروسي فلاديمير بوتين")
    assert (str(found.date), found.matched, found.relative) == ("2020-01-08", "والأربعاء", True)


def test_demo_friday_is_the_publication_day_itself():
    assert str(resolved("وفي المقابل، رفضت مليشيات خليفة حفتر، الجمعة، المبادرة التركية الروسية").date) == "2020-01-10"


def test_demo_since_4_april_last_is_april_2019():
    text = "وتشن ميليشيات خليفة حفتر، منذ 4 أبريل/ نيسان الماضي، هجوما متعثرا للسيطرة على العاصمة طرابلس"
    found = resolved(text)
    assert (str(found.date), found.date.precision, found.relative) == ("2019-04-04", "day", True)
    assert found.matched == "4 أبريل/ نيسان الماضي" == text[found.start : found.end]


def test_a_bare_weekday_resolves_to_the_past_even_when_an_announcement_means_the_coming_one():
    # "a ceasefire from midnight Sunday", announced on Wednesday 8 January, meant the 12th: the desk corrects it.
    assert str(resolved("إلى وقف لإطلاق النار في ليبيا يبدأ منتصف ليل الأحد").date) == "2020-01-05"


@settings(deadline=None)
@given(references, st.integers(0, 6), st.sampled_from(["{}", "يوم {}", "{} الماضي", "{} المقبل"]))
def test_arabic_weekdays_resolve_within_a_week_of_the_reference(reference, weekday, pattern):
    assume(pattern != "{}" or weekday != 0)  # a bare الاثنين is also "the two": see the next test
    day = dt.date.fromisoformat(str(resolved(pattern.format(ARABIC_WEEKDAYS[weekday]), reference).date))
    assert day.weekday() == weekday
    if "الماضي" in pattern:
        assert reference - dt.timedelta(days=7) <= day < reference
    elif "المقبل" in pattern:
        assert reference < day <= reference + dt.timedelta(days=7)
    else:
        assert reference - dt.timedelta(days=6) <= day <= reference


@settings(deadline=None)
@given(references, st.integers(0, 6))
def test_english_weekdays_resolve_like_arabic_ones(reference, weekday):
    for english, arabic in ((f"on {ENGLISH_WEEKDAYS[weekday]}", f"يوم {ARABIC_WEEKDAYS[weekday]}"),
                            (f"last {ENGLISH_WEEKDAYS[weekday]}", f"{ARABIC_WEEKDAYS[weekday]} الماضي")):  # fmt: skip
        assert resolved(english, reference).date == resolved(arabic, reference).date


@settings(deadline=None)
@given(references, st.integers(1, 12))
def test_both_arabic_month_series_and_english_name_the_same_month(reference, month):
    names = (EGYPTIAN_MONTHS[month - 1], LEVANTINE_MONTHS[month - 1])
    dates = {resolved(f"{name} الماضي", reference).date for name in names}
    dates.add(resolved(f"last {dt.date(2000, month, 1):%B}", reference).date)
    assert len(dates) == 1
    (date,) = dates
    assert date.month == month
    months_back = (reference.year - date.year) * 12 + reference.month - month
    assert 1 <= months_back <= 12


def test_month_named_in_both_series_with_a_day_and_a_year_is_absolute():
    found = resolved("في 4 نيسان (أبريل) 2019")
    assert (str(found.date), found.relative) == ("2019-04-04", False)


def test_english_month_day_year_is_absolute():
    assert str(resolved("on April 4, 2019").date) == "2019-04-04"


def test_monday_needs_yawm_or_a_marker_because_alithnayn_also_means_the_two():
    assert resolve_relative_date("بين الاثنين", PUBLISHED) is None
    assert str(resolved("يوم الاثنين").date) == "2020-01-06"


def test_a_month_without_marker_is_its_latest_occurrence_up_to_the_reference():
    assert str(resolved("في يناير").date) == "2020-01"
    assert str(resolved("في مارس").date) == "2019-03"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أمس", "2020-01-09"),
        ("اليوم", "2020-01-10"),
        ("غداً", "2020-01-11"),
        ("أول أمس", "2020-01-08"),
        ("yesterday", "2020-01-09"),
        ("tomorrow", "2020-01-11"),
        ("العام الماضي", "2019"),
        ("السنة المقبلة", "2021"),
        ("الشهر الماضي", "2019-12"),
        ("next month", "2020-02"),
        ("4 أبريل من العام الماضي", "2019-04-04"),
    ],
)
def test_day_month_and_year_words_count_from_the_publication_date(text, expected):
    found = resolved(text)
    assert (str(found.date), found.relative) == (expected, True)


@pytest.mark.parametrize(
    ("text", "year"),
    [("عام 2018 زار حفتر موسكو", 2018), ("كما زار حفتر في 2017", 2017), ("وعام 1983 تلقى", 1983), ("in 2014", 2014)],
)
def test_years_after_a_year_word_are_absolute_years(text, year):
    found = resolved(text)
    assert (found.date, found.relative, found.matched) == (PartialDate(year), False, str(year))


def test_a_period_of_years_gives_both_years():
    assert [str(d.date) for d in find_dates("خلال الفترة 1977-1978 وتلقى", PUBLISHED)] == ["1977", "1978"]


@pytest.mark.parametrize("text", ["ويقدر عددهم بنحو 2000 جندي", "مارس حفتر الضغط", "they may attend", "زار الأب ابنه"])
def test_counts_and_words_that_only_look_like_dates_are_not_dates(text):
    assert resolve_relative_date(text, PUBLISHED) is None


def test_a_day_the_month_does_not_have_is_not_a_date():
    assert all(found.date.day is None for found in find_dates("31 فبراير", PUBLISHED))


def test_a_datetime_reference_counts_as_its_date():
    assert str(resolved("أمس", dt.datetime(2020, 1, 10, 23, 59)).date) == "2020-01-09"


def test_the_demo_paragraph_yields_every_date_in_order():
    text = (
        "وتشن ميليشيات خليفة حفتر، منذ 4 أبريل/ نيسان الماضي، هجوما متعثرا. "
        "والأربعاء، دعا الرئيسان إلى وقف لإطلاق النار. وفي المقابل، رفضت مليشيات خليفة حفتر، الجمعة، المبادرة"
    )
    assert [str(found.date) for found in find_dates(text, PUBLISHED)] == ["2019-04-04", "2020-01-08", "2020-01-10"]
