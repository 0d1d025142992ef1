"""Importing ClaimReview records: claims from another desk, idempotent, reported record by record."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from claims.models import Claim, Evidence, Source
from claims.services.claimreview import import_claimreview, imported_claims, outcome_counts
from tests.api.test_claimreview_parsing import GOOGLE_EN, SCHEMA_ORG_AR

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "claimreview-ar.json"


@pytest.fixture
def imported(editor):
    return import_claimreview(data=[SCHEMA_ORG_AR, *GOOGLE_EN["claims"]], by=editor)


def test_each_review_becomes_a_researching_claim_with_the_rating_kept(imported):
    claim = Claim.objects.get(pk=imported[0].claim)
    assert claim.status == "researching"
    assert claim.verdict == "accurate"
    assert "«صحيح»" in claim.rationale
    assert claim.claimant == "قناة ليبية" and claim.claimed_on == "2024-04-30"
    assert claim.article.url == SCHEMA_ORG_AR["url"]
    assert imported_claims().count() == 2


def test_the_review_url_is_a_source_and_context_evidence(imported):
    evidence = Evidence.objects.get(claim_id=imported[1].claim)
    assert evidence.stance == "context"
    assert evidence.source.url.startswith("https://checker.example/blackout")
    assert "Partly false" in evidence.note


def test_importing_the_same_records_twice_changes_nothing(imported, editor):
    counts = (Claim.objects.count(), Source.objects.count(), Evidence.objects.count())
    again = import_claimreview(data=[SCHEMA_ORG_AR, *GOOGLE_EN["claims"]], by=editor)
    assert [o.outcome for o in again] == ["unchanged", "unchanged"]
    assert [o.claim for o in again] == [o.claim for o in imported]
    assert (Claim.objects.count(), Source.objects.count(), Evidence.objects.count()) == counts


def test_malformed_records_are_reported_and_the_rest_import(editor):
    data = [
        {"text": None, "claimReview": [{"url": "https://a.example/1"}]},
        GOOGLE_EN["claims"][0],
        {"text": "x", "claimDate": "yesterday", "claimReview": [{"url": "https://a.example/2"}]},
    ]
    outcomes = import_claimreview(data=data, by=editor)
    assert [o.outcome for o in outcomes] == ["error", "imported", "error"]
    assert "claimDate is not a date" in outcomes[2].reason
    assert Claim.objects.count() == 1


def test_unmapped_rating_imports_without_a_verdict(editor):
    record = {
        "text": "ادعاء",
        "claimReview": [{"url": "https://a.example/3", "textualRating": "النتيجة لم تحسم بعد عند الفريق"}],
    }
    [outcome] = import_claimreview(data=[record], by=editor)
    claim = Claim.objects.get(pk=outcome.claim)
    assert outcome.outcome == "imported" and claim.verdict == "" and claim.status == "researching"


def test_management_command_imports_a_file_and_prints_the_counts(editor, tmp_path, capsys):
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps(GOOGLE_EN, ensure_ascii=False), encoding="utf-8")
    call_command("import_claimreview", str(path), user=editor.username)
    assert "1 imported, 0 unchanged, 0 error" in capsys.readouterr().out


@pytest.mark.skipif(not REALDATA.exists(), reason="the shared real ClaimReview records are not checked out")
def test_every_real_arabic_record_imports_and_rating_spellings_share_a_verdict(editor):
    outcomes = import_claimreview(data=json.loads(REALDATA.read_text(encoding="utf-8")), by=editor)
    assert outcome_counts(outcomes)["error"] == 0
    verdict_of = {o.rating_text: o.verdict for o in outcomes}
    assert verdict_of["مضلل"] == verdict_of["مضلّل"] == "misleading"
    assert verdict_of["صحيح جزئياً"] == verdict_of["صحيح جزئيًا"]
