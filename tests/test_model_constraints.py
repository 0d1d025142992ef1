"""Invariants the database itself keeps, whatever code writes to it."""

import pytest
from django.db import IntegrityError, transaction

from claims.models import ArticleRevision, Capture, Claim, ClaimLink, Entity, Evidence, Source
from tests.factories import ArticleFactory, ClaimFactory, EntityFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db


def violates(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_claim_span_cannot_be_empty():
    claim = ClaimFactory()
    violates(lambda: Claim.objects.filter(pk=claim.pk).update(end=claim.start))


def test_claim_kind_status_and_verdict_must_be_known():
    claim = ClaimFactory()
    violates(lambda: Claim.objects.filter(pk=claim.pk).update(kind="rumour"))
    violates(lambda: Claim.objects.filter(pk=claim.pk).update(status="approved"))
    violates(lambda: Claim.objects.filter(pk=claim.pk).update(verdict="pants_on_fire"))


def test_public_claim_must_have_a_verdict():
    claim = ClaimFactory()
    violates(lambda: Claim.objects.filter(pk=claim.pk).update(status="published"))


def test_revision_numbers_are_unique_per_article_and_revisions_immutable():
    article = ArticleFactory()
    violates(lambda: ArticleRevision.objects.create(article=article, number=1, text="x"))
    revision = article.current_revision
    revision.text = "changed"
    with pytest.raises(ValueError, match="immutable"):
        revision.save()


def test_one_source_per_url_but_many_offline_sources():
    SourceFactory(url="https://example.org/a")
    violates(lambda: Source.objects.create(url="https://example.org/a", title="again"))
    Source.objects.create(title="Phone call with a ministry spokesman", note="2020-01-09")
    Source.objects.create(title="Photo of the meeting", note="from the archive")


def test_source_needs_a_url_or_a_description():
    violates(lambda: Source.objects.create())


def test_evidence_estimates_are_non_negative_and_ordered():
    evidence = EvidenceFactory()
    violates(lambda: Evidence.objects.filter(pk=evidence.pk).update(estimate_value=-1))
    violates(lambda: Evidence.objects.filter(pk=evidence.pk).update(estimate_lower=1200, estimate_upper=800))
    Evidence.objects.filter(pk=evidence.pk).update(estimate_lower=800, estimate_upper=1200)


def test_a_source_is_evidence_for_a_claim_only_once():
    evidence = EvidenceFactory()
    violates(lambda: Evidence.objects.create(claim=evidence.claim, source=evidence.source))


def test_only_one_capture_of_a_source_in_flight():
    source = SourceFactory()
    Capture.objects.create(source=source, requested_url=source.url)
    violates(lambda: Capture.objects.create(source=source, requested_url=source.url, state="fetching"))
    Capture.objects.create(source=source, requested_url=source.url, state="done")


def test_claim_links_are_stored_once_in_order():
    a, b = ClaimFactory(), ClaimFactory()
    low, high = sorted([a, b], key=lambda c: c.pk)
    ClaimLink.objects.create(from_claim=low, to_claim=high, score=0.8)
    violates(lambda: ClaimLink.objects.create(from_claim=high, to_claim=low, score=0.8))
    violates(lambda: ClaimLink.objects.create(from_claim=low, to_claim=high, score=0.5))


def test_wikidata_ids_are_unique_and_well_formed():
    EntityFactory(wikidata="Q7747")
    violates(lambda: Entity.objects.create(name="Putin again", wikidata="Q7747"))
    violates(lambda: Entity.objects.create(name="Bad id", wikidata="7747"))


def test_attendee_once_per_meeting():
    claim = ClaimFactory(kind="meeting")
    entity = EntityFactory()
    claim.attendees.create(entity=entity)
    violates(lambda: claim.attendees.create(entity=entity))
