"""Four eyes after publication: a correction, a retraction or an edit of a published claim is first a proposal.
Readers see the published claim unchanged until a reviewer who wrote none of the proposal approves it; one who
changes it while approving becomes its author, and it waits for another. In the service, the API and the desk."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimCorrection
from claims.services.claims import update_claim
from claims.services.sources import add_evidence, remove_evidence
from claims.services.workflow import (
    CorrectionRewritten,
    StaleCorrection,
    TransitionRefused,
    decide_correction,
    transition_claim,
)
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory, UserFactory
from tests.public_helpers import fresh_cache, url  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db

CORRECTION = {
    "verdict": "misleading",
    "rationale": "A newer report of the ministry gives the context.",
    "public_note": "Corrected after the newer report of the ministry.",
}


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="rev2", role="reviewer")


@pytest.fixture
def third_reviewer(db):
    return UserFactory(username="rev3", role="reviewer")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the services' after-commit work (the public caches' invalidation) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def published(editor, reviewer):
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="The minister said ten percent.")
    EvidenceFactory(claim=claim)
    claim = transition_claim(
        claim=claim,
        to="in_review",
        by=editor,
        verdict="false",
        rationale="The ministry's own figure is lower.",
        public_note="Checked against the yearly report.",
    )
    return transition_claim(claim=claim, to="published", by=reviewer)


def fresh(claim):
    return Claim.objects.get(pk=claim.pk)


def pending(claim):
    return ClaimCorrection.objects.get(claim=claim, state="pending")


def public_page(client, claim) -> str:
    response = client.get(url(fresh(claim)), follow=True)
    assert response.status_code == 200
    return response.content.decode()


def public_api(client, claim) -> dict:
    return client.get(f"/api/v1/public/claims/{claim.pk}/").json()


# The service.


def test_a_correction_waits_for_another_reviewer_and_readers_see_the_published_claim_meanwhile(
    client, committed, published, reviewer, second_reviewer
):
    claim = transition_claim(claim=published, to="corrected", by=second_reviewer, **CORRECTION, comment="Internal.")
    claim = fresh(claim)
    assert (claim.status, claim.verdict, claim.rationale) == (
        "published",
        "false",
        "The ministry's own figure is lower.",
    )
    proposal = pending(claim)
    assert (proposal.kind, proposal.verdict, proposal.proposed_by) == ("correct", "misleading", second_reviewer)
    assert proposal.changes["verdict"] == ["false", "misleading"]
    assert proposal.authors == dict.fromkeys(["public_note", "verdict", "rationale"], second_reviewer.pk)
    page = public_page(client, claim)
    assert CORRECTION["rationale"] not in page and CORRECTION["public_note"] not in page
    assert public_api(client, claim)["verdict"] == "false"
    assert not claim.events.public().filter(action="correction").exists()

    with pytest.raises(TransitionRefused, match="Four eyes: you proposed this correction of the verdict") as refused:
        transition_claim(claim=claim, to="corrected", by=second_reviewer)
    assert "any reviewer but you." in str(refused.value)

    with committed():
        approved = transition_claim(claim=claim, to="corrected", by=reviewer, comment="Agreed.")
    assert (approved.status, approved.verdict, approved.rationale) == (
        "corrected",
        "misleading",
        CORRECTION["rationale"],
    )
    assert approved.public_text_authors["verdict"] == second_reviewer.pk
    assert approved.public_text_authors["public_note"] == second_reviewer.pk
    event = approved.events.latest()
    assert (event.action, event.actor, event.public_note, event.comment) == (
        "correction",
        reviewer,
        CORRECTION["public_note"],
        "Agreed.",
    )
    assert pending_count(claim) == 0 and ClaimCorrection.objects.get(claim=claim).decided_by == reviewer
    page = public_page(client, claim)
    assert CORRECTION["public_note"] in page and CORRECTION["rationale"] in page
    assert public_api(client, claim)["verdict"] == "misleading"


def pending_count(claim) -> int:
    return ClaimCorrection.objects.filter(claim=claim, state="pending").count()


def test_a_retraction_waits_for_another_reviewer(client, committed, published, reviewer, second_reviewer):
    transition_claim(claim=published, to="retracted", by=reviewer, public_note="The quote was invented.")
    assert fresh(published).status == "published"
    assert "status-retracted" not in public_page(client, published)
    with pytest.raises(TransitionRefused, match="Four eyes: you proposed this retraction"):
        decide_correction(claim=published, by=reviewer, decision="approve")
    with committed():
        decide_correction(claim=published, by=second_reviewer, decision="approve", correction=pending(published).pk)
    assert fresh(published).status == "retracted"
    assert "The quote was invented." in public_page(client, published)


def test_an_approver_who_changes_the_correction_becomes_its_author_and_it_waits_for_a_third_reviewer(
    published, reviewer, second_reviewer, third_reviewer
):
    transition_claim(claim=published, to="corrected", by=second_reviewer, **CORRECTION)
    with pytest.raises(CorrectionRewritten, match="which makes you their author") as rewritten:
        transition_claim(claim=published, to="corrected", by=reviewer, rationale="My own, unseen reasons.")
    assert "any reviewer but you and rev2" in str(rewritten.value)
    claim = fresh(published)
    assert (claim.status, claim.rationale) == ("published", "The ministry's own figure is lower.")
    proposal = pending(claim)
    assert proposal.rationale == "My own, unseen reasons."
    assert proposal.authors["rationale"] == reviewer.pk and proposal.authors["verdict"] == second_reviewer.pk
    for author in (reviewer, second_reviewer):
        with pytest.raises(TransitionRefused, match="Four eyes"):
            transition_claim(claim=claim, to="corrected", by=author)
    approved = transition_claim(claim=claim, to="corrected", by=third_reviewer)
    assert (approved.status, approved.rationale) == ("corrected", "My own, unseen reasons.")
    assert approved.public_text_authors["rationale"] == reviewer.pk


def test_a_correction_sent_back_or_withdrawn_leaves_the_published_claim_as_it_was(
    published, editor, reviewer, second_reviewer
):
    transition_claim(claim=published, to="corrected", by=second_reviewer, **CORRECTION)
    with pytest.raises(TransitionRefused, match="Say why in a comment"):
        decide_correction(claim=published, by=reviewer, decision="send_back")
    with pytest.raises(TransitionRefused, match="withdraw it instead"):
        decide_correction(claim=published, by=second_reviewer, decision="send_back", comment="Mine.")
    with pytest.raises(TransitionRefused, match="Only a reviewer"):
        decide_correction(claim=published, by=editor, decision="send_back", comment="No.")
    decide_correction(claim=published, by=reviewer, decision="send_back", comment="Cite the report's page.")
    assert fresh(published).verdict == "false" and pending_count(published) == 0
    assert ClaimCorrection.objects.get(claim=published).state == "sent_back"

    transition_claim(claim=published, to="retracted", by=second_reviewer, public_note="Second thoughts.")
    with pytest.raises(TransitionRefused, match="Only rev2, who proposed it, may withdraw"):
        decide_correction(claim=published, by=reviewer, decision="withdraw")
    decide_correction(claim=published, by=second_reviewer, decision="withdraw")
    assert fresh(published).status == "published" and pending_count(published) == 0


def test_one_correction_at_a_time_and_a_stale_one_is_not_approved(published, reviewer, second_reviewer):
    transition_claim(claim=published, to="corrected", by=second_reviewer, **CORRECTION)
    with pytest.raises(TransitionRefused, match="proposed by rev2 is waiting for another reviewer"):
        transition_claim(claim=published, to="retracted", by=reviewer, public_note="Invented.")
    with pytest.raises(TransitionRefused, match="proposed by rev2 is waiting"):
        update_claim(
            claim_id=published.pk, by=reviewer, version=published.version, statement="Other.", correction="Fix."
        )
    with pytest.raises(StaleCorrection):
        decide_correction(claim=published, by=reviewer, decision="approve", correction=pending(published).pk + 1)
    assert fresh(published).status == "published"


def test_an_edit_of_a_published_statement_is_a_proposal_until_another_reviewer_approves_it(
    client, committed, published, reviewer, second_reviewer
):
    update_claim(
        claim_id=published.pk,
        by=reviewer,
        version=published.version,
        statement="The minister said twelve percent.",
        correction="The statement misquoted the minister.",
    )
    claim = fresh(published)
    assert (claim.statement, claim.status) == ("The minister said ten percent.", "published")
    proposal = pending(claim)
    assert proposal.kind == "edit"
    assert proposal.changes["statement"] == ["The minister said ten percent.", "The minister said twelve percent."]
    assert "twelve percent" not in public_page(client, claim)
    with pytest.raises(TransitionRefused, match="Four eyes: you proposed this correction and wrote its statement"):
        decide_correction(claim=claim, by=reviewer, decision="approve")
    with committed():
        decide_correction(claim=claim, by=second_reviewer, decision="approve")
    claim = fresh(claim)
    assert (claim.statement, claim.status) == ("The minister said twelve percent.", "corrected")
    assert claim.public_text_authors["statement"] == reviewer.pk and claim.last_editor == reviewer
    event = claim.events.latest()
    assert (event.action, event.actor, event.public_note) == (
        "correction",
        second_reviewer,
        "The statement misquoted the minister.",
    )
    assert "twelve percent" in public_page(client, claim)


def test_evidence_changes_on_a_published_claim_wait_for_another_reviewer(
    client, committed, published, reviewer, second_reviewer
):
    source = SourceFactory(title="The newer ministry report")
    assert (
        add_evidence(claim=published, source=source, by=reviewer, passage="12 percent", correction="New report.")
        is None
    )
    assert not published.evidence.filter(source=source).exists()
    assert "The newer ministry report" not in public_page(client, published)
    with committed():
        decide_correction(claim=published, by=second_reviewer, decision="approve")
    assert published.evidence.filter(source=source).exists() and fresh(published).status == "corrected"
    assert "The newer ministry report" in public_page(client, published)

    old = published.evidence.exclude(source=source).get()
    remove_evidence(evidence=old, by=second_reviewer, correction="That story was about another year.")
    assert published.evidence.filter(pk=old.pk).exists()
    decide_correction(claim=published, by=reviewer, decision="approve")
    assert not published.evidence.filter(pk=old.pk).exists()
    assert published.events.public().latest().public_note == "That story was about another year."


# The API.


def transitions(claim):
    return f"/api/v1/claims/{claim.pk}/transitions/"


def decision(claim):
    return f"/api/v1/claims/{claim.pk}/correction/"


def test_api_correction_answers_202_with_the_pending_correction_and_another_reviewer_approves_it(
    client, committed, api_as, published, reviewer, second_reviewer, third_reviewer
):
    response = api_as(second_reviewer).post(transitions(published), {"to": "corrected", **CORRECTION}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["verdict"]) == ("published", "false")
    proposal = body["pending_correction"]
    assert (proposal["kind"], proposal["target"], proposal["proposed_by"]) == ("correct", "corrected", "rev2")
    assert proposal["public_note"] == CORRECTION["public_note"] and proposal["verdict"] == "misleading"
    assert api_as(reviewer).get(f"/api/v1/claims/{published.pk}/").json()["pending_correction"]["id"] == proposal["id"]
    public = public_api(client, published)
    assert public["verdict"] == "false" and "pending_correction" not in public

    again = api_as(second_reviewer).post(transitions(published), {"to": "corrected"}, format="json")
    assert again.status_code == 400 and "any reviewer but you." in again.json()["detail"]

    rewritten = api_as(reviewer).post(
        transitions(published), {"to": "corrected", "public_note": "A note nobody else saw."}, format="json"
    )
    assert rewritten.status_code == 409
    assert "which makes you their author" in rewritten.json()["detail"]
    assert "any reviewer but you and rev2" in rewritten.json()["detail"]
    current = rewritten.json()["current"]
    assert (
        current["status"] == "published" and current["pending_correction"]["public_note"] == "A note nobody else saw."
    )

    stale = api_as(third_reviewer).post(
        decision(published), {"decision": "approve", "correction": proposal["id"] + 1}, format="json"
    )
    assert stale.status_code == 409 and "no longer pending" in stale.json()["detail"]
    with committed():
        done = api_as(third_reviewer).post(
            decision(published), {"decision": "approve", "correction": proposal["id"]}, format="json"
        )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["verdict"], done.json()["pending_correction"]) == (
        "corrected",
        "misleading",
        None,
    )
    assert public_api(client, published)["public_note"] == "A note nobody else saw."


def test_api_send_back_and_withdraw(api_as, published, reviewer, second_reviewer):
    proposal = (
        api_as(reviewer)
        .post(transitions(published), {"to": "retracted", "public_note": "Invented."}, format="json")
        .json()["pending_correction"]
    )
    refused = api_as(second_reviewer).post(
        decision(published), {"decision": "withdraw", "correction": proposal["id"]}, format="json"
    )
    assert refused.status_code == 400 and "Only rev, who proposed it, may withdraw" in refused.json()["detail"]
    sent_back = api_as(second_reviewer).post(
        decision(published),
        {"decision": "send_back", "correction": proposal["id"], "comment": "Not invented: misquoted."},
        format="json",
    )
    assert sent_back.status_code == 200 and sent_back.json()["status"] == "published"
    assert sent_back.json()["pending_correction"] is None
    history = api_as(reviewer).get(f"/api/v1/claims/{published.pk}/history/").json()["results"]
    assert history[-1]["action"] == "proposal" and history[-1]["comment"] == "Not invented: misquoted."


def test_api_edit_of_a_published_claim_answers_202_and_changes_nothing_readers_see(
    client, api_as, published, reviewer, second_reviewer
):
    response = api_as(reviewer).patch(
        f"/api/v1/claims/{published.pk}/",
        {"version": published.version, "statement": "Twelve percent.", "correction": "Misquoted."},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["statement"] == "The minister said ten percent."
    assert response.json()["pending_correction"]["changes"]["statement"][1] == "Twelve percent."
    assert public_api(client, published)["statement"] == "The minister said ten percent."
    evidence = published.evidence.get()
    removed = api_as(second_reviewer).delete(f"/api/v1/evidence/{evidence.pk}/?correction=Wrong+document")
    assert removed.status_code == 400 and "waiting for another reviewer" in removed.json()["detail"]


def test_api_evidence_removal_from_a_published_claim_answers_202(api_as, published, reviewer, second_reviewer):
    evidence = published.evidence.get()
    response = api_as(reviewer).delete(f"/api/v1/evidence/{evidence.pk}/?correction=Wrong+document")
    assert response.status_code == 202
    assert response.json()["pending_correction"]["changes"]["evidence"][1] is None
    assert published.evidence.filter(pk=evidence.pk).exists()
    done = api_as(second_reviewer).post(
        decision(published), {"decision": "approve", "correction": response.json()["pending_correction"]["id"]}
    )
    assert done.status_code == 200 and not published.evidence.filter(pk=evidence.pk).exists()


# The desk.


def test_desk_shows_the_pending_correction_with_approve_for_another_reviewer_and_why_not_to_its_proposer(
    client, published, reviewer, second_reviewer
):
    transition_claim(claim=published, to="corrected", by=second_reviewer, **CORRECTION)
    client.force_login(second_reviewer)
    page = client.get(reverse("desk:claim", args=[published.pk])).content.decode()
    assert "Proposed correction, waiting for a second reviewer" in page and CORRECTION["public_note"] in page
    assert "Four eyes: you proposed this correction of the verdict" in page and "any reviewer but you." in page
    assert 'data-decision="approve"' not in page and 'data-decision="withdraw"' in page
    assert 'data-transition="retracted"' not in page  # one correction at a time
    client.force_login(reviewer)
    page = client.get(reverse("desk:claim", args=[published.pk])).content.decode()
    assert 'data-decision="approve"' in page and 'data-decision="send_back"' in page
    assert "A newer report of the ministry gives the context." in page and "misleading" in page


def test_desk_approve_as_proposed_corrects_the_claim_and_a_changed_note_waits(
    client, published, reviewer, second_reviewer, third_reviewer
):
    transition_claim(claim=published, to="corrected", by=second_reviewer, **CORRECTION)
    form = {"decision": "approve", "correction": pending(published).pk, **CORRECTION, "comment": "Fine."}
    client.force_login(reviewer)
    response = client.post(
        reverse("desk:claim-correction", args=[published.pk]), form | {"public_note": "My note."}, follow=True
    )
    page = response.content.decode()
    assert "You changed its public note while approving, which makes you their author" in page
    assert "Four eyes: you wrote its public note" in page
    assert fresh(published).status == "published"
    client.force_login(third_reviewer)
    response = client.post(
        reverse("desk:claim-correction", args=[published.pk]), form | {"public_note": "My note."}, follow=True
    )
    assert "Correction approved" in response.content.decode()
    claim = fresh(published)
    assert (claim.status, claim.public_note, claim.verdict) == ("corrected", "My note.", "misleading")


def test_desk_correct_form_proposes_and_says_so(client, published, reviewer):
    client.force_login(reviewer)
    response = client.post(
        reverse("desk:claim-transition", args=[published.pk]),
        {"to": "corrected", "version": published.version, **CORRECTION},
        follow=True,
    )
    assert "Your correction is proposed" in response.content.decode()
    assert fresh(published).status == "published" and pending(published).proposed_by == reviewer
