"""Lay out every source's estimate of a quantity on one number line, for a server-rendered SVG (no JS)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal


@dataclass(frozen=True)
class Estimate:
    label: str
    value: Number | None = None
    lower: Number | None = None
    upper: Number | None = None
    approximate: bool = False
    stance: str = ""


@dataclass(frozen=True)
class Row:
    label: str
    text: str  # the estimate in words and digits, e.g. "≈ 2,000 (1,500–3,000)"
    y: float
    x: float | None  # the value's position; None when the source gives only a range
    x1: float | None  # the range, when the source gives one (an open side runs to the chart's edge)
    x2: float | None
    open_low: bool
    open_high: bool
    approximate: bool
    stance: str


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: float
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    unit: str


def layout(
    estimates: list[Estimate], *, unit: str = "", width: int = 560, row_height: int = 30, label_width: int = 190
) -> Chart | None:
    """Positions (in SVG user units) of each estimate's value and range on a shared axis with round ticks;
    None when no estimate has a number."""
    numbered = [e for e in estimates if _numbers(e)]
    if not numbered:
        return None
    low, high = _domain([n for e in numbered for n in _numbers(e)])
    ticks = _ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    left, right = label_width, width - 24

    def position(number: Number) -> float:
        return round(left + (float(number) - low) / (high - low) * (right - left), 1)

    def at(number: Number | None) -> float | None:
        return None if number is None else position(number)

    rows = []
    for index, estimate in enumerate(numbered):
        has_range = estimate.lower is not None or estimate.upper is not None
        rows.append(
            Row(
                label=estimate.label,
                text=describe(estimate),
                y=12 + index * row_height + row_height / 2,
                x=at(estimate.value),
                x1=at(estimate.lower) if estimate.lower is not None else (left if has_range else None),
                x2=at(estimate.upper) if estimate.upper is not None else (right if has_range else None),
                open_low=has_range and estimate.lower is None,
                open_high=has_range and estimate.upper is None,
                approximate=estimate.approximate,
                stance=estimate.stance,
            )
        )
    axis_y = 12 + len(rows) * row_height + 6
    return Chart(
        width=width,
        height=round(axis_y + 28),
        plot_left=left,
        plot_right=right,
        axis_y=axis_y,
        rows=tuple(rows),
        ticks=tuple(Tick(position(t), format_number(t)) for t in ticks),
        unit=unit,
    )


def describe(estimate: Estimate) -> str:
    parts = []
    if estimate.value is not None:
        parts.append(("≈ " if estimate.approximate else "") + format_number(estimate.value))
    if estimate.lower is not None or estimate.upper is not None:
        low = format_number(estimate.lower) if estimate.lower is not None else "…"
        high = format_number(estimate.upper) if estimate.upper is not None else "…"
        span = f"{low}–{high}"
        parts.append(f"({span})" if parts else ("≈ " if estimate.approximate else "") + span)
    return " ".join(parts)


def format_number(number: Number) -> str:
    value = float(number)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _numbers(estimate: Estimate) -> list[float]:
    return [float(n) for n in (estimate.value, estimate.lower, estimate.upper) if n is not None]


def _domain(numbers: list[float]) -> tuple[float, float]:
    low, high = min(numbers), max(numbers)
    if low >= 0 and low <= high / 2:
        low = 0.0  # counts read best from zero unless they all sit far from it
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = (max(0.0, low - pad) if low >= 0 else low - pad), high + pad
    return low, high


def _ticks(low: float, high: float, wanted: int = 5) -> list[float]:
    step = _nice_step((high - low) / wanted)
    first = math.floor(low / step) * step
    ticks: list[float] = []
    tick = first
    while tick < high + step / 2:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def _nice_step(raw: float) -> float:
    power: float = 10 ** math.floor(math.log10(raw))  # int ** int is typed Any (a negative power is a float)
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


# Bar charts (the desk report) ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    series: int  # index into BarChart.series, for its legend
    colour: str
    value: Number
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Group:
    label: str
    x: float  # the centre of the group, where its label sits
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    axis_y: float
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]  # on the vertical axis: Tick.x holds the y coordinate
    series: tuple[tuple[str, str], ...]  # (name, colour)


#: Colours of a chart's series when it names none: distinct for the colour-blind (Okabe and Ito).
SERIES_COLOURS = ("#0072b2", "#009e73", "#d55e00", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442", "#000000")


def bar_layout(
    groups: list[tuple[str, list[Number]]],
    *,
    series: list[str],
    colours: list[str] | None = None,
    width: int = 640,
    height: int = 220,
    left: int = 40,
) -> BarChart | None:
    """Grouped bars, one group per label (a week, a kind) and in each one bar per series, on a shared vertical axis
    from zero with round ticks; positions in SVG user units. None when there is no group."""
    if not groups:
        return None
    palette = list(colours or SERIES_COLOURS)
    top, axis_y, right = 12, height - 28, width - 12
    high = max([float(v) for _, values in groups for v in values] + [0.0])
    ticks = _ticks(0.0, high) if high > 0 else [0.0, 1.0]
    if ticks[-1] < high:  # _ticks may stop a little short of the top value: the tallest bar stays inside
        ticks.append(round(ticks[-1] + (ticks[1] - ticks[0]), 10))
    top_value = max(ticks[-1], 1.0)

    def y_of(value: float) -> float:
        return round(axis_y - value / top_value * (axis_y - top), 1)

    slot = (right - left) / len(groups)
    bar_width = max(1.0, slot * 0.8 / max(1, len(series)))
    laid = []
    for index, (label, values) in enumerate(groups):
        start = left + index * slot + slot * 0.1
        bars = tuple(
            Bar(
                series=i,
                colour=palette[i % len(palette)],
                value=value,
                x=round(start + i * bar_width, 1),
                y=y_of(float(value)),
                width=round(bar_width, 1),
                height=round(axis_y - y_of(float(value)), 1),
            )
            for i, value in enumerate(values)
        )
        laid.append(Group(label=label, x=round(left + index * slot + slot / 2, 1), bars=bars))
    return BarChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        axis_y=axis_y,
        groups=tuple(laid),
        ticks=tuple(Tick(y_of(t), format_number(t)) for t in ticks if t <= top_value),
        series=tuple((name, palette[i % len(palette)]) for i, name in enumerate(series)),
    )
