"""Bidi controls in user text never reorder what is written after it: checked against a real implementation of
the Unicode Bidirectional Algorithm (python-bidi, the Rust unicode-bidi crate) over random control sequences."""

import unicodedata

from bidi import get_display
from hypothesis import example, given, settings
from hypothesis import strategies as st

from claims.bidi import EMBEDDINGS, ISOLATES, PDF, PDI, balance, isolate_plain

CONTROLS = st.sampled_from("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ARABIC = st.characters(min_codepoint=0x0621, max_codepoint=0x064A)
ARABIC_DIGITS = st.characters(min_codepoint=0x0660, max_codepoint=0x0669)
# Latin letters other than those of the verdicts below, so the verdict cannot be found inside the text.
LATIN = st.sampled_from("bdfgkmnpqswxyz")
OTHER = st.sampled_from("0123456789 .,-()[]\n\t\u2029")
TEXTS = st.text(st.one_of(CONTROLS, CONTROLS, ARABIC, ARABIC_DIGITS, LATIN, OTHER), max_size=40)
PROPERTIES = settings(max_examples=400, deadline=None)
SEPARATOR = " — "
VERDICT_EN = "Accurate"
VERDICT_AR = "خطأ"


def open_at_end(text: str) -> list[str]:
    """The embeddings and isolates still open after ``text``, and the closers it has with nothing to close."""
    stack, unpaired = [], []
    for char in text:
        if char in EMBEDDINGS or char in ISOLATES:
            stack.append(char)
        elif char == PDF:
            (stack.pop() if stack and stack[-1] in EMBEDDINGS else unpaired.append(char))
        elif char == PDI:
            if any(c in ISOLATES for c in stack):
                while stack.pop() not in ISOLATES:
                    pass
            else:
                unpaired.append(char)
        elif unicodedata.bidirectional(char) == "B":
            stack.clear()
    return stack + unpaired


@PROPERTIES
@given(TEXTS)
@example("Troops left\u202e")
@example("Troops left\u2066")
@example("\u2069\u202c\u2067x\u202b")
def test_balanced_text_leaves_nothing_open_and_no_closer_unpaired(text):
    assert open_at_end(balance(text)) == []
    assert open_at_end(isolate_plain(text)) == []


@PROPERTIES
@given(TEXTS)
def test_balancing_changes_only_controls(text):
    controls = EMBEDDINGS | ISOLATES | {PDF, PDI}
    assert [c for c in balance(text) if c not in controls] == [c for c in text if c not in controls]
    assert balance(balance(text)) == balance(text)


@PROPERTIES
@given(TEXTS)
@example("Troops left\u202e")
@example("Troops left\u2066")
@example("\u0627\u0644\u062c\u064a\u0634\u200f")
def test_a_verdict_after_the_text_keeps_its_order_in_a_left_to_right_line(text):
    line = isolate_plain(text) + SEPARATOR + VERDICT_EN
    assert get_display(line, base_dir="L").endswith(SEPARATOR + VERDICT_EN)


@PROPERTIES
@given(TEXTS)
@example("\u0627\u0644\u062c\u064a\u0634\u202d")
@example("\u0627\u0644\u062c\u064a\u0634\u2066")
def test_an_arabic_verdict_after_the_text_keeps_its_place_in_a_right_to_left_line(text):
    line = isolate_plain(text) + SEPARATOR + VERDICT_AR
    # Displayed left to right: the verdict (its letters shown reversed, as Arabic is) at the far left.
    assert get_display(line, base_dir="R").startswith(VERDICT_AR[::-1] + SEPARATOR)


def test_plain_text_is_one_line():
    assert "\n" not in isolate_plain("first\nsecond\u2029third")


def test_latin_only_text_is_left_as_it_is():
    assert isolate_plain("Troops left on Wednesday (2,000 of them)") == "Troops left on Wednesday (2,000 of them)"


def test_text_that_opens_and_closes_its_own_isolate_keeps_it():
    text = "\u0642\u0627\u0644 \u2066Prigozhin\u2069 \u0625\u0646"
    assert balance(text) == text
