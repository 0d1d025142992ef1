"""Telling text from binary data in a body labelled as text, and a PDF from a page."""

import gzip
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.fetching.client import DEFAULT_CONTENT_TYPES
from claims.fetching.errors import ContentTypeRefused
from claims.fetching.sniff import content_type, declared_type, looks_binary
from tests.fetching.test_capture import make_png, make_zip

RANDOM = random.Random(1445).randbytes  # compressed or encrypted data looks like this; seeded to be the same each run
# Text as pages carry it: any letters, digits, marks, punctuation and blanks, no control characters.
PAGE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs"), whitelist_characters="\t\n\r"), max_size=2000)


@given(PAGE_TEXT, st.sampled_from(["utf-8", "windows-1256", "iso-8859-6", "windows-1252"]))
def test_text_in_any_web_encoding_is_never_binary(text, codec):
    assert not looks_binary(text.encode(codec, errors="ignore"))


# Named ids: a gzip stream carries the time it was made, and xdist's workers must collect the same test names.
@pytest.mark.parametrize(
    "body",
    [make_png(), make_zip(), gzip.compress(b"<p>page</p>"), RANDOM(4000), b"\x7fELF\x02\x01\x01" + RANDOM(200)],
    ids=["png", "zip", "gzip", "random", "elf"],
)
def test_images_archives_and_random_bytes_are_binary(body):
    assert looks_binary(body)


def test_compressed_data_without_a_nul_is_binary_by_its_control_bytes():
    body = bytes(byte for byte in RANDOM(4000) if byte)
    assert looks_binary(body)


def test_the_declared_type_stands_for_a_real_page():
    assert content_type("text/html", b"<!doctype html><p>Hello</p>", DEFAULT_CONTENT_TYPES) == "text/html"


def test_a_body_without_a_declared_type_must_look_like_a_page_or_a_pdf():
    assert content_type("", b"  <html><p>Hi</p>", DEFAULT_CONTENT_TYPES) == "text/html"
    assert content_type("", b"%PDF-1.7\n", DEFAULT_CONTENT_TYPES) == "application/pdf"
    with pytest.raises(ContentTypeRefused, match="did not say what kind of file"):
        content_type("", make_png(), DEFAULT_CONTENT_TYPES)


def test_a_declared_type_not_captured_is_refused_before_reading():
    with pytest.raises(ContentTypeRefused, match="serves image/png, which is not captured"):
        declared_type("image/png", DEFAULT_CONTENT_TYPES)
    assert declared_type("Text/HTML; charset=utf-8", DEFAULT_CONTENT_TYPES) == "text/html"
    assert declared_type(None, DEFAULT_CONTENT_TYPES) == ""
