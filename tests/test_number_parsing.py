"""Quantities suggested from claim text: number words and digits, hedges, ranges, vague plurals and units."""

from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from num2words import num2words

from claims.arabic import find_quantities, parse_quantity
from claims.arabic.typed_numbers import parse_typed_number

numbers = st.integers(min_value=1, max_value=999_999_999)
ARABIC_INDIC = str.maketrans("0123456789,", "٠١٢٣٤٥٦٧٨٩٬")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def only_quantity(text):
    found = parse_quantity(text)
    assert found is not None, text
    return found


def arabic_words(n):
    """`n` in Arabic words by num2words, with و joined to the next word as Arabic is written (num2words
    leaves a space after it)."""
    return num2words(n, lang="ar").replace("و ", "و")


def num2words_misspells_in_arabic(n):
    """num2words 0.5.14 writes a count of thousands or millions like 101 as "مائة و ألف ألف" (101,000),
    which is not Arabic; those numbers are checked with hand-written spellings below instead."""
    return any(group > 100 and group % 100 == 1 for group in (n // 1000 % 1000, n // 10**6 % 1000))


def english_words(n):
    """`n` in English words by num2words, without the commas it puts between groups."""
    return num2words(n, lang="en").replace(",", "")


@settings(deadline=None)
@given(numbers)
def test_arabic_number_words_read_back_as_the_number(n):
    assume(not num2words_misspells_in_arabic(n))
    words = arabic_words(n)
    quantity = only_quantity(words)
    assert (quantity.value, quantity.matched) == (n, words)


@pytest.mark.parametrize(
    ("words", "n"),
    [
        ("مائة وواحد ألف", 101_000),
        ("تسعمائة وواحد مليون", 901_000_000),
        ("أربعمائة وأربعة وثلاثون مليونا ومائة وواحد ألف وأربعون", 434_101_040),
        ("مائتان وواحد مليون ومائتان وواحد ألف ومائتان وواحد", 201_201_201),
    ],
)
def test_a_count_of_thousands_or_millions_ending_in_one_reads_back_as_the_number(words, n):
    quantity = only_quantity(words)
    assert (quantity.value, quantity.matched) == (n, words)


@settings(deadline=None)
@given(numbers)
def test_english_number_words_read_back_as_the_number(n):
    words = english_words(n)
    quantity = only_quantity(words)
    assert (quantity.value, quantity.matched) == (n, words)


@settings(deadline=None)
@given(numbers)
def test_digits_read_back_in_latin_arabic_indic_and_persian_digits(n):
    for written in (str(n), f"{n:,}", f"{n:,}".translate(ARABIC_INDIC), str(n).translate(PERSIAN)):
        assert only_quantity(written).value == n


@settings(deadline=None)
@given(numbers)
def test_a_hedge_with_a_clitic_makes_any_number_approximate(n):
    assume(not num2words_misspells_in_arabic(n))
    quantity = only_quantity(f"ويقدر عددهم بحوالي {arabic_words(n)}")
    assert (quantity.value, quantity.approximate) == (n, True)


def test_demo_troop_estimate_is_about_two_thousand():
    text = "ويقدر عددهم بحوالي ألفين"
    quantity = parse_quantity(text)
    assert quantity.value == 2000
    assert quantity.approximate
    assert quantity.matched == "بحوالي ألفين" == text[quantity.start : quantity.end]


def test_the_demo_troop_claim_holds_one_quantity():
    claim = "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم بحوالي ألفين"
    assert [(q.value, q.approximate) for q in find_quantities(claim)] == [(2000, True)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("واحد", 1),
        ("اثنان", 2),
        ("اثنين", 2),
        ("عشرة", 10),
        ("أحد عشر", 11),
        ("إحدى عشرة", 11),
        ("اثنا عشر", 12),
        ("تسعة عشر", 19),
        ("عشرون", 20),
        ("تسعين", 90),
        ("خمسة وعشرون", 25),
        ("مائة", 100),
        ("مئة", 100),
        ("مئتان", 200),
        ("مائتين", 200),
        ("ثلاثمائة", 300),
        ("ثلاث مئة", 300),
        ("ألف", 1000),
        ("ألفان", 2000),
        ("وألفين", 2000),
        ("ثلاثة آلاف", 3000),
        ("3 آلاف", 3000),
        ("ألف وخمسمائة", 1500),
        ("خمسة وعشرون ألفاً", 25000),
        ("مئتا ألف", 200000),
        ("مليون", 1_000_000),
        ("مليونان", 2_000_000),
        ("ثلاثة ملايين", 3_000_000),
        ("مليون ونصف", 1_500_000),
        ("مليار", 1_000_000_000),
        ("1.5 مليون", 1_500_000),
        ("١٫٥ مليار", 1_500_000_000),
        ("٢٠٠٠", 2000),
        ("2,000", 2000),
        ("2٬000", 2000),
        ("two thousand", 2000),
        ("one hundred and five", 105),
        ("a hundred", 100),
        ("a dozen", 12),
        ("1.5 million", 1_500_000),
    ],
)
def test_number_forms_read_as_their_value(text, value):
    assert only_quantity(text).value == Decimal(value)


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("عشرات", 20, 99),
        ("مئات", 200, 999),
        ("آلاف", 2000, 9999),
        ("عشرات الآلاف", 20_000, 99_999),
        ("مئات الآلاف", 200_000, 999_999),
        ("بضعة آلاف", 3000, 9000),
        ("dozens", 24, 119),
        ("hundreds", 200, 999),
        ("tens of thousands", 20_000, 99_999),
        ("several hundred", 300, 900),
    ],
)
def test_vague_plurals_are_approximate_ranges_without_a_value(text, lower, upper):
    quantity = only_quantity(text)
    assert (quantity.value, quantity.lower, quantity.upper, quantity.approximate) == (None, lower, upper, True)


@pytest.mark.parametrize(
    "text", ["حوالي 500", "نحو 500", "قرابة 500", "زهاء 500", "ما يقارب 500", "500 تقريبا", "about 500", "nearly 500"]
)
def test_approximation_hedges_keep_the_value_and_mark_it_approximate(text):
    quantity = only_quantity(text)
    assert (quantity.value, quantity.approximate) == (500, True)


@pytest.mark.parametrize("text", ["أكثر من 300", "ما يزيد عن 300", "over 300", "more than 300", "300 على الأقل"])
def test_more_than_gives_a_lower_bound(text):
    quantity = only_quantity(text)
    assert (quantity.value, quantity.lower, quantity.upper) == (None, 300, None)


@pytest.mark.parametrize("text", ["أقل من 300", "less than 300", "up to 300", "under 300"])
def test_less_than_gives_an_upper_bound(text):
    quantity = only_quantity(text)
    assert (quantity.value, quantity.lower, quantity.upper) == (None, None, 300)


@pytest.mark.parametrize(
    ("text", "lower", "upper"),
    [
        ("من 200 إلى 300", 200, 300),
        ("بين 200 و300", 200, 300),
        ("200-300", 200, 300),
        ("between 200 and 300", 200, 300),
        ("بين 2 و3 ملايين", 2_000_000, 3_000_000),
        ("بين ثلاثة وأربعة آلاف", 3000, 4000),
        ("two to three million", 2_000_000, 3_000_000),
    ],
)
def test_ranges_give_both_bounds(text, lower, upper):
    quantity = only_quantity(text)
    assert (quantity.value, quantity.lower, quantity.upper) == (None, lower, upper)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("ألفي مقاتل", "fighters"),
        ("2000 من المقاتلين", "fighters"),
        ("300 جندي", "soldiers"),
        ("$5 million", "USD"),
        ("40 بالمئة", "percent"),
        ("10%", "percent"),
        ("about 2,000 troops", "soldiers"),
    ],
)
def test_a_known_unit_after_the_number_is_recognised(text, unit):
    assert only_quantity(text).unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "عام 2018 زار حفتر موسكو",
        "وعام 1983 تلقى الانقلابي حفتر تعليماً عسكرياً",
        "كما زار حفتر في 2017 حاملة الطائرات الروسية",
        "خلال الفترة 1977-1978 وتلقى تدريباً",
        "وتشن ميليشيات خليفة حفتر، منذ 4 أبريل/ نيسان الماضي، هجوما متعثرا",
        "أحد الضباط",
        "يبدأ منتصف ليل الأحد",
        "one of the officers",
    ],
)
def test_years_dates_and_one_of_are_not_suggested_as_quantities(text):
    assert find_quantities(text) == []


def test_a_bare_year_still_parses_when_nothing_else_is_there():
    assert parse_quantity("عام 2018").value == 2018


def test_seventies_and_ordinal_words_are_not_numbers():
    assert find_quantities("بدأت في سبعينيات القرن الماضي خلال الحرب العالمية الثانية") == []


def test_several_quantities_come_in_text_order_with_their_spans():
    text = "قُتل 12 شخصا وأصيب أكثر من عشرين"
    found = find_quantities(text)
    assert [(q.value, q.lower) for q in found] == [(12, None), (None, 20)]
    assert [text[q.start : q.end] for q in found] == ["12 شخصا", "أكثر من عشرين"]


# --- Numbers typed into fields (claim details, evidence estimates) --------------------------------------------


@given(
    st.integers(min_value=0, max_value=10**15),
    st.integers(min_value=0, max_value=99),
    st.sampled_from([(",", ".", None), ("٬", "٫", ARABIC_INDIC), (" ", ".", None), ("\u202f", "٫", PERSIAN)]),
)
def test_a_typed_number_reads_back_in_any_digits_and_separators(whole, cents, style):
    group, point, digits = style
    typed = f"{whole:,}".replace(",", group) + f"{point}{cents:02d}"
    if digits:
        typed = typed.translate(digits)
    assert parse_typed_number(typed) == Decimal(f"{whole}.{cents:02d}")


@pytest.mark.parametrize("typed", ["two thousand", "ألفين", "1e5", "2-3", "", "1.2.3", True])
def test_words_and_odd_shapes_are_refused_with_what_to_type(typed):
    with pytest.raises(ValueError, match="Enter a number, e.g. 2000"):
        parse_typed_number(typed)


@pytest.mark.parametrize("typed, message", [("-3", "not negative"), (float("inf"), "finite"), (float("nan"), "finite")])
def test_negative_and_infinite_numbers_are_refused(typed, message):
    with pytest.raises(ValueError, match=message):
        parse_typed_number(typed)
