"""Decoding page bytes: the header, the page's own declaration, a BOM, or detection."""

import codecs

import pytest

from claims.fetching.decode import decode_html

ARABIC = "<p>كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا</p>" * 3


def page(meta: str = "") -> str:
    return f"<html><head>{meta}<title>خبر</title></head><body>{ARABIC}</body></html>"


@pytest.mark.parametrize(("label", "codec"), [("windows-1256", "cp1256"), ("ISO-8859-6", "iso8859-6")])
def test_arabic_declared_in_the_header(label, codec):
    text, used = decode_html(page().encode(codec), f"text/html; charset={label}")
    assert (text, used) == (page(), codec)


@pytest.mark.parametrize(("label", "codec"), [("windows-1256", "cp1256"), ("iso-8859-6", "iso8859-6")])
def test_arabic_declared_only_in_a_meta_tag(label, codec):
    html = page(f'<meta charset="{label}">')
    assert decode_html(html.encode(codec), "text/html") == (html, codec)


@pytest.mark.parametrize("codec", ["cp1256", "iso8859-6"])
def test_undeclared_arabic_is_detected(codec):
    text, _used = decode_html(page().encode(codec), None)
    assert text == page()


def test_header_wins_over_meta():
    html = page('<meta charset="iso-8859-6">')
    assert decode_html(html.encode("cp1256"), "text/html; charset=windows-1256")[1] == "cp1256"


def test_byte_order_mark_wins_and_is_removed():
    text, used = decode_html(codecs.BOM_UTF8 + page().encode(), "text/html; charset=windows-1256")
    assert (text, used) == (page(), "utf-8")


def test_latin1_label_means_windows_1252_as_browsers_read_it():
    assert decode_html("“quoted”".encode("cp1252"), "text/html; charset=iso-8859-1") == ("“quoted”", "cp1252")


def test_unknown_label_falls_back_to_detection():
    assert decode_html(page().encode(), "text/html; charset=no-such-charset") == (page(), "utf-8")
