"""A series' pages at size: the chart of a long series still counts every estimate in some group, the pages cost
the same queries at 5 members as at 50 (and one query when the public page comes from the cache), and a cached
order, chart or page is never served once the members have changed (claims.services.series.SeriesView)."""

import csv
import io
import re

import pytest
from django.utils import timezone

from claims.models import Article, Claim, Evidence, SeriesMember
from claims.series_chart import GROUPS, MAX_MARKS
from claims.services.series import SeriesView
from tests.factories import ArticleFactory, EvidenceFactory, QuantityClaimFactory, SeriesFactory, SeriesMemberFactory


@pytest.fixture
def series(db):
    return SeriesFactory(slug="fighters-libya", name="Fighters in Libya", unit="fighters")


def _series_of(series, size, **claim):
    article = ArticleFactory()
    claims = []
    for n in range(size):
        member = SeriesMemberFactory(
            series=series,
            claim=QuantityClaimFactory(article=article, value=1000 + n, as_of=f"{2000 + n % 20}", **claim),
        )
        EvidenceFactory(claim=member.claim, estimate_value=900 + n)
        claims.append(member.claim)
    return claims


def _csv(response):
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _groups(body):
    """The (title, colour) of each mark the page's chart draws."""
    return re.findall(r'<g class="mark [^"]*" color="[^"]*">\s*<title>([^<]*)</title>', body)


@pytest.mark.django_db
def test_the_chart_of_a_long_series_counts_every_estimate_in_some_group(client, series):
    article = ArticleFactory()
    claims = Claim.objects.bulk_create(
        Claim(
            article=article,
            revision=article.current_revision,
            public_revision=article.current_revision,
            exact=article.current_revision.text[:1],
            start=0,
            end=1,
            published_at=timezone.now(),
            kind="quantity",
            statement=f"{1000 + n} fighters",
            status="published",
            verdict="accurate",
            details={"value": 1000 + n, "unit": "fighters", "as_of": f"{2000 + n % 20}-{1 + n % 12:02d}"},
        )
        for n in range(500)
    )
    Article.objects.filter(pk=article.pk).update(public_revision=article.current_revision)
    SeriesMember.objects.bulk_create(SeriesMember(series=series, claim=c, state="accepted") for c in claims)
    source = EvidenceFactory(claim=claims[0], estimate_value=1).source
    Evidence.objects.bulk_create(Evidence(claim=c, source=source, estimate_value=900) for c in claims[1:])

    chart = SeriesView(series, public=True).index.chart
    assert chart is not None and chart.grouped and chart.estimates == 1000 > MAX_MARKS
    assert len(chart.marks) <= 2 * GROUPS
    assert sum(mark.count for mark in chart.marks) == 1000
    assert sum(mark.count for mark in chart.marks if mark.source) == 500

    body = client.get("/series/fighters-libya/").content.decode()
    titles = _groups(body)
    assert len(titles) == len(chart.marks)
    assert sum(int(title.split(" × ")[0]) for title in titles) == 1000
    assert "1000 estimates, drawn as" in body
    assert body.count('<tr class="from-') == 200  # the table's first page only
    assert len(_csv(client.get("/series/fighters-libya/estimates.csv"))) == 1000  # the CSV has every estimate


@pytest.mark.parametrize("size", [5, 50])
def test_the_same_queries_whatever_the_size_and_one_for_a_cached_public_page(
    client, editor, series, size, django_assert_num_queries, django_assert_max_num_queries
):
    _series_of(series, size)
    # 1 the series with the state of its published members; 2, 3 the estimates (all of them: first read).
    with django_assert_num_queries(3):
        assert client.get("/series/fighters-libya/").status_code == 200
    with django_assert_num_queries(1):  # the rendered page, checked against the members' state
        assert client.get("/series/fighters-libya/").status_code == 200
    with django_assert_num_queries(3):  # another page of the table: the cached order, its rows only
        assert client.get("/series/fighters-libya/?page=2").status_code == 200
    with django_assert_num_queries(3):  # the series with its state, then 2 queries per 1,000 rows
        assert len(_csv(client.get("/series/fighters-libya/estimates.csv"))) == 2 * size
    with django_assert_num_queries(3):
        assert client.get("/api/v1/public/series/fighters-libya/estimates/").status_code == 200
    client.force_login(editor)
    client.get("/desk/")
    with django_assert_max_num_queries(9):
        assert client.get(f"/desk/series/{series.pk}/").status_code == 200


def test_an_unpublished_member_leaves_the_cached_page_chart_and_csv_at_once(client, series):
    claims = _series_of(series, 3)
    first = client.get("/series/fighters-libya/").content.decode()
    assert f"/claims/{claims[1].pk}/" in first and "3 checked claims" in first
    claims[1].status = "draft"
    claims[1].save()
    body = client.get("/series/fighters-libya/").content.decode()
    assert f"/claims/{claims[1].pk}/" not in body and "2 checked claims" in body
    assert len(_groups(body)) == 4  # two claims' figures and their two sources' estimates
    assert {row["claim_id"] for row in _csv(client.get("/series/fighters-libya/estimates.csv"))} == {
        str(claims[0].pk),
        str(claims[2].pk),
    }
    api = client.get("/api/v1/public/series/fighters-libya/estimates/").json()
    assert {row["claim"] for row in api["results"]} == {claims[0].pk, claims[2].pk}


def test_an_edited_figure_or_new_evidence_shows_at_once(client, series):
    (claim,) = _series_of(series, 1)
    assert "1,000" in client.get("/series/fighters-libya/").content.decode()
    claim.details = {**claim.details, "value": 4321, "as_of": "2011"}
    claim.save()
    body = client.get("/series/fighters-libya/").content.decode()
    assert "4,321" in body and "2011" in body and "1,000 " not in body
    EvidenceFactory(claim=claim, estimate_value=7777)  # written straight to the table: the evidence rows count
    body = client.get("/series/fighters-libya/").content.decode()
    assert "7,777" in body
    rows = _csv(client.get("/series/fighters-libya/estimates.csv"))
    assert sorted(row["value"] for row in rows) == ["4321", "7777", "900"]


def test_without_the_shared_cache_the_pages_are_read_every_time(client, series, monkeypatch):
    (claim,) = _series_of(series, 1)
    monkeypatch.setattr("claims.page_cache.lists_generation", lambda: None)
    monkeypatch.setattr("claims.services.series.get_page", lambda key, timeout=0: None)
    assert "1,000" in client.get("/series/fighters-libya/").content.decode()
    Claim.objects.filter(pk=claim.pk).update(details={**claim.details, "value": 5555})  # no updated_at moved
    assert "5,555" in client.get("/series/fighters-libya/").content.decode()
