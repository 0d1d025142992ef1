"""The series chart: every estimate of one quantity over time, laid out for a server-drawn SVG."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.series_chart import GROUPS, MAX_MARKS, Point, describe, layout

days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1))
numbers = st.none() | st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def points(draw):
    start, end = sorted([draw(days), draw(days)])
    return Point(
        start=start,
        end=end,
        value=draw(numbers),
        lower=draw(numbers),
        upper=draw(numbers),
        approximate=draw(st.booleans()),
        source=draw(st.booleans()),
    )


# Generation, not the layout, is what a loaded machine slows down: a health check about speed says nothing here.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(points(), max_size=8))
def test_every_mark_lies_inside_the_plot(given_points):
    chart = layout(given_points)
    if chart is None:
        assert all(not p.numbers() for p in given_points)
        return
    for mark in chart.marks:
        assert chart.left <= mark.x1 <= mark.x2 <= chart.right and chart.left <= mark.x <= chart.right
        for y in (mark.y, mark.y1, mark.y2):
            assert y is None or chart.top <= y <= chart.bottom


def test_a_later_estimate_sits_further_right_and_a_larger_one_higher():
    early = Point(dt.date(2019, 1, 1), dt.date(2019, 1, 1), value=800)
    late = Point(dt.date(2020, 6, 1), dt.date(2020, 6, 1), value=2000)
    first, second = layout([late, early]).marks
    assert first.x < second.x and first.y > second.y  # SVG's y grows downwards


def test_a_period_spans_its_years_and_a_range_is_a_vertical_bar():
    chart = layout([Point(dt.date(2018, 1, 1), dt.date(2020, 12, 31), lower=800, upper=1200, source=True)])
    (mark,) = chart.marks
    assert mark.x1 < mark.x < mark.x2 and mark.y is None and mark.y1 > mark.y2
    assert {"2018", "2019", "2020"} <= {t.text for t in chart.x_ticks}


def test_sources_for_the_same_period_are_drawn_beside_the_claim():
    when = dt.date(2019, 1, 1)
    claim, source = layout([Point(when, when, value=2000), Point(when, when, value=2000, source=True)]).marks
    assert source.x > claim.x and source.y == claim.y


def test_labels_use_the_given_number_format_and_positions_stay_plain_numbers():
    chart = layout(
        [Point(dt.date(2019, 1, 1), dt.date(2019, 1, 1), value=Decimal(1200))], number_text="<{:.0f}>".format
    )
    assert all(t.text.startswith("<") for t in chart.y_ticks)
    assert all(isinstance(t.position, float) for t in chart.y_ticks)


def test_approximate_figures_read_with_a_tilde():
    assert describe(Point(dt.date(2019, 1, 1), dt.date(2019, 1, 1), value=2000, approximate=True)) == "≈ 2,000"
    assert describe(Point(dt.date(2019, 1, 1), dt.date(2019, 1, 1), lower=800, upper=1200)) == "800–1,200"


def test_ten_thousand_estimates_are_drawn_as_a_bounded_number_of_groups():
    many = [
        Point(dt.date(2015, 1, 1) + dt.timedelta(days=n % 2000), dt.date(2015, 1, 1) + dt.timedelta(days=n % 2000),
              value=1000 + n % 900, source=n % 3 == 0)
        for n in range(10_000)
    ]  # fmt: skip
    chart = layout(many)
    assert chart.grouped and chart.estimates == 10_000
    assert len(chart.marks) <= 2 * GROUPS and sum(m.count for m in chart.marks) == 10_000


def test_a_few_estimates_are_each_drawn():
    few = [Point(dt.date(2019, 1, 1), dt.date(2019, 1, 1), value=n) for n in range(MAX_MARKS)]
    chart = layout(few)
    assert not chart.grouped and len(chart.marks) == MAX_MARKS
