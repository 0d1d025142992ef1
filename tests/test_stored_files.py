"""Stored files (WARCs, original PDFs, uploaded documents) are served by one view: the desk fetches any of them, a
reader only the archived copy a published claim's page shows; everything else is 404, never confirmed. Every
answer is an attachment that cannot render on our origin, names cannot be guessed, and in production the web
server sends the bytes."""

import importlib
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import clear_url_caches, reverse
from django.utils import timezone
from django.views.static import serve

from claims.models import Capture, Source
from claims.services.captures import run_capture
from tests.capturing import english_page, queued_capture
from tests.factories import EvidenceFactory, SourceFactory
from tests.fetching.test_capture import make_pdf
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

WARC = b"\x1f\x8b\x08\x00 a gzipped WARC"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
RANDOM_NAME = re.compile(r"^(warc|bodies|documents)/\d{4}/\d{2}/[0-9a-f]{32}(\.[a-z0-9.]+)?$")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILES_SENDFILE = ""


def done_capture(source, *, pdf=False, **fields) -> Capture:
    capture = Capture.objects.create(
        source=source,
        requested_url=source.url,
        state="done",
        http_status=200,
        text="Archived text.",
        fetched_at=timezone.now(),
        **fields,
    )
    capture.warc.save("capture.warc.gz", ContentFile(WARC), save=False)
    if pdf:
        capture.body_file.save("capture.pdf", ContentFile(PDF), save=False)
    capture.save()
    return capture


def cited_capture(status="published", **fields) -> Capture:
    evidence = EvidenceFactory(claim=make_claim(status=status), source=SourceFactory())
    return done_capture(evidence.source, **fields)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_safe_attachment(response):
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_readers_download_the_archive_and_original_file_of_a_published_claims_source(client):
    capture = cited_capture(pdf=True)
    warc = client.get(capture.warc.url)
    assert warc.status_code == 200 and body(warc) == WARC and warc["Content-Type"] == "application/warc"
    assert_safe_attachment(warc)
    assert "public" in warc["Cache-Control"]  # the same answer for everyone: a CDN may keep it
    pdf = client.get(capture.body_file.url)
    assert pdf.status_code == 200 and body(pdf) == PDF and pdf["Content-Type"] == "application/pdf"
    assert_safe_attachment(pdf)


def test_the_public_archived_copy_page_links_its_files(client):
    capture = cited_capture(pdf=True)
    claim = capture.source.evidence.get().claim
    page = client.get(reverse("public:archive", args=[claim.pk, capture.source_id]))
    html = page.content.decode()
    assert page.status_code == 200 and "Archived text." in html
    assert capture.warc.url in html and capture.body_file.url in html


@pytest.mark.parametrize("status", ["draft", "researching", "in_review"])
def test_a_drafts_captured_files_are_not_found_for_readers_and_outsiders(client, outsider, status):
    capture = cited_capture(status=status, pdf=True)
    for url in (capture.warc.url, capture.body_file.url):
        assert client.get(url).status_code == 404
    client.force_login(outsider)  # signed in, but no desk role: a reader
    for url in (capture.warc.url, capture.body_file.url):
        assert client.get(url).status_code == 404


def test_a_hidden_file_answers_exactly_like_a_missing_one(client):
    capture = cited_capture(status="draft")
    hidden = client.get(capture.warc.url)
    missing = client.get("/files/warc/2026/01/" + "0" * 32 + ".warc.gz")
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content) == (404, missing.content)
    assert "no-cache" in hidden["Cache-Control"]  # a CDN must not keep the 404 for a desk member


def test_desk_members_fetch_a_drafts_files(client, editor, reviewer):
    capture = cited_capture(status="draft", pdf=True)
    for member in (editor, reviewer):
        client.force_login(member)
        response = client.get(capture.warc.url)
        assert response.status_code == 200 and body(response) == WARC
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert client.get(capture.body_file.url).status_code == 200


def test_readers_get_only_the_capture_the_claim_page_shows_not_older_ones(client, editor):
    older = cited_capture()
    older.fetched_at = timezone.now() - timezone.timedelta(days=3)
    older.save(update_fields=["fetched_at"])
    latest = done_capture(older.source)
    assert client.get(latest.warc.url).status_code == 200
    assert client.get(older.warc.url).status_code == 404
    client.force_login(editor)
    assert client.get(older.warc.url).status_code == 200


def test_uploaded_documents_are_for_the_desk_only(client, editor):
    source = Source.objects.create(
        title="Ministry letter", health="offline", document=ContentFile(PDF, name="letter.pdf")
    )
    EvidenceFactory(claim=make_claim(), source=source)
    assert client.get(source.document.url).status_code == 404
    client.force_login(editor)
    response = client.get(source.document.url)
    assert response.status_code == 200 and body(response) == PDF and response["Content-Type"] == "application/pdf"
    assert_safe_attachment(response)
    assert response["Content-Disposition"] == f'attachment; filename="source-{source.pk}.pdf"'


def test_a_document_stored_before_the_allowlist_is_sent_as_bytes_to_save(client, editor):
    """An .html uploaded back then must never render on our origin, not even for the desk."""
    name = default_storage.save("documents/2026/11/page.html", ContentFile(b"<script>alert(document.cookie)</script>"))
    source = Source.objects.create(title="Old upload", health="offline", document=name)
    client.force_login(editor)
    response = client.get(source.document.url)
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert_safe_attachment(response)


@pytest.mark.parametrize(
    "path",
    [
        "/files/../project/settings.py",
        "/files/static/claims/desk.css",
        "/files/warc/",
        "/files/documents/x.pdf",
        "/files/bodies/2026/11/x.pdf",
    ],
)
def test_names_no_row_holds_are_not_found_even_for_the_desk(client, editor, path):
    client.force_login(editor)
    assert client.get(path).status_code == 404


def test_no_file_is_served_by_djangos_static_handler_even_in_debug(settings):
    import project.urls

    settings.DEBUG = True
    try:
        patterns = importlib.reload(project.urls).urlpatterns
        assert not [p for p in patterns if getattr(p, "callback", None) is serve]
    finally:
        settings.DEBUG = False
        importlib.reload(project.urls)
        clear_url_caches()


def test_captured_file_names_are_random_not_derived_from_ids(fetch_settings, server):
    pdf = make_pdf("Haftar visited Moscow in 2018", "Libya report", "Desk Research")
    pdf_url = server.route("/report.pdf", body=pdf, headers=[("Content-Type", "application/pdf")])
    captures = [
        run_capture(capture_id=queued_capture(pdf_url).pk),
        run_capture(capture_id=queued_capture(server.route("/page", body=english_page("Page."))).pk),
    ]
    names = [c.warc.name for c in captures] + [captures[0].body_file.name]
    for name, capture in zip(names, [*captures, captures[0]], strict=True):
        assert RANDOM_NAME.match(name), name
        assert f"-{capture.pk}" not in name and "capture" not in name
    assert names[0].endswith(".warc.gz") and names[2].endswith(".pdf") and len(set(names)) == 3


def test_the_web_server_sends_the_bytes_with_x_accel_redirect(client, settings):
    settings.FILES_SENDFILE = "x-accel-redirect"
    capture = cited_capture()
    response = client.get(capture.warc.url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-files/" + capture.warc.name
    assert response["Content-Type"] == "application/warc"
    assert_safe_attachment(response)


def test_the_web_server_sends_the_bytes_with_x_sendfile(client, editor, settings):
    settings.FILES_SENDFILE = "x-sendfile"
    capture = cited_capture(status="draft")
    assert client.get(capture.warc.url).status_code == 404  # the rules still apply first
    client.force_login(editor)
    response = client.get(capture.warc.url)
    assert response.status_code == 200 and response["X-Sendfile"] == capture.warc.path
    assert_safe_attachment(response)


def test_the_desk_and_api_warc_downloads_are_safe_attachments(client, editor, api):
    capture = cited_capture(status="draft")
    client.force_login(editor)
    for response in (
        client.get(reverse("desk:capture_warc", args=[capture.pk])),
        api.get(f"/api/v1/captures/{capture.pk}/warc/"),
    ):
        assert response.status_code == 200 and body(response) == WARC
        assert_safe_attachment(response)


def test_the_migration_gives_files_stored_with_old_names_random_ones(django_capture_on_commit_callbacks):
    from django.apps import apps

    migration = importlib.import_module("claims.migrations.0011_private_files")
    source = SourceFactory()
    old_warc = default_storage.save("warc/2026/11/capture-5-1.warc.gz", ContentFile(WARC))
    old_pdf = default_storage.save("bodies/2026/11/capture-5-1.pdf", ContentFile(PDF))
    capture = Capture.objects.create(
        source=source, requested_url=source.url, state="done", warc=old_warc, body_file=old_pdf
    )
    old_document = default_storage.save("documents/2026/11/رسالة الوزارة.PDF", ContentFile(PDF))
    document = Source.objects.create(title="Letter", health="offline", document=old_document)
    lost = Source.objects.create(title="Lost", health="offline", document="documents/2026/11/gone.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_files(apps, None)

    capture.refresh_from_db()
    document.refresh_from_db()
    lost.refresh_from_db()
    assert RANDOM_NAME.match(capture.warc.name) and capture.warc.name.endswith(".warc.gz")
    assert RANDOM_NAME.match(capture.body_file.name) and capture.body_file.name.endswith(".pdf")
    assert RANDOM_NAME.match(document.document.name) and document.document.name.endswith(".pdf")
    assert capture.warc.read() == WARC and document.document.read() == PDF
    assert not any(default_storage.exists(n) for n in (old_warc, old_pdf, old_document))
    assert lost.document.name == "documents/2026/11/gone.pdf"  # nothing to move: the record stays as it was

    renamed = capture.warc.name
    with django_capture_on_commit_callbacks(execute=True):
        migration.rename_stored_files(apps, None)
    capture.refresh_from_db()
    assert capture.warc.name == renamed  # a second run leaves random names alone


def test_a_file_missing_from_storage_is_not_found_not_an_error(client, editor):
    capture = cited_capture(status="draft")
    default_storage.delete(capture.warc.name)
    client.force_login(editor)
    assert client.get(capture.warc.url).status_code == 404
