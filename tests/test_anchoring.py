"""Anchoring a claim to its span of an article, and finding it again after the article is revised."""

import pytest

from claims.anchoring import (
    AnchorError,
    Anchoring,
    EmptySelection,
    PositionsOutOfRange,
    QuoteAmbiguous,
    QuoteNotFound,
    Selector,
    SelectorMismatch,
    codepoint_to_utf16,
    describe,
    reanchor,
    reanchor_all,
    resolve,
    utf16_to_codepoint,
)

# Paragraphs of the demo article (haftar-russia.ar.txt), as the desk received them.
ARTICLE = """**حفتر والمرتزقة الروس

عام 2018 زار حفتر موسكو والتقى وزير الدفاع سيرغي شويغو ورئيس الأركان فاليري غراسيموف.

وشارك في الاجتماع الذي عقده حفتر مع كبار الضباط بوزارة الدفاع الروسية رجل الأعمال الروسي يفغيني بريغوجين الذي يتردد أنه يمول شركة فاغنر الأمنية الروسية التي تضم الجنود المرتزقة الروس المتهمين بتعميق الأزمات في كل من سوريا وأوكرانيا.

ونشرت الصحافة صوراً وفيديوهات تظهر مشاركة رجل الأعمال بريغوجين ممول شركة فاغنر في الوفد الذي التقى حفتر في روسيا.

وآنذاك، قالت السلطات الروسية، إن رجل الأعمال بريغوجين شارك لتنظيم برنامج الوفد الليبي.

وعقب هذه الزيارة، كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم بحوالي ألفين، كما تبين أن “فاغنر” قدمت دعماً لقوات حفتر ووفرت له أسلحة ومهمات عسكرية وطائرات بدون طيار.

– حفتر والاتحاد السوفيتي
في فترة الاتحاد السوفييتي شارك حفتر في دورة “فيسترال” لإعداد كبار الضباط خلال الفترة 1977-1978 وتلقى تدريباً على مستوى عال لمدة عام كامل حول تشكيلات القيادة بالقوات البرية وأساليب وطرق إطلاق النيران.
"""

TROOPS = "ويقدر عددهم بحوالي ألفين"
NEW_PARAGRAPH = "وأكدت مصادر أخرى هذه المعلومات في وقت لاحق.\n\n"
BEFORE_TROOPS = "وعقب هذه الزيارة"


def test_a_quote_alone_is_completed_with_its_positions_and_surrounding_text():
    selector = resolve(ARTICLE, exact=TROOPS)

    assert ARTICLE[selector.start : selector.end] == TROOPS
    assert selector.prefix == ARTICLE[selector.start - 32 : selector.start]
    assert selector.suffix == ARTICLE[selector.end : selector.end + 32]


def test_positions_alone_are_completed_with_the_quote():
    start = ARTICLE.index(TROOPS)

    selector = resolve(ARTICLE, start=start, end=start + len(TROOPS))

    assert selector == describe(ARTICLE, start, start + len(TROOPS))
    assert selector.exact == TROOPS


def test_positions_count_code_points_not_utf16_units():
    text = "😀 " + TROOPS

    selector = resolve(text, exact=TROOPS)

    assert (selector.start, selector.end) == (2, 2 + len(TROOPS))


def test_a_quote_and_positions_that_agree_resolve():
    start = ARTICLE.index(TROOPS)

    selector = resolve(ARTICLE, exact=TROOPS, start=start, end=start + len(TROOPS))

    assert selector.exact == TROOPS


def test_a_quote_that_disagrees_with_its_positions_is_a_mismatch():
    start = ARTICLE.index(TROOPS)

    with pytest.raises(SelectorMismatch, match="does not match the article's text at positions"):
        resolve(ARTICLE, exact=TROOPS, start=start + 1, end=start + 1 + len(TROOPS))


def test_a_prefix_that_disagrees_with_the_positions_is_a_mismatch():
    start = ARTICLE.index(TROOPS)

    with pytest.raises(SelectorMismatch, match="prefix"):
        resolve(ARTICLE, prefix="نص آخر", start=start, end=start + len(TROOPS))


def test_a_name_mentioned_many_times_is_ambiguous():
    with pytest.raises(QuoteAmbiguous) as raised:
        resolve(ARTICLE, exact="حفتر")

    assert raised.value.count == ARTICLE.count("حفتر")
    assert raised.value.positions[0] == ARTICLE.index("حفتر")
    assert str(raised.value) == (
        f"The quote appears {ARTICLE.count('حفتر')} times in the article; add a prefix or suffix "
        "(text just before or after it) to say which one."
    )


def test_a_prefix_picks_one_of_the_mentions():
    selector = resolve(ARTICLE, exact="حفتر", prefix="عام 2018 زار ")

    assert selector.start == ARTICLE.index("عام 2018 زار حفتر") + len("عام 2018 زار ")


def test_a_suffix_picks_one_of_the_mentions():
    selector = resolve(ARTICLE, exact="حفتر", suffix=" ووفرت له")

    assert ARTICLE[selector.end :].startswith(" ووفرت له")


def test_a_quote_not_in_the_article_is_not_found():
    with pytest.raises(QuoteNotFound, match="does not appear in the article"):
        resolve(ARTICLE, exact="ويقدر عددهم بحوالي ثلاثة آلاف")


def test_a_quote_with_the_wrong_prefix_is_not_found_and_the_message_names_the_prefix():
    with pytest.raises(QuoteNotFound, match="check the prefix and suffix"):
        resolve(ARTICLE, exact=TROOPS, prefix="في سوريا ")


@pytest.mark.parametrize("quote", ["", "   ", "\n\t "])
def test_an_empty_or_blank_quote_is_an_empty_selection(quote):
    with pytest.raises(EmptySelection, match="select the words of the claim"):
        resolve(ARTICLE, exact=quote)


def test_positions_around_only_whitespace_are_an_empty_selection():
    start = ARTICLE.index("\n\n")

    with pytest.raises(EmptySelection):
        resolve(ARTICLE, start=start, end=start + 2)


def test_nothing_given_is_an_empty_selection():
    with pytest.raises(EmptySelection, match="give the quote, or the start and end positions"):
        resolve(ARTICLE)


def test_a_start_without_an_end_is_refused():
    with pytest.raises(AnchorError, match="both a start and an end"):
        resolve(ARTICLE, start=3)


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (10, 5), (0, len(ARTICLE) + 1)])
def test_positions_outside_the_article_are_out_of_range(start, end):
    with pytest.raises(PositionsOutOfRange, match=f"which is {len(ARTICLE)} characters long"):
        describe(ARTICLE, start, end)


def test_positions_that_are_not_whole_numbers_are_refused():
    with pytest.raises(AnchorError, match="whole numbers"):
        describe(ARTICLE, 1.5, 4)


def test_context_is_cut_short_at_the_edges_of_the_text():
    selector = describe("حفتر في موسكو", 0, 4)

    assert (selector.prefix, selector.exact, selector.suffix) == ("", "حفتر", " في موسكو")


def test_a_selector_is_rebuilt_from_the_parts_a_claim_stores():
    selector = resolve(ARTICLE, exact=TROOPS)
    stored = {
        "exact": TROOPS,
        "prefix": selector.prefix,
        "suffix": selector.suffix,
        "start": selector.start,
        "end": selector.end,
    }

    assert Selector(**stored) == selector


def test_an_unchanged_article_keeps_the_claim_in_place():
    selector = resolve(ARTICLE, exact=TROOPS)

    assert reanchor(selector, ARTICLE) == Anchoring(selector, "exact", 1.0)


def test_a_paragraph_inserted_before_the_claim_moves_it_exactly():
    selector = resolve(ARTICLE, exact=TROOPS)
    revised = ARTICLE.replace(BEFORE_TROOPS, NEW_PARAGRAPH + BEFORE_TROOPS)

    anchoring = reanchor(selector, revised)

    assert anchoring.method == "exact"
    assert anchoring.confidence == 1.0
    assert anchoring.selector.start == selector.start + len(NEW_PARAGRAPH)
    assert revised[anchoring.selector.start : anchoring.selector.end] == TROOPS


def test_a_word_changed_inside_the_claim_is_found_fuzzily():
    selector = resolve(ARTICLE, exact=TROOPS)
    revised = ARTICLE.replace("بحوالي ألفين،", "بحوالي ألفي،")

    anchoring = reanchor(selector, revised)

    assert anchoring.method == "fuzzy"
    assert 0.75 <= anchoring.confidence < 1
    assert anchoring.selector.exact == "ويقدر عددهم بحوالي ألفي"
    assert anchoring.selector.start == selector.start


def test_a_deleted_claim_is_orphaned():
    selector = resolve(ARTICLE, exact=TROOPS)
    revised = ARTICLE.replace(TROOPS, "")

    anchoring = reanchor(selector, revised)

    assert anchoring == Anchoring(None, "orphaned", anchoring.confidence)
    assert anchoring.confidence < 0.75


def test_a_claim_rewritten_beyond_recognition_is_orphaned():
    selector = resolve(ARTICLE, exact=TROOPS)
    revised = ARTICLE.replace(TROOPS, "ولا يعرف أحد عددهم الحقيقي")

    assert reanchor(selector, revised).method == "orphaned"


def test_a_repeated_name_follows_its_own_mention_when_text_is_inserted_before_it():
    selector = resolve(ARTICLE, exact="حفتر", suffix=" ووفرت له")
    revised = NEW_PARAGRAPH + "التقى حفتر مسؤولين روس.\n\n" + ARTICLE

    anchoring = reanchor(selector, revised)

    assert anchoring.method == "exact"
    assert revised[anchoring.selector.end :].startswith(" ووفرت له")


def test_a_reworded_claim_moved_far_down_the_article_is_still_found():
    filler = "".join(f"Paragraph {n} of the wire copy, unrelated to the claim.\n\n" for n in range(200))
    selector = resolve(ARTICLE + filler, exact=TROOPS)
    moved = ARTICLE.replace(TROOPS, "") + filler + ARTICLE.replace("بحوالي ألفين،", "بحوالي ألفي،")

    anchoring = reanchor(selector, moved)

    assert anchoring.method == "fuzzy"
    assert anchoring.selector.exact == "ويقدر عددهم بحوالي ألفي"
    assert anchoring.selector.start > len(ARTICLE) + len(filler)


def test_a_raised_threshold_orphans_a_fuzzy_match():
    selector = resolve(ARTICLE, exact=TROOPS)
    revised = ARTICLE.replace("بحوالي ألفين،", "بحوالي ألفي،")

    assert reanchor(selector, revised, threshold=0.99).method == "orphaned"


def test_a_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match="threshold"):
        reanchor(resolve(ARTICLE, exact=TROOPS), ARTICLE, threshold=0)


def test_every_claim_of_an_article_is_reanchored_in_the_order_given():
    quotes = [TROOPS, "عام 2018 زار حفتر موسكو", "رجل الأعمال الروسي يفغيني بريغوجين"]
    selectors = [resolve(ARTICLE, exact=quote) for quote in quotes]
    revised = NEW_PARAGRAPH + ARTICLE.replace(TROOPS, "ويقدر عددهم بنحو ألفين")

    anchorings = reanchor_all(selectors, revised)

    assert [a.method for a in anchorings] == ["fuzzy", "exact", "exact"]
    assert [a.selector.start for a in anchorings[1:]] == [s.start + len(NEW_PARAGRAPH) for s in selectors[1:]]
    assert reanchor_all([], revised) == []


def test_an_emoji_counts_as_two_utf16_units_and_one_code_point():
    text = "حفتر 😀 موسكو"

    assert codepoint_to_utf16(text, 6) == 7
    assert utf16_to_codepoint(text, 7) == 6
    assert codepoint_to_utf16(text, len(text)) == len(text) + 1


def test_a_utf16_offset_inside_an_emoji_is_refused():
    with pytest.raises(ValueError, match="between the two halves"):
        utf16_to_codepoint("حفتر 😀 موسكو", 6)


@pytest.mark.parametrize("offset", [-1, 14])
def test_a_utf16_offset_outside_the_text_is_refused(offset):
    with pytest.raises(ValueError, match="outside the text"):
        utf16_to_codepoint("حفتر 😀 موسكو", offset)


def test_a_code_point_offset_outside_the_text_is_refused():
    with pytest.raises(ValueError, match="outside the text"):
        codepoint_to_utf16("حفتر", 5)
