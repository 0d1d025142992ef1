"""The desk report: the weeks' numbers, the time to publish, verdicts by kind and work per person, as SVG charts,
tables and CSV, aggregated in SQL."""

import csv
import io
import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from claims.charts import bar_layout
from claims.desk.report import desk_report
from claims.services.report import desk_report as build_report
from claims.services.report import period_start
from claims.services.workflow import transition_claim
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@contextmanager
def at(moment):
    """Everything the services stamp (created_at, history, published_at) is stamped ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def published_claim(editor, reviewer, *, created, days_to_publish, kind="other", verdict="false"):
    with at(created):
        claim = ClaimFactory(created_by=editor, last_editor=editor, kind=kind)
        EvidenceFactory(claim=claim)
        claim = transition_claim(claim=claim, to="in_review", by=editor, verdict=verdict, rationale="Checked.")
    with at(created + timedelta(days=days_to_publish)):
        return transition_claim(claim=claim, to="published", by=reviewer)


@pytest.fixture
def desk(editor, reviewer):
    """Three claims published 2, 4 and 10 days after they were opened, in the last weeks, and one opened now."""
    week_start = period_start(1, NOW)
    for days, kind in ((2, "quantity"), (4, "quantity"), (10, "quote")):
        published_claim(editor, reviewer, created=week_start - timedelta(days=14), days_to_publish=days, kind=kind)
    ClaimFactory(created_by=editor)


def test_weeks_count_claims_opened_and_published(desk):
    report = build_report(weeks=12, now=NOW)
    assert len(report.weeks) == 12 and report.weeks[0].start == period_start(12, NOW).date()
    assert sum(w.opened for w in report.weeks) == 4 and sum(w.published for w in report.weeks) == 3
    two_weeks_ago, one_week_ago, this_week = report.weeks[-3:]
    # opened on Monday two weeks ago, two published that week (2 and 4 days later), one the next (10 days)
    assert (two_weeks_ago.opened, two_weeks_ago.published) == (3, 2)
    assert one_week_ago.published == 1 and this_week.opened == 1


def test_time_to_publish_has_its_median_and_quartiles(desk):
    spread = build_report(weeks=12, now=NOW).time_to_publish
    assert (spread.count, spread.low, spread.median, spread.high) == (3, 2, 4, 10)
    assert (spread.first_quartile, spread.third_quartile) == (3, 7)


def test_verdicts_are_counted_by_kind_and_people_by_their_work(desk):
    report = build_report(weeks=12, now=NOW)
    by_kind = {row.kind: row.counts["false"] for row in report.verdicts}
    assert by_kind == {"quantity": 2, "quote": 1}
    people = {p.username: (p.created, p.published, p.reviewed) for p in report.people}
    assert people == {"rev": (0, 3, 3)}  # the factory's claims have no "created" event; publishing is reviewing


def test_a_shorter_period_leaves_older_work_out(desk):
    report = build_report(weeks=1, now=NOW)
    assert [w.opened for w in report.weeks] == [1] and report.time_to_publish is None and report.verdicts == []


def test_the_page_shows_charts_and_tables_for_reviewers(client, reviewer, desk):
    client.force_login(reviewer)
    response = client.get("/desk/report/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 3 and "<script" not in html
    assert '<td class="median">4.0</td>' in html
    assert "/desk/report/weeks.csv?weeks=12" in html


def test_the_period_is_chosen_from_a_fixed_list(client, reviewer):
    client.force_login(reviewer)
    assert len(client.get("/desk/report/?weeks=4").context["report"].weeks) == 4
    assert len(client.get("/desk/report/?weeks=7").context["report"].weeks) == 12  # not offered: the default
    assert len(client.get("/desk/report/?weeks=-1").context["report"].weeks) == 12


def test_each_table_downloads_as_csv_with_the_same_numbers(client, reviewer, desk):
    client.force_login(reviewer)
    response = client.get("/desk/report/time-to-publish.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))
    assert dict(zip(header, row, strict=True)) == {
        "claims": "3",
        "min_days": "2.0",
        "q1_days": "3.0",
        "median_days": "4.0",
        "q3_days": "7.0",
        "max_days": "10.0",
    }
    weeks = list(
        csv.DictReader(
            io.StringIO(b"".join(client.get("/desk/report/weeks.csv").streaming_content).decode("utf-8-sig"))
        )
    )
    assert len(weeks) == 12 and sum(int(w["published"]) for w in weeks) == 3
    verdicts = b"".join(client.get("/desk/report/verdicts.csv").streaming_content).decode("utf-8-sig")
    assert "quantity,0,0,0,0,2,0,2" in verdicts.replace("\r", "")
    assert client.get("/desk/report/nothing.csv").status_code == 404


def test_the_report_is_for_reviewers_and_admins(client, editor, admin_user):
    client.force_login(editor)
    assert client.get("/desk/report/").status_code == 403
    assert client.get("/desk/report/people.csv").status_code == 403
    client.force_login(admin_user)
    assert client.get("/desk/report/").status_code == 200


def test_the_dashboard_links_the_report_for_reviewers_only(client, editor, reviewer):
    client.force_login(reviewer)
    assert 'href="/desk/report/"' in client.get("/desk/").content.decode()
    client.force_login(editor)
    assert 'href="/desk/report/"' not in client.get("/desk/").content.decode()


def test_queries_do_not_grow_with_the_number_of_claims(client, editor, reviewer, django_assert_max_num_queries):
    client.force_login(reviewer)

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/desk/report/").status_code == 200
        return len(context.captured_queries)

    start = period_start(1, NOW) - timedelta(days=20)
    published_claim(editor, reviewer, created=start, days_to_publish=1)
    few = queries()
    for days in range(2, 8):
        published_claim(editor, reviewer, created=start, days_to_publish=days, kind="quote")
    assert queries() == few
    # session, user, roles (the page's and the report's), then: opened per week, history per week, time to
    # publish, verdicts by kind, work per person
    with django_assert_max_num_queries(9):
        client.get("/desk/report/")


# French stands for every locale that writes decimals with a comma: right in a label, wrong in an SVG coordinate
# ("328,4"). The desk's Arabic writes 4.0 (project/formats/ar).
@pytest.mark.parametrize("language, median", [("en", "4.0"), ("ar", "4.0"), ("fr", "4,0")])
def test_svg_coordinates_stay_numbers_and_labels_are_localized(reviewer, desk, language, median):
    request = RequestFactory().get("/desk/report/")
    request.user = reviewer
    request.session = {}
    with translation.override(language):
        html = desk_report(request).content.decode()
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svg)
        assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?(%)?", c) for c in coordinates), coordinates
    assert f'<td class="median">{median}</td>' in html
    spread_svg = html[html.index('<figure class="spread-chart">') :]
    assert f">{median}</text>" in spread_svg


@given(st.lists(st.tuples(st.text(max_size=5), st.lists(st.integers(0, 10**6), min_size=3, max_size=3)), max_size=20))
def test_every_bar_stands_on_the_axis_inside_the_plot(groups):
    chart = bar_layout(groups, series=["a", "b", "c"])
    if not groups:
        assert chart is None
        return
    for group in chart.groups:
        for bar in group.bars:
            assert chart.plot_left <= bar.x and bar.x + bar.width <= chart.plot_right + 0.5
            assert chart.plot_top - 0.5 <= bar.y and abs(bar.y + bar.height - chart.axis_y) <= 0.2
    tallest = max((b for g in chart.groups for b in g.bars), key=lambda b: b.value)
    assert all(b.height <= tallest.height for g in chart.groups for b in g.bars)
