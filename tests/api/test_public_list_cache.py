"""The public claims list is cached serialized: a repeated page costs no query, answers If-None-Match with 304,
and shows every change to what it lists (a publication, a correction, evidence, an entity's new name) at once."""

import pytest
from rest_framework.throttling import AnonRateThrottle

from claims.models import Attendee
from claims.services.claims import update_claim
from claims.services.entities import update_entity
from claims.services.sources import update_evidence
from claims.services.workflow import decide_correction, transition_claim
from tests.factories import ClaimFactory, EntityFactory, EvidenceFactory, UserFactory
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/public/claims/"


def statements(client, query=""):
    return [c["statement"] for c in client.get(LIST + query).json()["results"]]


@pytest.fixture
def second_reviewer(db):
    return UserFactory(username="rev2", role="reviewer")


def approve(claim, by):
    """A published claim's correction is proposed first (four eyes): another reviewer approves it."""
    decide_correction(claim=claim, by=by, decision="approve")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the services' after-commit work (the cache invalidation) as a committed transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def meeting(**fields):
    claim = make_claim(kind="meeting", details={"date": "2020-01-15"}, **fields)
    for order, entity in enumerate([EntityFactory(name="Haftar"), EntityFactory(name="Prigozhin")]):
        Attendee.objects.create(
            claim=claim,
            entity=entity,
            role="host" if order == 0 else "guest",
            order=order,
            status="confirmed",
            evidence_note=f"note {order}",
        )
        claim.entities.add(entity)
    return claim


def test_a_repeated_page_is_served_from_the_cache_without_a_query(client, django_assert_max_num_queries):
    meeting(statement="First")
    make_claim(statement="Second")
    first = client.get(LIST)
    with django_assert_max_num_queries(0):
        second = client.get(LIST)
    assert second.status_code == 200 and second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] == "application/json"
    assert second["ETag"] == first["ETag"]


def test_a_matching_etag_gets_304_until_the_lists_change(client, reviewer, second_reviewer, on_commit):
    claim = make_claim(statement="Published")
    first = client.get(LIST)
    again = client.get(LIST, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]
    with on_commit():
        transition_claim(claim=claim, to="retracted", by=reviewer, public_note="The source was fabricated.")
        approve(claim, second_reviewer)
    changed = client.get(LIST, headers={"if-none-match": first["ETag"]})
    assert changed.status_code == 200 and changed.json()["results"][0]["status"] == "retracted"


def test_reordered_parameters_share_one_entry_and_other_queries_never_do(client, django_assert_max_num_queries):
    make_claim(statement="False one", verdict="false")
    make_claim(statement="Accurate one", verdict="accurate")
    assert statements(client, "?verdict=false&page_size=1") == ["False one"]
    with django_assert_max_num_queries(0):
        assert statements(client, "?page_size=1&verdict=false") == ["False one"]
    assert statements(client, "?verdict=accurate&page_size=1") == ["Accurate one"]
    assert statements(client, "?page_size=1") == ["Accurate one"]
    assert statements(client, "?page_size=1&page=2") == ["False one"]
    assert statements(client, "?page_size=2") == ["Accurate one", "False one"]
    assert statements(client, "?ordering=published_at") == ["False one", "Accurate one"]


def test_the_next_link_follows_the_query_as_sent(client):
    make_claim(), make_claim()
    assert client.get(LIST + "?page_size=1&extra=1").json()["next"].endswith("?extra=1&page=2&page_size=1")
    assert client.get(LIST + "?page_size=1").json()["next"].endswith("?page=2&page_size=1")
    assert client.get(LIST + "?page_size=1", HTTP_HOST="localhost").json()["next"].startswith("http://localhost/")


def test_an_indented_page_has_its_own_entry(client):
    make_claim()
    indented = client.get(LIST, headers={"accept": "application/json; indent=4"})
    assert indented.content.startswith(b'{\n    "count"')
    assert not client.get(LIST).content.startswith(b"{\n")


def test_the_browsable_api_is_not_cached_for_json_readers(client):
    make_claim(statement="Shown")
    assert b"<html" in client.get(LIST, headers={"accept": "text/html"}).content
    assert client.get(LIST).json()["results"][0]["statement"] == "Shown"


def test_errors_are_not_cached(client):
    make_claim()
    assert client.get(LIST + "?page=9").status_code == 404
    assert client.get(LIST + "?published_after=yesterday").status_code == 400
    make_claim(), make_claim()
    assert len(statements(client, "?page_size=1&page=3")) == 1


def test_a_publication_shows_at_once_and_drafts_never_do(client, editor, reviewer, on_commit):
    make_claim(statement="Old")
    assert statements(client) == ["Old"]
    draft = make_claim(status="draft", statement="Draft", verdict="")
    proposed = ClaimFactory(statement="Proposed", created_by=editor, last_editor=editor)
    EvidenceFactory(claim=proposed)
    with on_commit():
        proposed = transition_claim(
            claim=proposed, to="in_review", by=editor, verdict="false", rationale="The ministry's own figure is lower."
        )
    assert statements(client) == ["Old"]
    with on_commit():
        transition_claim(claim=proposed, to="published", by=reviewer, comment="Approved.")
    assert statements(client) == ["Proposed", "Old"]
    assert draft.statement not in statements(client)


def test_a_correction_of_the_verdict_shows_at_once(client, reviewer, second_reviewer, on_commit):
    claim = make_claim(verdict="false")
    assert client.get(LIST).json()["results"][0]["verdict"] == "false"
    with on_commit():
        transition_claim(
            claim=claim,
            to="corrected",
            by=reviewer,
            verdict="misleading",
            rationale="A second count was published.",
            public_note="Newer figures.",
        )
        approve(claim, second_reviewer)
    shown = client.get(LIST).json()["results"][0]
    assert (shown["status"], shown["verdict"], shown["rationale"]) == (
        "corrected",
        "misleading",
        "A second count was published.",
    )


def test_an_evidence_correction_shows_at_once(client, reviewer, second_reviewer, on_commit):
    claim = make_claim()
    evidence = EvidenceFactory(claim=claim, passage="first passage")
    before = client.get(LIST).json()["results"][0]
    with on_commit():
        update_evidence(evidence=evidence, by=reviewer, correction="Quoted the right line.", passage="second")
        approve(claim, second_reviewer)
    after = client.get(LIST).json()["results"][0]
    assert (after["status"], after["version"]) == ("corrected", before["version"] + 1)


def test_a_statement_correction_shows_at_once(client, reviewer, second_reviewer, on_commit):
    claim = make_claim(statement="Before")
    assert statements(client) == ["Before"]
    with on_commit():
        update_claim(
            claim_id=claim.pk,
            by=reviewer,
            version=claim.version,
            statement="After",
            correction="Reworded the statement.",
        )
        approve(claim, second_reviewer)
    assert statements(client) == ["After"]


def test_a_new_attendee_note_or_entity_list_shows_at_once(client, reviewer, second_reviewer, on_commit):
    claim = meeting()
    attendees = [
        {"entity": a.entity_id, "role": a.role, "status": a.status, "evidence_note": "new note"}
        for a in claim.attendees.all()
    ]
    with on_commit():
        update_claim(
            claim_id=claim.pk, by=reviewer, version=claim.version, attendees=attendees, correction="Cited the minutes."
        )
        approve(claim, second_reviewer)
    shown = client.get(LIST).json()["results"][0]
    assert {a["evidence_note"] for a in shown["details"]["attendees"]} == {"new note"}
    claim.refresh_from_db()
    other = EntityFactory()
    with on_commit():
        update_claim(
            claim_id=claim.pk,
            by=reviewer,
            version=claim.version,
            entities=[other],
            correction="Named the right person.",
        )
        approve(claim, second_reviewer)
    assert client.get(LIST).json()["results"][0]["entities"] == [other.pk]
    # Both are public corrections, each with its note and what changed.
    corrections = list(claim.events.filter(action="correction").order_by("at", "id"))
    assert [c.public_note for c in corrections] == ["Cited the minutes.", "Named the right person."]
    assert "attendees" in corrections[0].changes and "entities" in corrections[1].changes


def test_claims_re_anchored_to_an_article_s_new_text_show_at_once_when_a_reviewer_accepts_it(
    client, api, api_as, on_commit
):
    claim = make_claim()
    start = client.get(LIST).json()["results"][0]["selector"]["start"]
    with on_commit():
        response = api.patch(
            f"/api/v1/articles/{claim.article_id}/", {"text": "A new first line.\n" + claim.article.text}
        )
    assert response.status_code == 200
    unreviewed = client.get(LIST).json()["results"][0]  # readers keep the reviewed revision
    assert unreviewed["selector"]["start"] == start and unreviewed["revision"] == 1
    with on_commit():
        accepted = api_as(UserFactory(username="rev2", role="reviewer")).post(
            f"/api/v1/articles/{claim.article_id}/accept-revision/", {"revision": 2}
        )
    assert accepted.status_code == 200
    shown = client.get(LIST).json()["results"][0]
    assert shown["selector"]["start"] == start + len("A new first line.\n") and shown["revision"] == 2


def test_an_entity_renamed_through_the_api_shows_at_once_in_attendees(client, api, on_commit):
    claim = meeting()
    entity = claim.attendees.first().entity
    assert "Haftar" in [a["entity_name"] for a in client.get(LIST).json()["results"][0]["details"]["attendees"]]
    with on_commit():
        assert api.patch(f"/api/v1/entities/{entity.pk}/", {"name": "Khalifa Haftar"}).status_code == 200
    attendees = client.get(LIST).json()["results"][0]["details"]["attendees"]
    assert attendees[0]["entity_name"] == attendees[0]["name"] == "Khalifa Haftar"


def test_an_entity_renamed_through_the_service_the_admin_calls_shows_at_once(client, on_commit):
    claim = meeting()
    client.get(LIST)
    with on_commit():
        update_entity(entity=claim.attendees.first().entity, name="Renamed")
    assert client.get(LIST).json()["results"][0]["details"]["attendees"][0]["entity_name"] == "Renamed"


def test_the_anonymous_throttle_still_applies_to_cached_pages(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    make_claim()
    assert [client.get(LIST).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_public_reads_are_counted_once_per_request(client, monkeypatch):
    """Only the anonymous rate applies: a lower per-user rate (for signed-in desk members) never cuts readers off."""
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "5/minute"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/minute"})
    make_claim()
    assert [client.get(LIST).status_code for _ in range(6)] == [200] * 5 + [429]
