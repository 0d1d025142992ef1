"""The estimates chart: every source's figure and range on one number line, drawn on the server as SVG."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from claims.charts import Estimate, describe, layout
from tests.factories import ClaimFactory, EvidenceFactory

numbers = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
estimates = st.builds(
    Estimate,
    label=st.text(max_size=10),
    value=st.none() | numbers,
    lower=st.none() | numbers,
    upper=st.none() | numbers,
    approximate=st.booleans(),
)


@given(st.lists(estimates, max_size=8))
def test_every_mark_lies_inside_the_plot(given_estimates):
    chart = layout(given_estimates)
    if chart is None:
        assert all(e.value is None and e.lower is None and e.upper is None for e in given_estimates)
        return
    for row in chart.rows:
        for x in (row.x, row.x1, row.x2):
            assert x is None or chart.plot_left <= x <= chart.plot_right
    assert [t.x for t in chart.ticks] == sorted(t.x for t in chart.ticks)


@given(numbers, numbers)
def test_a_larger_estimate_sits_further_right(a, b):
    chart = layout([Estimate("a", value=a), Estimate("b", value=b)])
    first, second = chart.rows
    if a < b:
        assert first.x <= second.x


def test_ranges_and_values_share_one_axis():
    chart = layout(
        [
            Estimate("UN panel", value=Decimal(2000), approximate=True),
            Estimate("Reuters", lower=Decimal(800), upper=Decimal(1200)),
            Estimate("Ministry", lower=Decimal(3000)),
        ]
    )
    un, reuters, ministry = chart.rows
    assert reuters.x is None and reuters.x1 < reuters.x2 < un.x < ministry.x1
    assert ministry.open_high and ministry.x2 == chart.plot_right
    assert chart.ticks[0].text == "0" and [r.text for r in chart.rows] == ["≈ 2,000", "800–1,200", "3,000–…"]


def test_a_value_with_its_range_reads_as_both():
    assert describe(Estimate("x", value=2000, lower=1500, upper=3000)) == "2,000 (1,500–3,000)"


def test_no_estimates_draw_no_chart():
    assert layout([Estimate("x")]) is None


@pytest.mark.django_db
def test_claim_page_chart_is_plain_svg_with_every_source():
    claim = ClaimFactory(kind="quantity")
    EvidenceFactory(claim=claim, estimate_value=2000, estimate_approximate=True, estimate_unit="fighters")
    EvidenceFactory(claim=claim, estimate_lower=800, estimate_upper=1200, estimate_unit="fighters")
    EvidenceFactory(claim=claim)
    html = Template("{% load estimates %}{% estimates_chart claim %}").render(Context({"claim": claim}))
    assert html.count("<circle") == 1 and "<svg" in html and "<script" not in html
    assert "≈ 2,000" in html and "800–1,200" in html and "fighters" in html


def test_chart_coordinates_stay_numbers_in_the_arabic_interface(client, demo):
    """Arabic formats decimals with a comma; SVG coordinates written that way ("328,4") break the chart."""
    import re

    from claims.models import Claim

    claim = Claim.objects.get(kind="quantity")
    html = client.get("/ar" + claim.public_url).content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?", c) for c in coordinates), coordinates
