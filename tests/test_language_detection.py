"""The language an imported article is detected in, and the text direction that follows from it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.arabic import detect_language, direction_for

ARABIC_LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىة"


@pytest.mark.parametrize(
    "text",
    [
        "بدعمه لـ “حفتر”.. بوتين يستنسخ في ليبيا بشار أسد جديد",
        "خلال الفترة 1977-1978 وتلقى تدريباً على مستوى عال",
        "ويتحدث البعض عن أنه عميل للاستخبارات المركزية الأمريكية (سي آي ايه).",
    ],
)
def test_demo_sentences_are_arabic_and_right_to_left(text):
    assert detect_language(text) == "ar"
    assert direction_for(detect_language(text)) == "rtl"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("In 2018 Haftar visited Moscow and met Defence Minister Sergei Shoigu.", "en"),
        ("En 2018, Haftar s'est rendu à Moscou et a rencontré le ministre de la Défense.", "fr"),
        ("В 2018 году Хафтар посетил Москву и встретился с министром обороны.", "ru"),
        ("حفتر در سال ۲۰۱۸ به مسکو سفر کرد و با وزیر دفاع روسیه دیدار کرد.", "fa"),
        ("حفتر نے 2018 میں ماسکو کا دورہ کیا اور روسی وزیر دفاع سے ملاقات کی۔", "ur"),
        ("חפטר ביקר במוסקבה בשנת 2018 ונפגש עם שר ההגנה הרוסי.", "he"),
    ],
)
def test_other_languages_are_told_apart_from_arabic(text, language):
    assert detect_language(text) == language


def test_text_without_letters_is_undetermined():
    assert detect_language("1977-1978 — 2,000") == "und"
    assert direction_for("und") == "ltr"


@settings(deadline=None)
@given(
    st.text(alphabet=ARABIC_LETTERS + " 0123456789،.", min_size=1).filter(lambda t: any(c in ARABIC_LETTERS for c in t))
)
def test_text_of_arabic_letters_is_arabic(text):
    assert detect_language(text) == "ar"


@pytest.mark.parametrize(
    ("language", "direction"),
    [
        ("ar", "rtl"),
        ("AR-eg", "rtl"),
        ("fa_IR", "rtl"),
        ("ur", "rtl"),
        ("he", "rtl"),
        ("ps", "rtl"),
        ("en", "ltr"),
        ("fr-CA", "ltr"),
        ("az-Arab", "rtl"),
        ("ku-Latn", "ltr"),
    ],
)
def test_direction_follows_language_and_script(language, direction):
    assert direction_for(language) == direction
