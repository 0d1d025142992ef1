"""No lost updates: two saves of the same claim version at once, on two real database connections; one wins."""

import threading

import pytest
from django.db import connection

from claims.models import Claim, ClaimEvent
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks of a real server")


def _race(*requests):
    """Run each request in its own thread (so its own database connection), all released at the same moment."""
    barrier = threading.Barrier(len(requests))
    answers = [None] * len(requests)

    def run(i, request):
        try:
            barrier.wait(timeout=10)
            answers[i] = request()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return answers


def test_two_concurrent_saves_of_the_same_version_one_wins_the_other_gets_409(transactional_db, api_as):
    first, second = UserFactory(username="ed-a", role="editor"), UserFactory(username="ed-b", role="editor")
    claim = ClaimFactory(created_by=first, last_editor=first, statement="Original.")
    url = f"/api/v1/claims/{claim.pk}/"

    def save(user, text):
        return lambda: api_as(user).patch(url, {"statement": text, "version": claim.version}, format="json")

    answers = _race(save(first, "Edited by A."), save(second, "Edited by B."))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409]
    winner = next(a for a in answers if a.status_code == 200).json()
    loser = next(a for a in answers if a.status_code == 409).json()
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.statement == winner["statement"] and stored.version == claim.version + 1
    assert loser["current"]["statement"] == stored.statement  # the loser sees what won, to redo their change
    assert ClaimEvent.objects.filter(claim=claim, action="edited").count() == 1


def test_two_reviewers_publishing_the_same_version_publish_once(transactional_db, api_as):
    editor = UserFactory(username="ed-c", role="editor")
    reviewers = [UserFactory(username=f"rev-{i}", role="reviewer") for i in range(2)]
    claim = ClaimFactory(created_by=editor, last_editor=editor)
    EvidenceFactory(claim=claim)
    claim = transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="Records differ.")
    url = f"/api/v1/claims/{claim.pk}/transitions/"
    body = {"to": "published", "version": claim.version, "comment": "Approved."}

    answers = _race(*[lambda r=r: api_as(r).post(url, body, format="json") for r in reviewers])
    assert sorted(a.status_code for a in answers) == [200, 409]
    assert ClaimEvent.objects.filter(claim=claim, to_status="published").count() == 1


def test_an_edit_and_a_publication_of_the_same_version_do_not_both_land(transactional_db, api_as):
    editor, reviewer = UserFactory(username="ed-d", role="editor"), UserFactory(username="rev-d", role="reviewer")
    claim = ClaimFactory(created_by=editor, last_editor=editor, statement="As proposed.")
    EvidenceFactory(claim=claim)
    claim = transition_claim(claim=claim, to="in_review", by=editor, verdict="false", rationale="Records differ.")

    answers = _race(
        lambda: api_as(editor).patch(
            f"/api/v1/claims/{claim.pk}/", {"statement": "Reworded late.", "version": claim.version}, format="json"
        ),
        lambda: api_as(reviewer).post(
            f"/api/v1/claims/{claim.pk}/transitions/", {"to": "published", "version": claim.version}, format="json"
        ),
    )
    assert sorted(a.status_code for a in answers) == [200, 409]
    stored = Claim.objects.get(pk=claim.pk)
    # Never a published claim whose wording the reviewer did not see.
    assert not (stored.status == "published" and stored.statement == "Reworded late.")


def _after_both_read(monkeypatch, owner, name):
    """Hold each of two requests at ``owner.name`` until both have reached it: both have read the same state."""
    barrier = threading.Barrier(2)
    original = getattr(owner, name)

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait(timeout=10)
        return result

    monkeypatch.setattr(owner, name, held)


def test_two_concurrent_deletes_of_one_claim_delete_it_once_and_the_other_gets_404(
    transactional_db, api_as, monkeypatch
):
    from claims.api.views import ClaimViewSet

    editors = [UserFactory(username=f"ed-del-{i}", role="editor") for i in range(2)]
    claim = ClaimFactory(created_by=editors[0], last_editor=editors[0])
    _after_both_read(monkeypatch, ClaimViewSet, "get_object")  # both found the claim before either deletes it
    url = f"/api/v1/claims/{claim.pk}/?version={claim.version}"

    answers = _race(*[lambda e=e: api_as(e).delete(url) for e in editors])
    assert sorted(a.status_code for a in answers) == [204, 404]
    gone = next(a for a in answers if a.status_code == 404).json()
    assert "deleted" in gone["detail"]
    assert not Claim.objects.filter(pk=claim.pk).exists()
    assert ClaimEvent.objects.filter(action="deleted").count() == 1


def test_two_concurrent_identical_evidence_adds_add_it_once_and_the_other_gets_400(
    transactional_db, api_as, monkeypatch
):
    from claims.models import Evidence
    from claims.services import sources
    from tests.factories import SourceFactory

    editors = [UserFactory(username=f"ed-ev-{i}", role="editor") for i in range(2)]
    claim, source = ClaimFactory(created_by=editors[0], last_editor=editors[0]), SourceFactory()
    # clean_estimate runs after the "already evidence?" check and before the insert: both pass the check.
    _after_both_read(monkeypatch, sources, "clean_estimate")
    body = {"claim": claim.pk, "source": source.pk, "stance": "supports"}

    answers = _race(*[lambda e=e: api_as(e).post("/api/v1/evidence/", body, format="json") for e in editors])
    assert sorted(a.status_code for a in answers) == [201, 400]
    refused = next(a for a in answers if a.status_code == 400).json()
    assert "already evidence" in refused["source"]
    assert Evidence.objects.filter(claim=claim, source=source).count() == 1
