"""Offline documents the desk uploads: kept only when their type is on the allowlist (by name and by their first
bytes) and within the size limit; a refusal says why and keeps what the editor typed."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from claims.models import Evidence, Source
from claims.uploads import UploadRefused, check_document
from tests.factories import ClaimFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
ARABIC_NOTE = "مكالمة هاتفية مع المتحدث باسم الوزارة، الساعة العاشرة"
LIMIT = 20 * 1024 * 1024


def ooxml(directory: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("docProps/core.xml", "<coreProperties/>")
        package.writestr("docProps/app.xml", "<Properties/>")
        package.writestr("customXml/item1.xml", "<x/>")
        package.writestr(f"{directory}document.xml", "<document/>")
    return buffer.getvalue()


def opendocument(mime: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"), mime)  # first and stored, as the format requires
        package.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def check(name: str, data: bytes, max_bytes: int = LIMIT):
    return check_document(name=name, size=len(data), stream=io.BytesIO(data), max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("call-note.txt", ARABIC_NOTE.encode("cp1256"), "text/plain"),  # Arabic text files are often windows-1256
        ("figures.csv", "الشهر,العدد\n1,2000\n".encode(), "text/csv"),
        ("letter.docx", ooxml("word/"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("table.xlsx", ooxml("xl/"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("slides.pptx", ooxml("ppt/"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        (
            "letter.odt",
            opendocument("application/vnd.oasis.opendocument.text"),
            "application/vnd.oasis.opendocument.text",
        ),
        ("old.doc", OLE, "application/msword"),
        ("old.xls", OLE, "application/vnd.ms-excel"),
        ("memo.rtf", b"{\\rtf1\\ansi Memo}", "application/rtf"),
    ],
)
def test_allowlisted_documents_are_kept_with_their_own_type(name, data, content_type):
    assert check(name, data).content_type == content_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("page.htm", b"<p>x</p>"),
        ("tool.exe", b"MZ\x90\x00"),
        ("archive.zip", b"PK\x03\x04"),
        ("no-extension", PDF),
    ],
)
def test_types_off_the_allowlist_are_refused_naming_what_is_accepted(name, data):
    with pytest.raises(UploadRefused, match="are not kept. Upload a PDF, an image"):
        check(name, data)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),  # HTML dressed up as a PDF
        ("photo.png", JPEG),
        ("notes.txt", PDF),
        ("notes.txt", b"text\x00with a NUL"),
        ("letter.docx", ooxml("xl/")),
        ("letter.docx", b"PK\x03\x04 not a zip at all"),
        ("old.doc", PDF),
    ],
)
def test_contents_that_do_not_match_the_name_are_refused(name, data):
    with pytest.raises(UploadRefused, match="contents are not what its name"):
        check(name, data)


def test_a_file_over_the_limit_is_refused_with_both_sizes():
    with pytest.raises(UploadRefused, match=r"The file is 2\.0 KB; the limit is 1\.0 KB"):
        check("big.pdf", PDF + b" " * (2048 - len(PDF)), max_bytes=1024)


# Through the desk's "add a source" form.


@pytest.fixture
def desk(client, editor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(editor)
    return client


def add_document(desk, claim, upload, headers=None):
    form = {
        "title": "Ministry letter",
        "note": "Received by post",
        "stance": "contradicts",
        "passage": "the troops left in May",
        "document": upload,
    }
    return desk.post(reverse("desk:claim_add_source", args=[claim.pk]), form, headers=headers)


@pytest.mark.django_db
def test_an_uploaded_pdf_is_kept_under_a_random_name_and_linked_from_the_source_page(desk):
    claim = ClaimFactory()
    response = add_document(desk, claim, SimpleUploadedFile("وزارة الدفاع letter.pdf", PDF, "text/html"))
    assert response.status_code == 302
    source = Evidence.objects.get(claim=claim).source
    assert source.document.name.endswith(".pdf") and "letter" not in source.document.name
    page = desk.get(source.get_absolute_url()).content.decode()
    assert source.document.url in page
    download = desk.get(source.document.url)
    # The type decided at upload, not the one the browser claimed.
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_html_and_svg_uploads_are_refused_and_the_form_keeps_what_was_typed(desk, name, data):
    claim = ClaimFactory()
    response = add_document(desk, claim, SimpleUploadedFile(name, data, "image/svg+xml"))
    page = response.content.decode()
    assert response.status_code == 400 and "are not kept. Upload a PDF, an image" in page
    assert "Ministry letter" in page and "Received by post" in page and "the troops left in May" in page
    assert '<option value="contradicts" selected>' in page
    assert not Source.objects.exists() and not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_file_whose_contents_lie_about_its_type_is_refused(desk):
    response = add_document(desk, ClaimFactory(), SimpleUploadedFile("report.pdf", b"<html><script>x()</script>"))
    assert response.status_code == 400 and "contents are not what its name (.pdf) says" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_and_the_form_kept(desk, settings):
    settings.DOCUMENT_UPLOAD_MAX_BYTES = 1024
    response = add_document(desk, ClaimFactory(), SimpleUploadedFile("scan.pdf", PDF + b" " * 4096))
    page = response.content.decode()
    assert response.status_code == 400 and "the limit is 1.0 KB" in page and "Ministry letter" in page
    assert not Source.objects.exists()


def test_refusals_are_translated_to_arabic():
    with translation.override("ar"), pytest.raises(UploadRefused, match="لا تُحفظ ملفات من هذا النوع"):
        check("page.html", b"<p>x</p>")


@pytest.mark.django_db
def test_the_admin_applies_the_same_allowlist(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    add = reverse("admin:claims_source_add")
    form = {
        "kind": "report",
        "title": "Ministry letter",
        "url": "",
        "original_url": "",
        "publisher": "",
        "note": "",
        "captures-TOTAL_FORMS": "0",
        "captures-INITIAL_FORMS": "0",
    }  # the captures inline's management form
    refused = client.post(add, {**form, "document": SimpleUploadedFile("page.html", b"<script>x()</script>")})
    assert refused.status_code == 200 and "are not kept. Upload a PDF, an image" in refused.content.decode()
    assert not Source.objects.exists()
    kept = client.post(add, {**form, "document": SimpleUploadedFile("letter.pdf", PDF)})
    assert kept.status_code == 302 and Source.objects.get().document.name.endswith(".pdf")
