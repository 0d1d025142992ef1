"""Exporting claims as CSV and XLSX: the weekly report, readable in Excel in Arabic, safe to open, bounded."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from claims.spreadsheets import COLUMNS
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

ARABIC_STATEMENT = "زار حفتر موسكو عام 2018"


def rows_of(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.fixture
def desk_client(client, editor):
    client.force_login(editor)
    return client


def test_csv_opens_in_excel_with_arabic_intact(desk_client):
    ClaimFactory(statement=ARABIC_STATEMENT, statement_language="ar")
    response = desk_client.get("/desk/claims/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claims-')
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte order mark Excel needs to read UTF-8
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert tuple(header) == COLUMNS
    assert dict(zip(header, row, strict=True))["statement"] == ARABIC_STATEMENT


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(desk_client):
    ClaimFactory(statement='=HYPERLINK("https://evil.example","click")', claimant="+201234")
    ClaimFactory(statement="@SUM(A1:A9)", claimant="-5 officials")
    rows = rows_of(desk_client.get("/desk/claims/export/?format=csv"))
    assert {r["statement"] for r in rows} == {'\'=HYPERLINK("https://evil.example","click")', "'@SUM(A1:A9)"}
    assert {r["claimant"] for r in rows} == {"'+201234", "'-5 officials"}


def test_a_row_carries_evidence_sources_verdict_and_history(desk_client, editor):
    claim = ClaimFactory(kind="quantity", details={"subject": "fighters", "value": "2000"}, created_by=editor)
    EvidenceFactory(
        claim=claim,
        source=SourceFactory(url="https://news.example.org/wagner", title="تقرير"),
        stance="contradicts",
        passage="نحو ألف مقاتل",
        estimate_value=1000,
    )
    from claims.services.history import record_event

    record_event(claim=claim, actor=editor, action="created", to_status="draft")
    (row,) = rows_of(desk_client.get("/desk/claims/export/?format=csv"))
    (evidence,) = json.loads(row["evidence"])
    assert evidence["url"] == "https://news.example.org/wagner" and evidence["stance"] == "contradicts"
    assert evidence["passage"] == "نحو ألف مقاتل" and evidence["estimate_value"] == "1000"
    assert row["sources"] == "contradicts: https://news.example.org/wagner"
    assert json.loads(row["details"])["subject"] == "fighters"
    assert " ed: created" in row["history"] and row["created_by"] == "ed"


def test_the_article_text_is_written_once_per_article(desk_client):
    article = ArticleFactory()
    ClaimFactory(article=article, quote="زار حفتر")
    ClaimFactory(article=article, quote="موسكو")
    first, second = rows_of(desk_client.get("/desk/claims/export/?format=csv"))
    assert first["article_text"] == article.current_revision.text and second["article_text"] == ""
    assert first["article_key"] == second["article_key"] == str(article.pk)


def test_xlsx_cells_with_arabic_read_right_to_left(desk_client):
    ClaimFactory(statement=ARABIC_STATEMENT, statement_en="Haftar visited Moscow in 2018")
    response = desk_client.get("/desk/claims/export/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == COLUMNS
    statement = sheet.cell(row=2, column=header.index("statement") + 1)
    english = sheet.cell(row=2, column=header.index("statement_en") + 1)
    assert statement.value == ARABIC_STATEMENT and statement.alignment.readingOrder == 2
    assert english.value == "Haftar visited Moscow in 2018" and english.alignment.readingOrder == 1


def test_xlsx_refuses_a_text_longer_than_a_cell_holds_and_says_to_use_csv(desk_client):
    ClaimFactory(article=ArticleFactory(text="كلمة " * 7000))
    response = desk_client.get("/desk/claims/export/?format=xlsx")
    assert response.status_code == 400 and "Export as CSV" in response.content.decode()
    assert desk_client.get("/desk/claims/export/?format=csv").status_code == 200


def test_the_desk_exports_what_its_filters_select(desk_client):
    ClaimFactory(status="researching", statement="researching one")
    ClaimFactory(statement="draft one")
    rows = rows_of(desk_client.get("/desk/claims/export/?format=csv&status=researching"))
    assert [r["statement"] for r in rows] == ["researching one"]


def test_a_selection_exports_only_the_selected_claims(desk_client):
    a, b, _c = ClaimFactory(), ClaimFactory(), ClaimFactory()
    rows = rows_of(desk_client.get(f"/desk/claims/export/?format=csv&id={a.pk}&id={b.pk}"))
    assert sorted(int(r["claim_id"]) for r in rows) == sorted([a.pk, b.pk])


def test_an_export_past_its_bound_is_refused_with_the_numbers(desk_client, settings):
    settings.SPREADSHEET_EXPORT_MAX_ROWS = 2
    ClaimFactory.create_batch(3)
    response = desk_client.get("/desk/claims/export/?format=csv")
    assert response.status_code == 400
    assert "3 claims match; an export holds at most 2" in response.content.decode()


def test_an_unknown_format_is_refused(desk_client):
    assert desk_client.get("/desk/claims/export/?format=pdf").status_code == 400


def _claims_with_evidence(n):
    for _ in range(n):
        EvidenceFactory(claim=ClaimFactory(kind="meeting"))


def test_export_queries_do_not_grow_with_the_rows(desk_client, django_assert_max_num_queries):
    def queries(url):
        with CaptureQueriesContext(connection) as context:
            response = desk_client.get(url)
            b"".join(response.streaming_content)
        return len(context.captured_queries)

    _claims_with_evidence(2)
    few = queries("/desk/claims/export/?format=csv")
    _claims_with_evidence(10)
    assert queries("/desk/claims/export/?format=csv") == few
    # session, user, roles; the count; the claims (with article, text, creator); attendees; evidence with
    # sources; history with actors
    with django_assert_max_num_queries(8):
        desk_client.get("/desk/claims/export/?format=xlsx")


def test_the_api_exports_with_the_claims_list_filters(api):
    ClaimFactory(kind="quantity", statement="كم عدد الجنود")
    ClaimFactory(kind="quote", statement="a quote")
    response = api.get("/api/v1/claims/export/?format=csv&kind=quantity")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert [r["statement"] for r in rows_of(response)] == ["كم عدد الجنود"]
    xlsx = api.get("/api/v1/claims/export/?format=xlsx&kind=quote")
    assert load_workbook(io.BytesIO(xlsx.content)).active.cell(row=2, column=COLUMNS.index("statement") + 1).value == (
        "a quote"
    )


def test_the_api_refuses_a_bad_format_or_filter_in_json(api):
    bad_format = api.get("/api/v1/claims/export/?format=pdf")
    assert bad_format.status_code == 400 and bad_format.json() == {"format": "Choose csv or xlsx."}
    bad_filter = api.get("/api/v1/claims/export/?format=csv&status=nonsense")
    assert bad_filter.status_code == 400 and "status" in bad_filter.json()


def test_the_api_export_keeps_article_and_text_order_whatever_the_ordering_parameter(api, client):
    # The export ran DRF's OrderingFilter, which fails on a view without a serializer: any ?ordering= was a 500.
    article = ArticleFactory(text="First claim here. Second claim there.")
    ClaimFactory(article=article, quote="Second", statement="second")
    ClaimFactory(article=article, quote="First", statement="first")
    for ordering in ("'", "-start", "statement"):
        response = api.get(f"/api/v1/claims/export/?format=csv&ordering={ordering}")
        assert response.status_code == 200
        assert [r["statement"] for r in rows_of(response)] == ["first", "second"]
    parameters = client.get("/api/schema/?format=json").json()["paths"]["/api/v1/claims/export/"]["get"]["parameters"]
    assert "ordering" not in {parameter["name"] for parameter in parameters}


def test_the_api_export_past_its_bound_is_refused(api, settings):
    settings.SPREADSHEET_EXPORT_MAX_ROWS = 1
    ClaimFactory.create_batch(2)
    response = api.get("/api/v1/claims/export/?format=csv")
    assert response.status_code == 400 and "at most 1" in response.json()["detail"]


def test_export_needs_a_desk_member(client, api_as, outsider):
    assert api_as(None).get("/api/v1/claims/export/?format=csv").status_code == 401
    assert api_as(outsider).get("/api/v1/claims/export/?format=csv").status_code == 403
    assert client.get("/desk/claims/export/?format=csv").status_code == 302
