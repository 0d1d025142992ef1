"""Checking that an evidence passage is in the captured text, in Arabic spelled any way."""

from hypothesis import given
from hypothesis import strategies as st

from claims.fetching.passages import find_passage

TEXT = "قال الناطق: إنّ الأمرَ محسومٌ تماماً، وأكّد أن عددهم بحوالي ألفين من المرتزقة الروس في ليبيا."


def test_passage_with_other_diacritics_and_spelling_is_found_at_its_original_span():
    match = find_passage("ان الامر محسوم", TEXT)
    assert match.state == "found" and match.score == 100.0
    assert TEXT[match.start : match.end] == "إنّ الأمرَ محسومٌ"


def test_alef_maqsura_and_hamza_variants_still_match_exactly():
    match = find_passage("وأكد ان عددهم بحوالى الفين", TEXT)
    assert match.state == "found"
    assert TEXT[match.start : match.end] == "وأكّد أن عددهم بحوالي ألفين"


def test_passage_with_a_changed_word_is_approximate():
    match = find_passage("عددهم بحوالي ألفين من المرتزقة الروس في سوريا", TEXT)
    assert match.state == "approximate" and 85 <= match.score < 100
    assert "المرتزقة الروس" in TEXT[match.start : match.end]


def test_unrelated_passage_is_not_found():
    assert find_passage("ارتفعت أسعار النفط في الأسواق العالمية", TEXT).state == "not_found"


def test_empty_passage_is_not_found():
    assert find_passage("  ", TEXT).state == "not_found"


@given(st.integers(min_value=0, max_value=len(TEXT) - 1), st.integers(min_value=8, max_value=40))
def test_any_slice_of_the_text_is_found(start, length):
    passage = TEXT[start : start + length]
    if not passage.strip() or len(passage.split()) < 2:
        return
    match = find_passage(passage, TEXT)
    assert match.state == "found"
    assert match.start <= start + len(passage) and match.end >= start
