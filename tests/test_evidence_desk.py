"""Editing and removing evidence from the claim page: stance, passage, note and estimate change in place; a
published claim's evidence changes only as a reviewer's correction with a note, refused beside the form otherwise."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import ClaimEvent, Evidence, Source
from claims.services.workflow import decide_correction
from tests.factories import EvidenceFactory, SourceFactory, UserFactory
from tests.public_helpers import make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def evidence(db):
    claim = make_claim(status="draft", verdict="", kind="quantity")
    return EvidenceFactory(
        claim=claim,
        source=SourceFactory(publisher="Reuters"),
        passage="about 2,000",
        estimate_value=Decimal("2000"),
        estimate_approximate=True,
        estimate_unit="fighters",
    )


@pytest.fixture
def published_evidence(db):
    return EvidenceFactory(
        claim=make_claim(kind="quantity"),
        source=SourceFactory(),
        passage="1,200 fighters",
        estimate_value=Decimal("1200"),
    )


def form(evidence, **changes):
    """What the claim page's form posts for ``evidence`` untouched, with ``changes`` typed in."""
    data = {
        "stance": evidence.stance,
        "passage": evidence.passage,
        "note": evidence.note,
        "estimate_value": "" if evidence.estimate_value is None else str(evidence.estimate_value),
        "estimate_lower": "",
        "estimate_upper": "",
        "estimate_unit": evidence.estimate_unit,
    }
    if evidence.estimate_approximate:
        data["estimate_approximate"] = "on"
    return {k: v for k, v in (data | changes).items() if v is not None}


def edit(client, evidence, **changes):
    return client.post(reverse("desk:evidence_edit", args=[evidence.pk]), form(evidence, **changes))


def test_editor_changes_stance_passage_note_and_estimate(desk, evidence):
    response = edit(
        desk,
        evidence,
        stance="contradicts",
        passage="nearly 3,000",
        note="Later report.",
        estimate_value="",
        estimate_lower="2,500",
        estimate_upper="3000",
        estimate_approximate=None,
    )
    evidence.refresh_from_db()
    assert response.status_code == 302 and response.url.endswith(f"#evidence-{evidence.pk}")
    assert (evidence.stance, evidence.passage, evidence.note) == ("contradicts", "nearly 3,000", "Later report.")
    assert (evidence.estimate_value, evidence.estimate_lower, evidence.estimate_upper) == (None, 2500, 3000)
    assert evidence.estimate_approximate is False
    event = ClaimEvent.objects.filter(claim=evidence.claim, action="evidence").get()
    assert event.changes["evidence.stance"] == ["supports", "contradicts"]
    assert evidence.claim.__class__.objects.get(pk=evidence.claim_id).version == 2


def test_the_same_figure_written_differently_is_not_a_change(desk, evidence):
    response = edit(desk, evidence, estimate_value="2,000.00")
    assert response.status_code == 302
    assert not ClaimEvent.objects.filter(claim=evidence.claim, action="evidence").exists()


def test_a_new_passage_forgets_where_the_old_one_was_found(desk, evidence):
    Evidence.objects.filter(pk=evidence.pk).update(
        passage_found="found", passage_start=10, passage_end=21, passage_score=100.0
    )
    edit(desk, evidence, passage="a different sentence")
    evidence.refresh_from_db()
    assert (evidence.passage_found, evidence.passage_start, evidence.passage_end) == ("unchecked", None, None)


def test_bad_estimate_is_shown_beside_the_field_not_a_500(desk, evidence):
    response = edit(desk, evidence, estimate_lower="10", estimate_upper="5")
    page = response.content.decode()
    assert response.status_code == 400 and "The upper bound is below the lower bound." in page
    assert 'name="estimate_upper" value="5"' in page
    too_big = edit(desk, evidence, estimate_value="1" + "0" * 30)
    assert too_big.status_code == 400 and "Enter a number below" in too_big.content.decode()
    evidence.refresh_from_db()
    assert evidence.estimate_lower is None and evidence.estimate_value == 2000


def test_published_claim_asks_for_a_correction_note_beside_the_form(client, reviewer, published_evidence):
    client.force_login(reviewer)
    response = edit(client, published_evidence, stance="context")
    page = response.content.decode()
    assert response.status_code == 400
    assert 'name="correction"' in page and "changing its evidence is a correction; say why" in page
    published_evidence.refresh_from_db()
    assert published_evidence.stance == "supports"


def test_reviewer_corrects_published_evidence_with_a_note(client, reviewer, published_evidence):
    client.force_login(reviewer)
    response = edit(client, published_evidence, stance="context", correction="The report is about another year.")
    claim = published_evidence.claim
    # Four eyes: the correction is proposed, and made once another reviewer approves it.
    decide_correction(claim=claim, by=UserFactory(username="rev2", role="reviewer"), decision="approve")
    claim.refresh_from_db()
    assert response.status_code == 302 and claim.status == "corrected"
    event = claim.events.get(action="correction")
    assert event.public_note == "The report is about another year." and "evidence.stance" in event.changes


def test_editor_cannot_correct_a_published_claim_and_is_told_why(desk, published_evidence):
    response = edit(desk, published_evidence, stance="context", correction="Fixing it.")
    assert response.status_code == 400 and "Only a reviewer may correct" in response.content.decode()
    published_evidence.refresh_from_db()
    assert published_evidence.stance == "supports"


def test_removing_evidence_keeps_the_source(desk, evidence):
    response = desk.post(reverse("desk:evidence_remove", args=[evidence.pk]))
    assert response.status_code == 302 and response.url.endswith("#evidence")
    assert not Evidence.objects.exists() and Source.objects.filter(pk=evidence.source_id).exists()
    assert evidence.claim.events.get(action="evidence").changes["evidence"][1] is None


def test_removing_published_evidence_needs_a_note(client, reviewer, published_evidence):
    client.force_login(reviewer)
    url = reverse("desk:evidence_remove", args=[published_evidence.pk])
    refused = client.post(url)
    assert refused.status_code == 400 and "removing evidence is a correction" in refused.content.decode()
    assert client.post(url, {"correction": "Duplicate of another source."}).status_code == 302
    # Four eyes: the removal is proposed, and made once another reviewer approves it.
    claim = published_evidence.claim
    decide_correction(claim=claim, by=UserFactory(username="rev2", role="reviewer"), decision="approve")
    assert not Evidence.objects.exists()


def test_claim_page_offers_each_rows_forms_with_its_values(desk, evidence):
    page = desk.get(reverse("desk:claim", args=[evidence.claim_id])).content.decode()
    assert reverse("desk:evidence_edit", args=[evidence.pk]) in page
    assert reverse("desk:evidence_remove", args=[evidence.pk]) in page
    assert 'name="estimate_value" value="2000"' in page and "about 2,000</textarea>" in page
    assert 'name="correction"' not in page.split('id="evidence"')[1]  # a draft needs no correction note


def test_published_claim_page_shows_the_correction_field_by_the_evidence(desk, published_evidence):
    page = desk.get(reverse("desk:claim", args=[published_evidence.claim_id])).content.decode()
    assert "Correction note (required: the claim is published" in page.split('id="evidence"')[1]


def test_evidence_forms_need_the_csrf_token(editor, evidence):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert edit(client, evidence, stance="context").status_code == 403
    assert client.post(reverse("desk:evidence_remove", args=[evidence.pk])).status_code == 403


def test_outsider_cannot_edit_or_remove_evidence(client, outsider, evidence):
    client.force_login(outsider)
    assert edit(client, evidence, stance="context").status_code == 403
    assert client.post(reverse("desk:evidence_remove", args=[evidence.pk])).status_code == 403
    assert Evidence.objects.get().stance == "supports"


def test_estimate_fields_are_offered_for_quantity_claims_only(desk):
    other = EvidenceFactory(claim=make_claim(status="draft", verdict="", kind="event"), stance="context")
    page = desk.get(reverse("desk:claim", args=[other.claim_id])).content.decode()
    assert reverse("desk:evidence_edit", args=[other.pk]) in page and 'name="estimate_value"' not in page
    desk.post(reverse("desk:evidence_edit", args=[other.pk]), {"stance": "supports", "passage": "", "note": ""})
    other.refresh_from_db()
    assert other.stance == "supports" and other.estimate_value is None


def test_panel_shows_figures_as_typed_not_at_the_columns_scale(desk, evidence):
    Evidence.objects.filter(pk=evidence.pk).update(estimate_lower=Decimal("1500.50"), estimate_upper=None)
    page = desk.get(reverse("desk:claim", args=[evidence.claim_id])).content.decode()
    assert "≈ 2000 [1500.5–…]" in page and "2000.00" not in page


def test_an_estimate_typed_in_arabic_digits_and_separators_is_read(desk, evidence):
    response = edit(desk, evidence, estimate_value="٢٬٠٠٠", estimate_lower="١٬٥٠٠٫٥", estimate_upper="2 500")
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.estimate_value, evidence.estimate_lower, evidence.estimate_upper) == (
        2000,
        Decimal("1500.5"),
        2500,
    )


def test_the_admin_shows_evidence_but_leaves_changes_to_the_desk(client, django_user_model, published_evidence):
    client.force_login(django_user_model.objects.create_superuser("chief", "chief@example.org", "pass-word-123"))
    change = reverse("admin:claims_evidence_change", args=[published_evidence.pk])
    page = client.get(change)
    assert page.status_code == 200 and published_evidence.passage in page.content.decode()
    assert client.post(change, {"stance": "contradicts", "passage": "rewritten"}).status_code == 403
    assert (
        client.post(reverse("admin:claims_evidence_delete", args=[published_evidence.pk]), {"post": "yes"}).status_code
        == 403
    )
    published_evidence.refresh_from_db()
    assert published_evidence.passage != "rewritten" and published_evidence.stance == "supports"
