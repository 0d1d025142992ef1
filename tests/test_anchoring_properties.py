"""Invariants of anchoring over random Arabic, Latin, emoji and combining-mark texts and random revisions."""

import string

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from claims.anchoring import (
    DEFAULT_THRESHOLD,
    codepoint_to_utf16,
    describe,
    reanchor,
    reanchor_all,
    utf16_to_codepoint,
)

ARABIC = st.characters(min_codepoint=0x0621, max_codepoint=0x064A)
ARABIC_MARKS = st.characters(min_codepoint=0x064B, max_codepoint=0x0652)
LATIN = st.sampled_from(string.ascii_letters)
COMBINING = st.characters(min_codepoint=0x0300, max_codepoint=0x036F)
EMOJI = st.characters(min_codepoint=0x1F300, max_codepoint=0x1F64F)
DIGITS = st.sampled_from(string.digits)
SPACE = st.sampled_from(" \n")

MIXED = st.one_of(ARABIC, ARABIC_MARKS, LATIN, COMBINING, EMOJI, DIGITS, SPACE)
# Two alphabets with no character in common: a quote written in one cannot be found in text written in the
# other, so when the quote is deleted or rewritten nothing else in the text can pass for it.
QUOTE_ONLY = st.one_of(ARABIC, ARABIC_MARKS, EMOJI)
SURROUNDINGS_ONLY = st.one_of(LATIN, COMBINING, DIGITS, SPACE)

PROPERTIES = settings(max_examples=150, deadline=None)


def texts(alphabet, min_size=0, max_size=80):
    return st.text(alphabet, min_size=min_size, max_size=max_size)


def quotes(alphabet=MIXED, min_size=1):
    return texts(alphabet, min_size=min_size, max_size=40).filter(str.strip)


def revise(data, text, alphabet):
    """text with a few random insertions and deletions."""
    for _ in range(data.draw(st.integers(0, 3))):
        position = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:position] + data.draw(texts(alphabet, 1, 20)) + text[position:]
        else:
            text = text[:position] + text[data.draw(st.integers(position, min(len(text), position + 20))) :]
    return text


def count(text, quote):
    return sum(text.startswith(quote, i) for i in range(len(text)))


@PROPERTIES
@given(before=texts(MIXED), quote=quotes(), after=texts(MIXED), data=st.data())
def test_a_claim_whose_text_survives_is_found_exactly_where_it_moved(before, quote, after, data):
    selector = describe(before + quote + after, len(before), len(before) + len(quote))
    new_before, new_after = revise(data, before, MIXED), revise(data, after, MIXED)
    revised = new_before + quote + new_after

    anchoring = reanchor(selector, revised)

    assert anchoring.method == "exact"
    assert revised[anchoring.selector.start : anchoring.selector.end] == quote
    if count(revised, quote) == 1:
        assert anchoring.selector.start == len(new_before)


@PROPERTIES
@given(before=texts(SURROUNDINGS_ONLY), quote=quotes(QUOTE_ONLY), after=texts(SURROUNDINGS_ONLY), data=st.data())
def test_a_deleted_claim_is_orphaned(before, quote, after, data):
    selector = describe(before + quote + after, len(before), len(before) + len(quote))
    revised = revise(data, before, SURROUNDINGS_ONLY) + revise(data, after, SURROUNDINGS_ONLY)

    anchoring = reanchor(selector, revised)

    assert anchoring.method == "orphaned"
    assert anchoring.selector is None
    assert anchoring.confidence < DEFAULT_THRESHOLD


@PROPERTIES
@given(
    before=texts(SURROUNDINGS_ONLY),
    quote=quotes(QUOTE_ONLY, min_size=2),
    after=texts(SURROUNDINGS_ONLY),
    data=st.data(),
)
def test_a_claim_mostly_rewritten_is_orphaned(before, quote, after, data):
    selector = describe(before + quote + after, len(before), len(before) + len(quote))
    rewritten_positions = data.draw(
        st.sets(st.integers(0, len(quote) - 1), min_size=len(quote) // 2 + 1, max_size=len(quote))
    )
    replacement = data.draw(st.lists(LATIN, min_size=len(quote), max_size=len(quote)))
    rewritten = "".join(replacement[i] if i in rewritten_positions else char for i, char in enumerate(quote))

    anchoring = reanchor(selector, before + rewritten + after)

    assert anchoring.method == "orphaned"


@PROPERTIES
@given(before=texts(MIXED), quote=quotes(min_size=12), after=texts(MIXED), data=st.data())
def test_a_small_edit_inside_a_claim_is_found_fuzzily_where_the_claim_was(before, quote, after, data):
    selector = describe(before + quote + after, len(before), len(before) + len(quote))
    position = data.draw(st.integers(0, len(quote) - 1))
    edit = data.draw(st.sampled_from(["insert", "delete", "replace"]))
    char = data.draw(MIXED.filter(lambda c: c != quote[position]))
    tail = quote[position:] if edit == "insert" else quote[position + 1 :]
    edited = quote[:position] + ("" if edit == "delete" else char) + tail
    revised = before + edited + after
    assume(edited.strip() and quote not in revised)

    anchoring = reanchor(selector, revised)

    assert anchoring.method == "fuzzy"
    assert DEFAULT_THRESHOLD <= anchoring.confidence < 1
    assert anchoring.selector.start < len(before) + len(edited)
    assert anchoring.selector.end > len(before)


@PROPERTIES
@given(before=texts(MIXED), quote=quotes(), after=texts(MIXED), data=st.data())
def test_a_claim_never_lands_on_text_unlike_its_quote(before, quote, after, data):
    text = before + quote + after
    selector = describe(text, len(before), len(before) + len(quote))
    revised = revise(data, text, MIXED)
    assume(revised.strip())

    anchoring = reanchor(selector, revised)

    if anchoring.method == "orphaned":
        assert anchoring.selector is None
        assert anchoring.confidence < DEFAULT_THRESHOLD
        return
    found = anchoring.selector
    assert found == describe(revised, found.start, found.end)
    if anchoring.method == "exact":
        assert found.exact == quote
    else:
        assert found.exact != quote
        assert Levenshtein.distance(found.exact, quote) <= len(quote) // 2
        assert Levenshtein.normalized_similarity(found.exact, quote) >= anchoring.confidence >= DEFAULT_THRESHOLD


@PROPERTIES
@given(
    parts=st.lists(st.tuples(texts(MIXED, max_size=30), quotes()), min_size=1, max_size=6),
    tail=texts(MIXED, max_size=30),
    inserted=texts(MIXED, 1, 40),
)
def test_every_claim_follows_text_inserted_before_them_all(parts, tail, inserted):
    text, spans = "", []
    for gap, quote in parts:
        text += gap
        spans.append((len(text), len(text) + len(quote)))
        text += quote
    text += tail
    selectors = [describe(text, start, end) for start, end in spans]
    revised = inserted + text

    anchorings = reanchor_all(selectors[::-1], revised)[::-1]

    for selector, anchoring in zip(selectors, anchorings, strict=True):
        assert anchoring.method == "exact"
        assert anchoring.selector.exact == selector.exact
        if count(revised, selector.exact) == 1:
            assert anchoring.selector.start == selector.start + len(inserted)


@PROPERTIES
@given(text=texts(MIXED, max_size=60), data=st.data())
def test_code_point_offsets_round_trip_through_utf16(text, data):
    offset = data.draw(st.integers(0, len(text)))

    units = codepoint_to_utf16(text, offset)

    assert units == len(text[:offset].encode("utf-16-le")) // 2
    assert utf16_to_codepoint(text, units) == offset


@PROPERTIES
@given(text=texts(MIXED, max_size=60), data=st.data())
def test_a_utf16_offset_maps_to_a_code_point_unless_it_splits_a_character(text, data):
    encoded = text.encode("utf-16-le")
    units = data.draw(st.integers(0, len(encoded) // 2))
    unit = int.from_bytes(encoded[2 * units : 2 * units + 2], "little") if units < len(encoded) // 2 else None
    splits = unit is not None and 0xDC00 <= unit <= 0xDFFF

    try:
        offset = utf16_to_codepoint(text, units)
    except ValueError:
        assert splits
    else:
        assert not splits
        assert codepoint_to_utf16(text, offset) == units
