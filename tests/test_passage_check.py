"""Each evidence passage is looked up in its source's latest successful capture: found, approximate or not
found, with where it sits in the capture's text (code points)."""

import pytest

from claims.models import Capture
from claims.services.sources import check_passage
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "وعقب هذه الزيارة، كشفت تقارير موثوقة عن وجود جنود مرتزقة روس تابعين لمجموعة فاغنر الأمنية في ليبيا "
    "ويُقدَّر عددهم بحوالي ألفين."
)


def evidence_with_capture(passage: str, text: str = TEXT, state: str = "done"):
    evidence = EvidenceFactory(passage=passage)
    capture = Capture.objects.create(source=evidence.source, requested_url=evidence.source.url, state=state, text=text)
    return evidence, capture


def test_passage_without_diacritics_is_found_where_it_stands():
    evidence, capture = evidence_with_capture("ويقدر عددهم بحوالي ألفين")
    checked = check_passage(evidence_id=evidence.pk)
    assert (checked.passage_found, checked.checked_capture_id, checked.passage_score) == ("found", capture.pk, 100)
    assert TEXT[checked.passage_start : checked.passage_end] == "ويُقدَّر عددهم بحوالي ألفين"


def test_slightly_misquoted_passage_is_approximate():
    evidence, _ = evidence_with_capture("كشفت تقارير موثوقة عن وجود جنود مرتزقة روسيين تابعين لمجموعة فاغنر")
    checked = check_passage(evidence_id=evidence.pk)
    assert checked.passage_found == "approximate" and 85 <= checked.passage_score < 100
    assert "مرتزقة" in TEXT[checked.passage_start : checked.passage_end]


def test_passage_absent_from_the_capture_is_not_found():
    evidence, _ = evidence_with_capture("The ministry denied any foreign fighters were present")
    checked = check_passage(evidence_id=evidence.pk)
    assert (checked.passage_found, checked.passage_start) == ("not_found", None)


def test_failed_captures_are_not_searched():
    evidence, _ = evidence_with_capture("ويقدر عددهم", text="", state="failed")
    assert check_passage(evidence_id=evidence.pk).passage_found == "unchecked"


def test_the_latest_successful_capture_is_the_one_checked():
    evidence, _old = evidence_with_capture("ويقدر عددهم بحوالي ألفين")
    newer = Capture.objects.create(
        source=evidence.source,
        requested_url=evidence.source.url,
        state="done",
        text="The page was rewritten without the figure.",
    )
    checked = check_passage(evidence_id=evidence.pk)
    assert (checked.passage_found, checked.checked_capture_id) == ("not_found", newer.pk)
