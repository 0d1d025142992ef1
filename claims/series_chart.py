"""Lay out every estimate of one quantity over time, for a server-rendered SVG (no JS): time runs along x, the
count up y. A claim's figure sits at its as-of date, or spans its period; a range is a vertical bar.

Bounded in bytes whatever the number of estimates: past ``MAX_MARKS`` the estimates are grouped into
``GROUPS`` slices of time (claims and sources apart), each drawn as the median with the spread of its figures.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace

from claims.charts import Number, _domain, _ticks, format_number
from claims.workflow import VERDICTS

#: Above this many estimates, the chart draws groups, not points (the table and the CSV keep every one).
MAX_MARKS = 150
#: How many slices of time the grouped chart draws, for the claims and for the sources each.
GROUPS = 60


@dataclass(frozen=True)
class Point:
    """One estimate: a claim's own figure (``source`` False) or a source's, from its evidence."""

    start: dt.date
    end: dt.date
    value: Number | None = None
    lower: Number | None = None
    upper: Number | None = None
    approximate: bool = False
    source: bool = False
    verdict: str = ""

    def numbers(self) -> list[float]:
        return [float(n) for n in (self.value, self.lower, self.upper) if n is not None]


@dataclass(frozen=True)
class Mark:
    x: float  # the date's position (the middle of a period)
    x1: float  # the period, when there is one (x1 == x2 for a single date)
    x2: float
    y: float | None  # the figure; None when only a range is given
    y1: float | None  # the range (or a group's spread)
    y2: float | None
    approximate: bool
    source: bool
    verdict: str
    count: int  # 1, or how many estimates a group stands for
    text: str  # in words, for the tooltip

    @property
    def colour(self) -> str:
        """The verdict's colour (claims.workflow), or plain ink for a source's estimate or a group."""
        verdict = VERDICTS.get(self.verdict)
        return verdict.colour if verdict and not self.source else "currentColor"

    @property
    def y_line(self) -> float:
        """Where a period's horizontal bar runs: at the figure, else at the range's middle."""
        if self.y is not None:
            return self.y
        return round(((self.y1 or 0.0) + (self.y2 or 0.0)) / 2, 1)


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class TimeChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    marks: tuple[Mark, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    unit: str
    estimates: int
    grouped: bool


def layout(
    points: list[Point],
    *,
    unit: str = "",
    number_text: Callable[[float], str] = format_number,
    width: int = 720,
    height: int = 300,
) -> TimeChart | None:
    """SVG positions of every estimate; None when none has a number. ``number_text`` writes the labels' numbers
    (the caller localizes them); positions are plain floats, never localized."""
    points = [p for p in points if p.numbers()]
    if not points:
        return None
    low, high = _domain([n for p in points for n in p.numbers()])
    y_values = _ticks(low, high)
    low, high = min(low, y_values[0]), max(high, y_values[-1])
    first = min(p.start for p in points).toordinal()
    last = max(p.end for p in points).toordinal()
    if last - first < 60:
        first, last = first - 183, last + 183  # a single date (or a short span) sits in the middle of a year
    pad = round((last - first) * 0.05)  # no mark on the plot's very edge
    first, last = first - pad, last + pad
    left, right, top, bottom = 64, width - 16, 16, height - 40

    def x_at(day: dt.date) -> float:
        return round(left + (day.toordinal() - first) / (last - first) * (right - left), 1)

    def y_at(number: float) -> float:
        return round(bottom - (number - low) / (high - low) * (bottom - top), 1)

    grouped = len(points) > MAX_MARKS
    if grouped:
        marks = _grouped(points, first, last, x_at, y_at, number_text)
    else:
        marks = _spread(
            [_mark(p, x_at, y_at, number_text) for p in sorted(points, key=lambda p: (p.start, p.source))], right
        )
    return TimeChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        marks=tuple(marks),
        x_ticks=tuple(Tick(x_at(day), str(day.year)) for day in _year_ticks(first, last)),
        y_ticks=tuple(Tick(y_at(v), number_text(v)) for v in y_values),
        unit=unit,
        estimates=len(points),
        grouped=grouped,
    )


def describe(point: Point, number_text: Callable[[float], str] = format_number) -> str:
    """The estimate in digits: "≈ 2,000", "800–1,200", "2,000 (1,500–3,000)"."""
    approx = "≈ " if point.approximate else ""
    value = f"{approx}{number_text(float(point.value))}" if point.value is not None else ""
    if point.lower is None and point.upper is None:
        return value
    span = "–".join(number_text(float(n)) if n is not None else "…" for n in (point.lower, point.upper))
    return f"{value} ({span})" if value else f"{approx}{span}"


def period_text(point: Point) -> str:
    if point.start == point.end:
        return point.start.isoformat()
    return f"{point.start.isoformat()} – {point.end.isoformat()}"


def _mark(point: Point, x_at, y_at, number_text) -> Mark:
    has_range = point.lower is not None or point.upper is not None
    numbers = point.numbers()
    x1, x2 = x_at(point.start), x_at(point.end)
    return Mark(
        x=round((x1 + x2) / 2, 1),
        x1=x1,
        x2=x2,
        y=y_at(float(point.value)) if point.value is not None else None,
        y1=y_at(min(numbers)) if has_range else None,
        y2=y_at(max(numbers)) if has_range else None,
        approximate=point.approximate,
        source=point.source,
        verdict=point.verdict,
        count=1,
        text=f"{describe(point, number_text)} · {period_text(point)}",
    )


#: How far apart (SVG units) the sources' estimates for one period are drawn, beside the claim's own figure.
SOURCE_STEP = 14.0


def _spread(marks: list[Mark], right: float) -> list[Mark]:
    """Draw the sources' estimates for the same period side by side, right of the claim's figure, so that a
    source agreeing with the claim does not hide under it."""
    seen: dict[tuple[float, float], int] = {}
    spread = []
    for mark in marks:
        if mark.source:
            n = seen.get((mark.x1, mark.x2), 0) + 1
            seen[(mark.x1, mark.x2)] = n
            mark = replace(mark, x=min(right, round(mark.x + n * SOURCE_STEP, 1)))
        spread.append(mark)
    return spread


def _grouped(points: list[Point], first: int, last: int, x_at, y_at, number_text) -> list[Mark]:
    """One mark per slice of time and kind (claim or source): the median figure, the spread of all figures."""
    size = (last - first) / GROUPS
    slices: dict[tuple[bool, int], list[Point]] = {}
    for point in points:
        middle = (point.start.toordinal() + point.end.toordinal()) / 2
        index = min(GROUPS - 1, int((middle - first) / size))
        slices.setdefault((point.source, index), []).append(point)
    marks = []
    for (source, index), members in sorted(slices.items(), key=lambda item: (item[0][1], item[0][0])):
        numbers = [n for p in members for n in p.numbers()]
        middles = [float(p.value) if p.value is not None else statistics.fmean(p.numbers()) for p in members]
        start = dt.date.fromordinal(round(first + index * size))
        end = dt.date.fromordinal(round(first + (index + 1) * size))
        x1, x2 = x_at(start), x_at(end)
        lowest, highest = min(numbers), max(numbers)
        marks.append(
            Mark(
                x=round((x1 + x2) / 2, 1),
                x1=x1,
                x2=x2,
                y=y_at(statistics.median(middles)),
                y1=y_at(lowest),
                y2=y_at(highest),
                approximate=False,
                source=source,
                verdict="",
                count=len(members),
                text=f"{len(members)} × {number_text(lowest)}–{number_text(highest)} · {start.year}",
            )
        )
    return marks


def _year_ticks(first: int, last: int) -> list[dt.date]:
    start, end = dt.date.fromordinal(first), dt.date.fromordinal(last)
    years = list(range(start.year + (0 if start == dt.date(start.year, 1, 1) else 1), end.year + 1))
    if not years:
        return [dt.date.fromordinal((first + last) // 2)]
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 1000) if len(years) / s <= 8)
    return [dt.date(year, 1, 1) for year in years if year % step == 0] or [dt.date(years[0], 1, 1)]
