"""The public entity feed read from EntityFeedItem (kept by the triggers of migration 0049) lists what finding the
entity's public events among all the desk's events lists, after every kind of change a claim, its events or its
entity links can take, by any code path."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.models import Claim, ClaimEvent, Entity, EntityFeedItem
from claims.public.entities import feed_events, kept_feed_events
from tests.factories import EntityFactory
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"),
]


def publish(claim: Claim, to_status: str = "published") -> ClaimEvent:
    return ClaimEvent.objects.create(claim=claim, action="transition", from_status="in_review", to_status=to_status)


def correct(claim: Claim) -> ClaimEvent:
    return ClaimEvent.objects.create(claim=claim, action="correction", public_note="The toll was 40, not 400.")


def listed(entity: Entity) -> list[int]:
    """The kept feed's events, after checking that they are the ones the walk over all events finds."""
    kept = [event.pk for event in kept_feed_events(entity)]
    assert kept == [event.pk for event in feed_events(entity)], entity
    return kept


def test_publications_and_corrections_are_listed_newest_first_and_other_events_never():
    haftar = EntityFactory(name="حفتر")
    claim = make_claim(status="draft", verdict="")
    claim.entities.add(haftar)
    ClaimEvent.objects.create(claim=claim, action="edited")
    ClaimEvent.objects.create(claim=claim, action="transition", from_status="draft", to_status="in_review")
    assert not EntityFeedItem.objects.exists()
    published = publish(claim)
    Claim.objects.filter(pk=claim.pk).update(status="published", verdict="false")  # a bulk update, past the services
    corrected = correct(claim)
    assert listed(haftar) == [corrected.pk, published.pk]


def test_a_claim_that_is_no_longer_public_leaves_the_feed_and_comes_back_with_its_events():
    haftar = EntityFactory(name="حفتر")
    claim = make_claim()
    claim.entities.add(haftar)
    published = publish(claim)
    Claim.objects.filter(pk=claim.pk).update(status="in_review")
    assert listed(haftar) == []
    Claim.objects.filter(pk=claim.pk).update(status="corrected")
    assert listed(haftar) == [published.pk]


def test_a_link_added_after_publication_brings_the_claims_events_and_a_removed_one_takes_them():
    haftar, other = EntityFactory(name="حفتر"), EntityFactory(name="السراج")
    claim = make_claim()
    claim.entities.add(other)
    events = [publish(claim).pk, correct(claim).pk][::-1]
    assert listed(haftar) == []
    claim.entities.add(haftar)
    assert listed(haftar) == events
    claim.entities.remove(haftar)
    assert listed(haftar) == [] and listed(other) == events
    # A merge moves links from one entity to another in one UPDATE.
    Claim.entities.through.objects.filter(entity=other).update(entity=haftar)
    assert listed(haftar) == events and listed(other) == []


def test_a_claimant_set_changed_and_cleared_moves_the_claims_events():
    haftar, other = EntityFactory(name="حفتر"), EntityFactory(name="السراج")
    claim = make_claim()
    published = publish(claim)
    claim.claimant_entity = haftar
    claim.save()
    assert listed(haftar) == [published.pk]
    Claim.objects.filter(pk=claim.pk).update(claimant_entity=other)
    assert listed(haftar) == [] and listed(other) == [published.pk]
    claim.claimant_entity = None
    claim.save()
    assert listed(other) == [] and not EntityFeedItem.objects.exists()


def test_an_entity_both_named_and_claimant_keeps_the_events_until_it_is_neither():
    haftar = EntityFactory(name="حفتر")
    claim = make_claim(claimant_entity=haftar)
    claim.entities.add(haftar)
    published = publish(claim)
    assert EntityFeedItem.objects.filter(entity=haftar).count() == 1  # listed once
    claim.entities.remove(haftar)
    assert listed(haftar) == [published.pk]
    claim.entities.add(haftar)
    Claim.objects.filter(pk=claim.pk).update(claimant_entity=None)
    assert listed(haftar) == [published.pk]
    claim.entities.clear()
    assert listed(haftar) == []


def test_a_deleted_claim_leaves_the_feed_and_its_events_stay():
    haftar = EntityFactory(name="حفتر")
    kept, deleted = make_claim(claimant_entity=haftar), make_claim(claimant_entity=haftar)
    kept.entities.add(haftar)
    deleted.entities.add(haftar)
    published = publish(kept)
    publish(deleted)
    deleted_pk = deleted.pk
    deleted.delete()
    assert listed(haftar) == [published.pk]
    assert not EntityFeedItem.objects.filter(claim_id=deleted_pk).exists()
    assert ClaimEvent.objects.filter(claim_id=deleted_pk).exists()


def test_a_deleted_entity_takes_its_rows():
    haftar, other = EntityFactory(name="حفتر"), EntityFactory(name="السراج")
    claim = make_claim(claimant_entity=haftar)
    claim.entities.add(haftar, other)
    published = publish(claim)
    claim.entities.remove(haftar)
    haftar.delete()
    assert not EntityFeedItem.objects.filter(entity_id=haftar.pk).exists()
    assert listed(other) == [published.pk]


def test_the_rebuild_gives_what_the_triggers_kept():
    haftar, other = EntityFactory(name="حفتر"), EntityFactory(name="السراج")
    for _ in range(3):
        claim = make_claim(claimant_entity=other)
        claim.entities.add(haftar, other)
        publish(claim)
        correct(claim)
    kept = set(EntityFeedItem.objects.values_list("entity_id", "event_id", "claim_id", "at"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT claims_rebuild_entity_feed()")
    assert set(EntityFeedItem.objects.values_list("entity_id", "event_id", "claim_id", "at")) == kept
    assert len(kept) == 12


def test_the_feed_reads_the_entitys_kept_rows_in_one_query_of_fifty(client):
    haftar = EntityFactory(name="حفتر")
    events = []
    for number in range(60):
        claim = make_claim(statement=f"Claim {number}")
        claim.entities.add(haftar)
        events.append(publish(claim))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/entities/{haftar.pk}/feed.atom")
    # Queries: 1 the entity, 2 whether a published claim mentions it, 3 its feed's rows with their events and claims.
    assert response.status_code == 200 and len(captured) == 3
    assert "claims_entityfeeditem" in captured[2]["sql"]
    body = response.content.decode()
    assert body.count("<entry>") == 50
    assert f"#event-{events[-1].pk}<" in body and f"#event-{events[9].pk}<" not in body  # the 50 newest
    assert listed(haftar) == [event.pk for event in events[::-1][:50]]
