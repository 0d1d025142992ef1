"""Importing claims from a spreadsheet: a dry run that names every problem by row and column, the encodings
Arabic files come in, the limits, who may, and the round trip that reproduces a desk."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from claims.models import Article, Claim, ClaimEvent, Evidence, Source
from claims.services.articles import create_article
from claims.services.claims import create_claim
from claims.services.entities import find_or_create_entity
from claims.services.sources import add_evidence, find_or_create_source
from claims.services.workflow import set_verdict, transition_claim
from claims.spreadsheets import COLUMNS
from tests.factories import DEFAULT_TEXT, UserFactory

IMPORT = "/api/v1/claims/import/"


def sheet(*rows: dict, header=COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def upload(text: str | bytes, name="claims.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text, "text/csv")


def post(client, data: str | bytes, name="claims.csv", **fields):
    return client.post(IMPORT, {"file": upload(data, name), **fields}, format="multipart")


ARTICLE = {
    "article_key": "a1",
    "article_title": "حفتر في موسكو",
    "article_language": "ar",
    "article_text": DEFAULT_TEXT,
}
GOOD = {**ARTICLE, "exact": "زار حفتر موسكو", "statement": "زار حفتر موسكو عام 2018", "kind": "event"}


@pytest.mark.django_db
def test_a_dry_run_names_each_problem_by_row_and_column_and_writes_nothing(api):
    data = sheet(
        GOOD,
        {"article_key": "a1", "exact": "ليس في النص", "statement": "quote not in the text"},
        {"article_key": "a1", "exact": "موسكو", "statement": "bad kind", "kind": "rumour"},
        {"article_key": "a1", "exact": "شويغو", "statement": "bad evidence", "evidence": "[{"},
        {"article_key": "a1", "exact": "غراسيموف", "statement": " "},
        {"article_key": "a2", "exact": "x", "statement": "an article without text"},
    )
    response = post(api, data, dry_run="true")
    assert response.status_code == 400
    body = response.json()
    assert body["dry_run"] is True and body["written"] is False and body["error_count"] == 5
    errors = {r["row"]: [e["column"] for e in r["errors"]] for r in body["rows"]}
    assert errors == {2: [], 3: ["exact"], 4: ["kind"], 5: ["evidence"], 6: ["statement"], 7: ["article_text"]}
    assert (
        "rumour" not in body["rows"][2]["errors"][0]["message"] and "event" in body["rows"][2]["errors"][0]["message"]
    )
    assert Claim.objects.count() == Article.objects.count() == ClaimEvent.objects.count() == 0


@pytest.mark.django_db
def test_a_clean_dry_run_says_what_it_would_make_and_writes_nothing(api):
    evidence = [{"url": "https://news.example.org/visit", "stance": "supports", "passage": "زار"}]
    response = post(api, sheet({**GOOD, "evidence": json.dumps(evidence)}), dry_run="true")
    assert response.status_code == 200
    assert response.json()["created"] == {"articles": 1, "claims": 1, "sources": 1, "evidence": 1}
    assert Claim.objects.count() == Article.objects.count() == Source.objects.count() == 0


@pytest.mark.django_db
def test_a_file_with_any_problem_writes_nothing_even_without_dry_run(api):
    response = post(api, sheet(GOOD, {"article_key": "a1", "exact": "موسكو", "statement": "x", "kind": "rumour"}))
    assert response.status_code == 400 and response.json()["written"] is False
    assert Claim.objects.count() == Article.objects.count() == 0


@pytest.mark.django_db
def test_an_import_never_publishes_it_keeps_the_verdict_for_a_reviewer(api, editor):
    row = {**GOOD, "status": "published", "verdict": "accurate", "rationale": "The ministry confirmed the visit."}
    response = post(api, sheet(row))
    assert response.status_code == 201
    (result,) = response.json()["rows"]
    assert "imported as researching" in result["notes"][0]
    claim = Claim.objects.get()
    assert (claim.status, claim.verdict, claim.rationale) == ("researching", "accurate", row["rationale"])
    assert claim.last_editor == editor  # so four eyes: someone else must publish it
    assert ClaimEvent.objects.filter(claim=claim, comment="Imported; the file said published.").exists()


@pytest.mark.django_db
def test_a_windows_1256_file_is_recognized(api):
    response = post(api, sheet(GOOD).encode("cp1256"))
    assert response.status_code == 201, response.json()
    assert response.json()["encoding"] == "windows-1256"
    assert Claim.objects.get().statement == GOOD["statement"]


@pytest.mark.django_db
def test_the_encoding_can_be_chosen_and_a_wrong_choice_is_explained(api):
    data = sheet(GOOD).encode("cp1256")
    wrong = post(api, data, encoding="utf-8")
    assert wrong.status_code == 400 and "not valid utf-8" in wrong.json()["error"]
    assert post(api, data, encoding="windows-1256").status_code == 201


@pytest.mark.django_db
def test_too_many_rows_or_bytes_are_refused_with_the_limit(api, settings):
    settings.SPREADSHEET_IMPORT_MAX_ROWS = 1
    rows = post(api, sheet(GOOD, {**GOOD, "exact": "موسكو"}))
    assert rows.status_code == 400 and "more than 1 rows" in rows.json()["error"]
    settings.SPREADSHEET_IMPORT_MAX_BYTES = 100
    size = post(api, sheet(GOOD))
    assert size.status_code == 400 and "at most 100 bytes" in size.json()["error"]
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_is_explained_not_a_500(api):
    no_header = post(api, "hello,world\n1,2\n")
    assert no_header.status_code == 400 and "article_key" in no_header.json()["error"]
    broken_xlsx = post(api, b"PK\x03\x04 not really a zip", name="claims.xlsx")
    assert broken_xlsx.status_code == 400 and "XLSX" in broken_xlsx.json()["error"]
    # An empty part or none at all: the answer has the documented shape too (it was DRF's {"file": [...]}).
    for empty in (post(api, b""), api.post(IMPORT, {"dry_run": "true"}, format="multipart")):
        assert empty.status_code == 400
        assert empty.json()["written"] is False and empty.json()["error"].startswith("file: ")


@pytest.mark.django_db
def test_import_needs_an_editor(api_as, outsider, client):
    assert post(api_as(None), sheet(GOOD)).status_code == 401
    assert post(api_as(outsider), sheet(GOOD)).status_code == 403
    client.force_login(outsider)
    assert client.get("/desk/claims/import/").status_code == 403
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_the_desk_previews_then_imports_on_confirm(client, editor):
    client.force_login(editor)
    assert client.get("/desk/claims/import/").status_code == 200
    preview = client.post("/desk/claims/import/", {"file": upload(sheet(GOOD)), "encoding": ""})
    assert preview.status_code == 200 and Claim.objects.count() == 0
    html = preview.content.decode()
    assert GOOD["statement"] in html and "Import these claims" in html
    token = preview.context["token"]
    confirmed = client.post("/desk/claims/import/confirm/", {"token": token})
    assert confirmed.status_code == 302 and Claim.objects.get().statement == GOOD["statement"]
    again = client.post("/desk/claims/import/confirm/", {"token": token})  # a confirm is used once
    assert again.status_code == 302 and Claim.objects.count() == 1


@pytest.mark.django_db
def test_the_desk_preview_shows_problems_by_row_and_column(client, editor):
    client.force_login(editor)
    data = sheet(GOOD, {"article_key": "a1", "exact": "موسكو", "statement": "x", "kind": "rumour"})
    preview = client.post("/desk/claims/import/", {"file": upload(data)})
    assert preview.status_code == 400
    html = preview.content.decode()
    assert "<code>kind</code>" in html and '<th scope="row">3</th>' in html and "Import these claims" not in html


@pytest.mark.django_db
def test_someone_elses_preview_cannot_be_confirmed(client, editor, second_editor):
    client.force_login(editor)
    token = client.post("/desk/claims/import/", {"file": upload(sheet(GOOD))}).context["token"]
    client.force_login(second_editor)
    assert client.post("/desk/claims/import/confirm/", {"token": token}).status_code == 302
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_the_desk_explains_a_bad_file(client, editor):
    client.force_login(editor)
    response = client.post(
        "/desk/claims/import/", {"file": upload(b"\xff\xfe\x00garbage\x81\x8d", "x.csv"), "encoding": "utf-8"}
    )
    assert response.status_code == 400 and "not valid utf-8" in response.content.decode()


# The round trip ---------------------------------------------------------------------------------------------------


def build_desk() -> None:
    """A small desk made the way editors make one: through the services."""
    editor = UserFactory(username="maker", role="editor")
    reviewer = UserFactory(username="checker", role="reviewer")
    article = create_article(title="حفتر في موسكو", text=DEFAULT_TEXT, url="https://news.example.org/haftar", by=editor)
    english = create_article(
        title="A minister's figures", text="The minister said 10% of roads were repaired.\n", by=editor
    )
    quantity = create_claim(
        article=article,
        by=editor,
        selector={"exact": "بحوالي ألفين"},
        statement="يقدر عدد المرتزقة الروس بنحو ألفين",
        statement_en="About two thousand Russian mercenaries",
        kind="quantity",
        claimant="تقارير موثوقة",
        details={"subject": "مرتزقة روس", "value": 2000, "approximate": True},
    )
    source, _ = find_or_create_source(url="https://news.example.org/wagner", by=editor, title="تقرير", capture=False)
    add_evidence(
        claim=quantity, source=source, by=editor, stance="contradicts", passage="نحو ألف", estimate_value="1000"
    )
    offline, _ = find_or_create_source(by=editor, kind="interview", title="Phone call", note="Called the ministry")
    add_evidence(claim=quantity, source=offline, by=editor, stance="context", note="They did not deny it")
    meeting = create_claim(
        article=article,
        by=editor,
        selector={"exact": "التقى وزير الدفاع سيرغي شويغو"},
        statement="التقى حفتر شويغو",
        kind="meeting",
        claimed_on="2018",
        details={"place": "موسكو"},
        attendees=[{"entity": find_or_create_entity("سيرغي شويغو"), "role": "وزير الدفاع", "status": "confirmed"}],
    )
    add_evidence(claim=meeting, source=source, by=editor, stance="supports", passage="شويغو")
    quote = create_claim(
        article=english,
        by=editor,
        selector={"start": 0, "end": 45},
        statement="=10% of roads were repaired",  # a formula-looking cell: neutralized, then restored
        kind="quote",
        claimant="-the minister",
    )
    set_verdict(claim=quote, by=editor, verdict="misleading", rationale="The ministry's report says 4%.")
    published = transition_claim(claim=meeting, to="in_review", by=editor, verdict="accurate", rationale="Photos.")
    transition_claim(claim=published, to="published", by=reviewer)


def snapshot() -> list:
    claims = []
    for claim in Claim.objects.select_related("article__current_revision").order_by("statement"):
        article = claim.article
        evidence = sorted(
            (
                e.source.url,
                e.source.kind,
                e.source.title,
                e.source.note,
                e.source.publisher,
                e.stance,
                e.passage,
                e.note,
                str(e.estimate_value),
            )
            for e in Evidence.objects.filter(claim=claim).select_related("source")
        )
        attendees = [(a.entity.name, a.role, a.status, a.name) for a in claim.attendees.select_related("entity")]
        claims.append(
            {
                "article": (
                    article.title,
                    article.url,
                    article.language,
                    article.direction,
                    article.current_revision.text,
                ),
                "selector": claim.selector,
                "fields": (
                    claim.statement,
                    claim.statement_en,
                    claim.statement_language,
                    claim.kind,
                    claim.claimant,
                    claim.claimed_on,
                    claim.details,
                ),
                "verdict": (claim.verdict, claim.rationale),
                "evidence": evidence,
                "attendees": attendees,
            }
        )
    return claims


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exporting_a_desk_and_importing_it_into_an_empty_desk_reproduces_its_claims(
    transactional_db, api_as, file_format
):
    build_desk()
    before = snapshot()
    assert len(before) == 3 and any(c["evidence"] for c in before)
    exporter = UserFactory(username="exporter", role="reviewer")
    response = api_as(exporter).get(f"/api/v1/claims/export/?format={file_format}")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content

    call_command("flush", interactive=False, verbosity=0)
    assert Claim.objects.count() == Article.objects.count() == Source.objects.count() == 0
    importer = UserFactory(username="importer", role="editor")
    imported = post(api_as(importer), data, name=f"desk.{file_format}")
    assert imported.status_code == 201, imported.json()

    assert snapshot() == before
    # The published claim came back as researching with its verdict: a reviewer other than the importer publishes.
    assert Claim.objects.get(kind="meeting").status == "researching"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cells",
    [
        {"evidence": '[{"url": 5, "stance": 7}]'},
        {"evidence": '[{"url": "not a url"}]'},
        {"evidence": '[{"title": "report", "estimate_value": {"a": 1}}]'},
        {"evidence": '[{"title": "report", "estimate_lower": "9", "estimate_upper": "1"}]'},
        {"evidence": '["just a string"]'},
        {"evidence": '{"an": "object"}'},
        {"details": "[1, 2]"},
        {"details": '{"attendees": "everyone"}', "kind": "meeting"},
        {"details": '{"attendees": [{"entity": "X"}]}', "kind": "quote"},
        {"details": '{"value": "many"}', "kind": "quantity"},
        {"start": "99999", "end": "100000", "exact": ""},
        {"start": "-3"},
        {"claimed_on": "yesterday"},
        {"verdict": "true-ish", "rationale": "x", "status": "researching"},
        {"verdict": "false", "rationale": ""},
        {"status": "archived"},
        {"article_published_at": "2018-13-45"},
        {"article_direction": "up"},
        {"statement": "x" * 100_000},
    ],
)
def test_every_bad_cell_is_a_named_problem_never_a_500(api, cells):
    response = post(api, sheet({**GOOD, **cells}), dry_run="true")
    assert response.status_code == 400, response.content
    (row,) = response.json()["rows"]
    assert row["row"] == 2 and row["errors"] and all(e["column"] and e["message"] for e in row["errors"])
    assert Claim.objects.count() == 0
