"""The one normalization used by search, matching and passage checks, its offset map and its word keys."""

from hypothesis import given, settings
from hypothesis import strategies as st

from claims.arabic import (
    find_similar,
    normalize,
    normalize_with_map,
    original_span,
    search_key,
    similar_words,
    skeleton,
    strip_clitics,
    text_similarity,
    tokens,
)

# Arabic letters, every mark the normalization strips, hamza forms, tatweel, both Eastern digit series, Latin,
# ligatures and presentation forms, invisible controls and odd whitespace: what scraped Arabic news holds.
ARABIC_ALPHABET = (
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةٱ"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0653\u0654\u0655\u0670\u06d6\u06ed\u0640"
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬،؛؟"
    "aAzZßİÉé\u0301\u0308ﻻﷺﷲﺃﺇ“”«»–—-'\""
    " \u00a0\n\t\u200c\u200d\u200e\u200f\ufeff"
    "پچژگکی"
)
arabic_text = st.text(alphabet=ARABIC_ALPHABET, max_size=60)
any_text = st.text(max_size=40)


@settings(deadline=None)
@given(st.one_of(arabic_text, any_text))
def test_normalizing_twice_changes_nothing(text):
    assert normalize(normalize(text)) == normalize(text)


@settings(deadline=None)
@given(st.one_of(arabic_text, any_text))
def test_offset_map_is_monotonic_and_inside_the_original(text):
    normalized, mapping = normalize_with_map(text)
    assert normalized == normalize(text)
    assert len(mapping) == len(normalized)
    assert all(0 <= index < len(text) for index in mapping)
    assert mapping == sorted(mapping)


@settings(deadline=None)
@given(arabic_text, st.data())
def test_a_span_of_normalized_text_maps_back_to_original_text_that_normalizes_to_it(text, data):
    normalized, mapping = normalize_with_map(text)
    if not normalized:
        return
    start = data.draw(st.integers(0, len(normalized) - 1))
    end = data.draw(st.integers(start + 1, len(normalized)))
    original_start, original_end = original_span(text, mapping, start, end)
    assert 0 <= original_start < original_end <= len(text)
    assert normalized[start:end].strip() in normalize(text[original_start:original_end])


@settings(deadline=None)
@given(st.lists(st.text(alphabet="ابتثجحخدسشعفقلمنهويىةأإآؤئء", min_size=1, max_size=9), min_size=2, max_size=2))
def test_spelling_variant_matching_is_symmetric_and_reflexive(pair):
    a, b = pair
    assert similar_words(a, a)
    assert similar_words(a, b) == similar_words(b, a)


def test_hamza_spelling_of_the_demo_matches_the_standard_spelling():
    assert normalize("الإتصال") == normalize("الاتصال")


def test_harakat_shadda_tanween_and_tatweel_are_ignored():
    assert normalize("مُسْتَلْزَمَاتٌ طِبِّيَّةٌ") == normalize("مستلزمات طبية")
    assert normalize("حفتـــــر") == "حفتر"


def test_alef_forms_unify():
    assert {normalize(word) for word in ("أحمد", "إحمد", "آحمد", "ٱحمد", "احمد")} == {"احمد"}


def test_alef_maqsura_and_taa_marbuta_fold_to_yaa_and_haa():
    assert normalize("مستوى") == normalize("مستوي")
    assert normalize("حكومة") == normalize("حكومه")


def test_hamza_carriers_fold_to_the_carrier_and_a_lone_hamza_stays():
    assert normalize("مؤتمر") == "موتمر"
    assert normalize("رئيس") == "رييس"
    assert normalize("سوء") == "سوء"


def test_arabic_indic_and_persian_digits_become_ascii():
    assert normalize("٢٠١٨ و۱۹۸۳ و2٬000 و1٫5") == "2018 و1983 و2,000 و1.5"


def test_latin_case_and_accents_are_ignored():
    assert normalize("Recep Tayyip ERDOĞAN") == normalize("recep tayyip erdogan")


def test_typographic_quotes_and_dashes_become_ascii():
    assert normalize("“فاغنر” العربية – الإسرائيلية") == '"فاغنر" العربيه - الاسراييليه'


def test_whitespace_runs_and_invisible_marks_collapse():
    assert normalize("  حفتر\u200f،\u00a0\n\n  موسكو  ") == "حفتر، موسكو"


def test_ligatures_expand():
    assert normalize("ﻻ") == "لا"


def test_a_match_in_normalized_text_gives_back_the_original_spelling():
    sentence = "وأجرى وزير الدفاع الروسي شويغو لقاء مع حفتر عبر دائرة الإتصال المغلقة"
    normalized, mapping = normalize_with_map(sentence)
    start = normalized.index(normalize("الاتصال"))
    original_start, original_end = original_span(sentence, mapping, start, start + len(normalize("الاتصال")))
    assert sentence[original_start:original_end] == "الإتصال"


def test_original_span_covers_the_diacritics_of_the_last_letter():
    text = "مُستلزماتٌ طبية"
    normalized, mapping = normalize_with_map(text)
    assert text[slice(*original_span(text, mapping, 0, len("مستلزمات")))] == "مُستلزماتٌ"


def test_tokens_split_digits_from_clitics_and_drop_punctuation():
    assert tokens("عددهم ب2000، و“فاغنر”") == ["عددهم", "ب", "2000", "و", "فاغنر"]


def test_search_key_is_the_normalized_word():
    assert search_key("الإتصالُ") == "الاتصال"


def test_clitic_readings_reach_the_bare_word():
    assert "حفتر" in strip_clitics("لحفتر")
    assert "استخبارات" in strip_clitics("للاستخبارات")
    assert strip_clitics("بين") == ("بين",)


def test_demo_spelling_variants_share_a_skeleton_and_count_as_one_word():
    for a, b in [("ميليشيات", "مليشيات"), ("السوفيتي", "السوفييتي"), ("الإتصال", "الاتصال")]:
        assert skeleton(a) == skeleton(b)
        assert similar_words(a, b)


def test_short_words_that_differ_in_a_vowel_stay_different():
    assert not similar_words("قال", "قيل")


def test_different_consonants_are_different_words():
    assert not similar_words("حفتر", "حفظ")
    assert not similar_words("مليشيات", "مليارات")


def test_latin_transliteration_variants_count_as_one_word():
    assert similar_words("Shoigu", "Shoygu")


def test_find_similar_picks_spelling_variants_from_a_vocabulary():
    assert find_similar("ميليشيات", ["مليارات", "مليشيات", "طرابلس"]) == ["مليشيات"]


def test_a_reworded_claim_scores_higher_than_an_unrelated_one():
    claim = "وتشن ميليشيات خليفة حفتر هجوما متعثرا للسيطرة على العاصمة طرابلس"
    reworded = "مليشيات حفتر تشن هجوما على العاصمة طرابلس"
    unrelated = "زار حفتر موسكو والتقى وزير الدفاع"
    assert text_similarity(claim, reworded) > 0.8 > text_similarity(claim, unrelated)
