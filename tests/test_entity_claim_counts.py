"""The public entity record's counts (EntityClaimCount, kept by the triggers of migration 0047) are what counting the
published claims gives, after every kind of change a claim or its entity links can take, by any code path."""

from collections import Counter

import pytest
from django.db import connection

from claims.models import Claim, Entity, EntityClaimCount
from claims.services.dossiers import entity_record
from tests.factories import EntityFactory
from tests.public_helpers import make_claim

pytestmark = pytest.mark.django_db


def counted(entity: Entity) -> tuple[int, int, dict[str, int]]:
    """About, made and by verdict, counted from the published claims themselves."""
    public = Claim.objects.published()
    about = set(public.filter(entities=entity))
    made = set(public.filter(claimant_entity=entity))
    return len(about), len(made), dict(Counter(claim.verdict for claim in about | made))


def stored(entity: Entity) -> tuple[int, int, dict[str, int]]:
    rows = list(EntityClaimCount.objects.filter(entity=entity))
    assert all(row.about >= 0 and row.made >= 0 and row.either >= 0 for row in rows)
    by_verdict = {row.verdict: row.either for row in rows if row.either}
    return sum(row.about for row in rows), sum(row.made for row in rows), by_verdict


def assert_kept(*entities: Entity) -> None:
    for entity in entities:
        assert stored(entity) == counted(entity), entity


def test_publishing_correcting_and_unpublishing_move_the_counts():
    haftar = EntityFactory(name="حفتر")
    claim = make_claim(status="in_review", verdict="false")
    claim.entities.add(haftar)
    assert stored(haftar) == (0, 0, {})  # an unpublished claim is nobody's record
    claim.status = "published"
    claim.save()
    assert stored(haftar) == (1, 0, {"false": 1})
    claim.verdict = "misleading"
    claim.save()
    assert stored(haftar) == (1, 0, {"misleading": 1})
    Claim.objects.filter(pk=claim.pk).update(status="retracted")  # a bulk update, past every service
    assert_kept(haftar)
    Claim.objects.filter(pk=claim.pk).update(status="draft")
    assert stored(haftar) == (0, 0, {})


def test_a_claim_about_an_entity_and_made_by_it_counts_once_in_the_verdicts():
    haftar, other = EntityFactory(name="حفتر"), EntityFactory(name="السراج")
    claim = make_claim(verdict="false")
    claim.entities.add(haftar, other)
    claim.claimant_entity = haftar
    claim.save()
    assert stored(haftar) == (1, 1, {"false": 1})
    claim.claimant_entity = other
    claim.save()
    assert_kept(haftar, other)
    assert stored(other) == (1, 1, {"false": 1})
    claim.entities.remove(other)
    assert stored(other) == (0, 1, {"false": 1})
    claim.claimant_entity = None
    claim.save()
    assert_kept(haftar, other)


def test_links_added_moved_and_removed_and_claims_and_entities_deleted_keep_the_counts():
    haftar, other, third = EntityFactory(name="حفتر"), EntityFactory(name="السراج"), EntityFactory(name="الدبيبة")
    claims = [make_claim(verdict=verdict) for verdict in ("false", "false", "accurate", "unproven")]
    for claim in claims:
        claim.entities.add(haftar)
    claims[0].entities.add(other)
    make_claim(status="draft", verdict="").entities.add(haftar)
    assert stored(haftar) == (4, 0, {"false": 2, "accurate": 1, "unproven": 1})
    # A merge moves links from one entity to another in one UPDATE.
    Claim.entities.through.objects.filter(entity=other).update(entity=third)
    assert_kept(haftar, other, third)
    claims[1].entities.set([other])
    claims[2].delete()
    assert_kept(haftar, other, third)
    third.delete()
    assert not EntityClaimCount.objects.filter(entity_id=third.pk).exists()
    assert_kept(haftar, other)


def test_the_recount_gives_what_the_triggers_kept():
    haftar, other = EntityFactory(name="حفتر"), EntityFactory(name="السراج")
    for verdict in ("false", "accurate", "accurate"):
        claim = make_claim(verdict=verdict, claimant_entity=other)
        claim.entities.add(haftar, other)
    kept = {(row.entity_id, row.verdict): (row.about, row.made, row.either) for row in EntityClaimCount.objects.all()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT claims_recount_entity_claims()")
    recounted = {(r.entity_id, r.verdict): (r.about, r.made, r.either) for r in EntityClaimCount.objects.all()}
    assert {key: value for key, value in kept.items() if any(value)} == recounted
    assert recounted[(other.pk, "accurate")] == (2, 2, 2)


def test_the_public_record_reads_the_kept_counts_and_the_desk_record_counts_every_claim():
    haftar = EntityFactory(name="حفتر")
    for status in ("published", "corrected", "in_review"):
        make_claim(status=status, verdict="false").entities.add(haftar)
    public = entity_record(haftar, public=True)
    assert (public.about_count, public.made_count, public.verdicts) == (2, 0, [("false", 2)])
    desk = entity_record(haftar, public=False)
    assert (desk.about_count, desk.verdicts) == (3, [("false", 3)])
