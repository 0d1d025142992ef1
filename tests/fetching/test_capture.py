"""The whole capture of a source from a local server: Arabic encodings, PDFs, bot walls and the WARC copy."""

import io
import struct
import zipfile
import zlib

import pytest

from claims.fetching.archive import read_warc_response
from claims.fetching.errors import ChallengePage, ContentTypeRefused
from claims.fetching.pipeline import capture

ARABIC = "كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا ويقدر عددهم بحوالي ألفين"
HEADLINE = "بوتين يستنسخ في ليبيا بشار أسد جديد"


def arabic_page(meta: str = "") -> str:
    paragraphs = "".join(f"<p>{ARABIC}، وهذا ما قاله المراسل في الفقرة رقم {n}.</p>" for n in range(8))
    return (
        f'<html lang="ar" dir="rtl"><head>{meta}<title>{HEADLINE}</title></head>'
        f"<body><article><h1>{HEADLINE}</h1>{paragraphs}</article></body></html>"
    )


@pytest.mark.parametrize("codec", ["windows-1256", "iso-8859-6"])
@pytest.mark.parametrize("declared_by", ["header", "meta", "nothing"])
def test_arabic_legacy_encodings_are_decoded(server, policy, codec, declared_by):
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={codec}">' if declared_by == "meta" else ""
    header = f"text/html; charset={codec}" if declared_by == "header" else "text/html"
    url = server.route("/ar", body=arabic_page(meta).encode(codec), headers=[("Content-Type", header)])
    result = capture(url, policy)
    assert result.extracted.title == HEADLINE
    assert ARABIC in result.extracted.text
    assert result.extracted.language == "ar"


def test_pdf_keeps_the_file_and_yields_its_text_and_metadata(server, policy):
    pdf = make_pdf("Haftar visited Moscow in 2018", "Libya report", "Desk Research")
    url = server.route("/report.pdf", body=pdf, headers=[("Content-Type", "application/pdf")])
    result = capture(url, policy)
    assert result.result.body == pdf and result.result.content_type == "application/pdf"
    assert result.extracted.text == "Haftar visited Moscow in 2018"
    assert (result.extracted.title, result.extracted.author) == ("Libya report", "Desk Research")
    assert str(result.extracted.published) == "2020-01-15" and str(result.extracted.updated) == "2020-01-20"


def test_empty_script_shell_is_a_failure_not_a_capture(server, policy):
    shell = "<html><head><title>News</title></head><body><div id='root'></div>"
    shell += "<script>" + "window.__APP__={};" * 400 + "</script></body></html>"
    url = server.route("/spa", body=shell.encode())
    with pytest.raises(ChallengePage, match="empty shell"):
        capture(url, policy)


def test_archived_copy_holds_the_response_as_received(server, policy):
    page = arabic_page().encode("windows-1256")
    url = server.route("/ar", body=page, headers=[("Content-Type", "text/html; charset=windows-1256")])
    result = capture(url, policy)
    status, headers, body = read_warc_response(result.warc)
    assert (status, body) == (200, page)
    assert ("Content-Type", "text/html; charset=windows-1256") in headers


def test_plain_text_is_captured_as_is(server, policy):
    url = server.route("/notes.txt", body=ARABIC.encode(), headers=[("Content-Type", "text/plain; charset=utf-8")])
    assert capture(url, policy).extracted.text == ARABIC


@pytest.mark.parametrize("kind", ["png", "zip"])
@pytest.mark.parametrize("declared", ["text/html; charset=utf-8", "text/html", "text/plain", "application/json"])
def test_binary_file_labelled_as_text_is_refused_not_captured_as_garbage(server, policy, kind, declared):
    body = make_png() if kind == "png" else make_zip()
    url = server.route(f"/file.{kind}", body=body, headers=[("Content-Type", declared)])
    media_type = declared.split(";")[0]
    with pytest.raises(ContentTypeRefused, match=f"says it serves {media_type}, but it sent binary data") as caught:
        capture(url, policy)
    assert not caught.value.transient


def test_pdf_labelled_as_a_page_is_read_as_the_pdf_it_is(server, policy):
    pdf = make_pdf("Haftar visited Moscow in 2018", "Libya report", "Desk Research")
    url = server.route("/report", body=pdf, headers=[("Content-Type", "text/html; charset=utf-8")])
    result = capture(url, policy)
    assert result.result.content_type == "application/pdf" and result.encoding is None
    assert "Haftar visited Moscow in 2018" in result.extracted.text and result.extracted.title == "Libya report"


def test_page_with_a_few_stray_control_characters_is_still_a_page(server, policy):
    page = arabic_page().replace("</h1>", "\x0b</h1>\x1a").encode()
    url = server.route("/ar", body=page)
    assert ARABIC in capture(url, policy).extracted.text


def test_utf16_page_with_a_byte_order_mark_is_not_mistaken_for_binary(server, policy):
    url = server.route("/u16", body=arabic_page().encode("utf-16"), headers=[("Content-Type", "text/html")])
    assert capture(url, policy).extracted.title == HEADLINE


def make_png(width: int = 16, height: int = 16) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(range(width * 3)) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def make_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.html", "<html><body>" + "<p>Haftar visited Moscow.</p>" * 50 + "</body></html>")
    return buffer.getvalue()


def make_pdf(text: str, title: str, author: str) -> bytes:
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /Author ({author}) /CreationDate (D:20200115120000Z) "
        f"/ModDate (D:20200120093000Z) >>".encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
