"""ClaimSerializer shows exactly what DRF's generic ModelSerializer walk showed, which it replaced for speed:
same keys in the same order, same values, and public URLs equal to reverse()'s for any statement."""

import json

import pytest
from django.test import RequestFactory
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from claims.api.serializers import ClaimSerializer
from claims.api.views import claim_queryset
from claims.models import Attendee, Claim
from tests.factories import EntityFactory
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

LIST = "/api/v1/public/claims/"


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
            name="" if order else "Khalifa",
        )
        claim.entities.add(entity)
    return claim


def reference(claim, request) -> dict:
    serializer = ClaimSerializer(context={"request": request})
    data = serializers.ModelSerializer.to_representation(serializer, claim)
    data["selector"] = claim.selector
    details = dict(claim.details)
    if claim.kind == Claim.Kind.MEETING:
        details["attendees"] = [
            {
                "entity": a.entity_id,
                "name": a.name or a.entity.name,
                "role": a.role,
                "status": a.status,
                "entity_name": a.entity.name,
                "evidence_note": a.evidence_note,
            }
            for a in claim.attendees.all()
        ]
    data["details"] = details
    data["public_url"] = request.build_absolute_uri(claim.public_url) if claim.public_url else None
    return data


@pytest.mark.django_db
def test_both_lists_show_what_the_generic_serializer_showed(client, api):
    meeting(statement="لقاء حفتر وبريغوجين", claimant="وكالة", claimant_entity=EntityFactory())
    make_claim(statement="Quantity", kind="quantity", details={"value": 2000, "unit": "fighters"})
    make_claim(status="draft", verdict="", statement="Still a draft")
    request = RequestFactory().get("/")
    with translation.override("en"):  # the API's paths carry no language: its public URLs are the default one's
        expected = {c.pk: json.loads(json.dumps(reference(c, request))) for c in Claim.objects.all()}
    for listed, public in ((client.get(LIST).json(), True), (api.get("/api/v1/claims/").json(), False)):
        for shown in listed["results"]:
            want = dict(expected[shown["id"]])
            if public:  # readers never get a correction before a second reviewer approves it, nor who works on it
                assert want.pop("pending_correction") is None
                for internal in ("assignee", "reviewer", "due"):
                    assert want.pop(internal) is None
            assert list(shown) == list(want) and shown == want


@given(text=st.text(min_size=1, max_size=90))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_public_url_is_what_reverse_gives_for_any_statement(text):
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")
    for language in ("en", "ar"):
        with translation.override(language):
            serializer = ClaimSerializer(context={"request": request})
            for statement, statement_en in ((text, ""), ("x", text)):
                claim = Claim(pk=12345, status="published", statement=statement, statement_en=statement_en)
                assert serializer.get_public_url(claim) == request.build_absolute_uri(claim.public_url)


@pytest.mark.django_db
def test_a_claim_fetched_without_the_list_prefetches_is_shown_the_same(api):
    claim = meeting()
    listed = ClaimSerializer(claim_queryset().get(pk=claim.pk)).data
    assert ClaimSerializer(Claim.objects.get(pk=claim.pk)).data == listed
