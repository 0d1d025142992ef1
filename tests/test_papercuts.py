"""What a new user tripped on in the desk (issue 13, item 11), each as the user meets it."""

import re

import pytest
from django.urls import reverse

from claims.models import Capture, Evidence
from claims.services.sources import add_evidence, update_evidence
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory
from tests.public_helpers import make_claim

pytestmark = pytest.mark.django_db

CAPTURED_TEXT = "The UN panel counted about 2,000 Wagner fighters in Libya in 2020."


def _captured_source(text=CAPTURED_TEXT):
    source = SourceFactory()
    capture = Capture.objects.create(source=source, state="done", requested_url=source.url, http_status=200, text=text)
    source.latest_capture = capture
    source.save(update_fields=["latest_capture"])
    return source, capture


def _failed_source(error="The server answered 503 Service Unavailable."):
    source = SourceFactory()
    capture = Capture.objects.create(source=source, state="failed", requested_url=source.url, error=error)
    source.latest_capture = capture
    source.save(update_fields=["latest_capture"])
    return source


def _page(client, user, claim, **headers):
    client.force_login(user)
    return client.get(reverse("desk:claim", args=[claim.pk]), headers=headers).content.decode()


# The claim page's fields.


def test_the_claim_page_labels_a_quantity_claims_fields_in_words(client, editor):
    claim = ClaimFactory(
        kind="quantity",
        details={
            "subject": "Wagner fighters",
            "value": 2000,
            "unit": "fighters",
            "approximate": False,
            "as_of": "2020-04",
        },
    )
    html = _page(client, editor, claim)
    fields = re.search(r'<dl class="fields">(.*?)</dl>', html, re.S).group(1)
    assert "<dt>What is counted</dt>" in fields and "<dt>Approximate</dt>" in fields
    assert ">No</dd>" in fields and "2,000 fighters" in fields and "April 2020" in fields
    for internal in ("<dt>subject</dt>", "<dt>approximate</dt>", "<dt>unit</dt>", "False", "as_of"):
        assert internal not in fields


def test_the_claim_page_fields_are_translated(client, editor):
    claim = ClaimFactory(kind="quantity", details={"value": 2000, "approximate": True, "as_of": "2018/2020"})
    fields = re.search(r'<dl class="fields">(.*?)</dl>', _page(client, editor, claim, accept_language="ar"), re.S)
    assert "<dt>تقريبي</dt>" in fields.group(1) and ">نعم</dd>" in fields.group(1)
    assert "2018 – 2020" in fields.group(1)


# A number in the selection: the form (without script) starts as a quantity claim, prefilled.


def test_a_selection_holding_a_number_opens_a_quantity_claim(client, editor, demo):
    start = demo.text.index("ألفين")
    client.force_login(editor)
    html = client.get(
        reverse("desk:claim-new", args=[demo.pk]), {"start": start - 6, "end": start + len("ألفين")}
    ).content.decode()
    assert re.search(r'<option value="quantity" selected>', html)
    assert re.search(r'name="quantity-value" id="id_quantity-value" value="2000"', html)


# Passage checks.


def test_evidence_on_a_captured_source_is_checked_at_once(editor):
    source, capture = _captured_source()
    evidence = add_evidence(claim=ClaimFactory(), source=source, by=editor, passage="about 2,000 Wagner fighters")
    assert evidence.passage_found == Evidence.PassageState.FOUND
    assert evidence.checked_capture_id == capture.pk
    assert Evidence.objects.get(pk=evidence.pk).passage_found == "found"


def test_a_changed_passage_is_checked_at_once(editor):
    source, _capture = _captured_source()
    evidence = add_evidence(claim=ClaimFactory(), source=source, by=editor, passage="in Libya in 2020")
    changed = update_evidence(evidence=evidence, by=editor, passage="a passage nowhere in the page text at all")
    assert changed.passage_found == Evidence.PassageState.NOT_FOUND


def test_the_claim_page_shows_the_check_of_new_evidence_without_waiting(client, editor):
    source, capture = _captured_source()
    claim = ClaimFactory()
    client.force_login(editor)
    client.post(
        reverse("desk:claim_add_source", args=[claim.pk]),
        {"url": source.url, "stance": "supports", "passage": "about 2,000 Wagner fighters"},
    )
    html = _page(client, editor, claim)
    assert "Found in the capture" in html and f"capture #{capture.pk}" in html
    assert "Not checked yet" not in html


def test_after_a_failed_capture_the_passage_says_it_could_not_be_checked_and_why(client, editor):
    evidence = EvidenceFactory(source=_failed_source(), passage="about 2,000")
    html = _page(client, editor, evidence.claim)
    assert "Could not be checked: the capture failed (The server answered 503 Service Unavailable.)." in html
    assert "Not checked yet" not in html


# One wording for the live panel and the reloaded page.


def test_the_live_panel_words_each_state_as_the_page_does(client, editor):
    source, _capture = _captured_source()
    checked = add_evidence(claim=ClaimFactory(), source=source, by=editor, passage="about 2,000 Wagner fighters")
    failed = EvidenceFactory(claim=checked.claim, source=_failed_source(), passage="about 2,000")
    html = _page(client, editor, checked.claim)
    live = client.get(reverse("desk:claim_sources_status", args=[checked.claim.pk])).json()["sources"]
    for item in live:
        assert item["passage_check"]["text"] in html
        assert f">{item['recapture_label']}</button>" in html
    by_evidence = {item["evidence"]: item for item in live}
    assert by_evidence[failed.pk]["recapture_label"] == "Retry"
    assert by_evidence[checked.pk]["recapture_label"] == "Capture again"


# The workflow panel.


def _in_review(editor):
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    return transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="The record.")


def test_a_forged_publish_is_refused_out_loud_and_keeps_what_was_typed(client, editor):
    claim = _in_review(editor)
    client.force_login(editor)
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {"to": "published", "version": claim.version, "rationale": "My own words, typed", "comment": "go"},
        follow=True,
    )
    html = response.content.decode()
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("The claim was not changed:") for m in messages)
    assert 'class="refusal" role="alert"' in html and "My own words, typed" in html
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_a_stale_form_is_refused_out_loud(client, editor, reviewer):
    claim = _in_review(editor)
    transition_claim(claim=claim, to="researching", by=reviewer, comment="Needs a second source.")
    client.force_login(reviewer)
    response = client.post(
        reverse("desk:claim-transition", args=[claim.pk]),
        {"to": "published", "version": claim.version, "comment": "Fine."},
        follow=True,
    )
    assert any(str(m).startswith("The claim was not changed:") for m in response.context["messages"])


def test_an_editor_reads_what_a_claim_in_review_waits_for(client, editor):
    html = _page(client, editor, _in_review(editor))
    assert "Waiting for a reviewer" in html
    assert "There is nothing you can do" not in html


def test_a_disabled_publish_button_says_why_beside_it(client, editor):
    claim = _in_review(editor)
    editor.groups.add(*__import__("claims.services.roles", fromlist=["x"]).ensure_role_groups().values())
    html = _page(client, editor, claim)  # a reviewer who proposed the verdict may not publish it (four eyes)
    form = re.search(r'<form[^>]*class="transition transition-published".*?</form>', html, re.S).group(0)
    assert re.search(
        r'<button type="submit" disabled aria-disabled="true"\s+aria-describedby="blocked-published">', form
    )
    assert 'id="blocked-published"' in form


def test_disabled_buttons_have_their_own_look():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[1] / "claims/static/claims/site.css").read_text()
    assert re.search(r"button:disabled, button\[aria-disabled=\"true\"\][^{]*\{[^}]*cursor: not-allowed", css)


# Duplicate evidence.


def test_duplicate_evidence_over_the_api_is_refused_in_the_desks_words(api, editor):
    evidence = EvidenceFactory(claim=make_claim(status="draft", verdict=""))
    response = api.post(
        "/api/v1/evidence/",
        {"claim": evidence.claim_id, "source": evidence.source_id, "stance": "supports"},
        format="json",
    )
    assert response.status_code == 400
    body = str(response.json())
    assert "already evidence for this claim" in body and "unique set" not in body


def test_duplicate_evidence_on_the_desk_is_refused_in_its_words(client, editor):
    evidence = EvidenceFactory(claim=make_claim(status="draft", verdict=""))
    client.force_login(editor)
    response = client.post(
        reverse("desk:claim_add_source", args=[evidence.claim_id]), {"url": evidence.source.url, "stance": "supports"}
    )
    assert "This source is already evidence for this claim" in response.content.decode()
