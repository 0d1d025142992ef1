"""An entity's record: the claims about it and by it, with verdicts and counts, its names, its Wikidata id; the
public page's schema.org JSON-LD and its Atom feed, published claims only; the API of both."""

import json
import re

import pytest

from claims.models import Entity
from tests.factories import EntityFactory
from tests.public_helpers import fresh_cache, make_claim  # noqa: F401 (fresh_cache is autouse)

pytestmark = pytest.mark.django_db


def haftar():
    return Entity.objects.get(wikidata="Q1740441")


def jsonld(body: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))


def test_the_public_record_names_the_entity_in_each_language_and_links_wikidata(client, demo):
    body = client.get(f"/entities/{haftar().pk}/").content.decode()
    record = body[body.index('id="record"') :]
    assert "خليفة حفتر" in record and "Hafter" in record
    assert 'href="https://www.wikidata.org/wiki/Q1740441"' in record


def test_the_public_record_counts_published_claims_only_by_verdict(client, demo):
    body = client.get(f"/entities/{haftar().pk}/").content.decode()
    record = body[body.index('id="record"') :]
    # Published about Haftar in the demo: the 2018 meeting (accurate), the carrier visit (accurate), and others.
    assert "No verdict yet" not in record and "status-badge status-draft" not in record
    assert "Yevgeny Prigozhin took part" not in record


def test_the_desk_record_has_every_claim_with_its_status(client, editor, demo):
    client.force_login(editor)
    body = client.get(f"/desk/entities/{haftar().pk}/").content.decode()
    record = body[body.index('id="record"') :]
    assert "status-badge status-in_review" in record and "status-badge status-draft" in record
    assert "No verdict yet" in record


def test_the_public_page_carries_person_jsonld_with_wikidata_same_as_and_a_feed_link(client, demo):
    body = client.get(f"/entities/{haftar().pk}/").content.decode()
    node = jsonld(body)
    assert node["@type"] == "Person" and node["name"] == "Khalifa Haftar"
    assert node["sameAs"] == "https://www.wikidata.org/wiki/Q1740441"
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Khalifa Haftar" href="/entities/{haftar().pk}/feed.atom">'
        in body
    )
    arabic = jsonld(client.get(f"/ar/entities/{haftar().pk}/").content.decode())
    assert arabic["name"] == "خليفة حفتر"


def test_an_organisation_is_an_organization_and_its_names_cannot_close_the_script(client):
    entity = EntityFactory(kind="organisation", name="</script><script>alert(1)</script>", names={})
    make_claim(statement="About the group").entities.add(entity)
    body = client.get(f"/entities/{entity.pk}/").content.decode()
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert "<" not in script and jsonld(body)["@type"] == "Organization"
    assert "sameAs" not in jsonld(body)


def test_the_entity_feed_has_its_published_claims_only(client, demo):
    response = client.get(f"/entities/{haftar().pk}/feed.atom")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert "Haftar visited Moscow" in body or "زار حفتر موسكو" in body
    assert "بريغوجين" not in body and "لافروف" not in body  # in review, researching
    assert client.get("/feed.atom").content.decode().count("<entry>") >= body.count("<entry>")


def test_an_entity_only_unpublished_claims_mention_has_no_feed(client):
    entity = EntityFactory()
    make_claim(status="in_review", verdict="false").entities.add(entity)
    assert client.get(f"/entities/{entity.pk}/feed.atom").status_code == 404
    assert client.get(f"/api/v1/public/entities/{entity.pk}/").status_code == 404
    assert client.get(f"/api/v1/public/entities/{entity.pk}/meetings/").status_code == 404


def test_the_public_api_gives_the_record_and_the_published_meetings(client, demo):
    record = client.get(f"/api/v1/public/entities/{haftar().pk}/").json()
    assert record["entity"]["wikidata"] == "Q1740441"
    assert all(c["status"] in ("published", "corrected", "retracted") for c in record["about"])
    assert "" not in record["verdicts"] and record["about_count"] == len(record["about"])
    meetings = client.get(f"/api/v1/public/entities/{haftar().pk}/meetings/").json()
    assert meetings["count"] == 1
    (meeting,) = meetings["results"]
    assert meeting["date"] == "2018" and meeting["channel"] == "in_person" and meeting["verdict"] == "accurate"
    assert meeting["attendance"]["status"] == "confirmed"
    assert {a["entity_name"] for a in meeting["attendees"]} == {"Sergei Shoigu", "Valery Gerasimov"}


def test_the_desk_api_gives_every_meeting_filtered_and_the_whole_record(api, demo):
    pk = haftar().pk
    meetings = api.get(f"/api/v1/entities/{pk}/meetings/").json()
    assert meetings["count"] == 4
    disputed = api.get(f"/api/v1/entities/{pk}/meetings/", {"status": "disputed"}).json()["results"]
    (prigozhin,) = [a for m in disputed for a in m["attendees"] if a["status"] == "disputed"]
    assert prigozhin["entity_name"] == "Yevgeny Prigozhin" and "organise" in prigozhin["evidence_note"]
    bad = api.get(f"/api/v1/entities/{pk}/meetings/", {"from": "soon"})
    assert bad.status_code == 400 and "from" in bad.json()
    record = api.get(f"/api/v1/entities/{pk}/record/").json()
    assert record["verdicts"].get("") and {c["status"] for c in record["about"]} >= {"draft", "in_review"}
