"""Series over the API: complete for the desk (CRUD, members with accept and dismiss, estimates), read-only in
public (published members only)."""

import pytest

from claims.models import Series, SeriesMember
from tests.factories import ClaimFactory, EvidenceFactory, QuantityClaimFactory, SeriesFactory, SeriesMemberFactory


@pytest.fixture
def series(db):
    return SeriesFactory(slug="fighters-libya", name="Fighters in Libya")


def test_an_editor_creates_edits_and_deletes_a_series(api):
    response = api.post("/api/v1/series/", {"name": "Wagner in Libya", "subject": "Wagner fighters"}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["slug"] == "wagner-in-libya" and created["public_url"] is None
    response = api.patch(f"/api/v1/series/{created['id']}/", {"unit": "fighters"}, format="json")
    assert response.status_code == 200 and response.json()["unit"] == "fighters"
    assert api.delete(f"/api/v1/series/{created['id']}/").status_code == 204
    assert not Series.objects.exists()


def test_a_taken_address_is_refused_with_a_field_message(api, series):
    response = api.post("/api/v1/series/", {"name": "Another", "slug": "fighters-libya"}, format="json")
    assert response.status_code == 400 and "slug" in response.json()


def test_members_are_accepted_and_dismissed(api, series):
    first, second = (SeriesMemberFactory(series=series, state="proposed") for _ in range(2))
    assert api.post(f"/api/v1/series-members/{first.pk}/accept/").json()["state"] == "accepted"
    assert api.post(f"/api/v1/series-members/{second.pk}/dismiss/").json()["state"] == "dismissed"
    listed = api.get(f"/api/v1/series-members/?series={series.pk}&state=accepted").json()
    assert [m["claim"] for m in listed["results"]] == [first.claim_id]


def test_adding_a_claim_by_hand_accepts_it_and_refuses_another_kind(api, series):
    quantity, other = QuantityClaimFactory(), ClaimFactory(kind="other")
    response = api.post("/api/v1/series-members/", {"series": series.pk, "claim": quantity.pk}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "accepted"
    response = api.post("/api/v1/series-members/", {"series": series.pk, "claim": other.pk}, format="json")
    assert response.status_code == 400 and "quantity" in response.json()["claim"]


def test_desk_estimates_include_unpublished_members(api, series):
    SeriesMemberFactory(series=series, claim=QuantityClaimFactory(status="draft", verdict="", value=1500))
    rows = api.get(f"/api/v1/series/{series.pk}/estimates/").json()["results"]
    assert [(r["value"], r["status"]) for r in rows] == [("1500.00", "draft")]


def test_the_public_api_shows_published_members_only(client, series):
    published = SeriesMemberFactory(series=series, claim=QuantityClaimFactory(value=800))
    EvidenceFactory(claim=published.claim, estimate_value=1000)
    SeriesMemberFactory(series=series, claim=QuantityClaimFactory(status="in_review", value=4321))
    hidden = SeriesFactory(slug="hidden")
    SeriesMemberFactory(series=hidden, claim=QuantityClaimFactory(status="draft", verdict=""))
    listed = client.get("/api/v1/public/series/").json()
    assert [s["slug"] for s in listed["results"]] == ["fighters-libya"] and listed["results"][0]["checked_at"]
    rows = client.get("/api/v1/public/series/fighters-libya/estimates/").json()["results"]
    assert sorted(r["value"] for r in rows) == ["1000.00", "800.00"]
    assert all(r["public_url"] == published.claim.public_url for r in rows)
    assert client.get("/api/v1/public/series/hidden/").status_code == 404


def test_outsiders_may_not_write_series(api_as, outsider, series):
    assert api_as(outsider).post("/api/v1/series/", {"name": "x"}, format="json").status_code == 403
    assert api_as(None).get("/api/v1/series/").status_code == 401
    assert SeriesMember.objects.count() == 0


@pytest.mark.parametrize("size", [5, 50])
def test_estimates_cost_the_same_queries_whatever_the_series_size(client, series, size, django_assert_max_num_queries):
    for n in range(size):
        member = SeriesMemberFactory(series=series, claim=QuantityClaimFactory(value=n + 1))
        EvidenceFactory(claim=member.claim, estimate_value=n + 2)
    # 1 the series; 2 its published member claims; 3 their evidence giving an estimate.
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/public/series/fighters-libya/estimates/").status_code == 200
