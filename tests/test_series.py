"""Quantity series: members proposed from the subject words, entity, unit and place, accepted or dismissed on the
desk; every estimate over time on a desk page and a public page (published claims only), as chart, table and CSV."""

import csv
import io
import re

import pytest
from django.utils import translation

from claims.models import Claim, SeriesMember
from claims.services.series import decide_member, propose_for_claim, propose_for_series
from tests.factories import (
    ClaimFactory,
    EntityFactory,
    EvidenceFactory,
    QuantityClaimFactory,
    SeriesFactory,
    SeriesMemberFactory,
)


@pytest.fixture
def series(db):
    return SeriesFactory(slug="fighters-libya", name="Fighters in Libya", names={"ar": "المقاتلون في ليبيا"})


def _members(series, state="accepted"):
    return set(SeriesMember.objects.filter(series=series, state=state).values_list("claim_id", flat=True))


# --- proposals ----------------------------------------------------------------------------------------------------


def test_a_quantity_claim_counting_the_subject_is_proposed(series):
    claim = QuantityClaimFactory(status="draft", verdict="")
    propose_for_claim(claim_id=claim.pk)
    assert _members(series, "proposed") == {claim.pk}


def test_arabic_subject_words_match_in_another_spelling(db):
    wagner = EntityFactory(name="فاغنر")
    series = SeriesFactory(subject="عناصر فاغنر في ليبيا", unit="", entity=wagner)
    claim = ClaimFactory(kind="quantity", details={"subject": "عناصرُ فاغنر فى ليبيا", "value": 2000})
    propose_for_series(series_id=series.pk)
    assert _members(series, "proposed") == {claim.pk}


def test_the_counted_entity_is_enough_to_propose(db):
    wagner = EntityFactory(name="Wagner Group")
    series = SeriesFactory(subject="personnel", entity=wagner, unit="")
    claim = ClaimFactory(kind="quantity", statement="Mercenaries", details={"subject": "mercenaries", "value": 5})
    claim.entities.add(wagner)
    propose_for_claim(claim_id=claim.pk)
    assert _members(series, "proposed") == {claim.pk}


def test_another_unit_or_kind_is_not_proposed(series):
    dollars = QuantityClaimFactory(details={"subject": "fighters in Libya", "value": 2000, "unit": "dollars"})
    meeting = ClaimFactory(kind="meeting", statement="fighters in Libya")
    for claim in (dollars, meeting):
        propose_for_claim(claim_id=claim.pk)
    assert not SeriesMember.objects.exists()


def test_a_dismissed_claim_is_never_proposed_again(series, editor):
    claim = QuantityClaimFactory()
    (member,) = propose_for_claim(claim_id=claim.pk)
    decide_member(member=member, by=editor, accept=False)
    propose_for_claim(claim_id=claim.pk)
    propose_for_series(series_id=series.pk)
    assert _members(series, "dismissed") == {claim.pk} and not _members(series, "proposed")


def test_a_proposal_no_longer_matching_is_dropped_but_an_accepted_member_stays(series, editor):
    kept, changed = QuantityClaimFactory(), QuantityClaimFactory()
    propose_for_series(series_id=series.pk)
    decide_member(member=SeriesMember.objects.get(claim=kept), by=editor, accept=True)
    Claim.objects.filter(pk__in=[kept.pk, changed.pk]).update(kind="other")
    propose_for_series(series_id=series.pk)
    assert _members(series) == {kept.pk} and not _members(series, "proposed")


def test_saving_a_quantity_claim_has_a_worker_propose_it(api, series, celery_worker):
    from tests.factories import ArticleFactory
    from tests.waiting import wait_for

    article = ArticleFactory(text="About 2,000 fighters are in Libya.")
    body = {
        "article": article.pk,
        "selector": {"exact": "About 2,000 fighters"},
        "kind": "quantity",
        "statement": "About 2,000 fighters are in Libya.",
        "details": {"subject": "fighters in Libya", "value": 2000, "unit": "fighters"},
    }
    response = api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201, response.content
    assert wait_for(lambda: SeriesMember.objects.filter(claim_id=response.json()["id"], state="proposed").exists())


# --- the desk page ------------------------------------------------------------------------------------------------


def test_the_desk_lists_proposals_to_accept_or_dismiss(client, editor, series):
    accepted, dismissed = QuantityClaimFactory(status="draft", verdict=""), QuantityClaimFactory()
    propose_for_series(series_id=series.pk)
    client.force_login(editor)
    page = client.get(f"/desk/series/{series.pk}/").content.decode()
    assert f"#{accepted.pk} " in page and f"#{dismissed.pk} " in page and "Accept" in page
    for claim, answer in ((accepted, "1"), (dismissed, "0")):
        member = SeriesMember.objects.get(claim=claim)
        response = client.post(f"/desk/series/{series.pk}/members/{member.pk}/", {"accept": answer})
        assert response.status_code == 302
    assert _members(series) == {accepted.pk} and _members(series, "dismissed") == {dismissed.pk}
    page = client.get(f"/desk/series/{series.pk}/").content.decode()
    assert f"/desk/claims/{accepted.pk}/" in page and "never proposed again" in page


def test_the_desk_page_shows_unpublished_members_too(client, editor, series):
    draft = SeriesMemberFactory(series=series, claim=QuantityClaimFactory(status="draft", verdict="", value=1500))
    client.force_login(editor)
    page = client.get(f"/desk/series/{series.pk}/").content.decode()
    assert f"/desk/claims/{draft.claim_id}/" in page and "1,500" in page and "Not public yet" in page


def test_a_new_series_needs_a_name_and_keeps_what_was_typed(client, editor):
    client.force_login(editor)
    response = client.post("/desk/series/", {"name": "", "subject": "Russian fighters in Libya"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Russian fighters in Libya" in body and "This field is required" in body


def test_a_new_series_gets_an_address_from_its_english_name(client, editor):
    client.force_login(editor)
    response = client.post("/desk/series/", {"name": "فاغنر", "name_en": "Wagner in Libya", "subject": "fighters"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    from claims.models import Series

    assert Series.objects.get().slug == "wagner-in-libya"


def test_only_a_quantity_claim_can_be_added_by_hand(client, editor, series):
    other = ClaimFactory(kind="other")
    client.force_login(editor)
    response = client.post(f"/desk/series/{series.pk}/members/", {"claim": str(other.pk)}, follow=True)
    assert "Only quantity claims go in a series" in response.content.decode() and not _members(series)
    quantity = QuantityClaimFactory()
    client.post(f"/desk/series/{series.pk}/members/", {"claim": f"#{quantity.pk}"})
    assert _members(series) == {quantity.pk}


# --- the public page ----------------------------------------------------------------------------------------------


def test_the_public_page_shows_published_estimates_only(client, series):
    published = SeriesMemberFactory(series=series, claim=QuantityClaimFactory(value=800, as_of="2019-04"))
    SeriesMemberFactory(series=series, claim=QuantityClaimFactory(status="in_review", value=4321))
    SeriesMemberFactory(series=series, claim=QuantityClaimFactory(value=9876), state="proposed")
    EvidenceFactory(claim=published.claim, estimate_lower=1000, estimate_upper=1200, source__publisher="UN panel")
    body = client.get("/series/fighters-libya/").content.decode()
    assert published.claim.public_url in body and "UN panel" in body and "1,000–1,200" in body
    assert "4,321" not in body and "9,876" not in body
    assert "Latest estimate checked on" in body


def test_a_series_without_a_published_member_is_not_found(client, series):
    SeriesMemberFactory(series=series, claim=QuantityClaimFactory(status="draft", verdict=""))
    assert client.get("/series/fighters-libya/").status_code == 404
    assert client.get("/ar/series/fighters-libya/estimates.csv").status_code == 404
    assert client.get("/api/v1/public/series/fighters-libya/").status_code == 404


def test_the_csv_lists_every_published_estimate_with_plain_numbers(client, series):
    member = SeriesMemberFactory(series=series, claim=QuantityClaimFactory(value=2000, as_of="2018/2020"))
    member.claim.details["approximate"] = True
    Claim.objects.filter(pk=member.claim_id).update(details=member.claim.details)
    EvidenceFactory(claim=member.claim, estimate_lower=800, estimate_upper=1200)
    response = client.get("/ar/series/fighters-libya/estimates.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["estimate_of"], r["value"], r["lower"], r["upper"]) for r in rows] == [
        ("claim", "2000", "", ""),
        ("source", "", "800", "1200"),
    ]
    assert rows[0]["approximate"] == "yes" and rows[0]["start"] == "2018-01-01" and rows[0]["end"] == "2020-12-31"


def test_a_member_claim_page_links_to_its_series(client, series):
    member = SeriesMemberFactory(series=series)
    with translation.override("en"):
        address = member.claim.public_url
    body = client.get("/ar" + address).content.decode()
    assert "/ar/series/fighters-libya/" in body and "المقاتلون في ليبيا" in body


def test_the_sitemap_lists_public_series_only(client, series):
    SeriesMemberFactory(series=series)
    hidden = SeriesFactory(slug="hidden-series")
    SeriesMemberFactory(series=hidden, claim=QuantityClaimFactory(status="draft", verdict=""))
    body = client.get("/sitemap-series.xml").content.decode()
    assert "/series/fighters-libya/" in body and "hidden-series" not in body


@pytest.mark.parametrize("language", ["en", "ar"])
def test_chart_coordinates_stay_numbers_and_labels_follow_the_language(client, series, language):
    for n, value in enumerate([800, 1200, 2500]):
        SeriesMemberFactory(series=series, claim=QuantityClaimFactory(value=value, as_of=f"{2018 + n}-06"))
    prefix = "" if language == "en" else "/ar"
    html = client.get(f"{prefix}/series/fighters-libya/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|r)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
    labels = re.findall(r'class="tick-label">([^<]*)<', svg)
    # Both languages group thousands (project/formats/ar: Django's Arabic format groups none).
    assert "2,500" in labels or "3,000" in labels
    table = html[html.index("<table") :]
    assert "2,500" in table


# --- query budgets ------------------------------------------------------------------------------------------------


def _series_of(series, size):
    for n in range(size):
        member = SeriesMemberFactory(
            series=series, claim=QuantityClaimFactory(value=1000 + n, as_of=f"{2000 + n % 20}")
        )
        EvidenceFactory(claim=member.claim, estimate_value=900 + n)


@pytest.mark.parametrize("size", [5, 50])
def test_series_pages_cost_the_same_queries_whatever_their_size(
    client, editor, series, size, django_assert_max_num_queries
):
    _series_of(series, size)
    # 1 the series with its entity; 2 its published member claims; 3 their evidence giving an estimate.
    with django_assert_max_num_queries(3):
        assert client.get("/series/fighters-libya/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/series/fighters-libya/estimates.csv").status_code == 200
    client.force_login(editor)
    client.get("/desk/")
    # 1 session, 2 user, 3 roles, 4 the series with the state of its members, 5 member claims, 6 their evidence,
    # 7 proposals, 8 dismissed, 9 the header's unread notifications.
    with django_assert_max_num_queries(9):
        assert client.get(f"/desk/series/{series.pk}/").status_code == 200


def test_an_entity_page_lists_the_public_series_about_it(client, db):
    wagner = EntityFactory(name="Wagner Group")
    shown = SeriesMemberFactory(series=SeriesFactory(slug="wagner-shown", name="Wagner in Libya", entity=wagner))
    shown.claim.entities.add(wagner)
    hidden = SeriesFactory(slug="wagner-hidden", entity=wagner)
    SeriesMemberFactory(series=hidden, claim=QuantityClaimFactory(status="draft", verdict=""))
    body = client.get(f"/entities/{wagner.pk}/").content.decode()
    assert "/series/wagner-shown/" in body and "wagner-hidden" not in body
